//! What a signal declares about itself, wherever it is computed (a windowed detector, the
//! provenance stage, the funnel stage): its settings, and how networks describe its
//! evidence. Each signal's owner declares these in the signal's own module; the scan lists
//! every signal once.

use disrupt_model::Signal;
use serde::{Deserialize, Serialize};

/// Settings of one signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignalConfig {
    /// Whether the signal runs.
    pub enabled: bool,
    /// Co-action window `W`, seconds: how close in time two accounts' actions must be.
    pub window_seconds: f64,
}

/// What a record shares under a signal, named in explanations ("the same 3 links (...)").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedItems {
    /// Nothing a post's fields name (the values, if any, come with the evidence).
    Values,
    /// The post's canonical links.
    Links,
    /// The post's hashtags.
    Hashtags,
    /// The post it reposts.
    RepostTargets,
    /// The post it replies to.
    ReplyTargets,
    /// The post's other shared items (`type:value`).
    Objects,
}

/// How a signal's evidence counts when networks guess what kind of operation they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    /// The same or nearly the same text: copied posts, and a message pushed.
    CopiedText,
    /// A message pushed another way (hashtags, reposts, replies, model batches).
    Message,
    /// Links pushed.
    Links,
    /// Anything else (infrastructure, scam links).
    Other,
}

/// How networks describe one signal.
#[derive(Clone, Copy)]
pub struct SignalDescription {
    /// The signal.
    pub signal: Signal,
    /// What the accounts did, after "12 accounts": "posted 40 identical texts within 90 s
    /// of each other on 3 occasions".
    pub phrase: fn(&SignalSummary) -> String,
    /// What its records share.
    pub shares: SharedItems,
    /// How it counts in the network's type.
    pub kind: EvidenceKind,
}

impl std::fmt::Debug for SignalDescription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignalDescription").field("signal", &self.signal).field("shares", &self.shares).field("kind", &self.kind).finish()
    }
}

/// A signal declared by a stage other than the windowed detectors: how it is described,
/// and its default settings.
#[derive(Debug, Clone, Copy)]
pub struct LinkSignal {
    /// How networks describe it.
    pub description: SignalDescription,
    /// Its settings unless the user changes them.
    pub default: SignalConfig,
}

/// What one signal showed inside one network.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSummary {
    /// The signal.
    pub signal: Signal,
    /// Member accounts with its evidence.
    pub accounts: usize,
    /// Records behind it.
    pub posts: usize,
    /// Co-actions.
    pub co_actions: usize,
    /// Bursts of matched records separated by more than the signal's window.
    pub occasions: usize,
    /// Largest gap between two matched records.
    pub max_gap_ms: i64,
    /// Shared items (links, hashtags, targets, values) with how many of the network's
    /// records carry them, most shared first.
    pub shared: Vec<(String, usize)>,
}

impl SignalSummary {
    /// "within 90 s of each other on 3 occasions".
    pub fn when(&self) -> String {
        format!("within {} of each other on {}", format_duration(self.max_gap_ms), plural(self.occasions, "occasion", "occasions"))
    }

    /// "3 links": the number of shared items (at least one) and their noun.
    pub fn shared_count(&self, one: &str, many: &str) -> String {
        plural(self.shared.len().max(1), one, many)
    }

    /// " (a, b, ...)": the first `max` shared items, each after `prefix`.
    pub fn shared_list(&self, prefix: &str, max: usize) -> String {
        let names: Vec<String> = self.shared.iter().take(max).map(|(k, _)| format!("{prefix}{k}")).collect();
        if names.is_empty() {
            String::new()
        } else if self.shared.len() > max {
            format!(" ({}, ...)", names.join(", "))
        } else {
            format!(" ({})", names.join(", "))
        }
    }
}

/// `45 s`, `3 min`, `2 h`.
pub fn format_duration(ms: i64) -> String {
    let s = (ms as f64 / 1000.0).round() as i64;
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min", (s as f64 / 60.0).round() as i64)
    } else {
        format!("{} h", (s as f64 / 3600.0).round() as i64)
    }
}

/// "1 occasion", "3 occasions".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The first `n` words of a text, with an ellipsis when there were more.
pub fn clip_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} ...", words[..n].join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration(45_000), "45 s");
        assert_eq!(format_duration(600_000), "10 min");
        assert_eq!(format_duration(3 * 3_600_000), "3 h");
    }

    #[test]
    fn shared_lists_say_when_they_are_cut() {
        let s = SignalSummary {
            signal: Signal::CO_LINK,
            accounts: 2,
            posts: 2,
            co_actions: 1,
            occasions: 1,
            max_gap_ms: 1000,
            shared: vec![("a".into(), 2), ("b".into(), 2), ("c".into(), 2)],
        };
        assert_eq!(s.shared_list("#", 2), " (#a, #b, ...)");
        assert_eq!(s.shared_list("", 3), " (a, b, c)");
        assert_eq!(s.shared_count("link", "links"), "3 links");
        assert_eq!(s.when(), "within 1 s of each other on 1 occasion");
    }
}
