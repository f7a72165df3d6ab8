//! What every reader shares: the options files are read with, the events a reader emits
//! (records and rejects), the hook that prepares records on the parsing threads, the sink
//! that counts them, and identifier prefixes.

use crate::columns::ColumnMap;
use crate::detect::InputFormat;
use disrupt_records::{PostView, Record, TimeZoneSetting};
use rayon::prelude::*;

/// How files are read (the CLI's `--format`, `--columns`, `--platform`, `--timezone`).
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Forces a format instead of detecting it from content.
    pub format: Option<InputFormat>,
    /// Column mapping for arbitrary CSV (`--columns`).
    pub columns: Option<ColumnMap>,
    /// Platform for formats that carry none; identifiers are prefixed `platform:`.
    /// `None` means the format's default (`x` for Twitter-derived formats).
    pub platform: Option<String>,
    /// Zone for times written without one.
    pub timezone: TimeZoneSetting,
    /// Lines (records) longer than this are rejected without being held in memory.
    pub max_record_bytes: usize,
    /// Bytes of the file (as stored) read so far, for progress display.
    pub bytes_read: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        Self {
            format: None,
            columns: None,
            platform: None,
            timezone: TimeZoneSetting::default(),
            max_record_bytes: 1 << 20,
            bytes_read: None,
        }
    }
}

/// A record that broke the contract: where it was, why, and (an excerpt of) what it said
/// (a line of `rejects.jsonl`).
pub use disrupt_model::Reject;

/// What a reader hands to its sink, in input order: each record (as [`Prepare`] made it),
/// or each rejection.
// Records are the common case; boxing them would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum IngestEvent<R = Record> {
    /// A record read, with its line (or CSV row).
    Record {
        /// The record, prepared.
        record: R,
        /// Its line (or CSV row).
        line: u64,
    },
    /// A record rejected.
    Reject(Reject),
}

/// Work done on each record on the threads that parse, before the record reaches the
/// sink (which sees records one at a time, in input order).
///
/// The next stage's per-record work belongs here: run where the record was just built,
/// it finds the record's bytes in cache, frees them on the thread that allocated them,
/// and spreads over every core instead of waiting for the sink.
pub trait Prepare: Sync {
    /// What preparing a record makes.
    type Out: Send;
    /// Prepares one record (a general-path post, or any other kind).
    fn prepare(&self, record: Record) -> Self::Out;

    /// A post read by the JSON fast path, its strings still borrowed from the line: a
    /// stage that only reads them can skip building the owned record.
    fn prepare_post_view(&self, post: PostView<'_>) -> Self::Out {
        self.prepare(Record::Post(post.into_post()))
    }
}

/// Hands records on as read.
pub struct KeepRecords;

impl Prepare for KeepRecords {
    type Out = Record;
    fn prepare(&self, record: Record) -> Record {
        record
    }
}

/// Longest excerpt of a rejected record kept in `rejects.jsonl`.
pub const REJECT_EXCERPT_BYTES: usize = 4096;

/// At most [`REJECT_EXCERPT_BYTES`] of text (and an ellipsis when cut). Bytes that are not
/// UTF-8 become U+FFFD, three bytes each, so the text is cut again after the conversion.
pub(crate) fn excerpt_bytes(bytes: &[u8]) -> String {
    let cut = bytes.len().min(REJECT_EXCERPT_BYTES);
    let mut s = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    let mut cut_again = s.len() > REJECT_EXCERPT_BYTES;
    if cut_again {
        let mut end = REJECT_EXCERPT_BYTES;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    cut_again |= bytes.len() > cut;
    if cut_again {
        s.push('…');
    }
    s
}

/// Records a serial reader gathers before preparing them in parallel.
const PREPARE_BATCH: usize = 4096;

/// Where every reader writes: counts records and rejections and keeps them in input
/// order. Records from readers that parse one at a time are prepared in parallel batches
/// ([`Counted::record`]); the JSON Lines reader prepares its own as it parses.
pub(crate) struct Counted<'a, P: Prepare> {
    sink: &'a mut dyn FnMut(IngestEvent<P::Out>),
    prepare: &'a P,
    pending: Vec<(Record, u64)>,
    pub records: u64,
    pub rejected: u64,
    pub file: String,
    /// Rejects handed on (the rest are counted only).
    listed: u64,
}

/// Rejects of one file handed on to `rejects.jsonl`; past this they are counted, and one
/// line says how many were left out (a few kilobytes of a compressed bomb made 422 MB of
/// rejects before).
pub const MAX_REJECTS_LISTED: u64 = 1000;

impl<'a, P: Prepare> Counted<'a, P> {
    pub fn new(sink: &'a mut dyn FnMut(IngestEvent<P::Out>), prepare: &'a P, file: &str) -> Self {
        Counted { sink, prepare, pending: Vec::new(), records: 0, rejected: 0, file: file.to_string(), listed: 0 }
    }

    pub fn preparer(&self) -> &'a P {
        self.prepare
    }

    /// A record, to be prepared with the others of its batch.
    pub fn record(&mut self, record: Record, line: u64) {
        self.pending.push((record, line));
        if self.pending.len() >= PREPARE_BATCH {
            self.flush();
        }
    }

    /// A record already prepared (in input order: nothing may be pending).
    pub fn prepared(&mut self, record: P::Out, line: u64) {
        debug_assert!(self.pending.is_empty());
        self.records += 1;
        (self.sink)(IngestEvent::Record { record, line });
    }

    pub fn reject(&mut self, line: u64, error: impl Into<String>, record: String) {
        // Records read before this rejection reach the sink before it.
        self.flush();
        self.rejected += 1;
        if self.listed < MAX_REJECTS_LISTED {
            self.listed += 1;
            (self.sink)(IngestEvent::Reject(Reject { file: self.file.clone(), line, error: error.into(), record }));
        }
    }

    /// Hands on what is pending and, when rejects were left out, one line saying how many
    /// (line 0; it is not itself a reject: the file's count of rejects is the summary's).
    pub fn finish(&mut self) {
        self.flush();
        if self.rejected > self.listed {
            let left_out = self.rejected - self.listed;
            (self.sink)(IngestEvent::Reject(Reject {
                file: self.file.clone(),
                line: 0,
                error: format!(
                    "{left_out} more rejected records of this file are counted but not listed (at most {MAX_REJECTS_LISTED} a file)"
                ),
                record: String::new(),
            }));
        }
    }

    /// Prepares and hands on every pending record.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let prepare = self.prepare;
        let prepared: Vec<(P::Out, u64)> =
            std::mem::take(&mut self.pending).into_par_iter().map(|(r, line)| (prepare.prepare(r), line)).collect();
        for (record, line) in prepared {
            self.records += 1;
            (self.sink)(IngestEvent::Record { record, line });
        }
    }
}

pub(crate) fn platform_or(options: &IngestOptions, default: &str) -> String {
    options.platform.clone().unwrap_or_else(|| default.to_string())
}

/// `platform:local` unless the identifier is already prefixed with that platform.
pub(crate) fn prefixed(platform: &str, local: &str) -> String {
    let local = local.trim();
    if local.len() > platform.len() && local.starts_with(platform) && local.as_bytes()[platform.len()] == b':' {
        local.to_string()
    } else {
        format!("{platform}:{local}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_of_bytes_that_are_not_utf8_stays_within_the_limit() {
        // Found by the `ingest_jsonl` fuzz target: 0xFF bytes tripled the excerpt.
        for bytes in [vec![0xFFu8; 10_000], vec![0xFFu8; 2_000], [b'a'; 4095].iter().copied().chain([0xE2, 0x82]).collect()] {
            let e = excerpt_bytes(&bytes);
            assert!(e.len() <= REJECT_EXCERPT_BYTES + '…'.len_utf8(), "{} bytes", e.len());
        }
        assert_eq!(excerpt_bytes(b"short"), "short");
        assert!(excerpt_bytes(&[0xFF; 2_000]).ends_with('…'), "a cut excerpt says so");
    }
}
