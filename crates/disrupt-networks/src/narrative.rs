//! Plain-language explanations of networks, written for an analyst: what the accounts
//! did, how often, how close in time, how unlikely by chance, and what they look like.

use crate::traits::ActorTraits;
use disrupt_evidence::{plural, SignalDescription, SignalSummary};

/// What the accounts did under one signal, in the words its owner declared.
fn phrase(s: &SignalSummary, descriptions: &[SignalDescription]) -> String {
    match descriptions.iter().find(|d| d.signal == s.signal) {
        Some(d) => (d.phrase)(s),
        None => format!("co-acted under {} {}", s.signal, s.when()),
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
pub fn explain(
    members: usize,
    summaries: &[SignalSummary],
    descriptions: &[SignalDescription],
    strongest: Option<(u32, f64, f64)>,
    traits: &ActorTraits,
) -> String {
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
        parts.push(format!("{who} {}", phrase(s, descriptions)));
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
    use disrupt_evidence::Signal;

    #[test]
    fn reads_like_an_analyst_wrote_it() {
        let s = vec![
            SignalSummary {
                signal: Signal::NEAR_DUPLICATE,
                accounts: 31,
                posts: 212,
                co_actions: 400,
                occasions: 9,
                max_gap_ms: 90_000,
                shared: vec![],
            },
            SignalSummary {
                signal: Signal::CO_LINK,
                accounts: 12,
                posts: 40,
                co_actions: 50,
                occasions: 5,
                max_gap_ms: 60_000,
                shared: vec![("ex.com/a".into(), 20)],
            },
        ];
        let descriptions: Vec<SignalDescription> = disrupt_detect::REGISTRY.iter().map(|s| s.description).collect();
        let text = explain(31, &s, &descriptions, Some((14, 0.2, 3e-15)), &ActorTraits::default());
        assert!(text.starts_with("31 accounts posted 212 near-identical texts within 90 s of each other on 9 occasions; 12 of them shared the same 1 link (ex.com/a)"), "{text}");
        assert!(text.contains("co-acted 14 times where chance predicts 0.20 (p = 3e-15)"), "{text}");
    }
}
