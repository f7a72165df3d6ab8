//! Attaching accounts to a network as a group.
//!
//! A member who took part in only some of an operation's bursts co-acts with each other
//! member too rarely for any one pair to beat chance, yet co-acts with the *network* every
//! time it acts. Under the participation null ([`disrupt_evidence::null`]) each of the
//! other accounts in one of the account's units is a draw of its own, so the group test
//! counts members, not units: `Y`, over the account's units, the members that co-acted with
//! it there (one post counts once, whichever signals matched it), against the sum over its
//! units and the members of each member's chance of taking part in that unit (a Poisson
//! tail: each (unit, member) is a trial). An operation's text that twelve members posted is
//! twelve draws that all landed in the network; a news story twelve readers shared is
//! twelve draws that heavy readers are expected to win. The account joins the network when
//! the tail at its best window (times the windows tested) survives a Bonferroni correction
//! over every (active account, network) pair: each could have been tested, so that is the
//! family, and the expected number of false attachments is at most `alpha`.
//!
//! Only a network that significant pair evidence made (a *core* of at least
//! [`MIN_CORE`] accounts) takes attachments, and an account must have co-acted with at
//! least two of its members: one partner is a pair, which the pair test judges.

use disrupt_evidence::{Detection, MatchedPosts};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One account joined to a network by the group test.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The account (number).
    pub account: u32,
    /// Index of the network (core) in the input list.
    pub network: usize,
    /// The group test's p-value (its best window's tail times the windows tested).
    pub p_value: f64,
    /// Members drawn into the account's units, at that window (see the module doc).
    pub matched_posts: u32,
    /// Members it co-acted with.
    pub partners: Vec<u32>,
}

/// Smallest network that can take attachments: two accounts are a pair, not a group.
pub const MIN_CORE: usize = 3;

/// One co-action of an outside account with a member: its post and unit, the member, and
/// how far apart in time.
struct Link {
    signal: usize,
    post: u32,
    unit: u64,
    popularity: u32,
    stratum: u32,
    member: u32,
    gap_ms: i64,
}

/// The group test's threshold for `cores`: `alpha` over every (active account, core) pair.
pub fn group_threshold(cores: &[Vec<u32>], detection: &Detection, alpha: f64) -> f64 {
    let eligible = cores.iter().filter(|c| c.len() >= MIN_CORE).count().max(1);
    alpha / (detection.fused.active_accounts.max(1) as f64 * eligible as f64)
}

/// Accounts outside every core that the core co-acted with more often than chance explains
/// (one round; see the module doc). `post_accounts` and `post_times` give each record's
/// account and time.
pub fn attach(cores: &[Vec<u32>], detection: &Detection, post_accounts: &[u32], post_times: &[i64], alpha: f64) -> Vec<Attachment> {
    group_tests(cores, detection, post_accounts, post_times, alpha, false)
}

/// Smaller cores that are part of a larger one: Leiden can cut an operation where one kind
/// of member shares only some of what the others do (members who post translations share
/// the links and hashtags but not the text). A core folds into a larger one when at least
/// half of its members, each tested as an outside account would be, pass the group test
/// against it. Returns `(small, large)` core indices.
pub fn folds(cores: &[Vec<u32>], detection: &Detection, post_accounts: &[u32], post_times: &[i64], alpha: f64) -> Vec<(usize, usize)> {
    let tests = group_tests(cores, detection, post_accounts, post_times, alpha, true);
    let mut core_of: HashMap<u32, usize> = HashMap::new();
    for (i, core) in cores.iter().enumerate() {
        for &a in core {
            core_of.insert(a, i);
        }
    }
    let mut votes: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for t in &tests {
        if let Some(&from) = core_of.get(&t.account) {
            *votes.entry((from, t.network)).or_insert(0) += 1;
        }
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for ((from, to), n) in votes {
        if 2 * n >= cores[from].len() && !out.iter().any(|(f, _)| *f == from) {
            out.push((from, to));
        }
    }
    out
}

fn group_tests(
    cores: &[Vec<u32>],
    detection: &Detection,
    post_accounts: &[u32],
    post_times: &[i64],
    alpha: f64,
    members_of_smaller: bool,
) -> Vec<Attachment> {
    let mut core_of: HashMap<u32, usize> = HashMap::new();
    for (i, core) in cores.iter().enumerate() {
        if core.len() >= MIN_CORE {
            for &a in core {
                core_of.insert(a, i);
            }
        }
    }
    let mut any_core: HashMap<u32, usize> = HashMap::new();
    for (i, core) in cores.iter().enumerate() {
        for &a in core {
            any_core.insert(a, i);
        }
    }
    if core_of.is_empty() {
        return Vec::new();
    }
    // Who may be tested against a core: accounts outside every core, or (folding) members
    // of a smaller core.
    let testable = |account: u32, core: usize| match any_core.get(&account) {
        None => !members_of_smaller,
        Some(&own) => members_of_smaller && own != core && cores[own].len() < cores[core].len(),
    };
    let account = |p: u32| post_accounts.get(p as usize).copied();
    let time = |p: u32| post_times.get(p as usize).copied().unwrap_or(0);
    // Every co-action of an outside account with a core member, by (account, core).
    let mut links: BTreeMap<(u32, usize), Vec<Link>> = BTreeMap::new();
    let mut add = |m: &MatchedPosts, outside_post: u32, outside_unit: u64, (popularity, stratum): (u32, u32), member_post: u32| {
        let (Some(outside), Some(member)) = (account(outside_post), account(member_post)) else { return };
        let Some(&core) = core_of.get(&member) else { return };
        if !testable(outside, core) {
            return;
        }
        links.entry((outside, core)).or_default().push(Link {
            signal: m.signal as usize,
            post: outside_post,
            unit: outside_unit,
            popularity,
            stratum,
            member,
            gap_ms: (time(outside_post) - time(member_post)).abs(),
        });
    };
    for m in &detection.periphery {
        add(m, m.a, m.unit_a, (m.popularity.0, m.strata.0), m.b);
        add(m, m.b, m.unit_b, (m.popularity.1, m.strata.1), m.a);
    }
    let threshold = group_threshold(cores, detection, alpha);
    let scales = detection.nulls.first().map_or(1, |n| n.scales.len());
    let mut best: BTreeMap<u32, Attachment> = BTreeMap::new();
    let mut buf = Vec::new();
    for ((outside, core), links) in &links {
        let partners: BTreeSet<u32> = links.iter().map(|l| l.member).collect();
        if partners.len() < 2 {
            continue;
        }
        let members = &cores[*core];
        let mut found: Option<(f64, u32)> = None;
        for scale in 0..scales {
            // Co-actions within this window whose chance against the member is weighed.
            let within: Vec<&Link> = links
                .iter()
                .filter(|l| {
                    detection.nulls.get(l.signal).is_some_and(|n| {
                        n.window(scale).is_some_and(|w| {
                            l.gap_ms <= w && n.weighed(n.degree_in(l.member, l.stratum) as f64, l.stratum, l.popularity, w)
                        })
                    })
                })
                .collect();
            let observed = member_draws(&within);
            if observed < 2 {
                continue;
            }
            // Each (unit, member) is a trial: the members' chances summed over the units.
            let mut expected = 0.0;
            for null in &detection.nulls {
                let w = null.window(scale).unwrap_or(null.window_ms);
                for &m in members.iter() {
                    buf.clear();
                    null.chances(*outside, &[m], w, &mut buf);
                    expected += buf.iter().sum::<f64>();
                }
            }
            let p = if (observed as f64) <= expected {
                1.0
            } else {
                disrupt_detect::significance::poisson_upper_tail(observed as u64, expected)
            };
            if found.is_none_or(|(q, _)| p < q) {
                found = Some((p, observed));
            }
        }
        let Some((raw, observed)) = found else { continue };
        let p_value = (raw * scales as f64).min(1.0);
        if p_value <= threshold && best.get(outside).is_none_or(|b| p_value < b.p_value) {
            best.insert(
                *outside,
                Attachment {
                    account: *outside,
                    network: *core,
                    p_value,
                    matched_posts: observed,
                    partners: partners.into_iter().collect(),
                },
            );
        }
    }
    best.into_values().collect()
}

/// The members drawn into the account's units: per post of the account (in post order),
/// the distinct members it co-acted with, counted when the post brings a unit not counted
/// yet; a member counts once per unit.
fn member_draws(links: &[&Link]) -> u32 {
    let mut by_post: Vec<(u32, usize, u64, u32)> = links.iter().map(|l| (l.post, l.signal, l.unit, l.member)).collect();
    by_post.sort_unstable();
    let mut used: HashSet<(usize, u64)> = HashSet::new();
    let mut drawn: HashSet<(usize, u64, u32)> = HashSet::new();
    let mut count = 0;
    for post in by_post.chunk_by(|x, y| x.0 == y.0) {
        if post.iter().any(|&(_, s, u, _)| !used.contains(&(s, u))) {
            let mut members: Vec<u32> = post.iter().map(|&(_, _, _, m)| m).collect();
            members.sort_unstable();
            members.dedup();
            let (s, u) = (post[0].1, post[0].2);
            count += members.into_iter().filter(|&m| drawn.insert((s, u, m))).count() as u32;
            used.extend(post.iter().map(|&(_, s, u, _)| (s, u)));
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_evidence::{ParticipationNull, Signal, SignalReport, Trials};

    /// Members 0..5 and the outsider 9, each with 40 units of popularity `popularity`; the
    /// outsider's posts 100.. co-acted with members' posts in `matched` distinct units.
    fn detection(popularity: u32, matched: u32, partners: u32) -> (Detection, Vec<u32>, Vec<i64>) {
        let accounts: Vec<u32> = (0..10).collect();
        let null = ParticipationNull {
            signal: Signal::CO_POST,
            window_ms: 3_600_000,
            scales: vec![1.0],
            rare_key_accounts: 0,
            max_chance: 0.1,
            span_ms: disrupt_evidence::null::DAY_MS,
            degree: vec![40; 10],
            site_degree: Default::default(),
            totals: vec![100_000],
            trials: accounts.iter().map(|&a| Trials { account: a, stratum: 0, popularity, count: 40 }).collect(),
            active_accounts: 1000,
            text_units: false,
            by_site: false,
            post_popularity: Vec::new(),
        };
        let mut post_accounts = vec![0u32; 200];
        let mut periphery = Vec::new();
        for i in 0..matched {
            let member = i % partners;
            post_accounts[i as usize] = member;
            post_accounts[100 + i as usize] = 9;
            periphery.push(MatchedPosts {
                signal: 0,
                a: i,
                b: 100 + i,
                unit_a: i as u64,
                unit_b: i as u64,
                popularity: (popularity, popularity),
                strata: (0, 0),
            });
        }
        let fused = SignalReport { active_accounts: 1000, ..SignalReport::default() };
        let d = Detection { signals: vec![], fused, nulls: vec![null], periphery };
        (d, post_accounts, vec![0; 200])
    }

    #[test]
    fn a_member_of_some_bursts_joins_its_network() {
        let (d, accounts, times) = detection(6, 6, 3);
        let attached = attach(&[vec![0, 1, 2, 3, 4]], &d, &accounts, &times, 0.01);
        assert_eq!(attached.len(), 1);
        assert_eq!(attached[0].account, 9);
        assert_eq!(attached[0].matched_posts, 6);
        assert_eq!(attached[0].partners, vec![0, 1, 2]);
    }

    #[test]
    fn popular_content_is_not_enough_to_join() {
        // The same co-actions on keys 500 accounts used: members are expected there.
        let (d, accounts, times) = detection(500, 6, 3);
        assert!(attach(&[vec![0, 1, 2, 3, 4]], &d, &accounts, &times, 0.01).is_empty());
    }

    #[test]
    fn a_pair_is_not_a_group_and_one_partner_is_not_enough() {
        let (d, accounts, times) = detection(6, 6, 3);
        assert!(attach(&[vec![0, 1]], &d, &accounts, &times, 0.01).is_empty());
        let (d, accounts, times) = detection(6, 6, 1);
        assert!(attach(&[vec![0, 1, 2, 3, 4]], &d, &accounts, &times, 0.01).is_empty());
    }
}
