//! Output: the files of the data contract, written atomically (a crash leaves the old file
//! or the new one, never half of one) from any producer's [`ScanFindings`], and read back,
//! typed, for `disrupt explain`. This crate knows the output model only, not how a scan
//! keeps its state.
//!
//! - `networks.json`: findings, chain of custody, every parameter.
//! - `edges.csv`: account-account evidence edges with significance.
//! - `evidence.jsonl`: for every edge, the matched record pairs with times and texts.
//! - `rejects.jsonl`: every rejected input record.
//! - `provenance.jsonl`, `accounts.jsonl`: posts linked to model outputs; AI-account risk.
//! - `stages.jsonl`: every message's scam-funnel stage.
//! - `accounts.csv`, `graph.gexf`, `graph.graphml`: every account a network names, as a
//!   table and as a graph for Gephi and graph libraries.

#![forbid(unsafe_code)]

pub mod atomic;
pub mod edges;
pub mod explain;
pub mod findings;
pub mod graph;
pub mod line_files;
pub mod networks_json;
pub mod rejects;
pub mod scan_files;
pub mod set;
pub mod terminal;

pub use atomic::AtomicFile;
pub use edges::{write_edges, write_evidence};
pub use explain::{explain, explain_account, ExplainError};
pub use findings::{EdgeLink, ScanFindings};
pub use graph::{write_named_accounts, AccountGraph};
pub use line_files::{write_accounts, write_provenance, write_stages};
pub use networks_json::write_networks;
pub use rejects::RejectWriter;
pub use scan_files::{write_scan_outputs, OutputOptions, Written};
