//! The windowed co-action engine shared by every detector.
//!
//! State is a bag of keyed events. It merges by union, so events may arrive in any order
//! and in any split (by key or by time chunk). Results come in two passes, both keyed:
//! [`CoActionState::matches`] emits post pairs of different accounts on the same key
//! within the signal window `W`; [`CoActionState::opportunities`] emits, for candidate
//! account pairs only, post pairs on the same key within the baseline window `H` (the
//! chances they had to co-act), which the null model needs. Each pass over a partition of
//! the keys yields exactly its share of the single-run result.

mod hot;

pub use hot::ChanceCount;

use crate::pairs::{account_pair_key, PostPair, PostPairSet};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// One post acting on one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyedEvent {
    /// The key acted on (a text hash, a link, a hashtag, a band).
    pub key: u64,
    /// When (Unix ms).
    pub time: i64,
    /// Who acted (account number).
    pub account: u32,
    /// The post that acted.
    pub post: u32,
}

/// Time windows of one signal, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Windows {
    /// Co-action window `W`: two actions this close are a co-action.
    pub window_ms: i64,
    /// Baseline half-width `H` of the jitter null.
    pub baseline_ms: i64,
    /// More events than this on one key within `W` of an event is a crowd (a chant, a
    /// trending tag): that event's co-actions are not enumerated.
    pub max_crowd: usize,
    /// Co-actions a pair needs to be tested: on a hot key, an account with fewer posts on
    /// it than this takes no part in its matches there.
    pub min_co_actions: u32,
}

/// Decides whether two posts on the same key really co-act (near-duplicates check
/// their similarity; exact keys need no check).
pub trait PairCheck: Sync {
    /// Whether posts `a` and `b`, on one key, are one action.
    fn same_action(&self, a: u32, b: u32) -> bool;
}

/// Exact keys: sharing the key is the co-action.
pub struct ExactKey;

impl PairCheck for ExactKey {
    fn same_action(&self, _a: u32, _b: u32) -> bool {
        true
    }
}

/// Mergeable state of one co-action operator.
#[derive(Debug, Clone, Default)]
pub struct CoActionState {
    events: Vec<KeyedEvent>,
    sorted: bool,
    /// Where each key's run of two or more events starts and ends in the sorted events:
    /// found once a sort, on every core, for the passes that read them.
    groups: Vec<(usize, usize)>,
}

/// Counters a pass reports besides its pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PassStats {
    /// Events whose window held a crowd and were skipped.
    pub crowd_events: u64,
    /// Keys used by at least two accounts.
    pub shared_keys: u64,
    /// Sum over shared keys of the share of their event pairs within `H` that are also
    /// within `W` (how bursty the keys are by nature), in fixed point so that sums are
    /// exact in any order of partitions, and how many keys had such pairs.
    pub burstiness_sum: u64,
    /// Shared keys with event pairs within `H`.
    pub burstiness_keys: u64,
}

impl PassStats {
    /// Adds another partition's counts.
    pub fn add(&mut self, other: &PassStats) {
        self.crowd_events += other.crowd_events;
        self.shared_keys += other.shared_keys;
        self.burstiness_sum += other.burstiness_sum;
        self.burstiness_keys += other.burstiness_keys;
    }

    /// Mean share of a key's near pairs (within `H`) that are within `W`.
    pub fn burstiness(&self) -> f64 {
        if self.burstiness_keys == 0 {
            0.0
        } else {
            self.burstiness_sum as f64 / BURSTINESS_ONE as f64 / self.burstiness_keys as f64
        }
    }
}

const BURSTINESS_ONE: u64 = 1 << 32;

/// Event pairs of a time-sorted group no more than `span` apart (two pointers, O(n)).
fn pairs_within(group: &[KeyedEvent], span: i64) -> u64 {
    let mut count = 0u64;
    let mut end = 0;
    for (i, e) in group.iter().enumerate() {
        end = end.max(i + 1);
        while end < group.len() && group[end].time - e.time <= span {
            end += 1;
        }
        count += (end - i - 1) as u64;
    }
    count
}

impl CoActionState {
    /// Adds one event.
    pub fn observe(&mut self, event: KeyedEvent) {
        self.events.push(event);
        self.sorted = false;
    }

    /// Empties the state for new events, keeping its allocation; the caller appends them.
    pub fn refill(&mut self) -> &mut Vec<KeyedEvent> {
        self.events.clear();
        self.sorted = false;
        &mut self.events
    }

    /// State holding these events, unsorted.
    pub fn from_events(events: Vec<KeyedEvent>) -> Self {
        CoActionState { events, sorted: false, groups: Vec::new() }
    }

    /// Adds events.
    pub fn extend(&mut self, events: impl IntoIterator<Item = KeyedEvent>) {
        self.events.extend(events);
        self.sorted = false;
    }

    /// Union of two states (e.g. two time chunks of one key partition).
    pub fn merge(mut self, other: CoActionState) -> CoActionState {
        self.events.extend(other.events);
        self.sorted = false;
        self
    }

    /// Events held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// The events held, in the order added or last sorted.
    pub fn events(&self) -> &[KeyedEvent] {
        &self.events
    }

    /// Whether no event is held.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Splits the state into `parts` key partitions (as a partitioned log would).
    pub fn partition_by_key(self, parts: usize) -> Vec<CoActionState> {
        let parts = parts.max(1);
        let mut out = vec![CoActionState::default(); parts];
        for e in self.events {
            let slot = (xxhash_rust::xxh3::xxh3_64(&e.key.to_le_bytes()) % parts as u64) as usize;
            out[slot].events.push(e);
        }
        out
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.events.par_sort_unstable();
            // The same post acting twice on one key (a hashtag written twice) is one action.
            self.events.dedup();
            self.groups = shared_key_runs(&self.events);
            self.sorted = true;
        }
    }

    /// Runs of two or more events on one key (the state is sorted).
    fn key_groups(&self) -> impl IndexedParallelIterator<Item = &[KeyedEvent]> {
        self.groups.par_iter().map(|&(start, end)| &self.events[start..end])
    }

    /// Posts on a key that two or more accounts used: the only ones a pass may compare.
    pub fn shared_posts(&mut self) -> Vec<u32> {
        self.sort();
        let mut posts: Vec<u32> =
            self.key_groups().filter(|g| distinct_accounts(g) >= 2).flat_map_iter(|g| g.iter().map(|e| e.post)).collect();
        posts.par_sort_unstable();
        posts.dedup();
        posts
    }

    /// Post pairs of different accounts on one key within `W`.
    pub fn matches(&mut self, windows: &Windows, check: &impl PairCheck) -> (PostPairSet, PassStats) {
        self.sort();
        let results: Vec<(Vec<PostPair>, PassStats)> = self.key_groups().map(|g| scan_group(g, windows, check)).collect();
        let mut stats = PassStats::default();
        let mut all = Vec::new();
        for (pairs, s) in results {
            stats.add(&s);
            all.extend(pairs);
        }
        (PostPairSet::from_unsorted(all), stats)
    }

    /// Marks every account with an event in this state (on every core).
    pub fn mark_accounts(&self, seen: &[AtomicBool]) {
        self.events.par_iter().with_min_len(1 << 14).for_each(|e| {
            if let Some(slot) = seen.get(e.account as usize) {
                slot.store(true, Ordering::Relaxed);
            }
        });
    }

    /// For every event on a key used by two or more accounts: how many *other* accounts
    /// acted on that key within `H` of it (the key's local popularity). The count is 0
    /// when the key is a habit of the event's account (it used the key on occasions more
    /// than `H` apart, like a daily greeting or an operation's own hashtag): a habit is not
    /// a one-off copy, so it has no rarity. Each post keeps the largest count of its events
    /// in `popularity` (indexed by post), raised from every core at once: the order the
    /// events come in cannot change a maximum.
    pub fn local_popularity(&mut self, windows: &Windows, popularity: &[AtomicU32]) {
        self.sort();
        // Groups are small (near-duplicate band keys: 1.6M groups of 7.6 events on
        // average at 900k posts): one scratch space per rayon job, not maps per group.
        self.key_groups().with_min_len(256).for_each_init(PopularityScratch::default, |scratch, g| {
            scratch.add_group(g, windows.baseline_ms, |post, others| {
                // Most events do not raise their post's count: reading first spares them
                // the locked read-modify-write.
                if let Some(slot) = popularity.get(post as usize).filter(|slot| slot.load(Ordering::Relaxed) < others) {
                    slot.fetch_max(others, Ordering::Relaxed);
                }
            });
        });
    }

    /// Post pairs on one key within `H`, for the candidate account pairs only
    /// (`is_candidate`: whether an account, by number, is in one of them). A hot key's
    /// come as counts per post instead (see [`hot`]).
    pub fn opportunities(
        &mut self,
        windows: &Windows,
        check: &impl PairCheck,
        candidates: &FxHashSet<u64>,
        is_candidate: &[bool],
    ) -> (PostPairSet, Vec<ChanceCount>) {
        self.sort();
        let found: Vec<(Vec<PostPair>, Vec<ChanceCount>)> = self
            .key_groups()
            .map(|g| {
                let members: Vec<KeyedEvent> =
                    g.iter().copied().filter(|e| is_candidate.get(e.account as usize).copied().unwrap_or(false)).collect();
                let mut out = Vec::new();
                let mut counts = Vec::new();
                if members.len() < 2 {
                    return (out, counts);
                }
                if pairs_within(&members, windows.baseline_ms) > hot::HOT_PAIRS {
                    hot::hot_opportunities(&members, windows.baseline_ms, candidates, &mut counts);
                    return (out, counts);
                }
                let key_accounts = distinct_accounts(g);
                for (i, e) in members.iter().enumerate() {
                    for f in &members[i + 1..] {
                        if f.time - e.time > windows.baseline_ms {
                            break;
                        }
                        if f.account != e.account
                            && candidates.contains(&account_pair_key(e.account, f.account))
                            && check.same_action(e.post, f.post)
                        {
                            out.push(PostPair::new(e.post, f.post, key_accounts));
                        }
                    }
                }
                (out, counts)
            })
            .collect();
        let mut all = Vec::new();
        let mut counts: Vec<ChanceCount> = Vec::new();
        for (pairs, c) in found {
            all.extend(pairs);
            // One hot key's counts can be most of them: taken, not copied.
            if counts.is_empty() {
                counts = c;
            } else {
                counts.extend(c);
            }
        }
        (PostPairSet::from_unsorted(all), counts)
    }
}

/// Reusable buffers for [`CoActionState::local_popularity`]: the group's accounts
/// numbered densely, so per-account state is a plain vector.
#[derive(Default)]
struct PopularityScratch {
    /// Dense number of each event's account, in the group's order.
    local: Vec<u32>,
    /// The group's distinct accounts, in order of first appearance.
    accounts: Vec<u32>,
    numbering: rustc_hash::FxHashMap<u32, u32>,
    /// Per dense account: first and last time it acted on the key.
    span: Vec<(i64, i64)>,
    /// Per dense account: its events inside the sliding window.
    in_window: Vec<u32>,
}

impl PopularityScratch {
    /// Below this many events a linear search numbers accounts faster than a hash map.
    const LINEAR: usize = 32;

    fn add_group(&mut self, group: &[KeyedEvent], baseline_ms: i64, mut out: impl FnMut(u32, u32)) {
        self.number_accounts(group);
        let k = self.accounts.len();
        self.span.clear();
        self.span.resize(k, (i64::MAX, i64::MIN));
        for (e, &l) in group.iter().zip(&self.local) {
            let span = &mut self.span[l as usize];
            span.0 = span.0.min(e.time);
            span.1 = span.1.max(e.time);
        }
        self.in_window.clear();
        self.in_window.resize(k, 0);
        let mut distinct = 0u32;
        let (mut lo, mut hi) = (0usize, 0usize);
        for (i, e) in group.iter().enumerate() {
            while hi < group.len() && group[hi].time - e.time <= baseline_ms {
                let slot = &mut self.in_window[self.local[hi] as usize];
                distinct += u32::from(*slot == 0);
                *slot += 1;
                hi += 1;
            }
            while e.time - group[lo].time > baseline_ms {
                let slot = &mut self.in_window[self.local[lo] as usize];
                *slot -= 1;
                distinct -= u32::from(*slot == 0);
                lo += 1;
            }
            let (first, last) = self.span[self.local[i] as usize];
            let habitual = last - first > baseline_ms;
            out(e.post, if habitual { 0 } else { distinct.saturating_sub(1) });
        }
    }

    fn number_accounts(&mut self, group: &[KeyedEvent]) {
        self.local.clear();
        self.accounts.clear();
        if group.len() <= Self::LINEAR {
            for e in group {
                let l = match self.accounts.iter().position(|&a| a == e.account) {
                    Some(l) => l,
                    None => {
                        self.accounts.push(e.account);
                        self.accounts.len() - 1
                    }
                };
                self.local.push(l as u32);
            }
        } else {
            self.numbering.clear();
            for e in group {
                let next = self.accounts.len() as u32;
                let l = *self.numbering.entry(e.account).or_insert(next);
                if l == next {
                    self.accounts.push(e.account);
                }
                self.local.push(l);
            }
        }
    }
}

/// `(start, end)` of each run of two or more events sharing a key, in order. The events
/// are cut into pieces at key changes and the pieces scanned in parallel.
fn shared_key_runs(events: &[KeyedEvent]) -> Vec<(usize, usize)> {
    let pieces = rayon::current_num_threads() * 4;
    let mut cuts = vec![0];
    for p in 1..pieces {
        let mut i = (events.len() * p / pieces).max(cuts[cuts.len() - 1]);
        while i > 0 && i < events.len() && events[i].key == events[i - 1].key {
            i += 1;
        }
        cuts.push(i);
    }
    cuts.push(events.len());
    cuts.dedup();
    cuts.par_windows(2)
        .flat_map_iter(|w| {
            let mut runs = Vec::new();
            let mut start = w[0];
            for group in events[w[0]..w[1]].chunk_by(|a, b| a.key == b.key) {
                if group.len() >= 2 {
                    runs.push((start, start + group.len()));
                }
                start += group.len();
            }
            runs
        })
        .collect()
}

fn distinct_accounts(group: &[KeyedEvent]) -> u32 {
    if group.len() <= 16 {
        // Most keys are shared by a handful of posts: counted on the stack.
        let mut seen = [0u32; 16];
        let mut distinct = 0;
        for e in group {
            if !seen[..distinct].contains(&e.account) {
                seen[distinct] = e.account;
                distinct += 1;
            }
        }
        return distinct as u32;
    }
    group.iter().map(|e| e.account).collect::<FxHashSet<_>>().len() as u32
}

fn scan_group(group: &[KeyedEvent], windows: &Windows, check: &impl PairCheck) -> (Vec<PostPair>, PassStats) {
    let mut stats = PassStats::default();
    let key_accounts = distinct_accounts(group);
    if key_accounts < 2 {
        return (Vec::new(), stats);
    }
    stats.shared_keys = 1;
    let near = pairs_within(group, windows.baseline_ms);
    let close = pairs_within(group, windows.window_ms);
    if near > 0 {
        stats.burstiness_sum = (close as u128 * BURSTINESS_ONE as u128 / near as u128) as u64;
        stats.burstiness_keys = 1;
    }
    let hot = close > hot::HOT_PAIRS;
    let mut kept = if hot { vec![false; group.len()] } else { Vec::new() };
    let mut out = Vec::new();
    let (mut start, mut end) = (0, 0);
    for (i, e) in group.iter().enumerate() {
        end = end.max(i + 1);
        while end < group.len() && group[end].time - e.time <= windows.window_ms {
            end += 1;
        }
        // A crowd on both sides of the event: the window reaches W before it too.
        while e.time - group[start].time > windows.window_ms {
            start += 1;
        }
        if end - start > windows.max_crowd {
            stats.crowd_events += 1;
            continue;
        }
        if hot {
            kept[i] = true;
            continue;
        }
        for f in &group[i + 1..end] {
            if f.account != e.account && check.same_action(e.post, f.post) {
                out.push(PostPair::new(e.post, f.post, key_accounts));
            }
        }
    }
    if hot {
        out = hot::hot_matches(group, &kept, windows, check, key_accounts);
    }
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(key: u64, secs: i64, account: u32, post: u32) -> KeyedEvent {
        KeyedEvent { key, time: secs * 1000, account, post }
    }

    const WINDOWS: Windows = Windows { window_ms: 60_000, baseline_ms: 3_600_000, max_crowd: 100, min_co_actions: 2 };

    #[test]
    fn co_actions_need_the_same_key_other_accounts_and_the_window() {
        let mut s = CoActionState::default();
        s.extend([ev(1, 0, 0, 0), ev(1, 30, 1, 1), ev(1, 61, 2, 2), ev(2, 10, 3, 3), ev(1, 40, 0, 4)]);
        let (pairs, stats) = s.matches(&WINDOWS, &ExactKey);
        let got: Vec<(u32, u32)> = pairs.as_slice().iter().map(|p| (p.a, p.b)).collect();
        // 0-1 (30 s), 1-2 (31 s), 1-4 (10 s), 2-4 (21 s); 0-2 is 61 s apart, 0-4 same account.
        assert_eq!(got, vec![(0, 1), (1, 2), (1, 4), (2, 4)]);
        assert_eq!(stats.shared_keys, 1);
    }

    #[test]
    fn crowds_are_not_enumerated() {
        let mut s = CoActionState::default();
        s.extend((0..200u32).map(|i| ev(9, i as i64 / 10, i, i)));
        let (pairs, stats) = s.matches(&WINDOWS, &ExactKey);
        assert!(pairs.is_empty());
        assert_eq!(stats.crowd_events, 200);
    }

    /// The plain statement of local popularity: per group, per event, the distinct other
    /// accounts on the key within H, or 0 for an account that used the key over more than H;
    /// a post keeps the largest of its events'.
    fn popularity_by_definition(events: &[KeyedEvent], h: i64, posts: usize) -> Vec<u32> {
        let mut sorted = events.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = vec![0u32; posts];
        for g in sorted.chunk_by(|a, b| a.key == b.key).filter(|g| g.len() >= 2) {
            for e in g {
                let mine: Vec<i64> = g.iter().filter(|f| f.account == e.account).map(|f| f.time).collect();
                let habitual = mine.iter().max().unwrap() - mine.iter().min().unwrap() > h;
                let mut near: Vec<u32> = g.iter().filter(|f| (f.time - e.time).abs() <= h).map(|f| f.account).collect();
                near.sort_unstable();
                near.dedup();
                let count = if habitual { 0 } else { near.len().saturating_sub(1) as u32 };
                out[e.post as usize] = out[e.post as usize].max(count);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn distinct_accounts_counts_each_account_once(accounts in proptest::collection::vec(0u32..12, 0..40)) {
            let group: Vec<KeyedEvent> = accounts.iter().enumerate().map(|(i, &a)| ev(1, i as i64, a, i as u32)).collect();
            let mut unique = accounts.clone();
            unique.sort_unstable();
            unique.dedup();
            proptest::prop_assert_eq!(distinct_accounts(&group) as usize, unique.len());
        }

        #[test]
        fn shared_key_runs_are_the_runs_of_two_or_more(keys in proptest::collection::vec(0u64..6, 0..400)) {
            // Few keys: long runs that cross the pieces' first cuts.
            let mut events: Vec<KeyedEvent> = keys.iter().enumerate().map(|(i, &k)| ev(k, i as i64, 0, i as u32)).collect();
            events.sort_unstable();
            let mut want = Vec::new();
            let mut start = 0;
            for g in events.chunk_by(|a, b| a.key == b.key) {
                if g.len() >= 2 {
                    want.push((start, start + g.len()));
                }
                start += g.len();
            }
            proptest::prop_assert_eq!(shared_key_runs(&events), want);
        }

        #[test]
        fn local_popularity_matches_its_definition(
            raw in proptest::collection::vec((0u64..40, 0i64..20_000, 0u32..60, 0u32..5000), 0..3000),
        ) {
            // Few keys and accounts: groups both under and over the linear-numbering size.
            let events: Vec<KeyedEvent> =
                raw.iter().map(|&(key, secs, account, post)| ev(key % 8 + if key > 30 { 100 } else { 0 }, secs, account, post)).collect();
            let h = 3_600_000;
            let mut state = CoActionState::from_events(events.clone());
            let popularity: Vec<AtomicU32> = (0..5000).map(|_| AtomicU32::new(0)).collect();
            state.local_popularity(&WINDOWS, &popularity);
            let got: Vec<u32> = popularity.into_iter().map(AtomicU32::into_inner).collect();
            proptest::prop_assert_eq!(got, popularity_by_definition(&events, h, 5000));
        }
    }
}
