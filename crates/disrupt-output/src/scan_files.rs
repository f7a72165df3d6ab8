//! Every output file of a scan, written side by side: the files are independent, and the
//! evidence files of a large scan are most of the output time.

use crate::edges::{cited_ids, edge_rows, write_edges, write_evidence};
use crate::link_files::{write_accounts, write_provenance, write_stages};
use crate::networks_json::{networks_document, write_networks};
use disrupt_pipeline::ScanResult;
use std::io;
use std::path::Path;

/// What was written, for the scan summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Rows of `edges.csv`.
    pub edges: usize,
}

/// Writes `networks.json`, `edges.csv`, `evidence.jsonl`, `records.jsonl`,
/// `provenance.jsonl`, `accounts.jsonl` and `stages.jsonl` into `dir`.
pub fn write_scan_outputs(dir: &Path, result: &ScanResult, generated_at: &str) -> io::Result<Written> {
    let rows = edge_rows(&result.detection, &result.accounts, &result.networks);
    let edge_files = || {
        let id_of = cited_ids(&rows, &result.posts);
        let (edges, evidence) = rayon::join(
            || write_edges(&dir.join("edges.csv"), &rows, &id_of),
            || write_evidence(&dir.join("evidence.jsonl"), &dir.join("records.jsonl"), &rows, &result.posts, &result.accounts, &id_of),
        );
        edges.and(evidence)
    };
    let other_files = || -> io::Result<()> {
        write_networks(&dir.join("networks.json"), &networks_document(result, generated_at))?;
        write_provenance(&dir.join("provenance.jsonl"), result)?;
        write_accounts(&dir.join("accounts.jsonl"), result)?;
        write_stages(&dir.join("stages.jsonl"), result)
    };
    // Side by side, the two groups' peaks add up (at 8.9M posts under a 1,280 MiB limit, by
    // enough to be killed). A scan whose detector state spilled is short of memory, not of
    // cores: there they run one after the other.
    let (evidence, rest) = if result.spilled {
        let rest = other_files();
        (edge_files(), rest)
    } else {
        rayon::join(edge_files, other_files)
    };
    evidence.and(rest)?;
    Ok(Written { edges: rows.len() })
}
