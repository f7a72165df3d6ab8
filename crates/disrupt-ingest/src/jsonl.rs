//! Canonical JSON Lines: one record per line, parsed in parallel batches and handed on
//! in input order.

use crate::source::{excerpt_bytes, Counted, IngestOptions};
use disrupt_records::{record_from_json, Record};
use rayon::prelude::*;
use std::io::BufRead;

const BATCH_LINES: usize = 8192;
const BATCH_BYTES: usize = 16 << 20;

/// One physical line: its number, its bytes (possibly cut), and its full length.
struct Line {
    number: u64,
    bytes: Vec<u8>,
    full_len: usize,
}

/// Reads a line of at most `max` bytes into `buf`; longer lines are consumed to their
/// end but not kept. Returns the full length, or `None` at end of input.
pub(crate) fn read_bounded_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Option<usize>> {
    buf.clear();
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
        if buf.len() < max {
            let room = max - buf.len();
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

fn parse_line(line: &Line, options: &IngestOptions) -> Option<Result<Record, String>> {
    if line.full_len > options.max_record_bytes {
        return Some(Err(format!("line is {} bytes, over the limit of {} bytes per record", line.full_len, options.max_record_bytes)));
    }
    let mut bytes: &[u8] = &line.bytes;
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
    if let Err(e) = std::str::from_utf8(bytes) {
        return Some(Err(format!("invalid UTF-8 at byte {}", e.valid_up_to())));
    }
    if let Some(post) = disrupt_records::post_from_json_fast(bytes, options.timezone) {
        return Some(Ok(Record::Post(post)));
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Some(Err(format!("invalid JSON: {e}"))),
    };
    Some(record_from_json(value, options.timezone).map_err(|e| e.0))
}

pub(crate) fn read(reader: &mut impl BufRead, options: &IngestOptions, out: &mut Counted<'_>) -> Result<(), (String, u64)> {
    let mut number = 0u64;
    let mut batch: Vec<Line> = Vec::with_capacity(BATCH_LINES);
    let mut batch_bytes = 0usize;
    let mut buf = Vec::new();
    let keep = options.max_record_bytes.saturating_add(1);
    loop {
        let next = read_bounded_line(reader, &mut buf, keep).map_err(|e| (format!("read error: {e}"), number + 1))?;
        let at_end = next.is_none();
        if let Some(full_len) = next {
            number += 1;
            batch_bytes += buf.len();
            batch.push(Line { number, bytes: std::mem::take(&mut buf), full_len });
        }
        if at_end || batch.len() >= BATCH_LINES || batch_bytes >= BATCH_BYTES {
            let parsed: Vec<Option<Result<Record, String>>> = batch.par_iter().map(|l| parse_line(l, options)).collect();
            for (line, result) in batch.iter().zip(parsed) {
                match result {
                    None => {}
                    Some(Ok(record)) => out.record(record, line.number),
                    Some(Err(error)) => out.reject(line.number, error, excerpt_bytes(&line.bytes)),
                }
            }
            batch.clear();
            batch_bytes = 0;
        }
        if at_end {
            return Ok(());
        }
    }
}
