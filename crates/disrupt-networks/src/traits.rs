//! Actor traits: what the member accounts themselves look like. They sharpen a score; they
//! never make a network on their own (many real communities share a creation month).

use disrupt_evidence::AccountInfo;
pub use disrupt_model::ActorTraits;
use std::collections::HashMap;

const DAY_MS: i64 = 86_400_000;
/// Accounts created within this span of each other count as a creation burst.
pub const CREATION_BURST_DAYS: i64 = 7;

/// Share of evidence the traits add, 0 to 1: the mean of the three trait fractions over
/// members where each is known.
pub fn traits_strength(t: &ActorTraits, members: usize) -> f64 {
    let burst = if t.created_known >= 3 && t.created_in_burst >= 3 { t.created_in_burst as f64 / t.created_known as f64 } else { 0.0 };
    let lookalike = if members > 0 { t.lookalike_handles as f64 / members as f64 } else { 0.0 };
    let ratio = if t.ratio_known >= 3 { t.low_follower_ratio as f64 / t.ratio_known as f64 } else { 0.0 };
    (burst + lookalike + ratio) / 3.0
}

/// The stem of a handle: lower-case letters only, so `Anna_K1990` and `anna.k_77` share `annak`.
pub fn handle_stem(handle: &str) -> String {
    handle.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect()
}

/// The traits of a network's members.
pub fn actor_traits(members: &[&AccountInfo]) -> ActorTraits {
    let mut t = ActorTraits::default();
    let mut created: Vec<i64> = members.iter().filter_map(|a| a.created_at).collect();
    created.sort_unstable();
    t.created_known = created.len();
    let mut start = 0;
    for end in 0..created.len() {
        while created[end] - created[start] > CREATION_BURST_DAYS * DAY_MS {
            start += 1;
        }
        if end + 1 - start > t.created_in_burst {
            t.created_in_burst = end + 1 - start;
            t.burst_span_days = (created[end] - created[start]) as f64 / DAY_MS as f64;
        }
    }
    let mut stems: HashMap<String, Vec<&str>> = HashMap::new();
    // AI-provider accounts have no public handle: their ids (`org-101/user-1`) are the
    // provider's numbering, alike by construction.
    for a in members.iter().filter(|a| a.platform != "ai") {
        if let Some(h) = &a.handle {
            let stem = handle_stem(h);
            // Short stems (`ab`) and hashed ids collide by chance.
            if stem.chars().count() >= 4 && h.len() < 40 {
                stems.entry(stem).or_default().push(h);
            }
        }
    }
    let mut groups: Vec<Vec<&str>> = stems.into_values().filter(|g| g.len() >= 2).collect();
    groups.sort_by(|x, y| y.len().cmp(&x.len()).then_with(|| x.cmp(y)));
    t.lookalike_handles = groups.iter().map(Vec::len).sum();
    if let Some(g) = groups.first() {
        let mut g = g.clone();
        g.sort_unstable();
        t.lookalike_examples = g.into_iter().take(3).map(String::from).collect();
    }
    let mut ratios: Vec<f64> = members
        .iter()
        .filter_map(|a| match (a.followers, a.following) {
            (Some(f), Some(g)) => Some(f as f64 / (g as f64).max(1.0)),
            _ => None,
        })
        .collect();
    t.ratio_known = ratios.len();
    t.low_follower_ratio = ratios.iter().filter(|r| **r <= 0.2).count();
    if !ratios.is_empty() {
        ratios.sort_by(f64::total_cmp);
        t.median_follower_ratio = Some(ratios[ratios.len() / 2]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(handle: &str, created_day: Option<i64>, followers: Option<u64>, following: Option<u64>) -> AccountInfo {
        AccountInfo {
            id: format!("x:{handle}"),
            platform: "x".into(),
            handle: Some(handle.into()),
            created_at: created_day.map(|d| d * DAY_MS),
            followers,
            following,
        }
    }

    #[test]
    fn finds_bursts_lookalikes_and_ratios() {
        let accounts = [
            acct("anna_k1990", Some(100), Some(3), Some(400)),
            acct("anna_k1991", Some(101), Some(5), Some(380)),
            acct("AnnaK_22", Some(103), Some(2), Some(500)),
            acct("bob", Some(900), Some(1000), Some(100)),
        ];
        let refs: Vec<&AccountInfo> = accounts.iter().collect();
        let t = actor_traits(&refs);
        assert_eq!(t.created_in_burst, 3);
        assert_eq!(t.lookalike_handles, 3);
        assert_eq!(t.low_follower_ratio, 3);
        assert!(traits_strength(&t, 4) > 0.7);
        let organic = [acct("carol", Some(1), None, None), acct("dave", Some(500), None, None)];
        let refs: Vec<&AccountInfo> = organic.iter().collect();
        assert_eq!(traits_strength(&actor_traits(&refs), 2), 0.0);
    }

    #[test]
    fn ai_provider_ids_are_not_look_alike_handles() {
        let mut ai = [acct("org-101/user-1", None, None, None), acct("org-101/user-2", None, None, None)];
        for a in &mut ai {
            a.platform = "ai".into();
        }
        let refs: Vec<&AccountInfo> = ai.iter().collect();
        assert_eq!(actor_traits(&refs).lookalike_handles, 0);
    }
}
