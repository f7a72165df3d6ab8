//! `networks.json`.

use crate::atomic::AtomicFile;
use disrupt_model::NetworksDocument;
use std::io::{self, Write};
use std::path::Path;

/// Writes the document, pretty-printed.
pub fn write_networks(path: &Path, document: &NetworksDocument) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(file.writer(), document)?;
    file.writer().write_all(b"\n")?;
    file.commit()
}
