//! Account-pair evidence: what a signal found for one pair of accounts, what it found in
//! all, and the set of every signal's reports that networks are built from.

use crate::null::{MatchedPosts, ParticipationNull};
use disrupt_model::Signal;

/// Evidence for one account pair on one signal (or on all signals fused).
#[derive(Debug, Clone, PartialEq)]
pub struct PairEvidence {
    /// Account indices, `a < b`.
    pub a: u32,
    /// The other account, `b > a`.
    pub b: u32,
    /// Co-actions: the smaller of the two accounts' numbers of units co-acted in (see
    /// [`crate::null`]), at the window that decided `p_value`.
    pub co_actions: u32,
    /// Expected co-actions under the null (for the direction that decided `p_value`).
    pub expected: f64,
    /// The pair's p-value: the participation test's tail at its best window, times the
    /// windows tested (for links without a test, see [`PairEvidence::deterministic`]).
    pub p_value: f64,
    /// The same tail before it was multiplied by the windows tested.
    pub rarity_p_value: f64,
    /// Co-actions weighted by rarity.
    pub weight: f64,
    /// Time of the first matched record (Unix ms).
    pub first_seen: i64,
    /// Time of the last matched record (Unix ms).
    pub last_seen: i64,
    /// Matched post pairs (post of `a`, post of `b`).
    pub matches: Vec<(u32, u32)>,
    /// Whether the pair beat chance after the correction over every pair examined.
    pub significant: bool,
}

impl PairEvidence {
    /// Evidence of a link that is not a statistical test (outputs of one model batch, one
    /// payment account): significant with p = 0, nothing expected by chance. Co-actions,
    /// weight, times and matches are filled in by the caller.
    pub fn deterministic(a: u32, b: u32) -> Self {
        PairEvidence {
            a,
            b,
            co_actions: 0,
            expected: 0.0,
            p_value: 0.0,
            rarity_p_value: 0.0,
            weight: 0.0,
            first_seen: i64::MAX,
            last_seen: i64::MIN,
            matches: Vec::new(),
            significant: true,
        }
    }
}

/// What one signal (or the fusion) found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalReport {
    /// Keyed events the signal made.
    pub events: usize,
    /// Keys used by two or more accounts.
    pub shared_keys: u64,
    /// Events skipped because their key was a crowd at that moment.
    pub crowd_events: u64,
    /// Account pairs with at least one co-action.
    pub pairs_examined: usize,
    /// p-value threshold: Bonferroni over every pair of active accounts (each could have
    /// co-acted), or Benjamini-Hochberg over them with `fdr`.
    pub threshold: f64,
    /// Accounts with at least one event in this signal.
    pub active_accounts: usize,
    /// The hypotheses the threshold corrects for: every pair of active accounts (times
    /// the windows tested is already in each p-value).
    pub hypotheses: f64,
    /// Tested pairs (at least `min_co_actions`), significant or not.
    pub pairs: Vec<PairEvidence>,
}

/// Detection output: per signal, and fused across signals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detection {
    /// Per signal, in the order they ran.
    pub signals: Vec<(Signal, SignalReport)>,
    /// Every signal fused per account pair.
    pub fused: SignalReport,
    /// Each behavioural signal's null model, in the order of [`MatchedPosts::signal`]
    /// (the group test of the network stage reads them).
    pub nulls: Vec<ParticipationNull>,
    /// Every co-action of an account that is in a significant pair, whatever the other
    /// account: what the group test weighs for accounts outside a network.
    pub periphery: Vec<MatchedPosts>,
}

impl Detection {
    /// The report of signal `s`, if it ran.
    pub fn signal(&self, s: Signal) -> Option<&SignalReport> {
        self.signals.iter().find(|(x, _)| *x == s).map(|(_, r)| r)
    }

    /// Adds the evidence of a link signal (shared values, model batches) as its own signal,
    /// and its pairs to the fused evidence the graph is built from; a significant link makes
    /// its fused pair significant.
    pub fn add_deterministic(&mut self, signal: Signal, report: &SignalReport) {
        // Fused pairs by account pair, so merging is linear (there can be hundreds of
        // thousands of each).
        let at: rustc_hash::FxHashMap<(u32, u32), usize> = self.fused.pairs.iter().enumerate().map(|(i, f)| ((f.a, f.b), i)).collect();
        for p in &report.pairs {
            match at.get(&(p.a, p.b)) {
                Some(&i) => {
                    let fused = &mut self.fused.pairs[i];
                    fused.significant |= p.significant;
                    fused.p_value = fused.p_value.min(p.p_value);
                }
                None => self.fused.pairs.push(p.clone()),
            }
        }
        self.fused.pairs.sort_unstable_by_key(|p| (p.a, p.b));
        self.signals.push((signal, report.clone()));
    }
}

/// The smallest gap between a time of `x` and one of `y` (both sorted); `i64::MAX` when
/// either is empty. How deterministic links honour their window: two accounts' uses of one
/// value count only when some pair of them is close enough.
pub fn closest_gap(x: &[i64], y: &[i64]) -> i64 {
    let (mut i, mut j, mut best) = (0, 0, i64::MAX);
    while i < x.len() && j < y.len() {
        best = best.min((x[i] - y[j]).abs());
        if x[i] < y[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn closest_gap_is_the_smallest_difference(mut x in prop::collection::vec(-1000i64..1000, 0..20), mut y in prop::collection::vec(-1000i64..1000, 0..20)) {
            x.sort_unstable();
            y.sort_unstable();
            let brute = x.iter().flat_map(|a| y.iter().map(move |b| (a - b).abs())).min().unwrap_or(i64::MAX);
            prop_assert_eq!(closest_gap(&x, &y), brute);
        }
    }
}
