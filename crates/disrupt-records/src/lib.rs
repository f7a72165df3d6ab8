//! The disrupt data contract (`spec/records.md`, version 1) as Rust types.
//!
//! Every stage of the pipeline speaks these types: ingest produces them, detection
//! reads them, outputs cite their identifiers. Validation lives here too, so a record
//! that breaks the contract is rejected with the same message whatever format it came in.

#![forbid(unsafe_code)]

mod fast;
mod record;
mod strict_json;
mod time;
mod validate;

pub use fast::{account_from_json_fast, leading_kind, post_from_json_fast, post_view_from_json_fast, PostView};
pub use record::{Account, Generation, Label, LabelType, Message, MessageRole, Metrics, Post, Record, RecordKind, SharedObject};
pub use strict_json::parse_strict_json;
pub use time::{format_rfc3339, parse_time_str, parse_time_value, TimeError, TimeZoneSetting, Timestamp};
pub use validate::{normalize_lang_tag, record_from_json, RecordError};
