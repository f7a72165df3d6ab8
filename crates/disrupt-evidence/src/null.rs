//! The participation null model that every behavioural test shares: the detectors' pair
//! tests and the network stage's group test read the same summary of who acted on what.
//!
//! **Units.** A *key* is what accounts act on (a text, a link, a hashtag, a reposted post).
//! Its *occurrences* are its bursts: its events split wherever two in a row are more than
//! twice the signal's window apart. One account's presence in one occurrence is one *unit*:
//! a pair that co-acts fifty times inside one burst of one key co-acted once. For
//! near-duplicates a unit is one distinct text of the account.
//!
//! **Null.** Accounts act independently, each with its own volume, and each key keeps its
//! popularity: the bipartite configuration model. The chance that account `B` took part in
//! a given occurrence of a key used by `d` accounts in all is
//! `min(1, deg(B) * (d - 1) / M)`, where `deg(B)` counts `B`'s units and `M` all units.
//! Heavy accounts are expected in many crowds; a key a thousand accounts used says little
//! about any two of them; a text only four accounts ever posted says a lot.
//!
//! - *Sites.* A post carrying a link to a popular site (one that at least
//!   `popular_site_accounts` accounts link to) is judged within that site: `deg` and `M`
//!   count its units there. Readers who share much of one outlet every day are expected in
//!   its crowds; an operation's own little site stays in the whole signal.
//! - *Rare keys.* Timing is evidence only where no crowd can explain it. For a key at most
//!   `rare_key_accounts` accounts ever used, two independent uses land within `W` of each
//!   other with chance `2W / span`, which multiplies the participation chance; the span is
//!   a day, or six hours for reactions to a post (they come in its first hours). A link to a
//!   popular site has a clock of its own (publication) and earns no timing factor. For
//!   popular keys co-acting within `W` counts as a co-action but earns nothing beyond
//!   participation: a news burst, a goal, a trend's first hour all synchronise crowds.
//!
//! **What is weighed.** A unit whose chance is above `max_chance` (a heavy account in a
//! crowd of hundreds) is expected whatever happens, yet rarely co-acted in within `W`:
//! left in, such trials only swamp the evidence of the rare ones. So a test counts only
//! trials, and co-actions, whose chance is at most `max_chance`; which ones is decided
//! from the null alone, before looking at what was observed, so the test stays valid.
//!
//! Nothing here depends on other accounts' timing, so moving an account's whole timeline
//! (the placebo of `disrupt scan --calibrate`) leaves every chance as it was.

use disrupt_model::Signal;
use rustc_hash::FxHashMap;

/// A day, in milliseconds: the span over which two independent uses of a rare key are
/// spread.
pub const DAY_MS: i64 = 86_400_000;

/// `count` units of one account in one stratum on keys of one popularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Trials {
    /// The account.
    pub account: u32,
    /// The site stratum (0: the whole signal).
    pub stratum: u32,
    /// Accounts that ever used the key (2 or more: a key only one account used cannot be
    /// co-acted on).
    pub popularity: u32,
    /// Units with this stratum and popularity.
    pub count: u32,
}

/// Who acted on what in one behavioural signal, summarized for the null model.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipationNull {
    /// The signal.
    pub signal: Signal,
    /// The widest co-action window, milliseconds.
    pub window_ms: i64,
    /// The windows tested, as fractions of `window_ms` (the first is 1).
    pub scales: Vec<f64>,
    /// Keys used by at most this many accounts are rare (see the module doc).
    pub rare_key_accounts: u32,
    /// Trials with a larger chance are not weighed (see the module doc).
    pub max_chance: f64,
    /// Over how long two independent uses of a rare key are spread, milliseconds.
    pub span_ms: i64,
    /// Units per account in the whole signal (by account number; missing: none).
    pub degree: Vec<u32>,
    /// Units per (account, site stratum), for strata 1 and up.
    pub site_degree: FxHashMap<(u32, u32), u32>,
    /// Units in all, per stratum (0: the whole signal).
    pub totals: Vec<u64>,
    /// Every account's trials (units on keys two or more accounts used), sorted.
    pub trials: Vec<Trials>,
    /// Accounts with an event in the signal.
    pub active_accounts: usize,
    /// Whether a unit is a text (near-duplicates) rather than a key's occurrence.
    pub text_units: bool,
    /// Whether posts linking to a popular site are judged within its stratum.
    pub by_site: bool,
    /// Text units: each post's unit popularity (the largest of its texts' keys), by post.
    pub post_popularity: Vec<u32>,
}

impl ParticipationNull {
    /// The tested windows in milliseconds, widest first.
    pub fn windows(&self) -> Vec<i64> {
        (0..self.scales.len()).filter_map(|i| self.window(i)).collect()
    }

    /// The `scale`-th tested window in milliseconds (0: the widest), if there is one.
    pub fn window(&self, scale: usize) -> Option<i64> {
        self.scales.get(scale).map(|f| ((self.window_ms as f64) * f).round().max(1.0) as i64)
    }

    /// The trials of `account`.
    pub fn trials_of(&self, account: u32) -> &[Trials] {
        let start = self.trials.partition_point(|t| t.account < account);
        let end = start + self.trials[start..].partition_point(|t| t.account == account);
        &self.trials[start..end]
    }

    /// The summed units of `others` in `stratum`, remembered in `cache` (strata are few per
    /// account: the sum is made once per stratum).
    fn summed_degree(&self, cache: &mut Vec<(u32, f64)>, others: &[u32], stratum: u32) -> f64 {
        if let Some(&(_, d)) = cache.iter().find(|(s, _)| *s == stratum) {
            return d;
        }
        let d: f64 = others.iter().map(|&o| self.degree_in(o, stratum) as f64).sum();
        cache.push((stratum, d));
        d
    }

    /// Units of `account` in `stratum`.
    pub fn degree_in(&self, account: u32, stratum: u32) -> u32 {
        if stratum == 0 {
            self.degree.get(account as usize).copied().unwrap_or(0)
        } else {
            self.site_degree.get(&(account, stratum)).copied().unwrap_or(0)
        }
    }

    /// The chance that accounts with `degree` units in `stratum` (one account, or a group
    /// summed) took part in one occurrence of a key of `popularity`, and, for a rare key,
    /// within `window_ms` of a given use.
    pub fn chance(&self, degree: f64, stratum: u32, popularity: u32, window_ms: i64) -> f64 {
        let total = self.totals.get(stratum as usize).copied().unwrap_or(0) as f64;
        if total <= 0.0 || popularity < 2 {
            return 0.0;
        }
        let mut p = (degree * (popularity - 1) as f64 / total).min(1.0);
        if popularity <= self.rare_key_accounts && stratum == 0 {
            p *= (2.0 * window_ms as f64 / self.span_ms.max(1) as f64).min(1.0);
        }
        p
    }

    /// Whether a co-action in a unit of `popularity` in `stratum` is weighed against
    /// accounts with `degree` units there (its chance at most `max_chance`).
    pub fn weighed(&self, degree: f64, stratum: u32, popularity: u32, window_ms: i64) -> bool {
        let p = self.chance(degree, stratum, popularity, window_ms);
        p > 0.0 && p <= self.max_chance
    }

    /// `account`'s trials against `others`, split so that every window's chances follow
    /// without going over the trials again: `fixed`, the weighed `(chance, trials)` groups
    /// whose chance does not depend on the window; `rare`, the `(chance before timing,
    /// trials)` groups of rare keys, which [`Self::at_window`] turns into each window's.
    pub fn chance_parts(&self, account: u32, others: &[u32], fixed: &mut Vec<(f64, u32)>, rare: &mut Vec<(f64, u32)>) {
        let mut by_stratum: Vec<(u32, f64)> = Vec::new();
        for t in self.trials_of(account) {
            let degree = self.summed_degree(&mut by_stratum, others, t.stratum);
            let total = self.totals.get(t.stratum as usize).copied().unwrap_or(0) as f64;
            if total <= 0.0 || t.popularity < 2 {
                continue;
            }
            let p = (degree * (t.popularity - 1) as f64 / total).min(1.0);
            if t.popularity <= self.rare_key_accounts && t.stratum == 0 {
                rare.push((p, t.count));
            } else if p > 0.0 && p <= self.max_chance {
                fixed.push((p, t.count));
            }
        }
    }

    /// Appends to `out` the weighed chances of `rare` (from [`Self::chance_parts`]) at
    /// `window_ms`.
    pub fn at_window(&self, rare: &[(f64, u32)], window_ms: i64, out: &mut Vec<(f64, u32)>) {
        let factor = (2.0 * window_ms as f64 / self.span_ms.max(1) as f64).min(1.0);
        out.extend(rare.iter().map(|&(p, c)| (p * factor, c)).filter(|&(p, _)| p > 0.0 && p <= self.max_chance));
    }

    /// Appends to `out`, for every weighed trial of `account`, its chance against the
    /// accounts `others` at `window_ms`, as `(chance, trials)` groups (trials of one stratum
    /// and popularity share a chance): what [`Self::chances`] lists one by one.
    pub fn chance_groups(&self, account: u32, others: &[u32], window_ms: i64, out: &mut Vec<(f64, u32)>) {
        let mut by_stratum: Vec<(u32, f64)> = Vec::new();
        for t in self.trials_of(account) {
            let degree = self.summed_degree(&mut by_stratum, others, t.stratum);
            let p = self.chance(degree, t.stratum, t.popularity, window_ms);
            if p <= self.max_chance && p > 0.0 {
                out.push((p, t.count));
            }
        }
    }

    /// Appends to `out`, for every weighed trial of `account`, the chance that the accounts
    /// `others` (one for a pair, a network's members for the group test) took part in it
    /// at `window_ms`.
    pub fn chances(&self, account: u32, others: &[u32], window_ms: i64, out: &mut Vec<f64>) {
        let mut by_stratum: Vec<(u32, f64)> = Vec::new();
        for t in self.trials_of(account) {
            let degree = self.summed_degree(&mut by_stratum, others, t.stratum);
            let p = self.chance(degree, t.stratum, t.popularity, window_ms);
            if p <= self.max_chance {
                out.extend(std::iter::repeat_n(p, t.count as usize));
            }
        }
    }
}

/// The test of links that share values rather than act together (a payment account, a
/// script, an AI-provider device, a model batch): under the null each value's holders are
/// drawn at random from the `population` of accounts that hold values of its kind, so the
/// chance that a given other account holds one of `a`'s values is
/// `(holders - 1) / (population - 1)`. `a_holders` and `b_holders` give, for every value
/// each account holds, its number of holders; `shared` is how many they share. Both
/// directions are tested and the larger tail kept.
pub fn shared_values_p(a_holders: &[u32], b_holders: &[u32], shared: u32, population: u32) -> f64 {
    let n = population.max(2) as f64;
    let side = |holders: &[u32]| -> f64 {
        let chances: Vec<f64> = holders.iter().map(|&h| ((h.max(1) - 1) as f64 / (n - 1.0)).min(1.0)).collect();
        crate::significance::poisson_binomial_upper_tail(&chances, shared as u64)
    };
    side(a_holders).max(side(b_holders))
}

/// The threshold of a link test over `population` accounts: `alpha` over every pair of
/// them (each could have shared a value).
pub fn pair_threshold(alpha: f64, population: usize) -> f64 {
    let n = population as f64;
    alpha / (n * (n - 1.0) / 2.0).max(1.0)
}

/// Two posts of different accounts that co-acted in one signal, with the unit each side
/// co-acted in (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchedPosts {
    /// Index of the signal in [`crate::Detection::nulls`].
    pub signal: u32,
    /// One post.
    pub a: u32,
    /// The other post.
    pub b: u32,
    /// The unit of `a`'s side.
    pub unit_a: u64,
    /// The unit of `b`'s side.
    pub unit_b: u64,
    /// The units' popularity on `a`'s side and on `b`'s.
    pub popularity: (u32, u32),
    /// The units' strata on `a`'s side and on `b`'s.
    pub strata: (u32, u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn null() -> ParticipationNull {
        let mut site_degree = FxHashMap::default();
        site_degree.insert((1, 1), 40);
        ParticipationNull {
            signal: Signal::CO_LINK,
            window_ms: 600_000,
            scales: vec![1.0, 0.2],
            rare_key_accounts: 3,
            max_chance: 0.6,
            span_ms: DAY_MS,
            degree: vec![10, 50, 5],
            site_degree,
            totals: vec![1000, 80],
            trials: vec![
                Trials { account: 0, stratum: 0, popularity: 2, count: 3 },
                Trials { account: 0, stratum: 0, popularity: 11, count: 1 },
                Trials { account: 0, stratum: 1, popularity: 5, count: 2 },
                Trials { account: 2, stratum: 0, popularity: 4, count: 1 },
            ],
            active_accounts: 3,
            text_units: false,
            by_site: true,
            post_popularity: Vec::new(),
        }
    }

    #[test]
    fn chances_follow_degree_popularity_and_rarity() {
        let n = null();
        let mut out = Vec::new();
        n.chances(0, &[1], 600_000, &mut out);
        // Rare key (2 accounts): 50 * 1 / 1000, times 2 * 10 min / 1 day.
        let rare = 0.05 * (1_200_000.0 / DAY_MS as f64);
        for p in &out[..3] {
            assert!((p - rare).abs() < 1e-12);
        }
        // Popular key (11 accounts): 50 * 10 / 1000, no timing factor.
        assert!((out[3] - 0.5).abs() < 1e-12);
        // The site stratum: 40 * 4 / 80, capped at 1: above `max_chance`, not weighed.
        assert_eq!(out.len(), 4);
        assert!(!n.weighed(40.0, 1, 5, 600_000));
        assert!(n.weighed(50.0, 0, 11, 600_000));
        assert_eq!(n.windows(), vec![600_000, 120_000]);
    }

    #[test]
    fn sharing_rare_values_is_unlikely_and_common_ones_are_not() {
        // Two accounts of 100 sharing three values held by two accounts each.
        let rare = shared_values_p(&[2, 2, 2], &[2, 2, 2], 3, 100);
        assert!((rare - (1.0f64 / 99.0).powi(3)).abs() < 1e-12, "{rare}");
        // The same three values held by 60 accounts each: expected.
        assert!(shared_values_p(&[60, 60, 60], &[60, 60, 60], 3, 100) > 0.1);
        // A hyperactive side cannot make a quiet one look linked: the larger tail is kept.
        let lopsided = shared_values_p(&[2, 2], &[2; 200], 2, 100);
        assert!(lopsided > rare);
        assert!((pair_threshold(0.01, 101) - 0.01 / 5050.0).abs() < 1e-15);
    }

    #[test]
    fn split_chances_are_the_chances_of_every_window() {
        let n = null();
        for w in [600_000, 120_000, 20_000] {
            let (mut fixed, mut rare, mut groups, mut direct) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            n.chance_parts(0, &[1], &mut fixed, &mut rare);
            groups.extend_from_slice(&fixed);
            n.at_window(&rare, w, &mut groups);
            n.chance_groups(0, &[1], w, &mut direct);
            groups.sort_by(|x, y| x.partial_cmp(y).unwrap());
            direct.sort_by(|x, y| x.partial_cmp(y).unwrap());
            assert_eq!(groups, direct);
        }
    }

    #[test]
    fn a_group_sums_its_members_degrees() {
        let n = null();
        let (mut one, mut two) = (Vec::new(), Vec::new());
        n.chances(2, &[0], 600_000, &mut one);
        n.chances(2, &[0, 1], 600_000, &mut two);
        assert!((one[0] - 10.0 * 3.0 / 1000.0).abs() < 1e-12);
        assert!((two[0] - 60.0 * 3.0 / 1000.0).abs() < 1e-12);
        assert!(n.trials_of(1).is_empty());
    }
}
