//! The disrupt library API: one call runs the pipeline
//! ingest -> normalize -> detect -> link -> networks -> assess on a set of input files.
//!
//! The CLI and (later) the server are thin shells over [`scan`]. Outputs are written by
//! `disrupt-output`; this crate only computes.

// Unsafe code here is confined to a few audited spots (SIMD, memory maps, prefetch and
// allocator hints), each with a SAFETY comment.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod calibrate;
pub mod co_share;
pub mod corpus;
pub mod findings;
pub mod impact;
pub mod key_table;
pub mod memory;
pub mod prepare;
pub mod scan;
pub mod settings;

pub use corpus::{Corpus, CorpusStats};
pub use disrupt_detect::DetectConfig;
pub use disrupt_evidence::SignalConfig;
pub use findings::Findings;
pub use scan::{
    collect_input_files, default_signal_settings, load, scan, signal_descriptions, Loaded, ScanConfig, ScanError, ScanObserver, ScanResult,
    StageTiming,
};
pub use settings::{MemoryBudget, ScanSettings, SettingsError};
