//! The output folder as one consistent set: a scan's files are all of one scan, or the
//! folder is refused.
//!
//! A scan writes its files into a staging folder beside `--out` (`.NAME.staging`), then a
//! manifest naming every file with its SHA-256 and the scan's id, and then swaps the folder
//! in with two renames (`NAME` to `.NAME.old`, the staging folder to `NAME`). A crash before
//! the swap leaves the previous set as it was; a crash between the two renames leaves both
//! folders, and whoever comes next (the next scan, or a reader) finishes the swap when the
//! staging folder's manifest holds, or puts the old set back when it does not. A lock file
//! beside the folder (`.NAME.lock`) keeps a second scan out while one writes; readers take
//! it too, so they never look between the renames. Every reader checks the manifest:
//! a file missing, changed, or not listed is an error, never a silently mixed set.

use crate::atomic::AtomicFile;
use disrupt_model::read::files;
use fs4::FileExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The manifest's name in a set.
pub const MANIFEST: &str = "manifest.json";

/// The files a scan may write (a folder holding anything else is not a scan's and is not
/// replaced).
pub const SET_FILES: &[&str] = &[
    files::NETWORKS,
    files::EDGES,
    files::EVIDENCE,
    files::RECORDS,
    files::PROVENANCE,
    files::ACCOUNTS,
    files::STAGES,
    files::ACCOUNTS_CSV,
    files::GEXF,
    files::GRAPHML,
    files::REJECTS,
    MANIFEST,
];

/// Why an output set could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum SetError {
    /// Another scan holds the folder's lock.
    #[error("{}: another scan is writing this folder (its lock {} is held)", out.display(), lock.display())]
    Locked {
        /// The output folder.
        out: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The folder holds files a scan does not write: it is not replaced.
    #[error("{}: holds files disrupt does not write ({}): choose an empty folder, or one a scan wrote", out.display(), names.join(", "))]
    Foreign {
        /// The output folder.
        out: PathBuf,
        /// A few of the foreign names.
        names: Vec<String>,
    },
    /// The folder has no manifest: an older disrupt wrote it, or it is not a scan's.
    #[error("{}: no {MANIFEST}: not a complete output set (written by a disrupt older than 0.2, or by hand); scan again", out.display())]
    NoManifest {
        /// The output folder.
        out: PathBuf,
    },
    /// The files are not the ones the manifest names.
    #[error("{}: not one consistent output set: {problem}; scan again", out.display())]
    Mixed {
        /// The output folder.
        out: PathBuf,
        /// What differs.
        problem: String,
    },
    /// The file system refused.
    #[error("{}: {source}", path.display())]
    Io {
        /// What was being read or written.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> SetError + '_ {
    move |source| SetError::Io { path: path.to_path_buf(), source }
}

/// One file of a set, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its name in the folder.
    pub name: String,
    /// Its size.
    pub bytes: u64,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// `manifest.json`: the set's files and the scan that wrote them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `disrupt`.
    pub tool: String,
    /// The version that wrote the set.
    pub version: String,
    /// The scan's id (unique per scan).
    pub scan_id: String,
    /// When the set was written (RFC 3339).
    pub generated_at: String,
    /// Every file of the set but the manifest, by name.
    pub files: Vec<ManifestFile>,
}

/// The paths beside an output folder that a set uses.
struct Siblings {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    lock: PathBuf,
}

fn siblings(out: &Path) -> Siblings {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let beside = |suffix: &str| out.with_file_name(format!(".{name}.{suffix}"));
    Siblings { out: out.to_path_buf(), staging: beside("staging"), old: beside("old"), lock: beside("lock") }
}

/// A rename that a crash test can stop after (`DISRUPT_FAIL_AFTER_RENAMES=N` aborts the
/// process right after the N-th rename of the output's files, to test recovery).
pub(crate) fn rename(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)?;
    crate::atomic::failpoint_after_rename();
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Persists renames; not every platform can open a folder.
    if let Ok(d) = File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) {
        let _ = d.sync_all();
    }
}

fn lock(s: &Siblings) -> Result<File, SetError> {
    if let Some(parent) = s.lock.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_at(parent))?;
    }
    let file = fs::OpenOptions::new().create(true).truncate(false).write(true).open(&s.lock).map_err(io_at(&s.lock))?;
    match FileExt::try_lock(&file) {
        Ok(()) => Ok(file),
        Err(fs4::TryLockError::WouldBlock) => Err(SetError::Locked { out: s.out.clone(), lock: s.lock.clone() }),
        Err(fs4::TryLockError::Error(e)) => Err(SetError::Io { path: s.lock.clone(), source: e }),
    }
}

fn sha256_of(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Checks that `dir` holds exactly the files its manifest names, unchanged.
fn verify(dir: &Path) -> Result<Manifest, SetError> {
    let path = dir.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(SetError::NoManifest { out: dir.to_path_buf() }),
        Err(e) => return Err(SetError::Io { path, source: e }),
    };
    let mixed = |problem: String| SetError::Mixed { out: dir.to_path_buf(), problem };
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| mixed(format!("{MANIFEST} is not a manifest ({e})")))?;
    for f in &manifest.files {
        let file = dir.join(&f.name);
        let (bytes, sha256) = match sha256_of(&file) {
            Ok(x) => x,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(mixed(format!("{} is missing", f.name))),
            Err(e) => return Err(SetError::Io { path: file, source: e }),
        };
        if bytes != f.bytes || sha256 != f.sha256 {
            return Err(mixed(format!("{} is not the file scan {} wrote", f.name, manifest.scan_id)));
        }
    }
    for name in SET_FILES.iter().filter(|n| **n != MANIFEST) {
        if dir.join(name).exists() && !manifest.files.iter().any(|f| f.name == *name) {
            return Err(mixed(format!("{name} is not one of scan {}'s files", manifest.scan_id)));
        }
    }
    Ok(manifest)
}

/// Finishes or undoes a swap a crash interrupted, and removes what an aborted scan left
/// (the caller holds the lock).
fn recover(s: &Siblings) -> Result<(), SetError> {
    if s.old.exists() {
        if s.out.exists() {
            // The swap happened; only the old set's removal was left.
            fs::remove_dir_all(&s.old).map_err(io_at(&s.old))?;
        } else if s.staging.exists() && verify(&s.staging).is_ok() {
            fs::rename(&s.staging, &s.out).map_err(io_at(&s.out))?;
            fs::remove_dir_all(&s.old).map_err(io_at(&s.old))?;
        } else {
            fs::rename(&s.old, &s.out).map_err(io_at(&s.out))?;
        }
        if let Some(parent) = s.out.parent() {
            sync_dir(parent);
        }
    }
    if s.staging.exists() {
        fs::remove_dir_all(&s.staging).map_err(io_at(&s.staging))?;
    }
    Ok(())
}

/// A new set being written; dropped without [`Staging::commit`], it leaves the folder as
/// it was.
pub struct Staging {
    siblings: Siblings,
    _lock: File,
    committed: bool,
}

/// Starts writing a new set for `out`: takes the lock, recovers from an interrupted swap,
/// checks that `out` (if there) holds only a scan's files, and makes an empty staging
/// folder, where every file of the scan is to be written.
pub fn begin(out: &Path) -> Result<Staging, SetError> {
    let s = siblings(out);
    let lock = lock(&s)?;
    recover(&s)?;
    if s.out.exists() {
        let mut foreign = Vec::new();
        for entry in fs::read_dir(&s.out).map_err(io_at(&s.out))? {
            let name = entry.map_err(io_at(&s.out))?.file_name().to_string_lossy().into_owned();
            // Files a crash left half-written are a scan's own.
            let temporary = name.starts_with('.') && name.contains(".tmp-");
            if !SET_FILES.contains(&name.as_str()) && !temporary {
                foreign.push(name);
            }
        }
        if !foreign.is_empty() {
            foreign.sort();
            foreign.truncate(5);
            return Err(SetError::Foreign { out: s.out.clone(), names: foreign });
        }
    }
    fs::create_dir_all(&s.staging).map_err(io_at(&s.staging))?;
    Ok(Staging { siblings: s, _lock: lock, committed: false })
}

impl Staging {
    /// Where the scan's files go.
    pub fn dir(&self) -> &Path {
        &self.siblings.staging
    }

    /// Writes the manifest of what the staging folder holds and swaps it in for `out`.
    pub fn commit(mut self, scan_id: &str, generated_at: &str) -> Result<Manifest, SetError> {
        let s = &self.siblings;
        let mut listed = Vec::new();
        for entry in fs::read_dir(&s.staging).map_err(io_at(&s.staging))? {
            let entry = entry.map_err(io_at(&s.staging))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == MANIFEST {
                // A temporary file left by a failed write is not part of the set.
                let _ = fs::remove_file(entry.path());
                continue;
            }
            let (bytes, sha256) = sha256_of(&entry.path()).map_err(io_at(&entry.path()))?;
            listed.push(ManifestFile { name, bytes, sha256 });
        }
        listed.sort_by(|x, y| x.name.cmp(&y.name));
        let manifest = Manifest {
            tool: "disrupt".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            scan_id: scan_id.into(),
            generated_at: generated_at.into(),
            files: listed,
        };
        let path = s.staging.join(MANIFEST);
        let mut file = AtomicFile::create(&path).map_err(io_at(&path))?;
        serde_json::to_writer_pretty(file.writer(), &manifest).map_err(|e| SetError::Io { path: path.clone(), source: e.into() })?;
        file.writer().write_all(b"\n").map_err(io_at(&path))?;
        file.commit().map_err(io_at(&path))?;
        sync_dir(&s.staging);
        if s.out.exists() {
            rename(&s.out, &s.old).map_err(io_at(&s.old))?;
            rename(&s.staging, &s.out).map_err(io_at(&s.out))?;
            fs::remove_dir_all(&s.old).map_err(io_at(&s.old))?;
        } else {
            rename(&s.staging, &s.out).map_err(io_at(&s.out))?;
        }
        if let Some(parent) = s.out.parent() {
            sync_dir(parent);
        }
        self.committed = true;
        Ok(manifest)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.siblings.staging);
        }
    }
}

/// Opens a scan's output folder for reading: waits for no scan (the lock), finishes a swap
/// a crash interrupted, and checks the manifest. Returns it when the folder is one
/// consistent set.
pub fn open(out: &Path) -> Result<Manifest, SetError> {
    let s = siblings(out);
    let has_set = s.out.exists() || s.old.exists();
    if !has_set {
        return Err(SetError::Io { path: s.out.clone(), source: io::Error::new(io::ErrorKind::NotFound, "no such folder") });
    }
    match lock(&s) {
        Ok(_lock) => {
            recover(&s)?;
            verify(&s.out)
        }
        // A scan is writing: the set in place is the previous one, complete, until its swap.
        Err(SetError::Locked { .. }) if s.out.exists() => verify(&s.out),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_set(out: &Path, id: &str, text: &str) -> Manifest {
        let staging = begin(out).unwrap();
        fs::write(staging.dir().join(files::NETWORKS), text).unwrap();
        fs::write(staging.dir().join(files::EDGES), format!("edges of {id}")).unwrap();
        staging.commit(id, "2026-01-01T00:00:00Z").unwrap()
    }

    #[test]
    fn a_set_is_swapped_in_whole_and_a_second_writer_is_kept_out() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_set(&out, "scan-1", "one");
        assert_eq!(open(&out).unwrap().scan_id, "scan-1");
        let second = begin(&out).unwrap();
        assert!(matches!(begin(&out), Err(SetError::Locked { .. })));
        drop(second);
        write_set(&out, "scan-2", "two");
        assert_eq!(open(&out).unwrap().scan_id, "scan-2");
        assert_eq!(fs::read_to_string(out.join(files::NETWORKS)).unwrap(), "two");
        // Nothing is left beside it.
        let beside: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(beside.iter().all(|n| n == "out" || n == ".out.lock"), "{beside:?}");
    }

    #[test]
    fn a_changed_missing_or_foreign_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_set(&out, "scan-1", "one");
        fs::write(out.join(files::EDGES), "edges of another scan").unwrap();
        assert!(matches!(open(&out), Err(SetError::Mixed { .. })));
        write_set(&out, "scan-2", "two");
        fs::write(out.join(files::STAGES), "{}").unwrap();
        assert!(open(&out).unwrap_err().to_string().contains("stages.jsonl is not one of scan scan-2's files"));
        fs::remove_file(out.join(MANIFEST)).unwrap();
        assert!(matches!(open(&out), Err(SetError::NoManifest { .. })));
        fs::write(out.join("thesis.docx"), "mine").unwrap();
        assert!(matches!(begin(&out), Err(SetError::Foreign { .. })));
        assert!(out.join("thesis.docx").exists(), "a folder that is not a scan's is left alone");
    }

    #[test]
    fn an_interrupted_swap_is_finished_or_undone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let s = siblings(&out);
        // Crash after the first rename, the new set complete: it is swapped in.
        write_set(&out, "scan-1", "one");
        // What a scan that died between the renames leaves: its staging folder, complete.
        let new = s.staging.clone();
        fs::create_dir_all(&new).unwrap();
        fs::write(new.join(files::NETWORKS), "two").unwrap();
        let (bytes, sha256) = sha256_of(&new.join(files::NETWORKS)).unwrap();
        let manifest = Manifest {
            tool: "disrupt".into(),
            version: "0".into(),
            scan_id: "scan-2".into(),
            generated_at: String::new(),
            files: vec![ManifestFile { name: files::NETWORKS.into(), bytes, sha256 }],
        };
        fs::write(new.join(MANIFEST), serde_json::to_string(&manifest).unwrap()).unwrap();
        fs::rename(&s.out, &s.old).unwrap();
        assert_eq!(open(&out).unwrap().scan_id, "scan-2");
        assert!(!s.old.exists() && !s.staging.exists());
        // Crash after the first rename, the new set incomplete: the old one comes back.
        fs::create_dir_all(&s.staging).unwrap();
        fs::write(s.staging.join(files::NETWORKS), "half").unwrap();
        fs::rename(&s.out, &s.old).unwrap();
        assert_eq!(open(&out).unwrap().scan_id, "scan-2");
        assert_eq!(fs::read_to_string(out.join(files::NETWORKS)).unwrap(), "two");
    }
}
