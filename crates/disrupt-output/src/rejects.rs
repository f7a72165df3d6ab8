//! `rejects.jsonl`: one line per rejected record, `{"file","line","error","record"}`.

use crate::atomic::AtomicFile;
use disrupt_model::Reject;
use std::io::{self, Write};
use std::path::Path;

/// `rejects.jsonl`, written as rejects arrive.
pub struct RejectWriter {
    file: AtomicFile,
    /// Rejects written.
    pub count: u64,
}

impl RejectWriter {
    /// Starts `path`.
    pub fn create(path: &Path) -> io::Result<Self> {
        Ok(Self { file: AtomicFile::create(path)?, count: 0 })
    }

    /// Writes one reject.
    pub fn write(&mut self, reject: &Reject) -> io::Result<()> {
        self.count += 1;
        serde_json::to_writer(self.file.writer(), reject)?;
        self.file.writer().write_all(b"\n")
    }

    /// Moves the file into place.
    pub fn commit(self) -> io::Result<()> {
        self.file.commit()
    }
}
