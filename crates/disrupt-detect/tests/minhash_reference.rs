//! Our MinHash LSH against `datasketch` on real text (tests/reference/): every pair of SMS
//! messages whose word sets have Jaccard similarity >= 0.6 should be found at least as often
//! as datasketch's MinHashLSH finds them, and nothing below the threshold is reported.

use disrupt_detect::minhash::{band_keys, jaccard_sorted, signature};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use xxhash_rust::xxh3::xxh3_64;

#[test]
fn lsh_recall_matches_or_beats_datasketch() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/minhash_reference.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let threshold = reference["threshold"].as_f64().unwrap();
    let docs: Vec<Vec<u32>> = reference["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut t: Vec<u32> = d.as_array().unwrap().iter().map(|w| (xxh3_64(w.as_str().unwrap().as_bytes()) >> 32) as u32).collect();
            t.sort_unstable();
            t.dedup();
            t
        })
        .collect();
    let pairs = |key: &str| -> BTreeSet<(usize, usize)> {
        reference[key].as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_u64().unwrap() as usize)).collect()
    };
    let truth = pairs("truth_pairs");
    let theirs = pairs("datasketch_pairs");
    assert!(truth.len() > 200);

    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        for key in band_keys(&signature(d)) {
            buckets.entry(key).or_default().push(i);
        }
    }
    let mut ours = BTreeSet::new();
    for members in buckets.values() {
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let (a, b) = (i.min(j), i.max(j));
                if docs[a] != docs[b] && jaccard_sorted(&docs[a], &docs[b]) >= threshold {
                    ours.insert((a, b));
                }
            }
        }
    }
    assert!(ours.is_subset(&truth), "only confirmed pairs are reported");
    let recall = ours.len() as f64 / truth.len() as f64;
    let their_recall = theirs.intersection(&truth).count() as f64 / truth.len() as f64;
    eprintln!("recall: ours {recall:.4}, datasketch {their_recall:.4} ({} true pairs)", truth.len());
    assert!(recall >= their_recall, "ours {recall} < datasketch {their_recall}");
    assert!(recall >= 0.95, "recall {recall}");
}
