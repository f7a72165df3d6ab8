//! Opening an input file: hashing for chain of custody, decompression, and dispatch to
//! the reader of its format.

use crate::detect::{detect_format, InputFormat};
use crate::parquet_file::PARQUET_MAGIC;
use crate::reader::{Counted, IngestEvent, IngestOptions, KeepRecords, Prepare, Reject};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Per-file chain of custody and counts.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSummary {
    /// The file, as named.
    pub path: String,
    /// SHA-256 of its bytes as stored.
    pub sha256: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// Records read.
    pub records: u64,
    /// Records rejected.
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

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

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
    if path == Path::new(STDIN_PATH) {
        // Standard input streams like a file (`zcat export.gz | disrupt scan - ...`).
        return ingest_reader_prepared(BufReader::with_capacity(1 << 20, io::stdin().lock()), display_name, options, prepare, sink);
    }
    let open_error = |source| IngestError::Open { path: display_name.to_string(), source };
    let mut file = File::open(path).map_err(open_error)?;
    let mut magic = [0u8; 4];
    let magic_len = read_up_to(&mut file, &mut magic).map_err(open_error)?;
    if magic_len == 4 && magic == PARQUET_MAGIC && matches!(options.format, None | Some(InputFormat::Parquet)) {
        // Parquet is read by offset (its index is at the end): the file itself, not a stream.
        let sha256 = file_sha256(&mut file).map_err(open_error)?;
        if let Some(progress) = &options.bytes_read {
            progress.store(file.metadata().map(|m| m.len()).unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
        }
        return Ok(read_parquet(file, display_name, sha256, options, prepare, sink));
    }
    file.seek(SeekFrom::Start(0)).map_err(open_error)?;
    ingest_reader_prepared(BufReader::with_capacity(1 << 20, file), display_name, options, prepare, sink)
}

/// SHA-256 of a whole file, read from its start.
fn file_sha256(file: &mut File) -> io::Result<String> {
    file.seek(SeekFrom::Start(0))?;
    let mut hashing = HashingReader { inner: BufReader::with_capacity(1 << 20, &mut *file), hasher: Sha256::new(), progress: None };
    io::copy(&mut hashing, &mut io::sink())?;
    Ok(hex::encode(hashing.hasher.finalize()))
}

/// Reads a Parquet file (or its bytes) whose hash is known.
fn read_parquet<P: Prepare, R: parquet::file::reader::ChunkReader + 'static>(
    chunks: R,
    display_name: &str,
    sha256: String,
    options: &IngestOptions,
    prepare: &P,
    sink: &mut dyn FnMut(IngestEvent<P::Out>),
) -> FileSummary {
    let mut counted = Counted::new(sink, prepare, display_name);
    if let Err((message, line)) = crate::parquet_file::read(chunks, options, &mut counted) {
        counted.reject(line, message, String::new());
    }
    counted.finish();
    let (records, rejected) = (counted.records, counted.rejected);
    FileSummary { path: display_name.to_string(), sha256, format: InputFormat::Parquet, records, rejected }
}

/// Parquet from a stream (standard input, a request body) is held in memory to be read by
/// offset; past this it must be given as a file.
const MAX_STREAMED_PARQUET_BYTES: u64 = 1 << 30;

/// The input path that stands for standard input.
pub const STDIN_PATH: &str = "-";

/// [`ingest_file`] over bytes in memory (a request body, a fuzzer's input): the same
/// detection, decompression and readers.
pub fn ingest_bytes(
    bytes: &[u8],
    display_name: &str,
    options: &IngestOptions,
    sink: &mut dyn FnMut(IngestEvent),
) -> Result<FileSummary, IngestError> {
    ingest_reader_prepared(bytes, display_name, options, &KeepRecords, sink)
}

/// [`ingest_file_prepared`] over any reader of the file's bytes as stored.
pub fn ingest_reader_prepared<P: Prepare, R: Read>(
    source: R,
    display_name: &str,
    options: &IngestOptions,
    prepare: &P,
    sink: &mut dyn FnMut(IngestEvent<P::Out>),
) -> Result<FileSummary, IngestError> {
    let mut hashing = HashingReader { inner: source, hasher: Sha256::new(), progress: options.bytes_read.clone() };
    let mut magic = [0u8; 4];
    let magic_len = read_up_to(&mut hashing, &mut magic).map_err(|source| IngestError::Open { path: display_name.to_string(), source })?;
    if magic_len == 4 && magic == PARQUET_MAGIC && matches!(options.format, None | Some(InputFormat::Parquet)) {
        let mut bytes = magic.to_vec();
        let read = (&mut hashing).take(MAX_STREAMED_PARQUET_BYTES).read_to_end(&mut bytes);
        let too_long = read.is_ok() && io::copy(&mut hashing, &mut io::sink()).is_ok_and(|rest| rest > 0);
        let sha256 = hex::encode(hashing.hasher.finalize());
        if let Err(e) = read {
            return Err(IngestError::Open { path: display_name.to_string(), source: e });
        }
        if too_long {
            let mut counted = Counted::new(sink, prepare, display_name);
            counted.reject(
                0,
                format!(
                    "a Parquet stream over {MAX_STREAMED_PARQUET_BYTES} bytes: give the file's path, which is read by offset, not held"
                ),
                String::new(),
            );
            counted.finish();
            let rejected = counted.rejected;
            return Ok(FileSummary { path: display_name.to_string(), sha256, format: InputFormat::Parquet, records: 0, rejected });
        }
        return Ok(read_parquet(bytes::Bytes::from(bytes), display_name, sha256, options, prepare, sink));
    }
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
        InputFormat::Parquet => Err(("--format parquet, but this is not a Parquet file (it does not start with PAR1)".to_string(), 0)),
        InputFormat::MappedCsv => match &options.columns {
            Some(columns) => crate::mapped_csv::read(&mut reader, columns, options, &mut counted),
            None => Err(("--format csv needs --columns".to_string(), 0)),
        },
    };
    if let Err((message, line)) = result {
        // A broken stream (truncated gzip, I/O error) ends this file, not the run.
        counted.reject(line, message, String::new());
    }
    counted.finish();
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
