//! `edges.csv`, `evidence.jsonl` and `records.jsonl`: the evidence files, the bulk of a
//! large scan's output. Rows are formatted chunk by chunk on every core and written in order.

use crate::atomic::AtomicFile;
use crate::findings::ScanFindings;
use disrupt_model::EDGE_COLUMNS;
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::Path;

/// Rows formatted per chunk on every core, written in order.
const ROWS_PER_CHUNK: usize = 4096;

/// Formats rows `0..rows` chunk by chunk in parallel (`format` appends a range of rows to
/// a buffer) and writes the chunks in order.
pub(crate) fn write_chunks_parallel(
    out: &mut impl Write,
    rows: usize,
    format: impl Fn(std::ops::Range<usize>, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    let group = ROWS_PER_CHUNK * rayon::current_num_threads().max(1) * 4;
    for start in (0..rows).step_by(group) {
        let end = (start + group).min(rows);
        let chunks: Vec<usize> = (start..end).step_by(ROWS_PER_CHUNK).collect();
        let buffers: Vec<io::Result<Vec<u8>>> = chunks
            .par_iter()
            .map(|&from| {
                let to = (from + ROWS_PER_CHUNK).min(end);
                let mut buf = Vec::with_capacity((to - from) * 256);
                format(from..to, &mut buf)?;
                Ok(buf)
            })
            .collect();
        for buf in buffers {
            out.write_all(&buf?)?;
        }
    }
    Ok(())
}

/// Writes `rows` JSON lines, line `i` being `line(i)`.
pub(crate) fn write_json_lines<T: serde::Serialize>(path: &Path, rows: usize, line: impl Fn(usize) -> T + Sync) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    write_chunks_parallel(file.writer(), rows, |range, buf| {
        for i in range {
            serde_json::to_writer(&mut *buf, &line(i))?;
            buf.push(b'\n');
        }
        Ok(())
    })?;
    file.commit()
}

/// Writes `edges.csv`; with `spreadsheet_safe`, cells a spreadsheet would run as formulas
/// are neutralised ([`disrupt_model::spreadsheet_safe`]).
pub fn write_edges(path: &Path, findings: &impl ScanFindings, spreadsheet_safe: bool) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    {
        let mut header = csv::Writer::from_writer(file.writer());
        header.write_record(EDGE_COLUMNS)?;
        header.flush()?;
    }
    write_chunks_parallel(file.writer(), findings.edge_count(), |range, buf| {
        // One CSV writer a chunk: a writer allocates and zeroes its own buffer.
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *buf);
        let mut cell = String::new();
        for i in range {
            findings.edge(i).write_csv(&mut csv, &mut cell, spreadsheet_safe)?;
        }
        csv.flush()?;
        Ok(())
    })?;
    file.commit()
}

/// Writes `evidence.jsonl` (per edge, the matched record pairs by id, time gap included)
/// and `records.jsonl` (each cited record once, with its author, time and text).
pub fn write_evidence(evidence: &Path, records: &Path, findings: &impl ScanFindings) -> io::Result<()> {
    write_json_lines(evidence, findings.edge_count(), |i| findings.evidence_edge(i))?;
    write_json_lines(records, findings.cited_record_count(), |i| findings.cited_record(i))
}
