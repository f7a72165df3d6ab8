//! Stage accuracy on a hand-written, labelled set of Indonesian and English messages
//! (`tests/data/labelled_messages.tsv`), written for this test and not by the simulator.

use disrupt_funnel::{Stage, Stager};

#[test]
fn stage_accuracy_on_the_labelled_set_is_at_least_0_85() {
    let text = include_str!("data/labelled_messages.tsv");
    let stager = Stager::default();
    let mut total = 0;
    let mut right = 0;
    let mut by_stage: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut wrong = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "{line}");
        let truth = Stage::parse(f[1]).unwrap();
        let got = stager.stage(f[3], f[2] == "1").stage;
        total += 1;
        let e = by_stage.entry(f[1]).or_default();
        e.0 += 1;
        if got == truth {
            right += 1;
            e.1 += 1;
        } else {
            wrong.push(format!("{} -> {}: {}", f[1], got.as_str(), f[3]));
        }
    }
    let accuracy = right as f64 / total as f64;
    println!("stage accuracy {accuracy:.3} ({right} of {total}); by stage {by_stage:?}");
    for w in &wrong {
        println!("  {w}");
    }
    assert!(total >= 150, "the set has {total} messages");
    assert!(accuracy >= 0.85, "stage accuracy {accuracy:.3}");
}
