//! Ingest: streaming readers that turn input files into contract records.
//!
//! Every reader streams (a file is never held whole in memory), accepts `.gz` and `.zst`
//! (detected from magic bytes), and hands each record, or each rejection with its file,
//! line and reason, to a sink in input order. Nothing an input contains may stop a run.
//!
//! Formats: canonical JSONL ([`jsonl`]), the Twitter/X Information Operations archive
//! tweets and users CSV ([`twitter_io`]), the coordination-network-toolkit CSV
//! ([`toolkit_csv`]), any CSV through a column mapping ([`mapped_csv`]), Telegram Desktop
//! exports ([`telegram`]) and Parquet ([`parquet_file`]). The format is detected from
//! content ([`detect`]) unless forced.

#![forbid(unsafe_code)]

mod columns;
mod csv_util;
pub mod detect;
pub mod jsonl;
pub mod mapped_csv;
pub mod parquet_file;
pub mod reader;
mod source;
pub mod telegram;
pub mod toolkit_csv;
pub mod twitter_io;

pub use columns::{ColumnMap, ColumnMapError, MAPPABLE_FIELDS};
pub use detect::{detect_format, InputFormat, UnknownFormat};
pub use reader::{IngestEvent, IngestOptions, KeepRecords, Prepare, Reject, MAX_REJECTS_LISTED, REJECT_EXCERPT_BYTES};
pub use source::{ingest_bytes, ingest_file, ingest_file_prepared, ingest_reader_prepared, FileSummary, IngestError, STDIN_PATH};
