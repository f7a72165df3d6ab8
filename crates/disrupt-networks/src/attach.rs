//! Attaching accounts to a network as a group.
//!
//! A member who took part in only some of an operation's bursts co-acts with each other
//! member too rarely for any one pair to beat chance, yet co-acts with the *network* every
//! time it acts. This test asks, for an account outside every network, how likely it is that
//! a random account's copied posts (identical or near-identical text, identical links) would
//! be matched within W by the network's members as often as this account's were: with `m`
//! members and a post's one-account chance `q` (the rarity null of detection), the chance
//! that at least one member matches it is `1 - (1 - q)^m`. The account joins the network
//! when the Poisson-binomial tail of its matched posts survives a Bonferroni correction over
//! every (account, network) pair examined.
//!
//! Only matches of copied posts count: those made by a signal with a rarity null
//! (`copy_signals`), the null `q` is a chance of. A shared trending hashtag is not a copy:
//! counted against a copy's chance, an active account on a trend would "join" any network
//! that used it.

use disrupt_detect::{Detection, Signal};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One account joined to a network by the group test.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The account (number).
    pub account: u32,
    /// Index of the network (core) in the input list.
    pub network: usize,
    /// The group test's p-value.
    pub p_value: f64,
    /// The account's posts matched by members.
    pub matched_posts: u32,
    /// Members it co-acted with.
    pub partners: Vec<u32>,
}

/// Smallest network that can take attachments: two accounts are a pair, not a group.
pub const MIN_CORE: usize = 3;

/// Accounts outside every core whose copied posts the core matched more often than chance explains (one round; see the module doc).
pub fn attach(cores: &[Vec<u32>], detection: &Detection, post_accounts: &[u32], copy_signals: &[Signal], alpha: f64) -> Vec<Attachment> {
    let mut core_of: HashMap<u32, usize> = HashMap::new();
    for (i, core) in cores.iter().enumerate() {
        for &a in core {
            core_of.insert(a, i);
        }
    }
    // Post pairs a copy signal matched (only pairs with an outside account and a member).
    let involves_one_core = |a: u32, b: u32| core_of.contains_key(&a) != core_of.contains_key(&b);
    let copied: BTreeSet<(u32, u32)> = detection
        .signals
        .iter()
        .filter(|(s, _)| copy_signals.contains(s))
        .flat_map(|(_, report)| report.pairs.iter().filter(|p| involves_one_core(p.a, p.b)))
        .flat_map(|p| p.matches.iter().map(|&(x, y)| (x.min(y), x.max(y))))
        .collect();
    // For every outside account and core: its matched copied posts and partners.
    let mut links: BTreeMap<(u32, usize), (BTreeSet<u32>, BTreeSet<u32>)> = BTreeMap::new();
    for p in &detection.fused.pairs {
        let (outside, member, outside_is_a) = match (core_of.get(&p.a), core_of.get(&p.b)) {
            (None, Some(_)) => (p.a, p.b, true),
            (Some(_), None) => (p.b, p.a, false),
            _ => continue,
        };
        let core = core_of[&member];
        if cores[core].len() < MIN_CORE {
            continue;
        }
        let own: Vec<u32> = p
            .matches
            .iter()
            .filter(|(x, y)| copied.contains(&(*x.min(y), *x.max(y))))
            .map(|&(x, y)| if outside_is_a { x } else { y })
            .filter(|&own| detection.post_chance.get(own as usize).copied().unwrap_or(0.0) > 0.0)
            .collect();
        if own.is_empty() {
            continue;
        }
        let entry = links.entry((outside, core)).or_default();
        entry.1.insert(member);
        entry.0.extend(own);
    }
    if links.is_empty() {
        return Vec::new();
    }
    let mut posts_of: HashMap<u32, Vec<u32>> = HashMap::new();
    let wanted: BTreeSet<u32> = links.keys().map(|(a, _)| *a).collect();
    for (i, a) in post_accounts.iter().enumerate() {
        if wanted.contains(a) {
            posts_of.entry(*a).or_default().push(i as u32);
        }
    }
    let threshold = alpha / links.len() as f64;
    let mut best: BTreeMap<u32, Attachment> = BTreeMap::new();
    for ((account, core), (matched, partners)) in &links {
        if matched.len() < 2 || partners.len() < 2 {
            continue;
        }
        let m = cores[*core].len() as i32;
        let chances: Vec<f64> = posts_of
            .get(account)
            .into_iter()
            .flatten()
            // Records past the public posts (generation outputs, messages cited as evidence)
            // have no chance of their own: they are not copied posts.
            .map(|&p| detection.post_chance.get(p as usize).copied().unwrap_or(0.0))
            .filter(|q| *q > 0.0)
            .map(|q| 1.0 - (1.0 - q).powi(m))
            .collect();
        let p_value = disrupt_detect::significance::poisson_binomial_upper_tail(&chances, matched.len() as u64);
        if p_value <= threshold && best.get(account).is_none_or(|b| p_value < b.p_value) {
            best.insert(
                *account,
                Attachment {
                    account: *account,
                    network: *core,
                    p_value,
                    matched_posts: matched.len() as u32,
                    partners: partners.iter().copied().collect(),
                },
            );
        }
    }
    best.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_detect::{PairEvidence, SignalReport};

    fn pair(a: u32, b: u32, matches: Vec<(u32, u32)>) -> PairEvidence {
        PairEvidence {
            a,
            b,
            co_actions: matches.len() as u32,
            expected: 0.1,
            p_value: 0.01,
            rarity_p_value: 0.01,
            weight: 1.0,
            first_seen: 0,
            last_seen: 0,
            matches,
            significant: false,
        }
    }

    /// Core members 0..5 own posts 0..5; the outsider 9 owns posts 10, 11, 12.
    fn detection(chance: f64) -> (Detection, Vec<u32>) {
        let mut post_accounts: Vec<u32> = (0..5).collect();
        post_accounts.extend([7; 5]);
        post_accounts.extend([9, 9, 9]);
        let pairs = vec![pair(0, 9, vec![(0, 10), (1, 11)]), pair(1, 9, vec![(1, 10), (2, 11)])];
        let mut post_chance = vec![chance; post_accounts.len()];
        post_chance[12] = chance;
        let copies = SignalReport { pairs: pairs.clone(), ..SignalReport::default() };
        let fused = SignalReport { pairs, ..SignalReport::default() };
        (Detection { signals: vec![(Signal::CO_POST, copies)], fused, post_chance }, post_accounts)
    }

    #[test]
    fn a_member_of_every_other_burst_joins_its_network() {
        let (d, accounts) = detection(1e-4);
        let cores = vec![vec![0, 1, 2, 3, 4]];
        let attached = attach(&cores, &d, &accounts, &[Signal::CO_POST], 0.01);
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].account, 9);
        assert_eq!(attached[0].matched_posts, 2);
        assert_eq!(attached[0].partners, vec![0, 1]);
    }

    #[test]
    fn matches_of_a_signal_without_a_copy_null_do_not_count() {
        // The same matches, made by a shared hashtag: no copy, so no group test.
        let (mut d, accounts) = detection(1e-4);
        d.signals[0].0 = Signal::CO_HASHTAG;
        assert!(attach(&[vec![0, 1, 2, 3, 4]], &d, &accounts, &[Signal::CO_POST], 0.01).is_empty());
    }

    #[test]
    fn popular_content_is_not_enough_to_join() {
        let (d, accounts) = detection(0.05);
        assert!(attach(&[vec![0, 1, 2, 3, 4]], &d, &accounts, &[Signal::CO_POST], 0.01).is_empty());
        // Nor is a network of two.
        let (d, accounts) = detection(1e-4);
        assert!(attach(&[vec![0, 1]], &d, &accounts, &[Signal::CO_POST], 0.01).is_empty());
    }
}
