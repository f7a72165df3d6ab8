//! DISARM tags: what a network was observed doing, mapped to DISARM Red Framework
//! techniques by rules in a data file (`data/disarm_rules.tsv`, which users extend with a
//! file of the same form). Each tag names its evidence. Technique names come from the
//! DISARM Foundation's framework (`data/disarm_techniques.tsv`, CC BY-SA 4.0).

use disrupt_model::{DisarmTag, Network, Signal};
use std::collections::BTreeMap;

/// The shipped technique list: id, name, tactic.
const TECHNIQUES: &str = include_str!("../data/disarm_techniques.tsv");
/// The shipped rules.
const RULES: &str = include_str!("../data/disarm_rules.tsv");

/// What a rule asks of a network.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    Signal(String),
    Platforms(usize),
    Operators(usize),
    CreatedInBurst(usize),
    LookalikeHandles(usize),
    Type(String),
}

/// One rule: a technique, its name, and when a network shows it.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    id: String,
    name: String,
    when: Condition,
}

/// The rules a scan tags networks with.
#[derive(Debug, Clone, PartialEq)]
pub struct DisarmRules {
    rules: Vec<Rule>,
}

/// Why a rules file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("DISARM rules, line {line}: {message}")]
pub struct RuleError {
    /// Line (from 1).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn technique_names() -> BTreeMap<&'static str, &'static str> {
    TECHNIQUES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cells = l.split('\t');
            Some((cells.next()?, cells.next()?))
        })
        .collect()
}

impl Default for DisarmRules {
    fn default() -> Self {
        DisarmRules::parse(RULES).expect("the shipped DISARM rules parse")
    }
}

impl DisarmRules {
    /// Rules written as the shipped file is: `ID<TAB>CONDITION[<TAB>NAME]`, `#` comments.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let names = technique_names();
        let mut rules = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let err = |message: String| RuleError { line: i + 1, message };
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            let (id, condition) = match cells.as_slice() {
                [id, condition, ..] if !id.is_empty() => (*id, *condition),
                _ => return Err(err("expected a technique id, a tab and a condition".into())),
            };
            let name = match (cells.get(2).filter(|n| !n.is_empty()), names.get(id)) {
                (Some(given), _) => given.to_string(),
                (None, Some(known)) => known.to_string(),
                (None, None) => {
                    return Err(err(format!("{id} is not a DISARM technique id this build knows: give its name as a third column")))
                }
            };
            let (what, value) = condition.split_once(' ').map(|(w, v)| (w, v.trim())).unwrap_or((condition, ""));
            let count = || value.parse::<usize>().map_err(|_| err(format!("`{condition}`: expected a number after `{what}`")));
            let when = match what {
                "signal" if !value.is_empty() => Condition::Signal(value.to_string()),
                "type" if !value.is_empty() => Condition::Type(value.to_string()),
                "platforms" => Condition::Platforms(count()?),
                "operators" => Condition::Operators(count()?),
                "created_in_burst" => Condition::CreatedInBurst(count()?),
                "lookalike_handles" => Condition::LookalikeHandles(count()?),
                _ => {
                    return Err(err(format!(
                        "unknown condition `{condition}` (known: signal NAME, type NAME, platforms N, operators N, created_in_burst N, lookalike_handles N)"
                    )))
                }
            };
            rules.push(Rule { id: id.to_string(), name, when });
        }
        Ok(DisarmRules { rules })
    }

    /// The shipped rules and then those of `text`.
    pub fn with_extra(mut self, text: &str) -> Result<Self, RuleError> {
        self.rules.extend(DisarmRules::parse(text)?.rules);
        Ok(self)
    }

    /// The techniques `network` shows, once each, in rule order, each with its evidence.
    pub fn tag(&self, network: &Network) -> Vec<DisarmTag> {
        let mut tags: Vec<DisarmTag> = Vec::new();
        for rule in &self.rules {
            let Some(evidence) = observed(&rule.when, network) else { continue };
            match tags.iter_mut().find(|t| t.id == rule.id) {
                Some(tag) => {
                    tag.evidence.push_str("; ");
                    tag.evidence.push_str(&evidence);
                }
                None => tags.push(DisarmTag { id: rule.id.clone(), name: rule.name.clone(), evidence }),
            }
        }
        tags
    }
}

/// What in `network` meets the condition, said with its evidence; `None` when it does not.
fn observed(when: &Condition, network: &Network) -> Option<String> {
    let traits = &network.features.traits;
    match when {
        Condition::Signal(name) => {
            let signal = Signal::from_name(name).ok()?;
            let co_actions = network.signals.get(&signal).copied().filter(|&n| n > 0)?;
            let detail = network.evidence.iter().find(|e| e.signal == signal).map(|e| {
                let records: Vec<&str> = e.records.iter().take(3).map(String::as_str).collect();
                format!(": {} (records {}{})", e.detail, records.join(", "), if e.record_count > 3 { ", ..." } else { "" })
            });
            Some(format!("{name} evidence, {co_actions} co-actions{}", detail.unwrap_or_default()))
        }
        Condition::Platforms(n) => (network.platforms.len() >= *n)
            .then(|| format!("members post on {} platforms ({})", network.platforms.len(), network.platforms.join(", "))),
        Condition::Operators(n) => (network.operator_accounts.len() >= *n && *n > 0).then(|| {
            format!("{} AI-provider accounts are members ({})", network.operator_accounts.len(), network.operator_accounts.join(", "))
        }),
        Condition::CreatedInBurst(n) => (traits.created_in_burst >= *n && *n > 0).then(|| {
            format!("{} members created within {:.0} days of each other", traits.created_in_burst, traits.burst_span_days.max(1.0))
        }),
        Condition::LookalikeHandles(n) => (traits.lookalike_handles >= *n && *n > 0).then(|| {
            format!("{} members' handles follow one template (e.g. {})", traits.lookalike_handles, traits.lookalike_examples.join(", "))
        }),
        Condition::Type(name) => (network.network_type.as_str() == name).then(|| {
            let funnel = network
                .funnel
                .as_ref()
                .map(|f| format!(": {} conversations with {} targets", f.conversations, f.targets))
                .unwrap_or_default();
            format!("typed {name}{funnel}")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_name_real_techniques() {
        let rules = DisarmRules::default();
        assert!(rules.rules.len() >= 10);
        let flood = rules.rules.iter().find(|r| r.id == "T0049").unwrap();
        assert_eq!(flood.name, "Flood Information Space");
        assert_eq!(rules.rules.iter().find(|r| r.id == "T0085.001").unwrap().name, "Develop AI-Generated Text");
    }

    #[test]
    fn user_rules_are_checked_with_their_line() {
        let e = DisarmRules::parse("# comment\nT0049\tsignal co_post\nT0049\tcolour red\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unknown condition"), "{e}");
        assert!(DisarmRules::parse("T9999\tsignal co_post\n").unwrap_err().message.contains("third column"));
        let own = DisarmRules::parse("T9999\tplatforms 3\tOur own technique\n").unwrap();
        assert_eq!(own.rules[0].name, "Our own technique");
        assert!(DisarmRules::parse("T0049\tplatforms many\n").is_err());
    }
}
