//! `networks.json`.

use crate::atomic::AtomicFile;
use disrupt_detect::SignalReport;
use disrupt_pipeline::ScanResult;
use serde_json::{json, Map, Value};
use std::io::{self, Write};
use std::path::Path;

fn signal_stats(report: &SignalReport) -> Value {
    json!({
        "events": report.events,
        "shared_keys": report.shared_keys,
        "crowd_events_skipped": report.crowd_events,
        "pairs_examined": report.pairs_examined,
        "pairs_tested": report.pairs.len(),
        "pairs_significant": report.pairs.iter().filter(|p| p.significant).count(),
        "p_value_threshold": report.threshold,
    })
}

/// The whole document; `generated_at` is the only part that differs between identical scans.
pub fn networks_document(result: &ScanResult, generated_at: &str) -> Value {
    let files: Vec<Value> = result
        .files
        .iter()
        .map(|f| json!({"path": f.path, "sha256": f.sha256, "format": f.format.name(), "records": f.records, "rejected": f.rejected}))
        .collect();
    let mut detection = Map::new();
    for (signal, report) in &result.detection.signals {
        detection.insert(signal.as_str().to_string(), signal_stats(report));
    }
    detection.insert("fused".into(), signal_stats(&result.detection.fused));
    // Posts and languages per network, in one pass over the posts.
    // Each member's network by dense account number, so a post finds its network in a
    // small table keyed by its author's number rather than by SipHashing the author's id (a
    // million lookups at a million posts). Members only: a vector over every account would
    // take memory the output stage does not have to spare under a tight limit.
    let mut network_by_id: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for (i, n) in result.networks.iter().enumerate() {
        for a in &n.accounts {
            network_by_id.insert(a.as_str(), i);
        }
    }
    let network_of: rustc_hash::FxHashMap<u32, usize> = result
        .accounts
        .iter()
        .enumerate()
        .filter_map(|(number, a)| network_by_id.get(a.id.as_str()).map(|&i| (number as u32, i)))
        .collect();
    let mut langs: Vec<std::collections::BTreeMap<String, usize>> = vec![Default::default(); result.networks.len()];
    // Posts only: the generation records after them are the provider's, not public posts.
    for (p, &account) in result.posts.accounts().iter().enumerate().take(result.public_posts) {
        if let Some(&i) = network_of.get(&account) {
            let lang =
                result.detected_langs.get(&(p as u32)).cloned().or_else(|| result.posts.get(p as u32).ok().and_then(|post| post.lang));
            *langs[i].entry(lang.unwrap_or_else(|| "und".into())).or_default() += 1;
        }
    }
    let networks: Vec<Value> = result
        .networks
        .iter()
        .zip(langs)
        .map(|(n, langs)| {
            let mut v = serde_json::to_value(n).unwrap_or(Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("posts".into(), json!(langs.values().sum::<usize>()));
                obj.insert("languages".into(), json!(langs));
            }
            v
        })
        .collect();
    json!({
        "tool": "disrupt",
        "version": env!("CARGO_PKG_VERSION"),
        "generated_at": generated_at,
        "inputs": {
            "records": result.corpus.stats.records,
            "rejected": result.rejected,
            "duplicates": result.corpus.stats.duplicates,
            "by_kind": result.corpus.stats.by_kind,
            "files": files,
        },
        "parameters": result.parameters,
        "detection": detection,
        "networks": networks,
    })
}

pub fn write_networks(path: &Path, document: &Value) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(file.writer(), document)?;
    file.writer().write_all(b"\n")?;
    file.commit()
}
