//! Every output file of a scan, written side by side: the files are independent, and the
//! evidence files of a large scan are most of the output time.

use crate::edges::{write_edges, write_evidence};
use crate::findings::ScanFindings;
use crate::graph::{write_named_accounts, AccountGraph};
use crate::line_files::{write_accounts, write_provenance, write_stages};
use crate::networks_json::write_networks;
use disrupt_model::read::files;
use std::io;
use std::path::Path;

/// How the files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputOptions {
    /// Neutralise CSV cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`):
    /// for files an analyst opens in a spreadsheet, at the cost of ids that no longer match
    /// the source byte for byte.
    pub spreadsheet_safe: bool,
    /// Put the networks' targets in the graph files (`--graph-targets`), each joined to the
    /// members it exchanged messages with.
    pub graph_targets: bool,
}

/// What was written, for the scan summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Rows of `edges.csv`.
    pub edges: usize,
}

/// Writes `networks.json`, `edges.csv`, `evidence.jsonl`, `records.jsonl`,
/// `provenance.jsonl`, `accounts.jsonl`, `stages.jsonl`, `accounts.csv`, `graph.gexf` and
/// `graph.graphml` into `dir`.
pub fn write_scan_outputs(dir: &Path, findings: &impl ScanFindings, generated_at: &str, options: OutputOptions) -> io::Result<Written> {
    let edge_files = || {
        let (edges, evidence) = rayon::join(
            || write_edges(&dir.join(files::EDGES), findings, options.spreadsheet_safe),
            || write_evidence(&dir.join(files::EVIDENCE), &dir.join(files::RECORDS), findings),
        );
        edges.and(evidence)
    };
    let other_files = || -> io::Result<()> {
        let document = findings.networks_document(generated_at);
        write_networks(&dir.join(files::NETWORKS), &document)?;
        let named = findings.named_accounts();
        write_named_accounts(&dir.join(files::ACCOUNTS_CSV), &named, options.spreadsheet_safe)?;
        let scores = document.networks.iter().map(|n| (n.id.clone(), n.score)).collect();
        let graph = AccountGraph::new(findings, &named, scores, options.graph_targets);
        graph.write_gexf(&dir.join(files::GEXF))?;
        graph.write_graphml(&dir.join(files::GRAPHML))?;
        write_provenance(&dir.join(files::PROVENANCE), findings)?;
        write_accounts(&dir.join(files::ACCOUNTS), findings)?;
        write_stages(&dir.join(files::STAGES), findings)
    };
    // Side by side, the two groups' peaks add up (at 8.9M posts under a 1,280 MiB limit, by
    // enough to be killed). A scan whose detector state spilled is short of memory, not of
    // cores: there they run one after the other.
    let (evidence, rest) = if findings.short_of_memory() {
        let rest = other_files();
        (edge_files(), rest)
    } else {
        rayon::join(edge_files, other_files)
    };
    evidence.and(rest)?;
    Ok(Written { edges: findings.edge_count() })
}
