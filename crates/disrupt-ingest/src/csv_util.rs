//! What every CSV reader shares: streaming rows with line numbers, UTF-8 checks, header
//! lookup by name, and the cell conventions of real exports (list literals, float counts).

use crate::reader::{excerpt_bytes, Counted, Prepare};
use disrupt_records::Record;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::rc::Rc;

/// What the row loop and its input share: where lines start (the CSV parser counts a CRLF
/// line's end only when it reads on, so its line numbers ran one early), and how far the
/// parser has read past the last whole record (an unclosed quote would otherwise make the
/// rest of the file one record, held in memory).
#[derive(Default)]
struct Tracking {
    /// Bytes read from the input.
    read: u64,
    /// Offsets of the newlines read but not yet passed by a record.
    newlines: VecDeque<u64>,
    /// Newlines passed.
    lines_before: u64,
    /// Where the last whole record ended.
    boundary: u64,
}

impl Tracking {
    /// The line (from 1) of a record that starts at `offset`, which no earlier call passed.
    /// With CRLF endings the parser puts a record's start on the previous line's `\n`
    /// (it ends a record at the `\r`), so a newline at the offset itself is before it.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|&n| n <= offset) {
            self.newlines.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }
}

/// The input, counted and bounded for [`for_each_row`].
struct Tracked<R> {
    inner: R,
    tracking: Rc<RefCell<Tracking>>,
    /// Bytes the parser may read past the last whole record.
    limit: u64,
}

/// The error a record over the size limit stops its file with.
const TOO_LONG: &str = "record too long";

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut t = self.tracking.borrow_mut();
        if t.read.saturating_sub(t.boundary) > self.limit {
            return Err(std::io::Error::other(TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        let start = t.read;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            t.newlines.push_back(start + i as u64);
        }
        t.read += n as u64;
        Ok(n)
    }
}

/// One CSV row, its cells looked up by (lower-cased, trimmed) header name.
pub(crate) struct Row<'a> {
    header: &'a HashMap<String, usize>,
    fields: Vec<&'a str>,
}

impl<'a> Row<'a> {
    /// A row of `fields` under `header` (column name, lower-cased, -> position).
    pub fn new(header: &'a HashMap<String, usize>, fields: Vec<&'a str>) -> Self {
        Row { header, fields }
    }

    /// The cell under `name`, trimmed; `None` when the column is absent or the cell empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = *self.header.get(name)?;
        let v = self.fields.get(i)?.trim();
        if v.is_empty() {
            None
        } else {
            Some(v)
        }
    }

    /// The cell under `name`, untrimmed (text keeps its spacing).
    pub fn raw(&self, name: &str) -> Option<&str> {
        let i = *self.header.get(name)?;
        self.fields.get(i).copied()
    }

    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("missing required column value `{name}`"))
    }
}

/// Streams rows through `map`, which returns the records a row stands for.
///
/// A record longer than `max_record_bytes` (usually an unclosed quote, which runs to the
/// end of the file) stops the file with an error naming its line: where the next record
/// starts cannot be known, and reading on would hold the rest of the file in memory.
pub(crate) fn for_each_row<P: Prepare>(
    reader: impl Read,
    max_record_bytes: usize,
    out: &mut Counted<'_, P>,
    mut map: impl FnMut(&Row<'_>) -> Result<Vec<Record>, String>,
) -> Result<HashMap<String, usize>, (String, u64)> {
    let tracking = Rc::new(RefCell::new(Tracking::default()));
    // The parser's own buffer (8 KiB) reads ahead of the record it parses.
    let limit = max_record_bytes as u64 + (64 << 10);
    let tracked = Tracked { inner: reader, tracking: tracking.clone(), limit };
    let mut csv_reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(tracked);
    let header: HashMap<String, usize> = match csv_reader.byte_headers() {
        Ok(h) => h
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let name = String::from_utf8_lossy(name);
                (name.trim_start_matches('\u{feff}').trim().to_ascii_lowercase(), i)
            })
            .collect(),
        Err(e) => return Err((format!("cannot read the CSV header: {e}"), 1)),
    };
    tracking.borrow_mut().boundary = csv_reader.position().byte();
    let width = header.len();
    let mut record = csv::ByteRecord::new();
    loop {
        match csv_reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let mut t = tracking.borrow_mut();
                let at = t.boundary;
                let line = t.line_at(e.position().map_or(at, |p| p.byte()));
                if let csv::ErrorKind::Io(io) = e.kind() {
                    if io.to_string() == TOO_LONG {
                        return Err((
                            format!("a record from this line on is over {max_record_bytes} bytes (an unclosed quote?); the rest of the file is not read"),
                            t.line_at(at),
                        ));
                    }
                    return Err((format!("read error: {e}"), line));
                }
                drop(t);
                tracking.borrow_mut().boundary = csv_reader.position().byte();
                out.reject(line, format!("malformed CSV: {e}"), String::new());
                continue;
            }
        }
        let line = {
            let mut t = tracking.borrow_mut();
            let start = record.position().map_or(t.boundary, |p| p.byte());
            t.boundary = csv_reader.position().byte();
            t.line_at(start)
        };
        let excerpt = || excerpt_bytes(&join_fields(&record));
        if record.len() != width {
            if record.len() == 1 && record.get(0).is_some_and(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue; // a blank line
            }
            out.reject(line, format!("row has {} fields, the header has {}", record.len(), width), excerpt());
            continue;
        }
        let mut fields = Vec::with_capacity(record.len());
        let mut bad = None;
        for (i, f) in record.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s),
                Err(_) => {
                    bad = Some(i);
                    break;
                }
            }
        }
        if let Some(i) = bad {
            let name = header.iter().find(|(_, &j)| j == i).map(|(n, _)| n.as_str()).unwrap_or("?");
            out.reject(line, format!("invalid UTF-8 in column `{name}`"), excerpt());
            continue;
        }
        let row = Row { header: &header, fields };
        match map(&row) {
            Ok(records) => {
                for r in records {
                    out.record(r, line);
                }
            }
            Err(e) => out.reject(line, e, excerpt()),
        }
    }
    Ok(header)
}

fn join_fields(record: &csv::ByteRecord) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in record.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(f);
    }
    out
}

/// A list cell as real exports write it: `[a, b]`, `['a', 'b']`, `["a"]`, `a b`, `[]` or empty.
pub(crate) fn parse_list(cell: Option<&str>) -> Vec<String> {
    let Some(cell) = cell else { return Vec::new() };
    let t = cell.trim();
    if t.is_empty() || t == "[]" {
        return Vec::new();
    }
    let items: Vec<&str> =
        if t.starts_with('[') && t.ends_with(']') { t[1..t.len() - 1].split(',').collect() } else { t.split_whitespace().collect() };
    items.into_iter().map(|i| i.trim().trim_matches(|c| c == '\'' || c == '"').trim()).filter(|i| !i.is_empty()).map(String::from).collect()
}

/// A count written as `12`, `12.0` or empty.
pub(crate) fn parse_count(cell: Option<&str>, name: &str) -> Result<Option<u64>, String> {
    let Some(c) = cell else { return Ok(None) };
    if let Ok(v) = c.parse::<u64>() {
        return Ok(Some(v));
    }
    match c.parse::<f64>() {
        Ok(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Ok(Some(f as u64)),
        _ => Err(format!("column `{name}`: expected a count, got `{c}`")),
    }
}

/// `true`/`True`/`1` or `false`/`False`/`0`.
pub(crate) fn parse_bool(cell: Option<&str>) -> Option<bool> {
    match cell?.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "t" => Some(true),
        "false" | "0" | "no" | "f" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_cells_in_every_form() {
        assert_eq!(parse_list(Some("[http://a.com/x, http://b.com]")), vec!["http://a.com/x", "http://b.com"]);
        assert_eq!(parse_list(Some("['uno', 'dos']")), vec!["uno", "dos"]);
        assert_eq!(parse_list(Some("http://a.com http://b.com")), vec!["http://a.com", "http://b.com"]);
        assert!(parse_list(Some("[]")).is_empty());
        assert!(parse_list(Some("")).is_empty());
        assert!(parse_list(None).is_empty());
    }

    #[test]
    fn counts_and_bools() {
        assert_eq!(parse_count(Some("0.0"), "x").unwrap(), Some(0));
        assert_eq!(parse_count(Some("132"), "x").unwrap(), Some(132));
        assert!(parse_count(Some("-1"), "x").is_err());
        assert_eq!(parse_bool(Some("True")), Some(true));
        assert_eq!(parse_bool(Some("false")), Some(false));
    }
}
