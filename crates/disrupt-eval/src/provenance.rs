//! Scoring of the link stage: provenance links against the simulator's true links
//! (precision, recall, and recall per disguise), and whether each operation's AI-provider
//! accounts are listed as its network's `operator_accounts`.

use disrupt_model::{Network, ProvenanceLink};
use disrupt_records::Label;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Recall of the true links of one disguise.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PerturbationRecall {
    /// The disguise.
    pub perturbation: String,
    /// True links with it.
    pub links: usize,
    /// Of them, found.
    pub found: usize,
    /// `found / links`.
    pub recall: f64,
}

/// How a scan's provenance links match the true ones.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProvenanceReport {
    /// True links.
    pub true_links: usize,
    /// Links the scan found.
    pub found_links: usize,
    /// Of them, true.
    pub correct: usize,
    /// `correct / found`.
    pub precision: f64,
    /// `correct / true`.
    pub recall: f64,
    /// Recall per disguise.
    pub by_perturbation: Vec<PerturbationRecall>,
    /// AI-provider accounts labelled as an operation's operators.
    pub operators: usize,
    /// Of them, listed in `operator_accounts` of a network holding their operation's members.
    pub operators_listed: usize,
    /// AI-provider accounts labelled organic that sit in a network.
    pub organic_ai_flagged: usize,
}

/// One true link of the simulator's `provenance_truth.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthLink {
    /// The post.
    pub post: String,
    /// The generation whose output it is.
    pub generation: String,
    /// The output's position.
    pub output: u64,
    /// How the post disguises the output.
    #[serde(default)]
    pub perturbation: Option<String>,
}

/// Reads `provenance_truth.jsonl`.
pub fn read_truth_links(text: &str) -> Result<Vec<TruthLink>, crate::EvalError> {
    crate::json_lines(text)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// `truth`: the true links; `found`: a scan's `provenance.jsonl`; `labels`: the labels
/// (with `role` for operators); `networks`: the scan's networks.
pub fn evaluate_provenance(truth: &[TruthLink], found: &[ProvenanceLink], labels: &[Label], networks: &[Network]) -> ProvenanceReport {
    let true_of: HashMap<&str, (&str, u64)> = truth.iter().map(|v| (v.post.as_str(), (v.generation.as_str(), v.output))).collect();
    let found_of: HashMap<&str, (&str, u64)> =
        found.iter().filter_map(|v| Some((v.post.as_deref()?, (v.generation.as_str(), u64::from(v.output))))).collect();
    let correct = found_of.iter().filter(|(post, k)| true_of.get(*post) == Some(*k)).count();
    let mut by: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for v in truth {
        let e = by.entry(v.perturbation.clone().unwrap_or_else(|| "unspecified".into())).or_default();
        e.0 += 1;
        if found_of.get(v.post.as_str()) == Some(&(v.generation.as_str(), v.output)) {
            e.1 += 1;
        }
    }
    // Operators: in a network's operator_accounts, together with their operation's members.
    let operation_of: HashMap<&str, &str> = labels.iter().map(|l| (l.account.as_str(), l.operation.as_str())).collect();
    let mut operators = 0;
    let mut listed = 0;
    let mut organic_ai_flagged = 0;
    for l in labels {
        let account = l.account.as_str();
        if !account.starts_with("ai:") {
            continue;
        }
        let in_network = networks.iter().find(|n| n.accounts.iter().any(|x| x == account));
        if l.extra("role") == Some("operator") {
            operators += 1;
            let op = l.operation.as_str();
            if let Some(n) = in_network {
                let is_operator = n.operator_accounts.iter().any(|x| x == account);
                let with_members = n.accounts.iter().any(|m| !m.starts_with("ai:") && operation_of.get(m.as_str()) == Some(&op));
                if is_operator && with_members {
                    listed += 1;
                }
            }
        } else if l.operation == "organic" && in_network.is_some() {
            organic_ai_flagged += 1;
        }
    }
    ProvenanceReport {
        true_links: true_of.len(),
        found_links: found_of.len(),
        correct,
        precision: ratio(correct, found_of.len()),
        recall: ratio(correct, true_of.len()),
        by_perturbation: by
            .into_iter()
            .map(|(p, (n, f))| PerturbationRecall { perturbation: p, links: n, found: f, recall: ratio(f, n) })
            .collect(),
        operators,
        operators_listed: listed,
        organic_ai_flagged,
    }
}

/// The report as a table for a terminal.
pub fn render(r: &ProvenanceReport) -> String {
    let mut s = format!(
        "\nprovenance links: precision {:.4}  recall {:.4}  ({} correct of {} found, {} true)\n",
        r.precision, r.recall, r.correct, r.found_links, r.true_links
    );
    for p in &r.by_perturbation {
        s.push_str(&format!("  {:<18} {:>5} of {:>5}  {:.3}\n", p.perturbation, p.found, p.links, p.recall));
    }
    s.push_str(&format!(
        "operator accounts listed in their operation's network: {} of {}; organic AI-provider accounts in a network: {}\n",
        r.operators_listed, r.operators, r.organic_ai_flagged
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_links_and_operators() {
        let truth = r#"{"post":"p1","generation":"g1","output":0,"perturbation":"exact"}
{"post":"p2","generation":"g1","output":1,"perturbation":"truncated"}"#;
        let found = r#"{"post":"p1","generation":"g1","output":0}
{"post":"p9","generation":"g2","output":0}"#;
        let labels = r#"{"kind":"label","account":"ai:o","operation":"op","type":"influence","role":"operator"}
{"kind":"label","account":"x:1","operation":"op","type":"influence"}
{"kind":"label","account":"ai:u","operation":"organic","type":"organic"}"#;
        let networks = vec![crate::tests::network("n-1", 0.5, &["ai:o", "x:1", "x:2"])];
        let found: Vec<ProvenanceLink> = found
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                for (k, x) in [("account", "x:1"), ("operator", "ai:o"), ("role", "copy")] {
                    v[k] = x.into();
                }
                for k in ["similarity", "post_containment", "output_containment", "delay_seconds"] {
                    v[k] = 1.0.into();
                }
                serde_json::from_value(v).unwrap()
            })
            .collect();
        let r = evaluate_provenance(&read_truth_links(truth).unwrap(), &found, &crate::read_labels(labels).unwrap(), &networks);
        assert_eq!((r.correct, r.found_links, r.true_links), (1, 2, 2));
        assert_eq!(r.precision, 0.5);
        assert_eq!(r.by_perturbation[1].perturbation, "truncated");
        assert_eq!(r.by_perturbation[1].found, 0);
        assert_eq!((r.operators, r.operators_listed, r.organic_ai_flagged), (1, 1, 0));
    }
}
