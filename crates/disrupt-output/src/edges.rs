//! `edges.csv` and `evidence.jsonl`: one row per account pair and signal whose co-action
//! beat chance (or whose pair did, across signals, and this signal contributed).

use crate::atomic::AtomicFile;
use disrupt_detect::{Detection, PairEvidence, Signal};
use disrupt_networks::{AccountInfo, Network, PostStore};
use disrupt_records::format_rfc3339;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::collections::HashMap;
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
    let fused: HashMap<(u32, u32), &PairEvidence> = detection.fused.pairs.iter().map(|p| ((p.a, p.b), p)).collect();
    let attached: std::collections::HashSet<(&str, &str)> =
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
    for group in rows.chunks(ROWS_PER_CHUNK * rayon::current_num_threads().max(1) * 4) {
        let buffers: Vec<io::Result<Vec<u8>>> = group
            .par_chunks(ROWS_PER_CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 256);
                for row in chunk {
                    format(row, &mut buf)?;
                }
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
    write_rows_parallel(file.writer(), rows, |row, buf| {
        let e = row.evidence;
        let mut ids: Vec<&str> = e.matches.iter().flat_map(|(x, y)| [id_of[x].as_str(), id_of[y].as_str()]).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut records = ids.iter().take(RECORDS_IN_CSV).copied().collect::<Vec<_>>().join(";");
        if ids.len() > RECORDS_IN_CSV {
            records.push_str(&format!(";...(+{})", ids.len() - RECORDS_IN_CSV));
        }
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *buf);
        csv.write_record([
            row.source.to_string(),
            row.target.to_string(),
            row.signal.as_str().to_string(),
            format!("{:.4}", e.weight),
            format_rfc3339(e.first_seen),
            format_rfc3339(e.last_seen),
            e.co_actions.to_string(),
            format!("{:.4}", e.expected),
            sci(e.p_value),
            sci(e.rarity_p_value),
            sci(row.pair_p_value),
            records,
        ])?;
        csv.flush()?;
        Ok(())
    })?;
    file.commit()
}

fn clip(text: &str) -> String {
    if text.chars().count() <= 500 {
        text.to_string()
    } else {
        text.chars().take(500).collect::<String>() + "…"
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
        let matches: Vec<serde_json::Value> = e
            .matches
            .iter()
            .take(MATCHES_IN_EVIDENCE)
            .map(|&(x, y)| {
                let (s, t) = if row.a_is_source { (x, y) } else { (y, x) };
                json!([id_of[&s], id_of[&t], (posts.time(t) - posts.time(s)) as f64 / 1000.0])
            })
            .collect();
        let line = json!({
            "source": row.source, "target": row.target, "signal": row.signal.as_str(),
            "co_actions": e.co_actions, "expected": e.expected, "p_value": e.p_value, "rarity_p_value": e.rarity_p_value, "pair_p_value": row.pair_p_value,
            "significant": e.significant, "matches_total": e.matches.len(), "matches": matches,
        });
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
        let line = json!({"id": post.id, "account": accounts[post.account as usize].id, "created_at": format_rfc3339(post.time), "text": clip(&post.text)});
        serde_json::to_writer(&mut *buf, &line)?;
        buf.push(b'\n');
        Ok(())
    })?;
    records.commit()
}
