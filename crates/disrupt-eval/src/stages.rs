//! Stage accuracy: each message's stage in a scan's `stages.jsonl` against the true stages
//! a generator wrote (`stages_truth.jsonl`: `{"message", "stage"}` per line), overall, per
//! true stage (recall) and as a confusion matrix.

use disrupt_model::MessageStage;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

const STAGES: [&str; 4] = ["ping", "zing", "sting", "other"];

/// How a scan's message stages match the true ones.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageReport {
    /// Messages with a true stage.
    pub messages: usize,
    /// Of them, staged by the scan.
    pub staged: usize,
    /// Of them, staged the same.
    pub correct: usize,
    /// `correct / messages`.
    pub accuracy: f64,
    /// Per true stage: messages and how many the scan staged the same.
    pub by_stage: BTreeMap<String, (usize, usize)>,
    /// `confusion[true][found]`.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
}

/// One line of the simulator's `stages_truth.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthStage {
    /// The message.
    pub message: String,
    /// What it does.
    pub stage: String,
}

/// Reads `stages_truth.jsonl`.
pub fn read_truth_stages(text: &str) -> Result<Vec<TruthStage>, crate::EvalError> {
    crate::json_lines(text)
}

/// Scores `found` (a scan's `stages.jsonl`) against `truth`. A message the scan did not
/// stage counts as wrong.
pub fn evaluate_stages(truth: &[TruthStage], found: &[MessageStage]) -> StageReport {
    let staged: HashMap<&str, &str> = found.iter().map(|m| (m.message.as_str(), m.stage.as_str())).collect();
    let mut report =
        StageReport { messages: 0, staged: 0, correct: 0, accuracy: 0.0, by_stage: BTreeMap::new(), confusion: BTreeMap::new() };
    for v in truth {
        let (m, true_stage) = (v.message.as_str(), v.stage.as_str());
        report.messages += 1;
        let found_stage = staged.get(m).copied().unwrap_or("unstaged");
        report.staged += (found_stage != "unstaged") as usize;
        let right = found_stage == true_stage;
        report.correct += right as usize;
        let e = report.by_stage.entry(true_stage.to_string()).or_default();
        e.0 += 1;
        e.1 += right as usize;
        *report.confusion.entry(true_stage.to_string()).or_default().entry(found_stage.to_string()).or_default() += 1;
    }
    report.accuracy = if report.messages == 0 { 0.0 } else { report.correct as f64 / report.messages as f64 };
    report
}

/// The report as a table for a terminal.
pub fn render(r: &StageReport) -> String {
    let mut s = format!(
        "message stages: accuracy {:.4} ({} of {} messages; {} staged)\n  true \\ found   {}\n",
        r.accuracy,
        r.correct,
        r.messages,
        r.staged,
        STAGES.iter().map(|x| format!("{x:>6}")).collect::<Vec<_>>().join(" ")
    );
    for t in STAGES {
        let Some(row) = r.confusion.get(t) else { continue };
        let (n, ok) = r.by_stage.get(t).copied().unwrap_or((0, 0));
        s.push_str(&format!(
            "  {t:<14} {}   recall {:.3}\n",
            STAGES.iter().map(|f| format!("{:>6}", row.get(*f).copied().unwrap_or(0))).collect::<Vec<_>>().join(" "),
            if n == 0 { 0.0 } else { ok as f64 / n as f64 }
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_right_wrong_and_unstaged() {
        let truth =
            "{\"message\":\"a\",\"stage\":\"ping\"}\n{\"message\":\"b\",\"stage\":\"sting\"}\n{\"message\":\"c\",\"stage\":\"zing\"}\n";
        let stage = |message: &str, stage| MessageStage {
            message: message.into(),
            conversation: "c".into(),
            account: "x:1".into(),
            created_at: String::new(),
            stage,
            cues: vec![],
            amounts: vec![],
            details: vec![],
            lure_score: 0.0,
            role: None,
            role_given: None,
        };
        let found = [stage("a", disrupt_model::Stage::Ping), stage("b", disrupt_model::Stage::Other)];
        let r = evaluate_stages(&read_truth_stages(truth).unwrap(), &found);
        assert_eq!((r.messages, r.staged, r.correct), (3, 2, 1));
        assert!((r.accuracy - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.confusion["sting"]["other"], 1);
        assert_eq!(r.confusion["zing"]["unstaged"], 1);
        assert!(render(&r).contains("accuracy 0.3333"));
    }
}
