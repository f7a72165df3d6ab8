//! Canonical JSON Lines: one record per line, parsed in parallel batches and handed on
//! in input order.

use crate::reader::{excerpt_bytes, Counted, IngestOptions, Prepare};
use disrupt_records::{record_from_json, Record};
use rayon::prelude::*;
use std::io::BufRead;

const BATCH_LINES: usize = 8192;
const BATCH_BYTES: usize = 16 << 20;

/// One physical line: its number, where its bytes (possibly cut) lie in the batch's
/// buffer, and its full length.
struct Line {
    number: u64,
    range: std::ops::Range<usize>,
    full_len: usize,
}

/// Appends a line of at most `max` bytes to `buf`; longer lines are consumed to their
/// end but not kept whole. Returns the full length, or `None` at end of input.
///
/// A batch's lines share one buffer: a buffer per line cost an allocation and several
/// regrowths a record, on the one thread that reads.
pub(crate) fn read_bounded_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Option<usize>> {
    let start = buf.len();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if any { Some(total) } else { None });
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if buf.len() - start < max {
            let room = max - (buf.len() - start);
            buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        total += chunk.len();
        let consumed = done.unwrap_or(available.len());
        reader.consume(consumed);
        if done.is_some() {
            return Ok(Some(total));
        }
    }
}

/// Parses a line and prepares its record; `None` for a blank line.
fn parse_line<P: Prepare>(line: &Line, data: &[u8], options: &IngestOptions, prepare: &P) -> Option<Result<P::Out, String>> {
    if line.full_len > options.max_record_bytes {
        return Some(Err(format!("line is {} bytes, over the limit of {} bytes per record", line.full_len, options.max_record_bytes)));
    }
    let mut bytes: &[u8] = &data[line.range.clone()];
    if line.number == 1 {
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    }
    while let Some((last, rest)) = bytes.split_last() {
        if last.is_ascii_whitespace() {
            bytes = rest;
        } else {
            break;
        }
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Some(Err(format!("invalid UTF-8 at byte {}", e.valid_up_to()))),
    };
    // The fast paths read the common records without a JSON tree; a line they cannot read
    // in full (another kind, an extra field, a bad value) takes the general path below.
    match disrupt_records::leading_kind(text) {
        Some("account") => {
            if let Some(account) = disrupt_records::account_from_json_fast(text, options.timezone) {
                return Some(Ok(prepare.prepare(Record::Account(account))));
            }
        }
        Some(kind) if kind != "post" => {}
        _ => {
            if let Some(post) = disrupt_records::post_view_from_json_fast(text, options.timezone) {
                return Some(Ok(prepare.prepare_post_view(post)));
            }
        }
    }
    let value = match disrupt_records::parse_strict_json(text) {
        Ok(v) => v,
        Err(e) => return Some(Err(format!("invalid JSON: {e}"))),
    };
    Some(record_from_json(value, options.timezone).map(|record| prepare.prepare(record)).map_err(|e| e.0))
}

/// What parsing a batch gives, line by line: `None` for a blank line.
type Parsed<T> = Vec<Option<Result<T, String>>>;

/// Lines read together, parsed together.
struct Batch {
    lines: Vec<Line>,
    data: Vec<u8>,
}

/// Reads the next batch of lines into `batch` (a spent one, reused: a fresh 16 MiB buffer
/// a batch costs its pages' first touch every time). A read error ends the batch: the
/// lines before it are returned with the error, so nothing read is lost.
fn read_batch(reader: &mut impl BufRead, number: &mut u64, keep: usize, batch: Option<Batch>) -> (Batch, Option<String>) {
    let mut batch =
        batch.unwrap_or_else(|| Batch { lines: Vec::with_capacity(BATCH_LINES), data: Vec::with_capacity(BATCH_BYTES + (64 << 10)) });
    batch.lines.clear();
    batch.data.clear();
    while batch.lines.len() < BATCH_LINES && batch.data.len() < BATCH_BYTES {
        let start = batch.data.len();
        match read_bounded_line(reader, &mut batch.data, keep) {
            Ok(Some(full_len)) => {
                *number += 1;
                batch.lines.push(Line { number: *number, range: start..batch.data.len(), full_len });
            }
            Ok(None) => break,
            Err(e) => return (batch, Some(format!("read error: {e}"))),
        }
    }
    (batch, None)
}

fn emit<P: Prepare>(batch: &Batch, parsed: Parsed<P::Out>, out: &mut Counted<'_, P>) {
    for (line, result) in batch.lines.iter().zip(parsed) {
        match result {
            None => {}
            Some(Ok(record)) => out.prepared(record, line.number),
            Some(Err(error)) => out.reject(line.number, error, excerpt_bytes(&batch.data[line.range.clone()])),
        }
    }
}

/// Reads JSON Lines in batches: while one batch is parsed and prepared on the pool, this
/// thread hands the previous one to the sink and reads the next, so the serial work
/// (reading, hashing, the sink's bookkeeping) overlaps the parallel work instead of
/// leaving the pool idle.
pub(crate) fn read<P: Prepare>(reader: &mut impl BufRead, options: &IngestOptions, out: &mut Counted<'_, P>) -> Result<(), (String, u64)> {
    let mut number = 0u64;
    let keep = options.max_record_bytes.saturating_add(1);
    let prepare = out.preparer();
    let parse =
        |batch: &Batch| -> Parsed<P::Out> { batch.lines.par_iter().map(|l| parse_line(l, &batch.data, options, prepare)).collect() };
    let (mut current, mut error) = read_batch(reader, &mut number, keep, None);
    let mut previous: Option<(Batch, Parsed<P::Out>)> = None;
    loop {
        let at_end = error.is_some() || current.lines.is_empty();
        let mut parsed = None;
        let mut next = None;
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| parsed = Some(parse(&current)));
            let spent = previous.take().map(|(batch, results)| {
                emit(&batch, results, out);
                batch
            });
            if !at_end {
                next = Some(read_batch(reader, &mut number, keep, spent));
            }
        });
        let parsed = parsed.unwrap_or_default();
        match next {
            Some((batch, read_error)) => {
                previous = Some((std::mem::replace(&mut current, batch), parsed));
                error = read_error;
            }
            None => {
                emit(&current, parsed, out);
                return match error {
                    Some(message) => Err((message, number + 1)),
                    None => Ok(()),
                };
            }
        }
    }
}
