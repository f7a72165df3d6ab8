//! Reading alone: how long parsing and validating a file's records takes, with nothing done
//! to them, so a scan's ingest time can be split into reading and the rest.
//!
//! `cargo run --release -p disrupt-ingest --example ingest_speed -- FILE...`

use disrupt_ingest::{ingest_file, IngestEvent, IngestOptions};
use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: ingest_speed FILE...");
        std::process::exit(2);
    }
    let options = IngestOptions::default();
    for file in files {
        let started = Instant::now();
        let (mut records, mut rejects, mut text_bytes) = (0u64, 0u64, 0usize);
        let result = ingest_file(std::path::Path::new(&file), &file, &options, &mut |event| match event {
            IngestEvent::Record { record, .. } => {
                records += 1;
                // Touch the record so the work cannot be skipped.
                if let disrupt_records::Record::Post(p) = &record {
                    text_bytes += p.text.len();
                }
            }
            IngestEvent::Reject(_) => rejects += 1,
        });
        let seconds = started.elapsed().as_secs_f64();
        match result {
            Ok(summary) => println!(
                "{file}: {records} records ({rejects} rejected, {text_bytes} bytes of post text, format {}) in {seconds:.2} s, {:.0} records/s",
                summary.format.name(),
                records as f64 / seconds
            ),
            Err(e) => eprintln!("{file}: {e}"),
        }
    }
}
