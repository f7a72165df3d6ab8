//! Opening an input file: hashing for chain of custody, decompression, format
//! dispatch, and the sink every reader writes to.

use crate::detect::{detect_format, InputFormat};
use crate::mapped_csv::ColumnMap;
use disrupt_records::{PostView, Record, TimeZoneSetting};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

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
    Record { record: R, line: u64 },
    Reject(Reject),
}

/// Work done on each record on the threads that parse, before the record reaches the
/// sink (which sees records one at a time, in input order).
///
/// The next stage's per-record work belongs here: run where the record was just built,
/// it finds the record's bytes in cache, frees them on the thread that allocated them,
/// and spreads over every core instead of waiting for the sink.
pub trait Prepare: Sync {
    type Out: Send;
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

/// Per-file chain of custody and counts.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSummary {
    pub path: String,
    pub sha256: String,
    pub format: InputFormat,
    pub records: u64,
    pub rejected: u64,
}

/// Why a file could not be read at all (a bad record is a [`Reject`], never this).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Open {
        /// The file, as named to the reader.
        path: String,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// The file is not in a format disrupt reads.
    #[error("{path}: {source}")]
    Format {
        /// The file.
        path: String,
        /// What its content looked like.
        #[source]
        source: crate::detect::UnknownFormat,
    },
}

/// Longest excerpt of a rejected record kept in `rejects.jsonl`.
pub const REJECT_EXCERPT_BYTES: usize = 4096;

pub(crate) fn excerpt_bytes(bytes: &[u8]) -> String {
    let cut = bytes.len().min(REJECT_EXCERPT_BYTES);
    let mut s = String::from_utf8_lossy(&bytes[..cut]).into_owned();
    if bytes.len() > cut {
        s.push('…');
    }
    s
}

/// Sha256 of every byte read through it: the file as stored, before decompression.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if let Some(p) = &self.progress {
            p.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }
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
}

impl<'a, P: Prepare> Counted<'a, P> {
    pub fn new(sink: &'a mut dyn FnMut(IngestEvent<P::Out>), prepare: &'a P, file: &str) -> Self {
        Counted { sink, prepare, pending: Vec::new(), records: 0, rejected: 0, file: file.to_string() }
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
        (self.sink)(IngestEvent::Reject(Reject { file: self.file.clone(), line, error: error.into(), record }));
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

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Reads one file to the end, streaming every record or rejection into `sink`.
///
/// Errors only when the file cannot be opened or its format cannot be told; anything
/// wrong inside the file becomes a rejection and reading goes on where it can.
pub fn ingest_file(
    path: &Path,
    display_name: &str,
    options: &IngestOptions,
    sink: &mut dyn FnMut(IngestEvent),
) -> Result<FileSummary, IngestError> {
    ingest_file_prepared(path, display_name, options, &KeepRecords, sink)
}

/// [`ingest_file`], with each record passed through `prepare` on the parsing threads
/// before it reaches `sink`.
pub fn ingest_file_prepared<P: Prepare>(
    path: &Path,
    display_name: &str,
    options: &IngestOptions,
    prepare: &P,
    sink: &mut dyn FnMut(IngestEvent<P::Out>),
) -> Result<FileSummary, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Open { path: display_name.to_string(), source })?;
    let mut hashing =
        HashingReader { inner: BufReader::with_capacity(1 << 20, file), hasher: Sha256::new(), progress: options.bytes_read.clone() };
    let mut magic = [0u8; 4];
    let magic_len = read_up_to(&mut hashing, &mut magic).map_err(|source| IngestError::Open { path: display_name.to_string(), source })?;
    let raw = io::Cursor::new(magic[..magic_len].to_vec()).chain(&mut hashing);
    let decoded: Box<dyn Read + '_> = if magic_len >= 2 && magic[..2] == GZIP_MAGIC {
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else if magic_len == 4 && magic == ZSTD_MAGIC {
        Box::new(zstd::stream::read::Decoder::new(raw).map_err(|source| IngestError::Open { path: display_name.to_string(), source })?)
    } else {
        Box::new(raw)
    };
    let mut decoded = decoded;
    let mut head = vec![0u8; 64 << 10];
    let head_len = match read_up_to(&mut decoded, &mut head) {
        Ok(n) => n,
        Err(e) => {
            // Unreadable from the start (a truncated archive): one rejection, and the run goes on.
            drop(decoded);
            let _ = io::copy(&mut hashing, &mut io::sink());
            sink(IngestEvent::Reject(Reject {
                file: display_name.to_string(),
                line: 0,
                error: format!("cannot read the file: {e}"),
                record: String::new(),
            }));
            let format = options.format.clone().unwrap_or(InputFormat::Jsonl);
            return Ok(FileSummary {
                path: display_name.to_string(),
                sha256: hex::encode(hashing.hasher.finalize()),
                format,
                records: 0,
                rejected: 1,
            });
        }
    };
    head.truncate(head_len);
    let format = match &options.format {
        Some(f) => f.clone(),
        None => detect_format(&head, options.columns.is_some())
            .map_err(|source| IngestError::Format { path: display_name.to_string(), source })?,
    };
    let mut reader = BufReader::with_capacity(1 << 20, io::Cursor::new(head).chain(decoded));
    let mut counted = Counted::new(sink, prepare, display_name);
    let result = match &format {
        InputFormat::Jsonl => crate::jsonl::read(&mut reader, options, &mut counted),
        InputFormat::TwitterIoTweets | InputFormat::TwitterIoUsers => crate::twitter_io::read(&mut reader, &format, options, &mut counted),
        InputFormat::ToolkitCsv => crate::toolkit_csv::read(&mut reader, options, &mut counted),
        InputFormat::TelegramExport => crate::telegram::read(&mut reader, options, &mut counted),
        InputFormat::MappedCsv => match &options.columns {
            Some(columns) => crate::mapped_csv::read(&mut reader, columns, options, &mut counted),
            None => Err(("--format csv needs --columns".to_string(), 0)),
        },
    };
    if let Err((message, line)) = result {
        // A broken stream (truncated gzip, I/O error) ends this file, not the run.
        counted.reject(line, message, String::new());
    }
    counted.flush();
    // Drain what the reader did not consume so the hash covers the whole file.
    drop(reader);
    let _ = io::copy(&mut hashing, &mut io::sink());
    let (records, rejected) = (counted.records, counted.rejected);
    Ok(FileSummary { path: display_name.to_string(), sha256: hex::encode(hashing.hasher.finalize()), format, records, rejected })
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
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
