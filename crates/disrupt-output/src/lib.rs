//! Output: the files of the data contract, written atomically (a crash leaves the old file
//! or the new one, never half of one), and read back for `disrupt explain`.
//!
//! - `networks.json`: findings, chain of custody, every parameter.
//! - `edges.csv`: account-account evidence edges with significance.
//! - `evidence.jsonl`: for every edge, the matched record pairs with times and texts.
//! - `rejects.jsonl`: every rejected input record.
//! - `provenance.jsonl`, `accounts.jsonl`: posts linked to model outputs; AI-account risk.
//! - `stages.jsonl`: every message's scam-funnel stage.

pub mod atomic;
pub mod edges;
pub mod explain;
pub mod link_files;
pub mod networks_json;
pub mod rejects;
pub mod scan_files;

pub use atomic::AtomicFile;
pub use edges::{cited_ids, edge_rows, write_edges, write_evidence, EdgeRow};
pub use explain::{explain_account, ExplainError};
pub use link_files::{write_accounts, write_provenance, write_stages};
pub use networks_json::{networks_document, write_networks};
pub use rejects::RejectWriter;
pub use scan_files::{write_scan_outputs, Written};
