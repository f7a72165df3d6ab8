//! `edges.csv` and `evidence.jsonl`: one row per account pair and signal whose co-action
//! beat chance (or whose pair did, across signals, and this signal contributed).

use crate::atomic::AtomicFile;
use disrupt_detect::{Detection, PairEvidence, Signal};
use disrupt_networks::{AccountInfo, Network, PostStore};
use disrupt_records::format_rfc3339;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::io::{self, Write};
use std::path::Path;

/// Record ids listed in one `edges.csv` cell (the full list is in `evidence.jsonl`).
const RECORDS_IN_CSV: usize = 20;
/// Matched record pairs kept per edge in `evidence.jsonl`.
const MATCHES_IN_EVIDENCE: usize = 50;

/// One edge with its endpoints in output order (`source < target`).
pub struct EdgeRow<'a> {
    pub source: &'a str,
    pub target: &'a str,
    pub signal: Signal,
    pub evidence: &'a PairEvidence,
    pub pair_p_value: f64,
    /// Whether the evidence's `a` is the `source`.
    a_is_source: bool,
}

/// Rows for every pair that beat chance, and for the pairs behind group attachments
/// (`networks`' `attachments`), which are evidence only together.
pub fn edge_rows<'a>(detection: &'a Detection, accounts: &'a [AccountInfo], networks: &[Network]) -> Vec<EdgeRow<'a>> {
    let fused: FxHashMap<(u32, u32), &PairEvidence> = detection.fused.pairs.iter().map(|p| ((p.a, p.b), p)).collect();
    let attached: rustc_hash::FxHashSet<(&str, &str)> =
        networks.iter().flat_map(|n| n.attached_pairs()).map(|(x, y)| if x < y { (x, y) } else { (y, x) }).collect();
    let mut rows = Vec::new();
    for (signal, report) in &detection.signals {
        for p in &report.pairs {
            let pair = fused.get(&(p.a, p.b));
            let pair_significant = pair.is_some_and(|f| f.significant);
            let (x, y) = (accounts[p.a as usize].id.as_str(), accounts[p.b as usize].id.as_str());
            let a_is_source = x < y;
            let (source, target) = if a_is_source { (x, y) } else { (y, x) };
            if !(p.significant || pair_significant || attached.contains(&(source, target))) {
                continue;
            }
            rows.push(EdgeRow { source, target, signal: *signal, evidence: p, pair_p_value: pair.map_or(1.0, |f| f.p_value), a_is_source });
        }
    }
    rows.sort_by(|x, y| (x.source, x.target, x.signal).cmp(&(y.source, y.target, y.signal)));
    rows
}

fn sci(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else {
        format!("{p:.3e}")
    }
}

/// Rows formatted per chunk on every core, written in order.
const ROWS_PER_CHUNK: usize = 4096;

/// Record ids of every post an edge cites (`edges.csv` cites them all, `evidence.jsonl` the
/// first [`MATCHES_IN_EVIDENCE`] of each edge), read from the store once for both files.
pub fn cited_ids(rows: &[EdgeRow<'_>], posts: &PostStore) -> FxHashMap<u32, String> {
    let mut wanted: Vec<u32> = rows.iter().flat_map(|r| r.evidence.matches.iter().flat_map(|(x, y)| [*x, *y])).collect();
    wanted.par_sort_unstable();
    wanted.dedup();
    wanted.par_chunks(ROWS_PER_CHUNK).flat_map_iter(|chunk| chunk.iter().map(|&p| (p, posts.get_or_placeholder(p).id))).collect()
}

/// Formats `rows` chunk by chunk in parallel and writes the chunks in order.
fn write_rows_parallel<T: Sync>(
    out: &mut impl Write,
    rows: &[T],
    format: impl Fn(&T, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    write_chunks_parallel(out, rows, |chunk, buf| chunk.iter().try_for_each(|row| format(row, buf)))
}

/// [`write_rows_parallel`] for formats with per-chunk state (a CSV writer): `format`
/// appends a whole chunk of rows to the buffer.
fn write_chunks_parallel<T: Sync>(
    out: &mut impl Write,
    rows: &[T],
    format: impl Fn(&[T], &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    for group in rows.chunks(ROWS_PER_CHUNK * rayon::current_num_threads().max(1) * 4) {
        let buffers: Vec<io::Result<Vec<u8>>> = group
            .par_chunks(ROWS_PER_CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 256);
                format(chunk, &mut buf)?;
                Ok(buf)
            })
            .collect();
        for buf in buffers {
            out.write_all(&buf?)?;
        }
    }
    Ok(())
}

const EDGE_COLUMNS: [&str; 12] = [
    "source",
    "target",
    "signal",
    "weight",
    "first_seen",
    "last_seen",
    "co_actions",
    "expected",
    "p_value",
    "rarity_p_value",
    "pair_p_value",
    "records",
];

pub fn write_edges(path: &Path, rows: &[EdgeRow<'_>], id_of: &FxHashMap<u32, String>) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    {
        let mut header = csv::Writer::from_writer(file.writer());
        header.write_record(EDGE_COLUMNS)?;
        header.flush()?;
    }
    write_chunks_parallel(file.writer(), rows, |chunk, buf| {
        // One CSV writer a chunk: a writer allocates and zeroes its own buffer.
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *buf);
        let mut ids: Vec<&str> = Vec::new();
        let mut records = String::new();
        for row in chunk {
            let e = row.evidence;
            ids.clear();
            ids.extend(e.matches.iter().flat_map(|(x, y)| [id_of[x].as_str(), id_of[y].as_str()]));
            ids.sort_unstable();
            ids.dedup();
            records.clear();
            for (i, id) in ids.iter().take(RECORDS_IN_CSV).enumerate() {
                if i > 0 {
                    records.push(';');
                }
                records.push_str(id);
            }
            if ids.len() > RECORDS_IN_CSV {
                records.push_str(&format!(";...(+{})", ids.len() - RECORDS_IN_CSV));
            }
            csv.write_record([
                row.source,
                row.target,
                row.signal.as_str(),
                &format!("{:.4}", e.weight),
                &format_rfc3339(e.first_seen),
                &format_rfc3339(e.last_seen),
                &e.co_actions.to_string(),
                &format!("{:.4}", e.expected),
                &sci(e.p_value),
                &sci(e.rarity_p_value),
                &sci(row.pair_p_value),
                &records,
            ])?;
        }
        csv.flush()?;
        Ok(())
    })?;
    file.commit()
}

/// One line of `evidence.jsonl`, borrowing what it prints (fields in the spec's order).
#[derive(serde::Serialize)]
struct EvidenceLine<'a> {
    source: &'a str,
    target: &'a str,
    signal: &'a str,
    co_actions: u32,
    expected: f64,
    p_value: f64,
    rarity_p_value: f64,
    pair_p_value: f64,
    significant: bool,
    matches_total: usize,
    /// `[source record, target record, seconds from the first to the second]`.
    matches: Vec<(&'a str, &'a str, f64)>,
}

/// One line of `records.jsonl`.
#[derive(serde::Serialize)]
struct RecordLine<'a> {
    id: &'a str,
    account: &'a str,
    created_at: String,
    text: std::borrow::Cow<'a, str>,
}

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= 500 || text.chars().count() <= 500 {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().take(500).collect::<String>() + "…")
    }
}

/// Writes `evidence.jsonl` (per edge, the matched record pairs by id, time gap included) and
/// `records.jsonl` (each evidence record once, with its author, time and text).
pub fn write_evidence(
    path: &Path,
    records_path: &Path,
    rows: &[EdgeRow<'_>],
    posts: &PostStore,
    accounts: &[AccountInfo],
    id_of: &FxHashMap<u32, String>,
) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    write_rows_parallel(file.writer(), rows, |row, buf| {
        let e = row.evidence;
        let matches: Vec<(&str, &str, f64)> = e
            .matches
            .iter()
            .take(MATCHES_IN_EVIDENCE)
            .map(|&(x, y)| {
                let (s, t) = if row.a_is_source { (x, y) } else { (y, x) };
                (id_of[&s].as_str(), id_of[&t].as_str(), (posts.time(t) - posts.time(s)) as f64 / 1000.0)
            })
            .collect();
        let line = EvidenceLine {
            source: row.source,
            target: row.target,
            signal: row.signal.as_str(),
            co_actions: e.co_actions,
            expected: e.expected,
            p_value: e.p_value,
            rarity_p_value: e.rarity_p_value,
            pair_p_value: row.pair_p_value,
            significant: e.significant,
            matches_total: e.matches.len(),
            matches,
        };
        serde_json::to_writer(&mut *buf, &line)?;
        buf.push(b'\n');
        Ok(())
    })?;
    file.commit()?;
    let mut used: Vec<u32> =
        rows.iter().flat_map(|r| r.evidence.matches.iter().take(MATCHES_IN_EVIDENCE).flat_map(|&(x, y)| [x, y])).collect();
    used.par_sort_unstable();
    used.dedup();
    let mut records = AtomicFile::create(records_path)?;
    write_rows_parallel(records.writer(), &used, |&p, buf| {
        let post = posts.get_or_placeholder(p);
        let line = RecordLine {
            id: &post.id,
            account: &accounts[post.account as usize].id,
            created_at: format_rfc3339(post.time),
            text: clip(&post.text),
        };
        serde_json::to_writer(&mut *buf, &line)?;
        buf.push(b'\n');
        Ok(())
    })?;
    records.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_counts_characters_not_bytes() {
        let short_in_chars = "é".repeat(500);
        assert!(matches!(clip(&short_in_chars), std::borrow::Cow::Borrowed(_)));
        let long = "é".repeat(501);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), 501);
        assert!(clipped.ends_with("é…"));
    }

    #[test]
    fn evidence_lines_print_fields_in_the_spec_order() {
        let line = EvidenceLine {
            source: "x:1",
            target: "x:2",
            signal: "co_post",
            co_actions: 3,
            expected: 0.25,
            p_value: 1e-9,
            rarity_p_value: f64::NAN,
            pair_p_value: 0.0,
            significant: true,
            matches_total: 7,
            matches: vec![("p1", "p2", 12.5)],
        };
        assert_eq!(
            serde_json::to_string(&line).unwrap(),
            r#"{"source":"x:1","target":"x:2","signal":"co_post","co_actions":3,"expected":0.25,"p_value":1e-9,"rarity_p_value":null,"pair_p_value":0.0,"significant":true,"matches_total":7,"matches":[["p1","p2",12.5]]}"#
        );
    }
}
