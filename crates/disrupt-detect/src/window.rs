//! The windowed co-action engine shared by every detector.
//!
//! State is a bag of keyed events. It merges by union, so events may arrive in any order
//! and in any split (by key or by time chunk). Results come in two passes, both keyed:
//! [`CoActionState::matches`] emits post pairs of different accounts on the same key
//! within the signal window `W`, each with the key's occurrence it belongs to (a burst of
//! the key: its events split where two in a row are more than twice `W` apart);
//! [`CoActionState::units`] reports who took part in which occurrence and how many
//! accounts ever used each key, which the null model needs
//! ([`disrupt_evidence::null`]). Each pass over a partition of the keys yields exactly its
//! share of the single-run result.

mod hot;

use crate::pairs::{PostPair, PostPairSet};
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
    /// Co-action window `W` (the widest tested): two actions this close are a co-action.
    pub window_ms: i64,
    /// A key's events more than this apart belong to different occurrences (bursts).
    pub occurrence_gap_ms: i64,
    /// Only a key at most this many accounts used has occurrences; a more popular key is
    /// one unit in all (a daily greeting is one habit, not fourteen co-actions).
    pub repeat_key_accounts: u32,
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
}

impl PassStats {
    /// Adds another partition's counts.
    pub fn add(&mut self, other: &PassStats) {
        self.crowd_events += other.crowd_events;
        self.shared_keys += other.shared_keys;
    }
}

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

    /// Post pairs of different accounts on one key within `W`, each with its key's
    /// occurrence. `exempt(key, account)` leaves out co-actions of that account on that
    /// key (reacting to a friend's post).
    pub fn matches(
        &mut self,
        windows: &Windows,
        check: &impl PairCheck,
        exempt: &(impl Fn(u64, u32) -> bool + Sync),
    ) -> (PostPairSet, PassStats) {
        self.sort();
        let results: Vec<(Vec<PostPair>, PassStats)> = self.key_groups().map(|g| scan_group(g, windows, check, exempt)).collect();
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

    /// For text units: raises each post's slot in `popularity` to the number of accounts
    /// that used its most popular key (single events included), on every core; the order
    /// the events come in cannot change a maximum.
    pub fn text_popularity(&mut self, popularity: &[AtomicU32]) {
        self.sort();
        let events = &self.events;
        let cuts = key_cuts(events, 8);
        cuts.par_windows(2).for_each(|w| {
            for group in events[w[0]..w[1]].chunk_by(|a, b| a.key == b.key) {
                let d = distinct_accounts(group);
                for e in group {
                    // Most events do not raise their post's count: reading first spares
                    // them the locked read-modify-write.
                    if let Some(slot) = popularity.get(e.post as usize).filter(|slot| slot.load(Ordering::Relaxed) < d) {
                        slot.fetch_max(d, Ordering::Relaxed);
                    }
                }
            }
        });
    }

    /// Who took part in what, for the null model: for every key (single events
    /// included), how many accounts ever used it, and its participations. With
    /// `per_event` false a participation is one account in one occurrence of the key (its
    /// first post there); with `per_event` true every event is one (near-duplicate band
    /// keys, whose units are texts). Participations come in parallel chunks, in no
    /// particular order.
    pub fn units(&mut self, windows: &Windows, per_event: bool) -> Vec<Vec<Participation>> {
        self.sort();
        let events = &self.events;
        let cuts = key_cuts(events, 8);
        cuts.par_windows(2)
            .map(|w| {
                let mut out = Vec::new();
                let mut seen: Vec<u32> = Vec::new();
                for group in events[w[0]..w[1]].chunk_by(|a, b| a.key == b.key) {
                    let popularity = distinct_accounts(group);
                    if per_event {
                        out.extend(group.iter().map(|e| Participation { account: e.account, post: e.post, popularity }));
                        continue;
                    }
                    let repeats = popularity <= windows.repeat_key_accounts;
                    let mut start = 0;
                    while start < group.len() {
                        let mut end = start + 1;
                        while end < group.len() && (!repeats || group[end].time - group[end - 1].time <= windows.occurrence_gap_ms) {
                            end += 1;
                        }
                        seen.clear();
                        for e in &group[start..end] {
                            if !seen.contains(&e.account) {
                                seen.push(e.account);
                                out.push(Participation { account: e.account, post: e.post, popularity });
                            }
                        }
                        start = end;
                    }
                }
                out
            })
            .collect()
    }
}

/// One account's part in one occurrence of a key (or, for text units, in one event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Participation {
    /// The account.
    pub account: u32,
    /// Its first post there.
    pub post: u32,
    /// Accounts that ever used the key.
    pub popularity: u32,
}

/// The id of the occurrence of `key` that began at `start` (Unix ms).
pub fn occurrence_id(key: u64, start: i64) -> u64 {
    hot::mix(key ^ hot::mix(start as u64))
}

/// For each event of a time-sorted group, the start of its occurrence (the group's first
/// time for every event when the key is too popular to have occurrences).
fn occurrence_starts(group: &[KeyedEvent], gap_ms: i64, repeats: bool) -> Vec<i64> {
    let mut starts = Vec::with_capacity(group.len());
    let mut start = group.first().map_or(0, |e| e.time);
    for (i, e) in group.iter().enumerate() {
        if repeats && i > 0 && e.time - group[i - 1].time > gap_ms {
            start = e.time;
        }
        starts.push(start);
    }
    starts
}

/// `(start, end)` of each run of two or more events sharing a key, in order. The events
/// are cut into pieces at key changes and the pieces scanned in parallel.
fn shared_key_runs(events: &[KeyedEvent]) -> Vec<(usize, usize)> {
    key_cuts(events, 4)
        .par_windows(2)
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

/// Cuts of events sorted by key into `per_core` pieces for every core, each at a key
/// change so that no key is split: the bounds, first 0 and last `events.len()`.
fn key_cuts(events: &[KeyedEvent], per_core: usize) -> Vec<usize> {
    let pieces = rayon::current_num_threads() * per_core;
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
    cuts
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

fn scan_group(
    group: &[KeyedEvent],
    windows: &Windows,
    check: &impl PairCheck,
    exempt: &(impl Fn(u64, u32) -> bool + Sync),
) -> (Vec<PostPair>, PassStats) {
    let mut stats = PassStats::default();
    let key_accounts = distinct_accounts(group);
    if key_accounts < 2 {
        return (Vec::new(), stats);
    }
    stats.shared_keys = 1;
    let key = group[0].key;
    let starts = occurrence_starts(group, windows.occurrence_gap_ms, key_accounts <= windows.repeat_key_accounts);
    let close = pairs_within(group, windows.window_ms);
    let hot = close > hot::HOT_PAIRS;
    let mut kept = if hot { vec![false; group.len()] } else { Vec::new() };
    let mut out = Vec::new();
    // Whether each event is left out (reacting to a friend), asked once an event.
    let exempted: Vec<bool> = group.iter().map(|e| exempt(key, e.account)).collect();
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
        if exempted[i] {
            continue;
        }
        if hot {
            kept[i] = true;
            continue;
        }
        let unit = occurrence_id(key, starts[i]);
        for (j, f) in group[i + 1..end].iter().enumerate() {
            if f.account != e.account && !exempted[i + 1 + j] && check.same_action(e.post, f.post) {
                out.push(PostPair::new(e.post, f.post, key_accounts, unit));
            }
        }
    }
    if hot {
        let unit_of: rustc_hash::FxHashMap<u32, u64> = group.iter().zip(&starts).map(|(e, &s)| (e.post, occurrence_id(key, s))).collect();
        out = hot::hot_matches(group, &kept, windows, check, key_accounts);
        for p in &mut out {
            p.unit = unit_of.get(&p.a).copied().unwrap_or(0);
        }
    }
    (out, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(key: u64, secs: i64, account: u32, post: u32) -> KeyedEvent {
        KeyedEvent { key, time: secs * 1000, account, post }
    }

    const WINDOWS: Windows =
        Windows { window_ms: 60_000, occurrence_gap_ms: 120_000, repeat_key_accounts: 10, max_crowd: 100, min_co_actions: 2 };

    fn nobody(_: u64, _: u32) -> bool {
        false
    }

    #[test]
    fn co_actions_need_the_same_key_other_accounts_and_the_window() {
        let mut s = CoActionState::default();
        s.extend([ev(1, 0, 0, 0), ev(1, 30, 1, 1), ev(1, 61, 2, 2), ev(2, 10, 3, 3), ev(1, 40, 0, 4)]);
        let (pairs, stats) = s.matches(&WINDOWS, &ExactKey, &nobody);
        let got: Vec<(u32, u32)> = pairs.as_slice().iter().map(|p| (p.a, p.b)).collect();
        // 0-1 (30 s), 1-2 (31 s), 1-4 (10 s), 2-4 (21 s); 0-2 is 61 s apart, 0-4 same account.
        assert_eq!(got, vec![(0, 1), (1, 2), (1, 4), (2, 4)]);
        assert_eq!(stats.shared_keys, 1);
        // One burst of the key: one occurrence.
        assert!(pairs.as_slice().iter().all(|p| p.unit == occurrence_id(1, 0)));
    }

    #[test]
    fn bursts_further_apart_than_the_gap_are_different_occurrences() {
        let mut s = CoActionState::default();
        s.extend([ev(1, 0, 0, 0), ev(1, 10, 1, 1), ev(1, 1000, 0, 2), ev(1, 1010, 1, 3)]);
        let (pairs, _) = s.matches(&WINDOWS, &ExactKey, &nobody);
        let units: Vec<u64> = pairs.as_slice().iter().map(|p| p.unit).collect();
        assert_eq!(units, vec![occurrence_id(1, 0), occurrence_id(1, 1_000_000)]);
        let mut parts: Vec<Participation> = s.units(&WINDOWS, false).concat();
        parts.sort_unstable();
        assert_eq!(
            parts,
            vec![
                Participation { account: 0, post: 0, popularity: 2 },
                Participation { account: 0, post: 2, popularity: 2 },
                Participation { account: 1, post: 1, popularity: 2 },
                Participation { account: 1, post: 3, popularity: 2 },
            ]
        );
    }

    #[test]
    fn exempt_reactions_are_left_out() {
        let mut s = CoActionState::default();
        s.extend([ev(7, 0, 0, 0), ev(7, 10, 1, 1), ev(7, 20, 2, 2)]);
        let (pairs, _) = s.matches(&WINDOWS, &ExactKey, &|key: u64, account: u32| key == 7 && account == 1);
        let got: Vec<(u32, u32)> = pairs.as_slice().iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(got, vec![(0, 2)]);
    }

    #[test]
    fn crowds_are_not_enumerated() {
        let mut s = CoActionState::default();
        s.extend((0..200u32).map(|i| ev(9, i as i64 / 10, i, i)));
        let (pairs, stats) = s.matches(&WINDOWS, &ExactKey, &nobody);
        assert!(pairs.is_empty());
        assert_eq!(stats.crowd_events, 200);
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
        fn units_match_their_definition(
            raw in proptest::collection::vec((0u64..40, 0i64..2_000, 0u32..30, 0u32..5000), 0..1500),
        ) {
            let mut events: Vec<KeyedEvent> = raw.iter().map(|&(key, secs, account, post)| ev(key % 9, secs, account, post)).collect();
            let mut state = CoActionState::from_events(events.clone());
            let mut got: Vec<Participation> = state.units(&WINDOWS, false).concat();
            got.sort_unstable();
            // By definition: per key, occurrences split at gaps over 120 s (keys of at most 10
            // accounts; a more popular key is one occurrence); per occurrence each account
            // once, with its first post; popularity the key's accounts.
            events.sort_unstable();
            events.dedup();
            let mut want = Vec::new();
            for g in events.chunk_by(|a, b| a.key == b.key) {
                let mut accounts: Vec<u32> = g.iter().map(|e| e.account).collect();
                accounts.sort_unstable();
                accounts.dedup();
                let mut occurrence: Vec<KeyedEvent> = Vec::new();
                let flush = |occ: &mut Vec<KeyedEvent>, want: &mut Vec<Participation>| {
                    let mut done: Vec<u32> = Vec::new();
                    for e in occ.iter() {
                        if !done.contains(&e.account) {
                            done.push(e.account);
                            want.push(Participation { account: e.account, post: e.post, popularity: accounts.len() as u32 });
                        }
                    }
                    occ.clear();
                };
                let repeats = accounts.len() <= 10;
                for e in g {
                    if repeats && occurrence.last().is_some_and(|l| e.time - l.time > 120_000) {
                        flush(&mut occurrence, &mut want);
                    }
                    occurrence.push(*e);
                }
                flush(&mut occurrence, &mut want);
            }
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
