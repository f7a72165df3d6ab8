//! Shared infrastructure behind AI-provider accounts: the same IP address, device, payment
//! instrument, email or API key.
//!
//! A value shared by a few accounts is one operator's; a value shared by many is a carrier,
//! a VPN exit or a company proxy. Each link is weighted by rarity, `ln(1 + N / n)` for a
//! value used by `n` of the `N` accounts seen, and values used by more than
//! `infrastructure_max_sharers` accounts make no link at all. Each link carries a p-value
//! (a value's holders drawn at random from the AI-provider accounts seen:
//! [`disrupt_evidence::null::shared_values_p`]). Two accounts share a value only
//! when they used it within the signal's window of each other (`--window
//! shared_infrastructure=SECONDS`, default 90 days): an address reassigned next season is
//! someone else's. These links only ever join an
//! account to a network that other evidence made: sharing a household router is not an
//! operation.

use crate::ProvenanceConfig;
use disrupt_evidence::{closest_gap, PairEvidence};
use std::collections::{BTreeMap, BTreeSet};

/// The infrastructure fields of the contract, in the order evidence names them.
pub const FIELDS: [&str; 5] = ["ip", "device", "payment", "email", "api_key"];

/// One generation's infrastructure, as linking sees it.
#[derive(Debug, Clone)]
pub struct Footprint {
    /// The generation's account (number).
    pub account: u32,
    /// When it was made (Unix ms).
    pub time: i64,
    /// The record standing for the generation in evidence (a post index of the store).
    pub record: u32,
    /// `(field, value)` pairs, field one of [`FIELDS`].
    pub values: Vec<(&'static str, String)>,
}

/// An infrastructure value shared by several accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedValue {
    /// Which field (one of [`FIELDS`]).
    pub field: &'static str,
    /// The value.
    pub value: String,
    /// Accounts that used it.
    pub accounts: Vec<u32>,
}

/// Per account, the record and time of its first use of a value, and the times of its uses
/// (the first [`MAX_USES`]).
type Uses = BTreeMap<u32, Use>;

/// The record and time of an account's first use of a value, and the times of its uses.
type Use = (u32, i64, Vec<i64>);

/// Use times kept per account and value: enough to find a close pair, bounded per key.
const MAX_USES: usize = 64;

/// Values shared by two to `infrastructure_max_sharers` accounts, and the pair evidence they
/// make (weighted by rarity; `co_actions` counts shared values).
pub fn shared_infrastructure(footprints: &[Footprint], config: &ProvenanceConfig, window_ms: i64) -> (Vec<SharedValue>, Vec<PairEvidence>) {
    let mut users: BTreeMap<(&'static str, &str), Uses> = BTreeMap::new();
    let mut all_accounts = BTreeSet::new();
    for f in footprints {
        all_accounts.insert(f.account);
        for (field, value) in &f.values {
            if value.trim().is_empty() {
                continue;
            }
            let uses = users.entry((field, value.as_str())).or_default().entry(f.account).or_insert((f.record, f.time, Vec::new()));
            if uses.2.len() < MAX_USES {
                uses.2.push(f.time);
            }
        }
    }
    let n = all_accounts.len().max(2) as f64;
    let mut shared = Vec::new();
    let mut pairs: BTreeMap<(u32, u32), PairEvidence> = BTreeMap::new();
    for ((field, value), accounts) in users {
        if accounts.len() < 2 || accounts.len() > config.infrastructure_max_sharers {
            continue;
        }
        let weight = (1.0 + n / accounts.len() as f64).ln();
        let list: Vec<(u32, Use)> = accounts
            .into_iter()
            .map(|(a, (r, t, mut times))| {
                times.sort_unstable();
                (a, (r, t, times))
            })
            .collect();
        let mut linked = false;
        for (i, (a, (ra, ta, times_a))) in list.iter().enumerate() {
            for (b, (rb, tb, times_b)) in &list[i + 1..] {
                if closest_gap(times_a, times_b) > window_ms {
                    continue;
                }
                linked = true;
                let (a, b, ra, rb, ta, tb) = (*a, *b, *ra, *rb, *ta, *tb);
                let e = pairs.entry((a, b)).or_insert_with(|| PairEvidence {
                    a,
                    b,
                    co_actions: 0,
                    expected: 0.0,
                    p_value: 1.0,
                    rarity_p_value: 1.0,
                    weight: 0.0,
                    first_seen: i64::MAX,
                    last_seen: i64::MIN,
                    matches: Vec::new(),
                    // Not a network edge on its own (see the module doc).
                    significant: false,
                });
                e.co_actions += 1;
                e.weight += weight;
                e.first_seen = e.first_seen.min(ta.min(tb));
                e.last_seen = e.last_seen.max(ta.max(tb));
                if !e.matches.contains(&(ra, rb)) {
                    e.matches.push((ra, rb));
                }
            }
        }
        if linked {
            shared.push(SharedValue { field, value: value.to_string(), accounts: list.iter().map(|(a, _)| *a).collect() });
        }
    }
    // How likely each link is by chance: a value's holders drawn at random from every
    // AI-provider account seen (a conditional test: it cannot make a value two accounts
    // share strong evidence alone; shared devices, cards and keys add up).
    let mut holders_of: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for v in &shared {
        for &a in &v.accounts {
            holders_of.entry(a).or_default().push(v.accounts.len() as u32);
        }
    }
    let population = all_accounts.len() as u32;
    let empty = Vec::new();
    for e in pairs.values_mut() {
        let (ha, hb) = (holders_of.get(&e.a).unwrap_or(&empty), holders_of.get(&e.b).unwrap_or(&empty));
        e.p_value = disrupt_evidence::null::shared_values_p(ha, hb, e.co_actions, population);
        e.rarity_p_value = e.p_value;
        e.expected = ha.iter().map(|&h| h.saturating_sub(1) as f64 / (population.max(2) - 1) as f64).sum();
    }
    (shared, pairs.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(account: u32, values: &[(&'static str, &str)]) -> Footprint {
        Footprint { account, time: 0, record: account, values: values.iter().map(|(f, v)| (*f, v.to_string())).collect() }
    }

    #[test]
    fn rare_values_link_and_crowded_ones_do_not() {
        let config = ProvenanceConfig { infrastructure_max_sharers: 5, ..ProvenanceConfig::default() };
        let mut prints = vec![fp(0, &[("device", "d-1"), ("ip", "10.0.0.1")]), fp(1, &[("device", "d-1"), ("ip", "10.0.0.1")])];
        // A carrier address behind twenty accounts.
        prints.extend((2..22).map(|a| fp(a, &[("ip", "10.0.0.1")])));
        prints.push(fp(30, &[("payment", "card-9")]));
        prints.push(fp(31, &[("payment", "card-9"), ("email", "")]));
        let (shared, pairs) = shared_infrastructure(&prints, &config, 3_600_000);
        let fields: Vec<&str> = shared.iter().map(|s| s.field).collect();
        assert_eq!(fields, vec!["device", "payment"]);
        let linked: Vec<(u32, u32)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(linked, vec![(0, 1), (30, 31)]);
        assert!(pairs.iter().all(|p| !p.significant && p.weight > 0.0));
        // A device two of 24 accounts share: one chance in 23 that the second is anyone's.
        assert!(pairs.iter().all(|p| (p.p_value - 1.0 / 23.0).abs() < 1e-12), "{pairs:?}");
    }

    #[test]
    fn a_value_used_far_apart_links_nobody() {
        let config = ProvenanceConfig::default();
        let mut late = fp(1, &[("device", "d-1")]);
        late.time = 10 * 3_600_000;
        let (shared, pairs) = shared_infrastructure(&[fp(0, &[("device", "d-1")]), late.clone()], &config, 3_600_000);
        assert!(shared.is_empty() && pairs.is_empty());
        let mut early_again = fp(0, &[("device", "d-1")]);
        early_again.time = 9 * 3_600_000;
        let (_, pairs) = shared_infrastructure(&[fp(0, &[("device", "d-1")]), early_again, late], &config, 3_600_000);
        assert_eq!(pairs.len(), 1, "a later use of the first account comes within the window");
    }
}
