//! The disrupt output contract as types: what a scan writes, and what every reader of its
//! findings (evaluation, explanations, reports, cases, sharing, the server) reads back.
//!
//! - [`NetworksDocument`]: `networks.json`, with [`Network`]s, their [`Evidence`],
//!   [`NetworkFeatures`], [`Attachment`]s and [`Funnel`]s, and a `schema_version`
//!   ([`SCHEMA_VERSION`]): a minor bump adds optional fields only, a major bump breaks, and
//!   [`read::parse_networks`] refuses a major version it does not know.
//! - One type per line of the other files: [`Edge`] (`edges.csv`), [`EvidenceEdge`],
//!   [`CitedRecord`], [`ProvenanceLink`], [`AccountRisk`], [`MessageStage`], [`Reject`].
//! - [`Signal`]: the kinds of evidence, by name.
//!
//! Every type serializes both ways, and a file read and written again is the same bytes
//! (tests/round_trip.rs). Unknown fields are ignored when reading, so files of a newer minor
//! version still read. This crate computes nothing: producers fill these types, and the
//! file handling (atomic writes, one consistent set) is `disrupt-output`'s.
//!
//! ```
//! use disrupt_model::{Network, NetworkType, Signal};
//! let json = r#"{"id":"n-1","type":"spam","score":0.5,"accounts":["x:1","x:2"],
//!   "operator_accounts":[],"platforms":["x"],"signals":{"co_link":3},"evidence":[],
//!   "explanation":"...","features":{"evidence_strength":6.0,"density":1.0,
//!   "signals_present":1,"traits":{"created_known":0,"created_in_burst":0,
//!   "burst_span_days":0.0,"lookalike_handles":0,"lookalike_examples":[],"ratio_known":0,
//!   "median_follower_ratio":null,"low_follower_ratio":0},"traits_strength":0.0},
//!   "edges":1,"posts":6,"languages":{"en":6}}"#;
//! let n: Network = serde_json::from_str(json).unwrap();
//! assert_eq!(n.network_type, NetworkType::Spam);
//! assert_eq!(n.signals[&Signal::CO_LINK], 3);
//! ```

#![forbid(unsafe_code)]

mod document;
mod float;
mod impact;
mod lines;
mod network;
pub mod read;
mod signal;

pub use document::{Calibration, DetectionStats, InputFile, Inputs, NetworksDocument, SignalStats, SCHEMA_MAJOR, SCHEMA_VERSION};
pub use impact::{Baseline, DisarmTag, Distribution, Engagement, Impact, ReactionCounts, Reactions};
pub use lines::{
    AccountRisk, AccountRole, Amount, CitedRecord, Detail, Edge, EvidenceEdge, MatchedPair, MessageStage, NamedAccount, PromptExcerpt,
    ProvenanceLink, ProvenanceRole, Reject, Role, SharedItem, Stage, TargetLink, ACCOUNT_COLUMNS, EDGE_COLUMNS, MATCHES_IN_EVIDENCE,
    RECORDS_IN_CSV,
};
pub use network::{ActorTraits, Attachment, Evidence, Example, Funnel, Network, NetworkFeatures, NetworkType, StepAmount};
pub use read::{read_edges, read_jsonl, read_jsonl_all, read_networks};
pub use signal::{Signal, MAX_INTERNED};

use std::path::{Path, PathBuf};

/// Why a file of a scan could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A JSON document or line is not what the contract says.
    #[error("{}{}: {source}", path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "JSON".into()), if *line > 0 { format!(" line {line}") } else { String::new() })]
    Json {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The line of a JSON Lines file (0 for a whole document).
        line: u64,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
    /// `edges.csv` is not valid CSV.
    #[error("{}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// What the CSV reader said.
        #[source]
        source: csv::Error,
    },
    /// A row is valid CSV but not an edge.
    #[error("{} line {line}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Its line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A row that is not an edge (before its file is known).
    #[error("{0}")]
    Row(String),
    /// `networks.json` was written under a major schema version this build does not read.
    #[error("{}schema_version {found} is not one this disrupt reads ({supported}): read it with the disrupt that wrote it, or scan again", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    Schema {
        /// The file, when read from one.
        path: Option<PathBuf>,
        /// The file's version.
        found: String,
        /// This build's.
        supported: &'static str,
    },
    /// `networks.json` has no `schema_version` (written before versions were kept).
    #[error("{}no schema_version: written by a disrupt older than 0.2; scan again", path.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default())]
    NoSchema {
        /// The file, when read from one.
        path: Option<PathBuf>,
    },
    /// A signal name that is empty, too long, or one too many.
    #[error("signal `{0}` is not a name this disrupt can read")]
    UnknownSignal(String),
}

impl ModelError {
    /// The error with the file it came from, where it did not say.
    fn at(self, file: &Path) -> ModelError {
        match self {
            ModelError::Json { path: None, line, source } => ModelError::Json { path: Some(file.to_path_buf()), line, source },
            ModelError::Schema { path: None, found, supported } => ModelError::Schema { path: Some(file.to_path_buf()), found, supported },
            ModelError::NoSchema { path: None } => ModelError::NoSchema { path: Some(file.to_path_buf()) },
            other => other,
        }
    }
}
