//! Conformance with the peers' own tests, through `disrupt co-share`:
//! - coordination-network-toolkit's co-retweet node counts (tests/test_graph_construction.py)
//!   on its fixture, for (time window, minimum edge weight, self-loops);
//! - CooRTweet's sample-data test: with a minimum participation of 5 and a 10 s window,
//!   account 9fa51ef17278c01d13d313741eddfc0b is coordinated only when loops are kept.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A redistributable fixture of the repository (tests/fixtures/README.md).
fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(rel)
}

fn co_share(args: &[&str], input: &Path) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_disrupt")).arg("co-share").arg(input).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn toolkit_co_retweet_node_counts() {
    let input = fixture("coordination-network-toolkit/coretweet_test_input.csv");
    for (window, min_weight, self_loops, nodes) in
        [(1, 1, false, 2), (1, 1, true, 3), (1, 2, false, 0), (1, 2, true, 1), (60, 1, false, 6), (60, 1, true, 7)]
    {
        let (w, m) = (window.to_string(), min_weight.to_string());
        let mut args = vec!["--mode", "toolkit", "--signal", "co_repost", "--window", &w, "--min-weight", &m];
        if self_loops {
            args.push("--self-loops");
        }
        let (csv, _) = co_share(&args, &input);
        let mut seen = std::collections::BTreeSet::new();
        for line in csv.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            seen.insert(cols[0].to_string());
            seen.insert(cols[1].to_string());
        }
        assert_eq!(seen.len(), nodes, "window {window}, min weight {min_weight}, self loops {self_loops}: {csv}");
    }
}

#[test]
fn coortweet_self_coordination_needs_loops() {
    let input = fixture("coortweet/russian_coord_tweets.csv.gz");
    let base = [
        "--columns",
        "id=content_id,account=account_id,repost_of=object_id,created_at=timestamp_share",
        "--mode",
        "coortweet",
        "--min-participation",
        "5",
        "--window",
        "10",
    ];
    let account = "9fa51ef17278c01d13d313741eddfc0b";
    let (without_loops, _) = co_share(&base, &input);
    assert!(without_loops.lines().count() > 1, "the sample does have coordinated shares");
    assert!(!without_loops.contains(account));
    let mut keep = base.to_vec();
    keep.push("--keep-loops");
    let (with_loops, _) = co_share(&keep, &input);
    assert!(with_loops.contains(account));
}
