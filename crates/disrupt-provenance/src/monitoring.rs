//! User monitoring: per AI-provider account, what its requests say about intent.
//!
//! Cues: refused requests (a safeguard fired), prompts asking for batches of posts as if
//! from different people, many output languages at once, named public figures, and the
//! vocabulary of planning an influence or fraud operation. Cue lists ship in `data/` and
//! users add their own files without recompiling. The summary is a signal on a network and
//! never a verdict alone: an account is not flagged for its prompts.

use regex::{Regex, RegexBuilder};
use std::collections::{BTreeMap, BTreeSet};

const DEFAULT_FIGURES: &str = include_str!("../data/public_figures.txt");
const DEFAULT_PLANNING: &str = include_str!("../data/planning_terms.txt");
const DEFAULT_BATCH: &str = include_str!("../data/batch_patterns.txt");

/// The cue lists.
#[derive(Debug, Clone)]
pub struct MonitoringCues {
    figures: Vec<(String, Regex)>,
    planning: Vec<(String, Regex)>,
    batch: Vec<Regex>,
}

/// Why a monitoring cue list could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CueError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A term or pattern is not a valid expression.
    #[error("{0}")]
    Invalid(String),
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn phrase(term: &str) -> Result<(String, Regex), CueError> {
    let pattern = format!(r"\b{}\b", regex::escape(&term.to_lowercase()).replace(' ', r"\s+"));
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .build()
        .map(|r| (term.to_string(), r))
        .map_err(|e| CueError::Invalid(format!("`{term}`: {e}")))
}

impl Default for MonitoringCues {
    fn default() -> Self {
        // The shipped lists are tested; they always parse.
        Self::from_texts(DEFAULT_FIGURES, DEFAULT_PLANNING, DEFAULT_BATCH).unwrap_or(MonitoringCues {
            figures: vec![],
            planning: vec![],
            batch: vec![],
        })
    }
}

impl MonitoringCues {
    /// Cue lists from the texts of the three files (one term or pattern a line, `#` comments).
    pub fn from_texts(figures: &str, planning: &str, batch: &str) -> Result<Self, CueError> {
        Ok(MonitoringCues {
            figures: lines(figures).map(phrase).collect::<Result<_, _>>()?,
            planning: lines(planning).map(phrase).collect::<Result<_, _>>()?,
            batch: lines(batch)
                .map(|p| RegexBuilder::new(p).case_insensitive(true).build().map_err(|e| CueError::Invalid(format!("`{p}`: {e}"))))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The defaults plus the files a user keeps in `dir` (`public_figures.txt`,
    /// `planning_terms.txt`, `batch_patterns.txt`; any may be missing).
    pub fn with_extra_dir(dir: &std::path::Path) -> Result<Self, CueError> {
        let read = |name: &str| -> Result<String, CueError> {
            let path = dir.join(name);
            if path.exists() {
                std::fs::read_to_string(&path).map_err(|source| CueError::Read { path: path.clone(), source })
            } else {
                Ok(String::new())
            }
        };
        Self::from_texts(
            &format!("{DEFAULT_FIGURES}\n{}", read("public_figures.txt")?),
            &format!("{DEFAULT_PLANNING}\n{}", read("planning_terms.txt")?),
            &format!("{DEFAULT_BATCH}\n{}", read("batch_patterns.txt")?),
        )
    }
}

/// One generation, as monitoring reads it.
pub struct Request<'a> {
    /// Generation id.
    pub id: &'a str,
    /// Its prompt.
    pub prompt: &'a str,
    /// Whether the model refused.
    pub refused: bool,
    /// Languages of its outputs (detected or given).
    pub languages: Vec<String>,
}

pub use disrupt_model::{AccountRisk, PromptExcerpt};

fn excerpt(text: &str) -> String {
    let mut s: String = text.chars().take(240).collect();
    if text.chars().count() > 240 {
        s.push('…');
    }
    s
}

/// Summarises one account's requests.
pub fn assess_account(account: &str, requests: &[Request<'_>], cues: &MonitoringCues) -> AccountRisk {
    let mut refused = 0;
    let mut batch = 0;
    let mut languages = BTreeSet::new();
    let mut figures = BTreeSet::new();
    let mut planning = BTreeSet::new();
    let mut evidence: BTreeMap<&str, Vec<PromptExcerpt>> = BTreeMap::new();
    let mut keep = |cue: &'static str, r: &Request<'_>, what: String| {
        let list = evidence.entry(cue).or_default();
        if list.len() < 2 {
            list.push(PromptExcerpt { generation: r.id.to_string(), cue: what, excerpt: excerpt(r.prompt) });
        }
    };
    for r in requests {
        if r.refused {
            refused += 1;
            keep("refused", r, "refused".into());
        }
        if cues.batch.iter().any(|re| re.is_match(r.prompt)) {
            batch += 1;
            keep("batch", r, "batch of posts as if from different people".into());
        }
        for (name, re) in &cues.figures {
            if re.is_match(r.prompt) && figures.insert(name.clone()) {
                keep("figures", r, format!("public figure: {name}"));
            }
        }
        for (name, re) in &cues.planning {
            if re.is_match(r.prompt) && planning.insert(name.clone()) {
                keep("planning", r, format!("planning: {name}"));
            }
        }
        languages.extend(r.languages.iter().cloned());
    }
    let mut cue_list = Vec::new();
    let mut risk: f64 = 0.0;
    if refused > 0 {
        cue_list.push(format!("{refused} refused requests"));
        risk += 0.25 * (refused as f64 / 2.0).min(1.0);
    }
    if batch > 0 {
        cue_list.push(format!("{batch} requests for batches of posts from different people"));
        risk += 0.3;
    }
    if languages.len() >= 3 {
        cue_list.push(format!("outputs in {} languages", languages.len()));
        risk += 0.15;
    }
    if !figures.is_empty() {
        cue_list.push(format!("targets public figures ({})", figures.iter().cloned().collect::<Vec<_>>().join(", ")));
        risk += 0.1;
    }
    if !planning.is_empty() {
        cue_list.push(format!("operational planning ({})", planning.iter().cloned().collect::<Vec<_>>().join(", ")));
        risk += 0.3;
    }
    AccountRisk {
        account: account.to_string(),
        generations: requests.len(),
        refused,
        batch_requests: batch,
        languages: languages.into_iter().collect(),
        public_figures: figures.into_iter().collect(),
        planning_terms: planning.into_iter().collect(),
        risk: (risk.min(1.0) * 100.0).round() / 100.0,
        cues: cue_list,
        evidence: evidence.into_values().flatten().collect(),
        network: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(prompt: &'a str, refused: bool, langs: &[&str]) -> Request<'a> {
        Request { id: "g-1", prompt, refused, languages: langs.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn shipped_cue_lists_parse() {
        let c = MonitoringCues::default();
        assert!(c.figures.len() > 5 && c.planning.len() > 10 && c.batch.len() >= 3);
    }

    #[test]
    fn an_operators_requests_show_cues_and_an_ordinary_users_do_not() {
        let cues = MonitoringCues::default();
        let operator = assess_account(
            "ai:org-17",
            &[
                req(
                    "Write 7 different tweets from different people praising the minister, in four languages",
                    false,
                    &["en", "es", "de", "fr"],
                ),
                req("Make it look organic so it avoids detection", true, &[]),
            ],
            &cues,
        );
        assert_eq!(operator.batch_requests, 1);
        assert_eq!(operator.refused, 1);
        assert!(operator.public_figures.contains(&"minister".to_string()));
        assert!(
            operator.planning_terms.contains(&"avoid detection".to_string())
                || operator.planning_terms.contains(&"look organic".to_string())
        );
        assert!(operator.risk >= 0.8, "{operator:?}");
        assert!(!operator.evidence.is_empty());
        let user = assess_account("ai:u-1", &[req("Write a short post about my bakery's new sourdough", false, &["en"])], &cues);
        assert_eq!(user.risk, 0.0);
        assert!(user.cues.is_empty());
    }

    #[test]
    fn users_extend_the_lists() {
        let cues = MonitoringCues::from_texts("Jane Doe\n", "", "").unwrap();
        let r = assess_account("ai:x", &[req("a post mocking jane   doe", false, &[])], &cues);
        assert_eq!(r.public_figures, vec!["Jane Doe".to_string()]);
    }
}
