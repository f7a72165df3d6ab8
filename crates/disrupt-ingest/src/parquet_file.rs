//! Parquet files (the format of data warehouses and of pandas, Polars and Spark exports),
//! through the `parquet` crate's row reader (no Arrow: it would double the build).
//!
//! Columns carry the contract's names (`kind` may be left out: rows are then posts), or
//! are mapped with `--columns` exactly as a CSV's are. Row groups are read one at a time,
//! so memory holds one row group's pages, not the file. A row that breaks the contract is
//! rejected with its row number (from 1) as its line; a row group that cannot be decoded
//! is one reject and the next is read.
//!
//! Values are converted as a JSON reader would see them: strings as they are, integers as
//! numbers (ids are read as their digits), timestamps and dates as RFC 3339, lists as
//! arrays, structs as objects (`metrics`, the items of `objects`). Through `--columns`, a
//! list becomes a list cell (`[a, b]`).

use crate::csv_util::Row as CsvRow;
use crate::mapped_csv::RowMapper;
use crate::reader::{Counted, IngestOptions, Prepare};
use disrupt_records::{format_rfc3339, record_from_json};
use parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use parquet::record::{Field, Row};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// The first (and last) four bytes of every Parquet file.
pub const PARQUET_MAGIC: [u8; 4] = *b"PAR1";

/// Bytes of one row group (uncompressed, as its metadata says) past which it is refused
/// rather than decoded: a row group is held whole while its rows are read.
const MAX_ROW_GROUP_BYTES: i64 = 1 << 30;

/// Reads every row of a Parquet file. Errors (with line 0) only when the file's footer
/// cannot be read; a broken row group or row is a reject.
///
/// The `parquet` crate panics on some malformed files (an `unwrap` in its metadata
/// decoder, found by this crate's fuzz target within seconds). Such a panic is contained
/// here and ends the file with one reject naming the row reached, so that no file can stop
/// a run; its message is not printed ([`contained`]).
pub(crate) fn read<P: Prepare, R: ChunkReader + 'static>(
    chunks: R,
    options: &IngestOptions,
    out: &mut Counted<'_, P>,
) -> Result<(), (String, u64)> {
    let mut rows_read = 0u64;
    match contained(|| read_rows(chunks, options, out, &mut rows_read)) {
        Ok(result) => result,
        Err(message) => Err((
            format!("malformed Parquet: its reader failed after {rows_read} rows ({message}); the rest of the file is not read"),
            rows_read + 1,
        )),
    }
}

thread_local! {
    /// Set while a panic is being contained on this thread: the panic hook stays quiet.
    static CONTAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into an error carrying the panic's message. The
/// panic hook in place (the default one prints to standard error) is not called for it.
fn contained<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(|c| c.get()) {
                previous(info);
            }
        }));
    });
    CONTAINING.with(|c| c.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINING.with(|c| c.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
    })
}

fn read_rows<P: Prepare, R: ChunkReader + 'static>(
    chunks: R,
    options: &IngestOptions,
    out: &mut Counted<'_, P>,
    rows_read: &mut u64,
) -> Result<(), (String, u64)> {
    check_footer(&chunks).map_err(|e| (format!("malformed Parquet footer: {e}; the file is not read"), 0))?;
    let reader = SerializedFileReader::new(chunks).map_err(|e| (format!("cannot read the Parquet footer: {e}"), 0))?;
    let columns = options.columns.as_ref();
    let mut mapper = columns.map(|c| RowMapper::new(c, options, &out.file));
    let names: Vec<String> =
        reader.metadata().file_metadata().schema_descr().root_schema().get_fields().iter().map(|f| f.name().to_ascii_lowercase()).collect();
    if let Some(columns) = columns {
        for (field, column) in &columns.fields {
            if !names.contains(column) {
                out.reject(0, format!("--columns maps `{field}` to `{column}`, which is not a column of this file"), String::new());
            }
        }
    }
    let header: HashMap<String, usize> = names.iter().enumerate().map(|(i, n)| (n.clone(), i)).collect();
    let mut row_number = 0u64;
    for group in 0..reader.num_row_groups() {
        let meta = reader.metadata().row_group(group);
        let first_row = row_number + 1;
        if meta.total_byte_size() > MAX_ROW_GROUP_BYTES {
            row_number += meta.num_rows().max(0) as u64;
            out.reject(
                first_row,
                format!(
                    "row group {group} holds {} bytes, over the {MAX_ROW_GROUP_BYTES} a row group may hold; its rows are not read",
                    meta.total_byte_size()
                ),
                String::new(),
            );
            continue;
        }
        // Opening a row group fails as one reject, whichever step fails.
        let group_reader = reader.get_row_group(group).map_err(|e| e.to_string());
        let opened = group_reader.as_ref().map_err(String::clone).and_then(|g| {
            check_dictionaries(g.as_ref(), meta.num_columns())?;
            g.get_row_iter(None).map_err(|e| e.to_string())
        });
        let rows = match opened {
            Ok(rows) => rows,
            Err(e) => {
                row_number += meta.num_rows().max(0) as u64;
                out.reject(first_row, format!("row group {group} cannot be read: {e}"), String::new());
                continue;
            }
        };
        for row in rows {
            row_number += 1;
            *rows_read = row_number - 1;
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    // The rest of a row group whose pages do not decode cannot be found.
                    out.reject(row_number, format!("row group {group} breaks off: {e}"), String::new());
                    break;
                }
            };
            let result = match &mut mapper {
                Some(mapper) => {
                    let cells: Vec<String> = names.iter().map(|name| cell_of(&row, name)).collect();
                    let fields: Vec<&str> = cells.iter().map(String::as_str).collect();
                    mapper.map(&CsvRow::new(&header, fields))
                }
                None => record_from_json(contract_object(&row), options.timezone).map(|r| vec![r]).map_err(|e| e.to_string()),
            };
            match result {
                Ok(records) => records.into_iter().for_each(|r| out.record(r, row_number)),
                Err(e) => out.reject(row_number, e, excerpt(&row)),
            }
        }
    }
    Ok(())
}

/// A row under the contract's names, as a JSON object: a row without `kind` is a post.
fn contract_object(row: &Row) -> Value {
    let mut object: Map<String, Value> =
        row.get_column_iter().filter(|(_, f)| !matches!(f, Field::Null)).map(|(name, f)| (name.to_ascii_lowercase(), json_of(f))).collect();
    object.entry("kind").or_insert_with(|| Value::String("post".into()));
    Value::Object(object)
}

/// Footers past this are refused: real files' footers are kilobytes to a few megabytes.
const MAX_FOOTER_BYTES: u64 = 256 << 20;

/// Checks the footer's frame before the `parquet` crate decodes it, for a clear reject: a
/// footer longer than the file, or than any real one. Inside it, the crate (from 60.0,
/// apache/arrow-rs#10979) bounds each list by the bytes left: before, four bytes of a 4 KB
/// file declared an 8 GB schema (found by this crate's fuzz target, now a seed).
fn check_footer<R: ChunkReader>(chunks: &R) -> Result<(), String> {
    let len = chunks.len();
    if len < 12 {
        return Err("the file is too short to hold one".into());
    }
    let tail = chunks.get_bytes(len - 8, 8).map_err(|e| e.to_string())?;
    if tail[4..8] != PARQUET_MAGIC {
        return Err("the file does not end with PAR1 (truncated, or encrypted)".into());
    }
    let footer_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if footer_len > len - 12 {
        return Err(format!("it says it is {footer_len} bytes, more than the file holds"));
    }
    if footer_len > MAX_FOOTER_BYTES {
        return Err(format!("{footer_len} bytes, over the {MAX_FOOTER_BYTES} a footer may hold"));
    }
    Ok(())
}

/// Checks each column's dictionary page before rows are decoded: the `parquet` crate
/// (60.2) sizes a dictionary by the count its page header claims, so 3 KB of a fuzzed file
/// asked for 24 GB. A value takes at least one bit, so a dictionary cannot hold more values
/// than eight times its bytes.
fn check_dictionaries(group: &dyn parquet::file::reader::RowGroupReader, columns: usize) -> Result<(), String> {
    for column in 0..columns {
        let mut pages = group.get_column_page_reader(column).map_err(|e| e.to_string())?;
        if let Some(parquet::column::page::Page::DictionaryPage { buf, num_values, .. }) =
            pages.get_next_page().map_err(|e| e.to_string())?
        {
            if u64::from(num_values) > (buf.len() as u64).saturating_mul(8) {
                return Err(format!("column {column}'s dictionary claims {num_values} values in {} bytes", buf.len()));
            }
        }
    }
    Ok(())
}

/// A value as JSON would carry it.
fn json_of(field: &Field) -> Value {
    let float = |f: f64| Number::from_f64(f).map_or(Value::Null, Value::Number);
    match field {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(n) => Value::from(*n),
        Field::Short(n) => Value::from(*n),
        Field::Int(n) => Value::from(*n),
        Field::Long(n) => Value::from(*n),
        Field::UByte(n) => Value::from(*n),
        Field::UShort(n) => Value::from(*n),
        Field::UInt(n) => Value::from(*n),
        Field::ULong(n) => Value::from(*n),
        Field::Float16(n) => float(f64::from(*n)),
        Field::Float(n) => float(f64::from(*n)),
        Field::Double(n) => float(*n),
        Field::Str(s) => Value::String(s.clone()),
        Field::TimestampMillis(ms) => Value::String(format_rfc3339(*ms)),
        Field::TimestampMicros(us) => Value::String(format_rfc3339(us.div_euclid(1000))),
        Field::Date(days) => Value::String(format_rfc3339(i64::from(*days) * 86_400_000)),
        Field::Group(row) => {
            Value::Object(row.get_column_iter().filter(|(_, f)| !matches!(f, Field::Null)).map(|(k, f)| (k.clone(), json_of(f))).collect())
        }
        Field::ListInternal(list) => Value::Array(list.elements().iter().map(json_of).collect()),
        Field::MapInternal(map) => Value::Object(map.entries().iter().map(|(k, v)| (text_of(k), json_of(v))).collect()),
        // Decimals, byte arrays and times of day: as text (the contract has no such field).
        other => Value::String(text_of(other)),
    }
}

/// A value as a CSV cell would hold it (empty for null; a list as `[a, b]`).
fn text_of(field: &Field) -> String {
    match field {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Bytes(b) => String::from_utf8_lossy(b.data()).into_owned(),
        Field::TimestampMillis(_) | Field::TimestampMicros(_) | Field::Date(_) => match json_of(field) {
            Value::String(s) => s,
            other => other.to_string(),
        },
        Field::ListInternal(list) => format!("[{}]", list.elements().iter().map(text_of).collect::<Vec<_>>().join(", ")),
        Field::Group(_) | Field::MapInternal(_) => json_of(field).to_string(),
        other => other.to_string(),
    }
}

/// The cell under `name` (lower-cased) of a row.
fn cell_of(row: &Row, name: &str) -> String {
    row.get_column_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, f)| text_of(f)).unwrap_or_default()
}

/// A rejected row, as the JSON it was read as (cut like every reject excerpt).
fn excerpt(row: &Row) -> String {
    crate::reader::excerpt_bytes(contract_object(row).to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footers_that_do_not_fit_are_refused() {
        let mut short = b"PAR1".to_vec();
        short.extend_from_slice(&[0, 0, 0, 0, 0x10, 0, 0, 0]);
        short.extend_from_slice(b"PAR1");
        assert!(check_footer(&bytes::Bytes::from(short)).unwrap_err().contains("more than the file holds"));
        let mut cut = b"PAR1".to_vec();
        cut.extend_from_slice(&[0; 12]);
        assert!(check_footer(&bytes::Bytes::from(cut)).unwrap_err().contains("does not end with PAR1"));
        let mut ok = b"PAR1".to_vec();
        ok.extend_from_slice(&[0x15, 0x04, 0x00, 3, 0, 0, 0]);
        ok.extend_from_slice(b"PAR1");
        assert_eq!(check_footer(&bytes::Bytes::from(ok)), Ok(()));
    }

    #[test]
    fn values_read_as_json_and_as_cells() {
        assert_eq!(json_of(&Field::TimestampMillis(1_767_225_600_000)), Value::String("2026-01-01T00:00:00Z".into()));
        assert_eq!(json_of(&Field::TimestampMicros(1_767_225_600_000_001)), Value::String("2026-01-01T00:00:00Z".into()));
        assert_eq!(json_of(&Field::Date(20_454)), Value::String("2026-01-01T00:00:00Z".into()));
        assert_eq!(json_of(&Field::Long(26_899)), Value::from(26_899));
        assert_eq!(json_of(&Field::Double(f64::NAN)), Value::Null);
        assert_eq!(text_of(&Field::Long(26_899)), "26899");
        assert_eq!(text_of(&Field::Str("a, b".into())), "a, b");
        assert_eq!(text_of(&Field::Null), "");
        assert_eq!(text_of(&Field::Bool(true)), "true");
    }
}
