//! `disrupt explain ACCOUNT --in DIR`: why an account was flagged, record by record, from a
//! scan's own output files (no access to the inputs is needed).

use serde_json::Value;
use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("{0}: {1}")]
    Read(String, String),
}

fn read_json(path: &Path) -> Result<Value, ExplainError> {
    let text = std::fs::read_to_string(path).map_err(|e| ExplainError::Read(path.display().to_string(), e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| ExplainError::Read(path.display().to_string(), e.to_string()))
}

/// The explanation as text for a terminal.
pub fn explain_account(account: &str, dir: &Path) -> Result<String, ExplainError> {
    let doc = read_json(&dir.join("networks.json"))?;
    let mut out = String::new();
    let networks = doc["networks"].as_array().cloned().unwrap_or_default();
    let network = networks.iter().find(|n| n["accounts"].as_array().is_some_and(|a| a.iter().any(|x| x == account)));
    let attached = network.is_some_and(|n| n["attachments"].as_array().into_iter().flatten().any(|a| a["account"] == account));
    match network {
        Some(n) => {
            let _ = writeln!(
                out,
                "{account} is a member of network {} ({}, score {}, {} accounts on {}).",
                n["id"].as_str().unwrap_or("?"),
                n["type"].as_str().unwrap_or("unknown"),
                n["score"],
                n["accounts"].as_array().map_or(0, Vec::len),
                n["platforms"].as_array().map(|p| p.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")).unwrap_or_default()
            );
            let _ = writeln!(out, "\nThe network: {}", n["explanation"].as_str().unwrap_or(""));
            if let Some(a) = n["attachments"].as_array().into_iter().flatten().find(|a| a["account"] == account) {
                let _ = writeln!(
                    out,
                    "\n{account} joined by the group test: {} of its copied posts were matched by {} members, more often than chance explains (p = {:.1e}), though no single pair was conclusive.",
                    a["matched_posts"],
                    a["partners"].as_array().map_or(0, Vec::len),
                    a["group_p_value"].as_f64().unwrap_or(1.0)
                );
            }
        }
        None => {
            let _ = writeln!(out, "{account} is not a member of any network in {}.", dir.display());
        }
    }
    let evidence_path = dir.join("evidence.jsonl");
    let file = std::fs::File::open(&evidence_path).map_err(|e| ExplainError::Read(evidence_path.display().to_string(), e.to_string()))?;
    let mut edges = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line.map_err(|e| ExplainError::Read(evidence_path.display().to_string(), e.to_string()))?;
        let v: Value = serde_json::from_str(&line).map_err(|e| ExplainError::Read(evidence_path.display().to_string(), e.to_string()))?;
        if v["source"] == account || v["target"] == account {
            edges.push(v);
        }
    }
    let mut texts: std::collections::HashMap<String, (String, String)> = std::collections::HashMap::new();
    let records_path = dir.join("records.jsonl");
    if let Ok(file) = std::fs::File::open(&records_path) {
        let wanted: std::collections::HashSet<String> = edges
            .iter()
            .flat_map(|e| e["matches"].as_array().cloned().unwrap_or_default())
            .flat_map(|m| [m[0].as_str().unwrap_or("").to_string(), m[1].as_str().unwrap_or("").to_string()])
            .collect();
        for line in std::io::BufReader::new(file).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if let Some(id) = v["id"].as_str() {
                    if wanted.contains(id) {
                        texts.insert(
                            id.to_string(),
                            (v["created_at"].as_str().unwrap_or("").to_string(), v["text"].as_str().unwrap_or("").to_string()),
                        );
                    }
                }
            }
        }
    }
    if edges.is_empty() {
        let _ = writeln!(out, "\nNo co-action of {account} with another account beat chance: it is not flagged.");
        return Ok(out);
    }
    edges.sort_by(|x, y| x["p_value"].as_f64().unwrap_or(1.0).total_cmp(&y["p_value"].as_f64().unwrap_or(1.0)));
    let partners: std::collections::BTreeSet<&str> =
        edges.iter().filter_map(|e| if e["source"] == account { e["target"].as_str() } else { e["source"].as_str() }).collect();
    let _ = writeln!(out, "\nIts own evidence: {} edges with {} accounts, strongest first.", edges.len(), partners.len());
    for e in &edges {
        let outgoing = e["source"] == account;
        let other = if outgoing { &e["target"] } else { &e["source"] };
        let signal = e["signal"].as_str().unwrap_or("?");
        let other = other.as_str().unwrap_or("?");
        match signal {
            // Deterministic links, not tests against chance.
            "provenance" => {
                let _ = writeln!(out, "\n  provenance with {other}: {} posts from the same AI-model batches", e["co_actions"]);
            }
            "shared_infrastructure" => {
                let _ = writeln!(out, "\n  shared_infrastructure with {other}: {} rare infrastructure values in common", e["co_actions"]);
            }
            _ => {
                let _ = writeln!(
                    out,
                    "\n  {signal} with {other}: {} co-actions where chance predicts {:.2} (p = {:.1e}{})",
                    e["co_actions"],
                    e["expected"].as_f64().unwrap_or(0.0),
                    e["p_value"].as_f64().unwrap_or(1.0),
                    match (e["significant"].as_bool() == Some(true), attached) {
                        (true, _) => "",
                        (false, true) => "; part of the group attachment",
                        (false, false) => "; significant only with the pair's other signals",
                    }
                );
            }
        }
        for m in e["matches"].as_array().into_iter().flatten() {
            let (source_record, target_record) = (m[0].as_str().unwrap_or(""), m[1].as_str().unwrap_or(""));
            let (mine, theirs) = if outgoing { (source_record, target_record) } else { (target_record, source_record) };
            let gap = m[2].as_f64().unwrap_or(0.0) * if outgoing { 1.0 } else { -1.0 };
            let empty = (String::new(), String::new());
            let (my_time, my_text) = texts.get(mine).unwrap_or(&empty);
            let (_, their_text) = texts.get(theirs).unwrap_or(&empty);
            let _ = writeln!(out, "    {my_time} {mine} {my_text:?}");
            let _ = writeln!(out, "      {gap:+.0} s  {theirs} {their_text:?}");
        }
        let total = e["matches_total"].as_u64().unwrap_or(0);
        let shown = e["matches"].as_array().map_or(0, Vec::len) as u64;
        if total > shown {
            let _ = writeln!(out, "    ... and {} more matched pairs", total - shown);
        }
    }
    Ok(out)
}
