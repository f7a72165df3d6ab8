//! `disrupt eval`: how well a scan's networks match ground truth.
//!
//! Account level: an account is flagged when it belongs to a network (at or above a
//! minimum score); it is a true positive when its label names an operation. Operation
//! level: each operation's best-matching network by Jaccard similarity of account sets
//! (recovered as one network when the similarity is at least 0.8). Organic accounts
//! flagged are broken down by the trap they took part in; operation members by the
//! perturbation they used, counting a member as recalled when it sits in a network whose
//! members are mostly from its own operation.

#![forbid(unsafe_code)]

pub mod provenance;
pub mod stages;

use disrupt_model::Network;
use disrupt_records::{record_from_json, Label, LabelType, Record, TimeZoneSetting};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How one labelled operation was found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OperationResult {
    /// The operation's name.
    pub operation: String,
    /// Its labelled type.
    #[serde(rename = "type")]
    pub label_type: String,
    /// Its member accounts.
    pub accounts: usize,
    /// The network most like it (Jaccard of members).
    pub best_network: Option<String>,
    /// The best network's `type`, and whether it is the operation's.
    pub network_type: Option<String>,
    /// Whether the best network's type is the operation's.
    pub type_matches: bool,
    /// Jaccard similarity of the operation's members and the best network's.
    pub jaccard: f64,
    /// Jaccard at least 0.8: found as one network.
    pub recovered: bool,
    /// Every member sits in the best network.
    pub whole: bool,
    /// Members found in any network.
    pub flagged: usize,
}

/// Accounts of one group (a trap, a perturbation) and how many were flagged.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupResult {
    /// The group.
    pub name: String,
    /// Its accounts.
    pub accounts: usize,
    /// Of them, flagged (organic) or recalled (operation members).
    pub flagged: usize,
    /// `flagged / accounts`.
    pub rate: f64,
}

/// How a scan's networks match the labels.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalReport {
    /// Accounts with a label.
    pub labelled_accounts: usize,
    /// Of them, in an operation.
    pub operation_accounts: usize,
    /// Of them, organic.
    pub organic_accounts: usize,
    /// Networks scored (at or above the minimum score).
    pub networks: usize,
    /// Accounts in those networks.
    pub flagged_accounts: usize,
    /// Flagged accounts without a label.
    pub unlabelled_flagged: usize,
    /// Operation members flagged.
    pub true_positives: usize,
    /// Organic accounts flagged.
    pub false_positives: usize,
    /// Operation members not flagged.
    pub false_negatives: usize,
    /// `TP / (TP + FP)`.
    pub precision: f64,
    /// `TP / operation members`.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Organic accounts flagged, as a share of organic accounts.
    pub organic_false_positive_rate: f64,
    /// Each operation and its best network.
    pub operations: Vec<OperationResult>,
    /// Operations found as one network.
    pub operations_recovered: usize,
    /// Organic accounts flagged, by trap (`none` for accounts in no trap).
    pub organic_by_trap: Vec<GroupResult>,
    /// Operation members recalled, by perturbation.
    pub recall_by_perturbation: Vec<GroupResult>,
}

/// Why a truth file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A line is not JSON, or not the shape the file has.
    #[error("line {line}: {source}")]
    Json {
        /// The line.
        line: usize,
        /// What the JSON reader said.
        #[source]
        source: serde_json::Error,
    },
    /// A `label` line breaks the data contract.
    #[error("line {line}: {source}")]
    Label {
        /// The line.
        line: usize,
        /// What is wrong with it.
        #[source]
        source: disrupt_records::RecordError,
    },
}

/// Reads every non-blank line of a JSON Lines text as a `T`.
pub(crate) fn json_lines<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, EvalError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|source| EvalError::Json { line: i + 1, source }))
        .collect()
}

/// Reads `label` records from canonical JSONL text (other kinds are skipped).
pub fn read_labels(text: &str) -> Result<Vec<Label>, EvalError> {
    let mut labels = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|source| EvalError::Json { line: i + 1, source })?;
        if value.get("kind").and_then(Value::as_str) != Some("label") {
            continue;
        }
        match record_from_json(value, TimeZoneSetting::default()) {
            Ok(Record::Label(l)) => labels.push(l),
            Ok(_) => {}
            Err(source) => return Err(EvalError::Label { line: i + 1, source }),
        }
    }
    Ok(labels)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores a scan's networks (its `networks.json`) against labels.
pub fn evaluate(labels: &[Label], networks: &[Network], min_score: f64) -> EvalReport {
    let truth: HashMap<&str, &Label> = labels.iter().map(|l| (l.account.as_str(), l)).collect();
    let types: HashMap<String, String> = networks.iter().map(|n| (n.id.clone(), n.network_type.as_str().to_string())).collect();
    let nets: Vec<(String, BTreeSet<String>)> =
        networks.iter().filter(|n| n.score >= min_score).map(|n| (n.id.clone(), n.accounts.iter().cloned().collect())).collect();
    let flagged: BTreeSet<&str> = nets.iter().flat_map(|(_, m)| m.iter().map(String::as_str)).collect();
    let is_operation = |l: &Label| l.label_type != LabelType::Organic && l.operation != "organic";
    let operation_accounts = labels.iter().filter(|l| is_operation(l)).count();
    let organic_accounts = labels.len() - operation_accounts;
    let tp = labels.iter().filter(|l| is_operation(l) && flagged.contains(l.account.as_str())).count();
    let fp = labels.iter().filter(|l| !is_operation(l) && flagged.contains(l.account.as_str())).count();
    let unlabelled_flagged = flagged.iter().filter(|a| !truth.contains_key(*a)).count();
    let fn_ = operation_accounts - tp;
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, operation_accounts);
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };

    // Operations and their best networks.
    let mut ops: BTreeMap<&str, (BTreeSet<&str>, &str)> = BTreeMap::new();
    for l in labels.iter().filter(|l| is_operation(l)) {
        let e = ops.entry(l.operation.as_str()).or_insert_with(|| (BTreeSet::new(), l.label_type.as_str()));
        e.0.insert(l.account.as_str());
    }
    let mut operations = Vec::new();
    for (name, (members, kind)) in &ops {
        let mut best: Option<(String, f64, usize)> = None;
        for (id, net) in &nets {
            let inter = net.iter().filter(|a| members.contains(a.as_str())).count();
            if inter == 0 {
                continue;
            }
            let j = inter as f64 / (net.len() + members.len() - inter) as f64;
            if best.as_ref().is_none_or(|(_, b, _)| j > *b) {
                best = Some((id.clone(), j, inter));
            }
        }
        let flagged_members = members.iter().filter(|a| flagged.contains(*a)).count();
        let jaccard = best.as_ref().map_or(0.0, |(_, j, _)| *j);
        let whole = best.as_ref().is_some_and(|(_, _, inter)| *inter == members.len());
        let network_type = best.as_ref().and_then(|(id, _, _)| types.get(id).cloned());
        operations.push(OperationResult {
            operation: name.to_string(),
            label_type: kind.to_string(),
            accounts: members.len(),
            type_matches: network_type.as_deref() == Some(*kind),
            network_type,
            best_network: best.map(|(id, _, _)| id),
            jaccard,
            recovered: jaccard >= 0.8,
            whole,
            flagged: flagged_members,
        });
    }
    let operations_recovered = operations.iter().filter(|o| o.recovered).count();

    // The operation each network mostly consists of.
    let mut network_of: HashMap<&str, Option<&str>> = HashMap::new();
    for (_, net) in &nets {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for a in net {
            if let Some(l) = truth.get(a.as_str()) {
                *counts.entry(l.operation.as_str()).or_default() += 1;
            }
        }
        let majority = counts.into_iter().max_by_key(|(_, c)| *c).map(|(op, _)| op);
        for a in net {
            network_of.insert(a.as_str(), majority);
        }
    }

    let mut traps: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut perturbations: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for l in labels {
        let is_flagged = flagged.contains(l.account.as_str());
        if is_operation(l) {
            let kind = l.extra("perturbation").unwrap_or("unspecified").to_string();
            let attributed = network_of.get(l.account.as_str()).copied().flatten() == Some(l.operation.as_str());
            let e = perturbations.entry(kind).or_default();
            e.0 += 1;
            e.1 += attributed as usize;
        } else {
            let trap_list: Vec<String> = match l.attributes.as_ref().and_then(|m| m.get("traps")).and_then(Value::as_array) {
                Some(list) => list.iter().filter_map(Value::as_str).map(String::from).collect(),
                None => l.extra("trap").map(|t| vec![t.to_string()]).unwrap_or_default(),
            };
            let trap_list = if trap_list.is_empty() { vec!["none".to_string()] } else { trap_list };
            for t in trap_list {
                let e = traps.entry(t).or_default();
                e.0 += 1;
                e.1 += is_flagged as usize;
            }
        }
    }
    let groups = |m: BTreeMap<String, (usize, usize)>| {
        m.into_iter().map(|(name, (n, f))| GroupResult { name, accounts: n, flagged: f, rate: ratio(f, n) }).collect()
    };
    EvalReport {
        labelled_accounts: labels.len(),
        operation_accounts,
        organic_accounts,
        networks: nets.len(),
        flagged_accounts: flagged.len(),
        unlabelled_flagged,
        true_positives: tp,
        false_positives: fp,
        false_negatives: fn_,
        precision,
        recall,
        f1,
        organic_false_positive_rate: ratio(fp, organic_accounts),
        operations,
        operations_recovered,
        organic_by_trap: groups(traps),
        recall_by_perturbation: groups(perturbations),
    }
}

/// The report as a table for a terminal.
pub fn render(report: &EvalReport) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "accounts: {} labelled ({} in operations, {} organic); {} networks flag {} accounts\n",
        report.labelled_accounts, report.operation_accounts, report.organic_accounts, report.networks, report.flagged_accounts
    ));
    s.push_str(&format!(
        "precision {:.4}  recall {:.4}  F1 {:.4}  (TP {}, FP {}, FN {})\n",
        report.precision, report.recall, report.f1, report.true_positives, report.false_positives, report.false_negatives
    ));
    s.push_str(&format!(
        "organic accounts flagged: {} of {} ({:.3}%)\n",
        report.false_positives,
        report.organic_accounts,
        100.0 * report.organic_false_positive_rate
    ));
    s.push_str(&format!(
        "\noperations recovered as one network (Jaccard >= 0.8): {} of {}\n",
        report.operations_recovered,
        report.operations.len()
    ));
    for o in &report.operations {
        s.push_str(&format!(
            "  {:<10} {:<9} {:>3} accounts  flagged {:>3}  best {} ({})  Jaccard {:.3}{}{}\n",
            o.operation,
            o.label_type,
            o.accounts,
            o.flagged,
            o.best_network.as_deref().unwrap_or("-"),
            o.network_type.as_deref().unwrap_or("-"),
            o.jaccard,
            if o.whole { "  all in it" } else { "" },
            if o.recovered { "" } else { "  NOT RECOVERED" }
        ));
    }
    s.push_str("\nrecall by perturbation (member in its operation's network):\n");
    for g in &report.recall_by_perturbation {
        s.push_str(&format!("  {:<16} {:>4} of {:>4}  {:.3}\n", g.name, g.flagged, g.accounts, g.rate));
    }
    s.push_str("\norganic accounts flagged, by trap:\n");
    for g in &report.organic_by_trap {
        s.push_str(&format!("  {:<16} {:>4} of {:>5}  {:.4}\n", g.name, g.flagged, g.accounts, g.rate));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A network with these members and nothing else.
    pub(crate) fn network(id: &str, score: f64, accounts: &[&str]) -> Network {
        serde_json::from_value(serde_json::json!({
            "id": id, "type": "influence", "score": score, "accounts": accounts,
            "operator_accounts": accounts.iter().filter(|a| a.starts_with("ai:")).collect::<Vec<_>>(), "platforms": ["x"],
            "signals": {}, "evidence": [], "explanation": "", "edges": 0, "posts": 0, "languages": {},
            "features": {"evidence_strength": 0.0, "density": 0.0, "signals_present": 0, "traits_strength": 0.0,
                "traits": {"created_known": 0, "created_in_burst": 0, "burst_span_days": 0.0, "lookalike_handles": 0,
                    "lookalike_examples": [], "ratio_known": 0, "median_follower_ratio": null, "low_follower_ratio": 0}}
        }))
        .expect("a network")
    }

    #[test]
    fn scores_a_small_case() {
        let labels = read_labels(
            r#"{"kind":"label","account":"a","operation":"op-1","type":"influence","perturbation":"exact"}
{"kind":"label","account":"b","operation":"op-1","type":"influence","perturbation":"translated"}
{"kind":"label","account":"c","operation":"organic","type":"organic","traps":["chant"],"trap":"chant"}
{"kind":"label","account":"d","operation":"organic","type":"organic"}
{"kind":"post","id":"1"}"#,
        )
        .unwrap();
        let nets = vec![network("n-1", 0.9, &["a", "b", "c"])];
        let r = evaluate(&labels, &nets, 0.0);
        assert_eq!((r.true_positives, r.false_positives, r.false_negatives), (2, 1, 0));
        assert!((r.f1 - 0.8).abs() < 1e-12);
        assert!((r.operations[0].jaccard - 2.0 / 3.0).abs() < 1e-12);
        assert!(!r.operations[0].recovered);
        let chant = r.organic_by_trap.iter().find(|g| g.name == "chant").unwrap();
        assert_eq!(chant.flagged, 1);
        let exact = r.recall_by_perturbation.iter().find(|g| g.name == "exact").unwrap();
        assert_eq!(exact.flagged, 1);
        assert_eq!(evaluate(&labels, &nets, 0.95).flagged_accounts, 0);
    }
}
