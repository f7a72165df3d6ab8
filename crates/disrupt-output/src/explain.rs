//! `disrupt explain ACCOUNT --in DIR`: why an account was flagged, record by record, from a
//! scan's own output files (no access to the inputs is needed).

use disrupt_model::read::{files, read_jsonl, read_networks};
use disrupt_model::{CitedRecord, EvidenceEdge, ModelError, Signal};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// Why an explanation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    /// A file of the scan is missing or not what the contract says.
    #[error(transparent)]
    Read(#[from] ModelError),
    /// The folder is not one consistent output set.
    #[error(transparent)]
    Set(#[from] crate::set::SetError),
}

/// The explanation as text for a terminal.
pub fn explain_account(account: &str, dir: &Path) -> Result<String, ExplainError> {
    crate::set::open(dir)?;
    let doc = read_networks(&dir.join(files::NETWORKS))?;
    let mut out = String::new();
    let network = doc.network_of(account);
    let attachment = network.and_then(|n| n.attachments.iter().find(|a| a.account == account));
    match network {
        Some(n) => {
            let _ = writeln!(
                out,
                "{account} is a member of network {} ({}, score {}, {} accounts on {}).",
                n.id,
                n.network_type,
                serde_json::Value::from(n.score),
                n.accounts.len(),
                n.platforms.join(", ")
            );
            let _ = writeln!(out, "\nThe network: {}", n.explanation);
            if let Some(a) = attachment {
                let _ = writeln!(
                    out,
                    "\n{account} joined by the group test: its posts drew {} members of the network ({} different ones), more often than chance explains (p = {:.1e}), though no single pair was conclusive.",
                    a.matched_posts,
                    a.partners.len(),
                    a.group_p_value
                );
            }
        }
        None => {
            let _ = writeln!(out, "{account} is not a member of any network in {}.", dir.display());
        }
    }
    let mut edges: Vec<EvidenceEdge<'static>> = Vec::new();
    for e in read_jsonl::<EvidenceEdge<'static>>(&dir.join(files::EVIDENCE))? {
        let e = e?;
        if e.source == account || e.target == account {
            edges.push(e);
        }
    }
    let mut texts: HashMap<String, (String, String)> = HashMap::new();
    let records_path = dir.join(files::RECORDS);
    if records_path.exists() {
        let wanted: HashSet<&str> = edges.iter().flat_map(|e| e.matches.iter().flat_map(|(s, t, _)| [&**s, &**t])).collect();
        for r in read_jsonl::<CitedRecord<'static>>(&records_path)? {
            let r = r?;
            if wanted.contains(&*r.id) {
                texts.insert(r.id.into_owned(), (r.created_at, r.text.into_owned()));
            }
        }
    }
    if edges.is_empty() {
        if attachment.is_some() {
            let _ = writeln!(
                out,
                "\nIts co-actions with the members are single ones, each too thin alone: together they are the group test above."
            );
        } else {
            let _ = writeln!(out, "\nNo co-action of {account} with another account beat chance: it is not flagged.");
        }
        return Ok(out);
    }
    edges.sort_by(|x, y| x.p_value.total_cmp(&y.p_value));
    let partners: BTreeSet<&str> = edges.iter().map(|e| if e.source == account { &*e.target } else { &*e.source }).collect();
    let _ = writeln!(out, "\nIts own evidence: {} edges with {} accounts, strongest first.", edges.len(), partners.len());
    for e in &edges {
        let outgoing = e.source == account;
        let other = if outgoing { &e.target } else { &e.source };
        let signal = e.signal;
        // Deterministic links are not tests against chance.
        if signal == Signal::PROVENANCE {
            let _ = writeln!(out, "\n  provenance with {other}: {} posts from the same AI-model batches", e.co_actions);
        } else if signal == Signal::SHARED_INFRASTRUCTURE {
            let _ = writeln!(out, "\n  shared_infrastructure with {other}: {} rare infrastructure values in common", e.co_actions);
        } else {
            let _ = writeln!(
                out,
                "\n  {signal} with {other}: {} co-actions where chance predicts {:.2} (p = {:.1e}{})",
                e.co_actions,
                e.expected,
                e.p_value,
                match (e.significant, attachment.is_some()) {
                    (true, _) => "",
                    (false, true) => "; part of the group attachment",
                    (false, false) => "; significant only with the pair's other signals",
                }
            );
        }
        for (source_record, target_record, gap) in &e.matches {
            let (mine, theirs) = if outgoing { (source_record, target_record) } else { (target_record, source_record) };
            let gap = gap * if outgoing { 1.0 } else { -1.0 };
            let empty = (String::new(), String::new());
            let (my_time, my_text) = texts.get(&**mine).unwrap_or(&empty);
            let (_, their_text) = texts.get(&**theirs).unwrap_or(&empty);
            let _ = writeln!(out, "    {my_time} {mine} {my_text:?}");
            let _ = writeln!(out, "      {gap:+.0} s  {theirs} {their_text:?}");
        }
        if e.matches_total > e.matches.len() {
            let _ = writeln!(out, "    ... and {} more matched pairs", e.matches_total - e.matches.len());
        }
    }
    Ok(out)
}
