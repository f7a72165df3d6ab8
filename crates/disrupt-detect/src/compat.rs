//! Peer-compatible co-share modes: the raw co-action networks of the tools investigators
//! already use, computed on disrupt's ingest, so results can be checked side by side.
//! These modes apply no null model; they reproduce the peers' definitions exactly.
//!
//! - [`toolkit_network`]: coordination-network-toolkit (QUT Digital Observatory 1.5.x):
//!   directed edge A->B weighted by the number of (A's share, B's share) pairs on the same
//!   object within the window, inclusive; self-loops optional; edges below a minimum weight
//!   dropped.
//! - [`coortweet_groups`]: CooRTweet's `detect_groups` (2.x): accounts with fewer than
//!   `min_participation` shares are dropped first; every pair of shares of one object within
//!   the window (inclusive) is a row; loops (same share or same account) removed on request;
//!   then only rows touching an account with at least `min_participation` coordinated shares
//!   are kept.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One share of an object (a repost of a post, a link, a hashtag) by an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share {
    /// The object shared (a hash of its name).
    pub object: u64,
    /// When (Unix ms).
    pub time_ms: i64,
    /// Who shared it.
    pub account: u32,
    /// The post that shared it.
    pub content: u32,
}

/// A directed, weighted edge of the toolkit's network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DirectedEdge {
    /// The account whose posts were matched.
    pub from: u32,
    /// The account that matched them.
    pub to: u32,
    /// Matched posts.
    pub weight: u32,
}

fn by_object(shares: &[Share]) -> Vec<Vec<Share>> {
    let mut sorted = shares.to_vec();
    sorted.sort_unstable();
    sorted.chunk_by(|a, b| a.object == b.object).map(<[Share]>::to_vec).collect()
}

/// The coordination-network-toolkit's network over shares.
pub fn toolkit_network(shares: &[Share], window_seconds: f64, min_weight: u32, self_loops: bool) -> Vec<DirectedEdge> {
    let window = (window_seconds * 1000.0).round() as i64;
    let mut weights: BTreeMap<(u32, u32), u32> = BTreeMap::new();
    for group in by_object(shares) {
        for (i, x) in group.iter().enumerate() {
            for y in &group[i + 1..] {
                if y.time_ms - x.time_ms > window {
                    break;
                }
                if x.content == y.content || (x.account == y.account && !self_loops) {
                    continue;
                }
                // Both directions, as the toolkit stores them.
                *weights.entry((x.account, y.account)).or_default() += 1;
                *weights.entry((y.account, x.account)).or_default() += 1;
            }
        }
    }
    weights.into_iter().filter(|(_, w)| *w >= min_weight).map(|((from, to), weight)| DirectedEdge { from, to, weight }).collect()
}

/// Nodes of a toolkit network (accounts on at least one edge).
pub fn network_nodes(edges: &[DirectedEdge]) -> BTreeSet<u32> {
    edges.iter().flat_map(|e| [e.from, e.to]).collect()
}

/// One row of CooRTweet's `detect_groups` output (older share first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CoShareRow {
    /// The object shared.
    pub object: u64,
    /// One account.
    pub account: u32,
    /// The other.
    pub account_y: u32,
    /// Its post.
    pub content: u32,
    /// The other's post.
    pub content_y: u32,
    /// Milliseconds between the two.
    pub time_delta_ms: i64,
}

/// CooRTweet's `detect_groups`.
pub fn coortweet_groups(shares: &[Share], window_seconds: f64, min_participation: usize, remove_loops: bool) -> Vec<CoShareRow> {
    let window = (window_seconds * 1000.0).round() as i64;
    let mut per_account: HashMap<u32, usize> = HashMap::new();
    for s in shares {
        *per_account.entry(s.account).or_default() += 1;
    }
    let kept: Vec<Share> = shares.iter().copied().filter(|s| per_account[&s.account] >= min_participation).collect();
    let mut rows = Vec::new();
    for group in by_object(&kept) {
        for (i, x) in group.iter().enumerate() {
            for y in &group[i + 1..] {
                if y.time_ms - x.time_ms > window {
                    break;
                }
                if remove_loops && (x.content == y.content || x.account == y.account) {
                    continue;
                }
                rows.push(CoShareRow {
                    object: x.object,
                    account: x.account,
                    account_y: y.account,
                    content: x.content,
                    content_y: y.content,
                    time_delta_ms: y.time_ms - x.time_ms,
                });
            }
        }
    }
    if min_participation >= 1 {
        let in_rows: BTreeSet<u32> = rows.iter().flat_map(|r| [r.content, r.content_y]).collect();
        let mut coordinated: HashMap<u32, usize> = HashMap::new();
        for s in &kept {
            if in_rows.contains(&s.content) {
                *coordinated.entry(s.account).or_default() += 1;
            }
        }
        let qualifying: BTreeSet<u32> = kept
            .iter()
            .filter(|s| in_rows.contains(&s.content) && coordinated[&s.account] >= min_participation)
            .map(|s| s.content)
            .collect();
        rows.retain(|r| qualifying.contains(&r.content) || qualifying.contains(&r.content_y));
    }
    rows.sort_unstable();
    rows
}

/// Accounts in CooRTweet's result (what `account_stats` lists).
pub fn coortweet_accounts(rows: &[CoShareRow]) -> BTreeSet<u32> {
    rows.iter().flat_map(|r| [r.account, r.account_y]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(object: u64, secs: i64, account: u32, content: u32) -> Share {
        Share { object, time_ms: secs * 1000, account, content }
    }

    #[test]
    fn toolkit_weights_count_pairs_both_ways() {
        let shares = [share(1, 0, 0, 0), share(1, 30, 1, 1), share(1, 61, 2, 2), share(2, 0, 0, 3), share(2, 1, 0, 4)];
        let edges = toolkit_network(&shares, 60.0, 1, false);
        assert_eq!(
            edges,
            vec![
                DirectedEdge { from: 0, to: 1, weight: 1 },
                DirectedEdge { from: 1, to: 0, weight: 1 },
                DirectedEdge { from: 1, to: 2, weight: 1 },
                DirectedEdge { from: 2, to: 1, weight: 1 }
            ]
        );
        let with_loops = toolkit_network(&shares, 60.0, 2, true);
        assert_eq!(with_loops, vec![DirectedEdge { from: 0, to: 0, weight: 2 }]);
    }

    #[test]
    fn coortweet_min_participation_filters_before_and_after() {
        // Account 2 shares once only: dropped before pairing.
        let shares = [share(1, 0, 0, 0), share(1, 5, 1, 1), share(2, 0, 0, 2), share(2, 8, 1, 3), share(1, 6, 2, 4)];
        let rows = coortweet_groups(&shares, 10.0, 2, true);
        assert_eq!(coortweet_accounts(&rows), BTreeSet::from([0, 1]));
        assert_eq!(rows.len(), 2);
        assert!(coortweet_groups(&shares, 10.0, 3, true).is_empty());
    }
}
