//! `disrupt explain ACCOUNT|NETWORK --in DIR`: why an account was flagged, record by record,
//! or what a network is, from a scan's own output files (no access to the inputs is
//! needed).

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

/// Edges, and matched record pairs per edge, shown by default: a member of a 40-account
/// network has hundreds.
pub const DEFAULT_LIMIT: usize = 10;

/// A p-value for people: `p = 3.2e-12`, `p = 0.042`; one below what a float holds is
/// `p < 1e-300`, never `0.0e0`.
pub fn format_p(p: f64) -> String {
    if p.is_nan() || p <= 1e-300 {
        "p < 1e-300".to_string()
    } else if p < 0.001 {
        format!("p = {p:.1e}")
    } else {
        format!("p = {p:.3}")
    }
}

/// A gap between two actions for people: `2 min 54 s later`, `3 s earlier`, `1 h 5 min
/// later`, `at the same second`.
pub fn format_gap(seconds: f64) -> String {
    let whole = seconds.abs().round() as u64;
    if whole == 0 {
        return "at the same second".to_string();
    }
    let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60);
    let amount = match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) if s == 0 => format!("{m} min"),
        (0, _) => format!("{m} min {s} s"),
        (_, 0) => format!("{h} h"),
        _ => format!("{h} h {m} min"),
    };
    format!("{amount} {}", if seconds > 0.0 { "later" } else { "earlier" })
}

/// The explanation of an account or, given a network id, of a network, as text for a
/// terminal; at most `limit` edges and `limit` record pairs per edge.
pub fn explain(id: &str, dir: &Path, limit: usize) -> Result<String, ExplainError> {
    crate::set::open(dir)?;
    let doc = read_networks(&dir.join(files::NETWORKS))?;
    if let Some(n) = doc.networks.iter().find(|n| n.id == id) {
        return Ok(explain_network(n, limit));
    }
    explain_account_in(id, dir, &doc, limit)
}

/// [`explain`] of an account, with the default limit.
pub fn explain_account(account: &str, dir: &Path) -> Result<String, ExplainError> {
    explain(account, dir, DEFAULT_LIMIT)
}

/// A network's type, score, size and platforms, as both explanations open with them.
fn summary(n: &disrupt_model::Network) -> String {
    format!("{}, score {}, {} accounts on {}", n.network_type, serde_json::Value::from(n.score), n.accounts.len(), n.platforms.join(", "))
}

fn explain_network(n: &disrupt_model::Network, limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Network {} ({}, {} posts).", n.id, summary(n), n.posts);
    let _ = writeln!(
        out,
        "
{}",
        n.explanation
    );
    let list = |names: &[String]| {
        let shown: Vec<&str> = names.iter().take(limit.max(1) * 5).map(String::as_str).collect();
        let more = names.len() - shown.len();
        shown.join(", ") + &if more > 0 { format!(" ... and {more} more") } else { String::new() }
    };
    let _ = writeln!(
        out,
        "
Members: {}",
        list(&n.accounts)
    );
    if !n.operator_accounts.is_empty() {
        let _ = writeln!(out, "AI-provider operators: {}", list(&n.operator_accounts));
    }
    if !n.targets.is_empty() {
        let _ = writeln!(out, "Targets (worked on by the network, not flagged): {}", list(&n.targets));
    }
    let _ = writeln!(
        out,
        "
Explain a member: disrupt explain ACCOUNT --in DIR"
    );
    out
}

fn explain_account_in(account: &str, dir: &Path, doc: &disrupt_model::NetworksDocument, limit: usize) -> Result<String, ExplainError> {
    let mut out = String::new();
    let network = doc.network_of(account);
    let attachment = network.and_then(|n| n.attachments.iter().find(|a| a.account == account));
    match network {
        Some(n) => {
            let _ = writeln!(out, "{account} is a member of network {} ({}).", n.id, summary(n));
            let _ = writeln!(out, "\nThe network: {}", n.explanation);
            if let Some(a) = attachment {
                let _ = writeln!(
                    out,
                    "\n{account} joined by the group test: its posts drew {} members of the network ({} different ones), more often than chance explains ({}), though no single pair was conclusive.",
                    a.matched_posts,
                    a.partners.len(),
                    format_p(a.group_p_value)
                );
            }
        }
        None => {
            if let Some(n) = doc.networks.iter().find(|n| n.targets.iter().any(|t| t == account)) {
                let _ = writeln!(
                    out,
                    "{account} is a target of network {} ({}): the network worked on it; it is not flagged.",
                    n.id, n.network_type
                );
            } else {
                let _ = writeln!(out, "{account} is not a member of any network in {}.", dir.display());
                if !account.contains(':') {
                    let suggestions: Vec<&str> = doc
                        .networks
                        .iter()
                        .flat_map(|n| n.accounts.iter().chain(&n.operator_accounts).chain(&n.targets))
                        .filter(|a| a.split_once(':').is_some_and(|(_, local)| local == account))
                        .map(String::as_str)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    if suggestions.is_empty() {
                        let _ = writeln!(out, "Account ids carry their platform, e.g. x:{account}.");
                    } else {
                        let _ = writeln!(out, "Did you mean {}? Account ids carry their platform.", suggestions.join(" or "));
                    }
                }
            }
        }
    }
    let mut edges: Vec<EvidenceEdge<'static>> = Vec::new();
    for e in read_jsonl::<EvidenceEdge<'static>>(&dir.join(files::EVIDENCE))? {
        let e = e?;
        if e.source == account || e.target == account {
            edges.push(e);
        }
    }
    let mut texts: HashMap<String, CitedRecord<'static>> = HashMap::new();
    let records_path = dir.join(files::RECORDS);
    if records_path.exists() {
        let wanted: HashSet<&str> = edges.iter().flat_map(|e| e.matches.iter().flat_map(|(s, t, _)| [&**s, &**t])).collect();
        for r in read_jsonl::<CitedRecord<'static>>(&records_path)? {
            let r = r?;
            if wanted.contains(&*r.id) {
                texts.insert(r.id.to_string(), r);
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
    let _ =
        writeln!(out, "\nIts own evidence: {} with {}, strongest first.", plural(edges.len(), "edge"), plural(partners.len(), "account"));
    for e in edges.iter().take(limit) {
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
                "\n  {signal} with {other}: {} co-actions where chance predicts {:.2} ({}{})",
                e.co_actions,
                e.expected,
                format_p(e.p_value),
                match (e.significant, attachment.is_some()) {
                    (true, _) => "",
                    (false, true) => "; part of the group attachment",
                    (false, false) => "; significant only with the pair's other signals",
                }
            );
        }
        if !e.shared.is_empty() {
            let items: Vec<String> = e.shared.iter().take(limit).map(|s| format!("{} ({})", s.item, plural(s.pairs, "pair"))).collect();
            let _ = writeln!(out, "    shared: {}", items.join(", "));
        }
        for (source_record, target_record, gap) in e.matches.iter().take(limit) {
            let (mine, theirs) = if outgoing { (source_record, target_record) } else { (target_record, source_record) };
            let gap = gap * if outgoing { 1.0 } else { -1.0 };
            let (my_record, their_record) = (texts.get(&**mine), texts.get(&**theirs));
            let my_time = my_record.map_or("", |r| r.created_at.as_str());
            let my_text = my_record.map_or("", |r| &*r.text);
            let their_text = their_record.map_or("", |r| &*r.text);
            // Records without text (reposts, link shares) show what they share instead.
            let quoted = |t: &str| if t.is_empty() { String::new() } else { format!(" {t:?}") };
            let _ = writeln!(out, "    {my_time} {mine}{}", quoted(my_text));
            let _ = writeln!(out, "      {}: {theirs}{}", format_gap(gap), quoted(their_text));
            if my_text.is_empty() || their_text.is_empty() {
                if let (Some(a), Some(b)) = (my_record, their_record) {
                    let theirs = b.shared_items();
                    let both: Vec<String> = a.shared_items().into_iter().filter(|i| theirs.contains(i)).take(limit).collect();
                    if !both.is_empty() {
                        let _ = writeln!(out, "      both: {}", both.join(", "));
                    }
                }
            }
        }
        let shown = e.matches.len().min(limit);
        if e.matches_total > shown {
            let _ = writeln!(out, "    ... and {} more (evidence.jsonl)", plural(e.matches_total - shown, "matched pair"));
        }
    }
    if edges.len() > limit {
        let _ = writeln!(out, "\n... and {} more edges (--limit shows more; edges.csv has them all)", edges.len() - limit);
    }
    Ok(out)
}

/// "1 pair", "3 pairs".
fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_and_gaps_read_as_people_write_them() {
        assert_eq!(format_p(0.0), "p < 1e-300");
        assert_eq!(format_p(3.2e-12), "p = 3.2e-12");
        assert_eq!(format_p(0.0421), "p = 0.042");
        assert_eq!(format_gap(174.0), "2 min 54 s later");
        assert_eq!(format_gap(-3.0), "3 s earlier");
        assert_eq!(format_gap(3900.0), "1 h 5 min later");
        assert_eq!(format_gap(120.0), "2 min later");
        assert_eq!(format_gap(0.2), "at the same second");
    }
}
