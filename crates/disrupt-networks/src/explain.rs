//! Plain-language explanations of networks, written for an analyst: what the accounts
//! did, how often, how close in time, how unlikely by chance, and what they look like.

use crate::traits::ActorTraits;
use disrupt_detect::Signal;

/// What one signal showed inside one network.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSummary {
    pub signal: Signal,
    pub accounts: usize,
    pub posts: usize,
    pub co_actions: usize,
    pub occasions: usize,
    pub max_gap_ms: i64,
    /// Shared items (links, hashtags, targets) with how many of the network's posts carry them.
    pub shared: Vec<(String, usize)>,
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

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn listed(items: &[(String, usize)], prefix: &str, max: usize) -> String {
    let names: Vec<String> = items.iter().take(max).map(|(k, _)| format!("{prefix}{k}")).collect();
    if names.is_empty() {
        String::new()
    } else if items.len() > max {
        format!(" ({}, ...)", names.join(", "))
    } else {
        format!(" ({})", names.join(", "))
    }
}

fn phrase(s: &SignalSummary) -> String {
    let when = format!("within {} of each other on {}", format_duration(s.max_gap_ms), plural(s.occasions, "occasion", "occasions"));
    match s.signal {
        Signal::CoPost => format!("posted {} identical texts {when}", s.posts),
        Signal::NearDuplicate => format!("posted {} near-identical texts {when}", s.posts),
        Signal::CoLink => format!(
            "shared the same {}{} in {} posts {when}",
            plural(s.shared.len().max(1), "link", "links"),
            listed(&s.shared, "", 2),
            s.posts
        ),
        Signal::CoHashtag => format!(
            "used the same {}{} in {} posts {when}",
            plural(s.shared.len().max(1), "hashtag", "hashtags"),
            listed(&s.shared, "#", 3),
            s.posts
        ),
        Signal::CoRepost => format!("reposted the same {} {when}", plural(s.shared.len().max(1), "post", "posts")),
        Signal::CoReply => format!("replied to the same {} {when}", plural(s.shared.len().max(1), "post", "posts")),
        Signal::Provenance => {
            format!("posted {} outputs of the same AI-model batches", s.posts.saturating_sub(s.co_actions.min(s.posts) / 2).max(1))
        }
        Signal::SharedInfrastructure => "used the same AI-provider infrastructure".to_string(),
        Signal::SharedScript => format!(
            "sent one script, with variations, in {} messages and ads{}",
            s.posts,
            s.shared.first().map(|(text, _)| format!(" (\"{}\")", clip_words(text, 12))).unwrap_or_default()
        ),
        Signal::SharedPayment => {
            format!("asked for payment to the same {}{}", plural(s.shared.len().max(1), "account", "accounts"), listed(&s.shared, "", 2))
        }
        Signal::SharedContact => {
            format!("pointed targets to the same {}{}", plural(s.shared.len().max(1), "contact", "contacts"), listed(&s.shared, "", 3))
        }
    }
}

/// The first `n` words of a text, with an ellipsis when there were more.
fn clip_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n {
        words.join(" ")
    } else {
        format!("{} ...", words[..n].join(" "))
    }
}

fn format_p(p: f64) -> String {
    if p < 1e-300 {
        "p < 1e-300".into()
    } else if p < 0.001 {
        format!("p = {p:.0e}")
    } else {
        format!("p = {p:.3}")
    }
}

/// The explanation of a network of `members` accounts.
pub fn explain(members: usize, summaries: &[SignalSummary], strongest: Option<(u32, f64, f64)>, traits: &ActorTraits) -> String {
    let mut parts = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        let who = if i == 0 && s.accounts == members {
            format!("{members} accounts")
        } else if i == 0 {
            format!("Of {members} accounts, {}", s.accounts)
        } else if s.accounts == members {
            "all of them".to_string()
        } else {
            format!("{} of them", s.accounts)
        };
        parts.push(format!("{who} {}", phrase(s)));
    }
    let mut text = parts.join("; ");
    if text.is_empty() {
        text = format!("{members} accounts co-acted beyond chance");
    }
    text.push('.');
    if let Some((co_actions, expected, p)) = strongest {
        text.push_str(&format!(
            " The most tightly linked pair co-acted {} where chance predicts {:.2} ({}).",
            plural(co_actions as usize, "time", "times"),
            expected,
            format_p(p)
        ));
    }
    if traits.created_known >= 3 && traits.created_in_burst >= 3 && traits.created_in_burst * 2 >= traits.created_known {
        text.push_str(&format!(
            " {} of the {} accounts with a known creation date were created within {:.0} days of each other.",
            traits.created_in_burst,
            traits.created_known,
            traits.burst_span_days.ceil().max(1.0)
        ));
    }
    if traits.lookalike_handles >= 2 {
        text.push_str(&format!(" {} have look-alike handles (e.g. {}).", traits.lookalike_handles, traits.lookalike_examples.join(", ")));
    }
    if traits.ratio_known >= 3 && traits.low_follower_ratio * 2 >= traits.ratio_known {
        text.push_str(&format!(
            " {} of {} follow at least five times as many accounts as follow them.",
            traits.low_follower_ratio, traits.ratio_known
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_an_analyst_wrote_it() {
        let s = vec![
            SignalSummary {
                signal: Signal::NearDuplicate,
                accounts: 31,
                posts: 212,
                co_actions: 400,
                occasions: 9,
                max_gap_ms: 90_000,
                shared: vec![],
            },
            SignalSummary {
                signal: Signal::CoLink,
                accounts: 12,
                posts: 40,
                co_actions: 50,
                occasions: 5,
                max_gap_ms: 60_000,
                shared: vec![("ex.com/a".into(), 20)],
            },
        ];
        let text = explain(31, &s, Some((14, 0.2, 3e-15)), &ActorTraits::default());
        assert!(text.starts_with("31 accounts posted 212 near-identical texts within 90 s of each other on 9 occasions; 12 of them shared the same 1 link (ex.com/a)"), "{text}");
        assert!(text.contains("co-acted 14 times where chance predicts 0.20 (p = 3e-15)"), "{text}");
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(45_000), "45 s");
        assert_eq!(format_duration(600_000), "10 min");
        assert_eq!(format_duration(3 * 3_600_000), "3 h");
    }
}
