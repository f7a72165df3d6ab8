//! Crash-safe file replacement: write beside the target, flush to disk, rename over it.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written beside its target, moved over it on [`AtomicFile::commit`].
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
    committed: bool,
}

impl AtomicFile {
    /// Starts writing `target` (into `.NAME.tmp-PID` beside it).
    pub fn create(target: &Path) -> io::Result<Self> {
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let temp = target.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&temp)?;
        Ok(Self { target: target.to_path_buf(), temp, writer: Some(BufWriter::with_capacity(1 << 20, file)), committed: false })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("writer present until commit")
    }

    /// Flushes, syncs and moves the file into place.
    pub fn commit(mut self) -> io::Result<()> {
        let writer = self.writer.take().expect("writer present until commit");
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        failpoint_after_rename();
        if let Some(dir) = self.target.parent() {
            // Persist the rename itself; not every platform can open a directory.
            if let Ok(d) = File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

/// Test hook: with `DISRUPT_FAIL_AFTER_RENAMES=N`, the process aborts right after its Nth
/// output rename, so tests can kill a scan at every step of writing its output set.
pub(crate) fn failpoint_after_rename() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static LIMIT: OnceLock<Option<u64>> = OnceLock::new();
    static DONE: AtomicU64 = AtomicU64::new(0);
    let limit = *LIMIT.get_or_init(|| std::env::var("DISRUPT_FAIL_AFTER_RENAMES").ok().and_then(|v| v.parse().ok()));
    if let Some(limit) = limit {
        if DONE.fetch_add(1, Ordering::SeqCst) + 1 == limit {
            std::process::abort();
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed: leave the previous file as it was.
        if !self.committed {
            let _ = fs::remove_file(&self.temp);
        }
    }
}
