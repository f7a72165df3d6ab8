//! What the fuzz targets share: one check of every input reader.

/// Reads `data` with `options`: whatever the bytes, the reader ends with records and
/// rejects, never a panic, and a reject keeps a bounded excerpt of its record.
pub fn ingest_never_panics(data: &[u8], options: &disrupt_ingest::IngestOptions) {
    let _ = disrupt_ingest::ingest_bytes(data, "fuzz", options, &mut |event| {
        if let disrupt_ingest::IngestEvent::Reject(r) = event {
            assert!(r.record.len() <= disrupt_ingest::REJECT_EXCERPT_BYTES + 4);
        }
    });
}

/// Options for one format, with a record limit small enough to be reached.
pub fn options(format: Option<disrupt_ingest::InputFormat>) -> disrupt_ingest::IngestOptions {
    disrupt_ingest::IngestOptions { format, max_record_bytes: 1 << 16, ..Default::default() }
}
