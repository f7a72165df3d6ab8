//! [`ScanFindings`]: what a scan hands the writer, as the model's types, one file's row at
//! a time. The writer never sees how a scan keeps its state; a producer (the batch
//! pipeline, later the server and the stream workers) implements this over its own tables,
//! borrowing from them, so millions of rows are formatted without being copied first.

use disrupt_model::{
    AccountRisk, CitedRecord, Edge, EvidenceEdge, MessageStage, NamedAccount, NetworksDocument, ProvenanceLink, TargetLink,
};

/// An edge's endpoints, signal and strength: what the graph files need of it.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeLink<'a> {
    /// The smaller account id.
    pub source: std::borrow::Cow<'a, str>,
    /// The larger account id.
    pub target: std::borrow::Cow<'a, str>,
    /// The signal.
    pub signal: disrupt_model::Signal,
    /// Co-actions weighted by rarity.
    pub weight: f64,
    /// This signal's p-value.
    pub p_value: f64,
    /// The pair's p-value with every signal fused.
    pub pair_p_value: f64,
}

/// Every file of a scan's output, row by row. Rows are addressed by index so the writer
/// can format chunks of them on every core and write them in order.
pub trait ScanFindings: Sync {
    /// `networks.json`.
    fn networks_document(&self, generated_at: &str) -> NetworksDocument;

    /// Rows of `edges.csv`, which are also the lines of `evidence.jsonl`.
    fn edge_count(&self) -> usize;
    /// Row `i` of `edges.csv`.
    fn edge(&self, i: usize) -> Edge<'_>;
    /// Row `i` of `edges.csv` without its record ids, for the graph files: a producer
    /// whose [`ScanFindings::edge`] looks ids up gives this without them.
    fn edge_link(&self, i: usize) -> EdgeLink<'_> {
        let e = self.edge(i);
        EdgeLink {
            source: e.source,
            target: e.target,
            signal: e.signal,
            weight: e.weight,
            p_value: e.p_value,
            pair_p_value: e.pair_p_value,
        }
    }
    /// Line `i` of `evidence.jsonl` (the same edge as row `i` of `edges.csv`).
    fn evidence_edge(&self, i: usize) -> EvidenceEdge<'_>;

    /// Lines of `records.jsonl`: every record `evidence.jsonl` cites, once.
    fn cited_record_count(&self) -> usize;
    /// Line `i` of `records.jsonl`.
    fn cited_record(&self, i: usize) -> CitedRecord<'_>;

    /// Lines of `provenance.jsonl`.
    fn provenance_link_count(&self) -> usize;
    /// Line `i` of `provenance.jsonl`.
    fn provenance_link(&self, i: usize) -> ProvenanceLink;

    /// Lines of `accounts.jsonl`.
    fn account_risk_count(&self) -> usize;
    /// Line `i` of `accounts.jsonl`.
    fn account_risk(&self, i: usize) -> AccountRisk;

    /// Lines of `stages.jsonl`.
    fn message_stage_count(&self) -> usize;
    /// Line `i` of `stages.jsonl`.
    fn message_stage(&self, i: usize) -> MessageStage;

    /// Every account a network names (members, operators, targets): `accounts.csv` and
    /// the graph files' nodes, sorted by network and account.
    fn named_accounts(&self) -> Vec<NamedAccount>;
    /// Members and the targets they exchanged messages with (the graph files' target edges).
    fn target_links(&self) -> Vec<TargetLink>;

    /// Whether the scan is short of memory (its detector state spilled): the files are
    /// then written one group after the other, not side by side.
    fn short_of_memory(&self) -> bool;
}
