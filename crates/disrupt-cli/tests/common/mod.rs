//! Helpers the binary's test files share: the binary, the repository, its fixtures, the
//! data beside it, and running a command that must succeed.

#![allow(dead_code)] // each test file uses its own part of these

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `disrupt` binary under test.
pub fn disrupt() -> Command {
    Command::new(env!("CARGO_BIN_EXE_disrupt"))
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A redistributable fixture of the repository (tests/fixtures/README.md).
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// A data set that may not be redistributed, from `../shared/data` beside the repository;
/// `None`, saying why, when it is not there (the test then checks nothing more).
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = repo().join("../shared/data").join(rel);
    if path.exists() {
        Some(path)
    } else {
        // Straight to the process's standard error: the test harness captures eprintln!.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: {rel} is not redistributable and ../shared/data is not beside the repository");
        None
    }
}

/// Runs `cmd`, which must succeed; its standard output.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A Python that can import `modules` (`DISRUPT_TEST_PYTHON`, else `python3`; scripts/test.sh
/// makes one with them), or `None`, saying why, when there is none.
pub fn python_with(modules: &[&str]) -> Option<Command> {
    let python = std::env::var("DISRUPT_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    let imports = format!("import {}", modules.join(", "));
    let works = Command::new(&python).args(["-c", &imports]).output().is_ok_and(|o| o.status.success());
    if works {
        Some(Command::new(python))
    } else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: `{python}` cannot `{imports}` (scripts/test.sh installs them; or set DISRUPT_TEST_PYTHON)"
        );
        None
    }
}
