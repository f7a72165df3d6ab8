//! From co-actions to evidence: per account pair, in how many units (key occurrences, or
//! texts) the two co-acted within each window tested, how many the participation null
//! ([`disrupt_evidence::null`]) expects, and whether the excess survives the correction
//! over every pair of active accounts.
//!
//! The test, for accounts `A` and `B` and a window `W`: `X`, the number of `A`'s units in
//! which `B` co-acted with it within `W`, against the Poisson-binomial tail of `A`'s trials
//! (its units on keys two or more accounts used), each with the chance that `B` took part
//! in it. Both directions are tested and the larger p-value kept, so a hyperactive account
//! cannot make a quiet one look coordinated. Every window tested is paid for: the pair's
//! p-value is its best window's times the number of windows. The same test runs on all
//! signals fused, where one post counts once however many signals matched it.
//!
//! A pair is significant when its p-value is at most `alpha` over the number of pairs of
//! active accounts (Bonferroni: any two of them could have co-acted), or passes
//! Benjamini-Hochberg over them with `fdr`.

use crate::input::DetectInput;
use crate::pairs::{account_pair_key, unpack_account_pair, PostPair, PostPairSet};
use crate::participation::{reactions_of, Friends, Sites, Tally};
use crate::signals::{Confirmation, DetectConfig, NullModel, Signal, UnitKind};
use crate::significance::{benjamini_hochberg_threshold, grouped_upper_tail};
use crate::spill::{PairPart, PairSpill, PartFile};
use crate::text_check::{LocalTexts, SimilarText};
use crate::window::{CoActionState, ExactKey, KeyedEvent, PassStats};
pub use disrupt_evidence::{Detection, PairEvidence, SignalReport};
use disrupt_evidence::{MatchedPosts, ParticipationNull};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io;
use std::sync::atomic::AtomicBool;

struct SignalRun {
    signal: Signal,
    events: usize,
    stats: PassStats,
    /// Accounts with at least one event in this signal.
    seen: Vec<bool>,
    active_accounts: usize,
    /// Who took part in what.
    participation: ParticipationNull,
}

/// How the keyed state is laid out; results are the same for every layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One state per signal.
    Single,
    /// State split into this many key partitions, each scanned on its own, results merged
    /// (how consumers of a key-partitioned log run it).
    ByKey(usize),
    /// Posts fed in this many time chunks into separate states that are then merged
    /// (how a stream processor accumulates window state).
    ByTimeChunk(usize),
}

/// Where a signal's operator state lives during its pass.
enum Partitions<'a> {
    /// In memory, all partitions at once.
    Held(Vec<CoActionState>),
    /// Spilled to key-partitioned files: loaded one at a time.
    OnDisk(&'a [PartFile]),
}

impl Partitions<'_> {
    /// Runs `f` on every partition in turn.
    fn each<T>(&mut self, mut f: impl FnMut(&mut CoActionState) -> T) -> io::Result<Vec<T>> {
        match self {
            Partitions::Held(states) => Ok(states.iter_mut().map(f).collect()),
            Partitions::OnDisk(parts) => {
                let mut out = Vec::with_capacity(parts.len());
                let mut state = CoActionState::default();
                for part in parts.iter() {
                    part.load_into(&mut state)?;
                    out.push(f(&mut state));
                }
                Ok(out)
            }
        }
    }
}

fn build_state<'a>(signal: Signal, input: &'a DetectInput, layout: Layout, owned: Option<Vec<KeyedEvent>>) -> (Partitions<'a>, usize) {
    if let Some(events) = owned {
        // The input gave its events up: they become the state without a copy.
        let n = events.len();
        return (Partitions::Held(vec![CoActionState::from_events(events)]), n);
    }
    let Some(log) = input.events(signal) else { return (Partitions::Held(Vec::new()), 0) };
    let n = log.len();
    let events = match (log.parts(), log.events()) {
        (Some(parts), _) => return (Partitions::OnDisk(parts), n),
        (None, Some(events)) => events,
        (None, None) => &[],
    };
    let held = match layout {
        Layout::Single | Layout::ByKey(_) => {
            let mut state = CoActionState::default();
            state.extend(events.iter().copied());
            if let Layout::ByKey(k) = layout {
                state.partition_by_key(k)
            } else {
                vec![state]
            }
        }
        Layout::ByTimeChunk(k) => {
            // Events arrive in time order, cut into k chunks, each in its own state.
            let mut events = events.to_vec();
            events.sort_by_key(|e| (e.time, e.post, e.key));
            let chunk = n.div_ceil(k.max(1)).max(1);
            let merged = events
                .chunks(chunk)
                .map(|part| {
                    let mut state = CoActionState::default();
                    state.extend(part.iter().copied());
                    state
                })
                .fold(CoActionState::default(), CoActionState::merge);
            vec![merged]
        }
    };
    (Partitions::Held(held), n)
}

/// The texts the near-duplicate check reads for one partition: `None` for the input's own
/// (in memory), or a copy of the posts the partition may compare when the input's word
/// hashes are in a mapped file, read in file order rather than jumping across it.
fn partition_texts(input: &DetectInput, state: &mut CoActionState) -> Option<LocalTexts> {
    input.tokens_on_disk().then(|| LocalTexts::gather(input, state.shared_posts()))
}

/// The null model a signal declares.
fn null_model(config: &DetectConfig, signal: Signal) -> NullModel {
    config
        .spec(signal)
        .map_or(NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: false, confirmation: Confirmation::SameKey }, |s| {
            s.null
        })
}

/// What a signal's pass needs besides its own state.
struct Context<'a> {
    input: &'a DetectInput,
    config: &'a DetectConfig,
    sites: &'a Sites,
    friends: &'a Friends,
}

/// Runs one signal's pass: its matched post pairs (kept in `found`, or written to the pair
/// files under the signal's number), and the tally of its units.
fn run_signal(
    signal: Signal,
    cx: &Context<'_>,
    layout: Layout,
    owned: Option<Vec<KeyedEvent>>,
    mut spill: Option<(&mut PairSpill, u32)>,
    found: &mut Vec<PostPairSet>,
) -> io::Result<SignalRun> {
    let (input, config) = (cx.input, cx.config);
    let windows = config.windows(signal);
    let (mut partitions, events) = build_state(signal, input, layout, owned);
    let null = null_model(config, signal);
    let mut stats = PassStats::default();
    let seen: Vec<AtomicBool> = (0..input.account_count).map(|_| AtomicBool::new(false)).collect();
    let mut tally = Tally::new(null.unit, null.by_site, input.account_count, input.len());
    let mut written = Ok(());
    let mut kept = Vec::new();
    let nobody = |_: u64, _: u32| false;
    let friends = |key: u64, account: u32| cx.friends.exempt(key, account);
    partitions.each(|state| {
        let threshold = config.near_duplicate_threshold;
        let (m, s) = match (null.confirmation, null.reactions) {
            (Confirmation::SimilarText, _) => match partition_texts(input, state) {
                Some(local) => state.matches(&windows, &SimilarText { texts: &local, threshold }, &nobody),
                None => state.matches(&windows, &SimilarText { texts: input, threshold }, &nobody),
            },
            (Confirmation::SameKey, true) => state.matches(&windows, &ExactKey, &friends),
            (Confirmation::SameKey, false) => state.matches(&windows, &ExactKey, &nobody),
        };
        match spill.as_mut() {
            Some((pairs, number)) if written.is_ok() => written = pairs.write(*number, m.as_slice(), |p| input.account(p)),
            Some(_) => {}
            None => kept.push(m),
        }
        stats.add(&s);
        state.mark_accounts(&seen);
        tally.add_partition(input, cx.sites, state, &windows);
    })?;
    written?;
    if spill.is_none() {
        // One merge of every partition's pairs (merging as they come would sort the
        // growing set once per partition).
        found.push(PostPairSet::merge_all(kept));
    }
    let seen: Vec<bool> = seen.into_iter().map(AtomicBool::into_inner).collect();
    let active_accounts = seen.iter().filter(|x| **x).count();
    let participation = tally.finish(signal, input, cx.sites, config, active_accounts);
    Ok(SignalRun { signal, events, stats, seen, active_accounts, participation })
}

/// Runs every enabled signal over the input and tests every account pair.
pub fn detect(input: &DetectInput, config: &DetectConfig) -> io::Result<Detection> {
    detect_with_layout(input, config, Layout::Single)
}

/// [`detect`], taking the input's in-memory events rather than copying them into the
/// operator state (they are detection's largest state; the input keeps everything else).
/// The same result as [`detect`] on the input before.
pub fn detect_consuming_events(input: &mut DetectInput, config: &DetectConfig) -> io::Result<Detection> {
    let owned = input.take_memory_events();
    detect_inner(input, config, Layout::Single, owned)
}

/// [`detect`] with the operator state laid out as given: the result does not depend on it.
/// Spilled input is always scanned partition by partition from disk.
pub fn detect_with_layout(input: &DetectInput, config: &DetectConfig, layout: Layout) -> io::Result<Detection> {
    detect_inner(input, config, layout, Vec::new())
}

/// Every reaction (repost or reply) of the signals that exempt friends: `(target, account)`.
fn reactions(input: &DetectInput, config: &DetectConfig, owned: &[(Signal, Vec<KeyedEvent>)]) -> io::Result<Vec<(u64, u32)>> {
    let mut out = Vec::new();
    for spec in config.enabled_behavioural().iter().filter(|s| s.null.reactions) {
        let signal = spec.signal();
        if let Some((_, events)) = owned.iter().find(|(s, _)| *s == signal) {
            out.extend(reactions_of(events));
        } else if let Some(log) = input.events(signal) {
            if let Some(events) = log.events() {
                out.extend(reactions_of(events));
            } else if let Some(parts) = log.parts() {
                let mut state = CoActionState::default();
                for part in parts {
                    part.load_into(&mut state)?;
                    out.extend(reactions_of(state.events()));
                }
            }
        }
    }
    Ok(out)
}

fn detect_inner(
    input: &DetectInput,
    config: &DetectConfig,
    layout: Layout,
    mut owned: Vec<(Signal, Vec<KeyedEvent>)>,
) -> io::Result<Detection> {
    let enabled: Vec<Signal> = config.enabled_behavioural().iter().map(|s| s.signal()).collect();
    let sites = Sites::of(input, config, crate::post::site_hash);
    let friends = Friends::from_reactions(input, reactions(input, config, &owned)?);
    let cx = Context { input, config, sites: &sites, friends: &friends };
    // One signal at a time (each is parallel inside), so only one signal's state is being
    // built and scanned at any moment.
    let mut pair_spill = match input.pair_spill() {
        Some((parts, dir)) => Some(PairSpill::new(parts, dir)?),
        None => None,
    };
    let mut runs: Vec<SignalRun> = Vec::with_capacity(enabled.len());
    let mut found: Vec<PostPairSet> = Vec::new();
    let clock = std::time::Instant::now();
    for (number, signal) in enabled.iter().enumerate() {
        let events = owned.iter().position(|(s, _)| s == signal).map(|i| owned.swap_remove(i).1);
        let t = std::time::Instant::now();
        runs.push(run_signal(*signal, &cx, layout, events, pair_spill.as_mut().map(|p| (p, number as u32)), &mut found)?);
        tracing::debug!(signal = %signal, seconds = t.elapsed().as_secs_f64(), "signal pass");
    }
    tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "every signal's pass");
    let nulls: Vec<ParticipationNull> = runs.iter().map(|r| r.participation.clone()).collect();
    // Candidates: pairs with enough co-actions in one signal, or across signals together.
    let first_pass = match pair_spill {
        Some(spill) => Matches::Spilled(spill.finish()?),
        None => Matches::Held(found),
    };
    let mut selection = CandidateSelection::new(runs.len());
    first_pass.each_part(runs.len(), |part| {
        selection.add_partition(input, &sites, &nulls, part);
    })?;
    let CandidateSelection { candidates, examined, fused_examined } = selection;
    tracing::debug!(candidates = candidates.len(), seconds = clock.elapsed().as_secs_f64(), "candidates chosen");

    let mut fused_seen = vec![false; input.account_count];
    for run in &runs {
        for (f, s) in fused_seen.iter_mut().zip(&run.seen) {
            *f |= *s;
        }
    }
    let fused_active = fused_seen.iter().filter(|x| **x).count();

    // Scoring, one part of the account pairs at a time (all at once when nothing spilled):
    // every pair's test needs only its own matches and the nulls.
    let mut tested: Vec<Vec<PairEvidence>> = vec![Vec::new(); runs.len()];
    let mut fused_tested: Vec<PairEvidence> = Vec::new();
    first_pass.each_part(runs.len(), |part| {
        let scored = score_part(input, config, &sites, &nulls, &candidates, part);
        for (list, more) in tested.iter_mut().zip(scored.0) {
            list.extend(more);
        }
        fused_tested.extend(scored.1);
    })?;
    tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "pairs scored");
    let mut signals = Vec::with_capacity(runs.len());
    for ((run, pairs), &examined) in runs.iter().zip(tested).zip(&examined) {
        let mut report = decide(pairs, examined, run.active_accounts, config);
        report.events = run.events;
        report.shared_keys = run.stats.shared_keys;
        report.crowd_events = run.stats.crowd_events;
        signals.push((run.signal, report));
    }
    let fused = decide(fused_tested, fused_examined, fused_active, config);
    // Every co-action of an account in a significant pair, for the group test.
    let mut significant = vec![false; input.account_count];
    let mut any = false;
    for p in signals.iter().flat_map(|(_, r)| r.pairs.iter()).chain(&fused.pairs).filter(|p| p.significant) {
        for a in [p.a, p.b] {
            if let Some(slot) = significant.get_mut(a as usize) {
                *slot = true;
                any = true;
            }
        }
    }
    let touches = |p: &PostPair| {
        significant.get(input.account(p.a) as usize).copied().unwrap_or(false)
            || significant.get(input.account(p.b) as usize).copied().unwrap_or(false)
    };
    let mut periphery = Vec::new();
    if any {
        first_pass.each_part(runs.len(), |part| {
            for (number, set) in part.iter().enumerate() {
                let null = &nulls[number];
                periphery.extend(set.as_slice().iter().filter(|p| touches(p)).map(|p| {
                    let w = weighed(input, &sites, null, p);
                    MatchedPosts {
                        signal: number as u32,
                        a: p.a,
                        b: p.b,
                        unit_a: w.unit.0,
                        unit_b: w.unit.1,
                        popularity: w.popularity,
                        strata: w.stratum,
                    }
                }));
            }
        })?;
        periphery.par_sort_unstable();
    }
    tracing::debug!(friends = friends.len(), periphery = periphery.len(), seconds = clock.elapsed().as_secs_f64(), "detection done");
    Ok(Detection { signals, fused, nulls, periphery })
}

/// The unit of each side of a matched post pair: the key's occurrence, or each post's text.
fn units_of(input: &DetectInput, p: &PostPair, text: bool) -> (u64, u64) {
    if text {
        (input.text_hash(p.a), input.text_hash(p.b))
    } else {
        (p.unit, p.unit)
    }
}

/// The first pass's matched post pairs: in memory (one set per signal), or in account-pair
/// files that each hold every signal's pairs of their account pairs.
enum Matches {
    Held(Vec<PostPairSet>),
    Spilled(Vec<PairPart>),
}

impl Matches {
    /// Runs `f` on each part: one set of post pairs per signal.
    fn each_part(&self, signals: usize, mut f: impl FnMut(&[PostPairSet])) -> io::Result<()> {
        match self {
            Matches::Held(sets) => f(sets),
            Matches::Spilled(parts) => {
                for part in parts {
                    let mut per_signal: Vec<Vec<PostPair>> = vec![Vec::new(); signals];
                    for (number, pair) in part.load()? {
                        if let Some(list) = per_signal.get_mut(number as usize) {
                            list.push(pair);
                        }
                    }
                    let sets: Vec<PostPairSet> = per_signal.into_iter().map(PostPairSet::from_unsorted).collect();
                    f(&sets);
                }
            }
        }
        Ok(())
    }
}

/// The account pairs worth testing, chosen over partitions of the matched post pairs (a
/// partition holds every co-action of its account pairs, over every signal).
struct CandidateSelection {
    /// Account pairs with enough co-actions in one signal or across signals together.
    candidates: HashSet<u64>,
    /// Per signal, account pairs with at least one co-action.
    examined: Vec<usize>,
    /// Account pairs with at least one co-action in any signal.
    fused_examined: usize,
}

impl CandidateSelection {
    fn new(signals: usize) -> Self {
        CandidateSelection { candidates: HashSet::default(), examined: vec![0; signals], fused_examined: 0 }
    }

    fn add_partition(&mut self, input: &DetectInput, sites: &Sites, nulls: &[ParticipationNull], matches: &[PostPairSet]) {
        let mut totals: HashMap<u64, u32> = HashMap::default();
        for ((examined, set), null) in self.examined.iter_mut().zip(matches).zip(nulls) {
            let keyed = keyed_by_account_pair(input, set);
            // Units the test would weigh at the widest window (it counts no more at the
            // narrower ones): a pair with fewer cannot pass, and is not a candidate.
            let counts: Vec<(u64, u32)> = keyed
                .par_chunk_by(|x, y| x.0 == y.0)
                .map(|run| {
                    let (a, b) = unpack_account_pair(run[0].0);
                    let weighed_pairs: Vec<Weighed> = run.iter().map(|(_, p)| weighed(input, sites, null, p)).collect();
                    let (ua, ub) = side_units(null, &weighed_pairs, a, b, null.window_ms);
                    (run[0].0, (ua.len() as u32).min(ub.len() as u32))
                })
                .collect();
            *examined += counts.len();
            for (key, count) in counts.into_iter().filter(|(_, c)| *c > 0) {
                *totals.entry(key).or_insert(0) += count;
            }
        }
        self.fused_examined += totals.len();
        // Across signals: a pair seen by two or more signals may reach the threshold together.
        self.candidates.extend(totals.into_iter().filter(|(_, n)| *n >= 2).map(|(k, _)| k));
    }
}

/// Post pairs keyed by unordered account pair and sorted by it, oriented so `.a` is the
/// lower account's post: each account pair's co-actions are one run of the vector.
fn keyed_by_account_pair(input: &DetectInput, set: &PostPairSet) -> Vec<(u64, PostPair)> {
    let mut keyed: Vec<(u64, PostPair)> = set
        .as_slice()
        .par_iter()
        .map(|p| {
            let (acc_a, acc_b) = (input.account(p.a), input.account(p.b));
            let oriented = if acc_a < acc_b { *p } else { PostPair { a: p.b, b: p.a, ..*p } };
            (account_pair_key(acc_a, acc_b), oriented)
        })
        .collect();
    keyed.par_sort_unstable_by_key(|(k, p)| (*k, p.a, p.b));
    keyed
}

/// A matched post pair as the tests weigh it: each side's unit, popularity and stratum.
#[derive(Clone, Copy)]
struct Weighed {
    post: (u32, u32),
    unit: (u64, u64),
    popularity: (u32, u32),
    stratum: (u32, u32),
    gap_ms: i64,
}

fn weighed(input: &DetectInput, sites: &Sites, null: &ParticipationNull, p: &PostPair) -> Weighed {
    let unit = units_of(input, p, null.text_units);
    let popularity = if null.text_units {
        let of = |post: u32| null.post_popularity.get(post as usize).copied().unwrap_or(p.key_accounts);
        (of(p.a), of(p.b))
    } else {
        (p.key_accounts, p.key_accounts)
    };
    let stratum = if null.by_site { (sites.of_post(input, p.a), sites.of_post(input, p.b)) } else { (0, 0) };
    Weighed { post: (p.a, p.b), unit, popularity, stratum, gap_ms: (input.time(p.a) - input.time(p.b)).abs() }
}

/// Each side's distinct units co-acted in within `window_ms` whose chance against the other
/// account is weighed (see [`disrupt_evidence::null`]); `a` owns the pairs' `a` posts.
fn side_units(null: &ParticipationNull, pairs: &[Weighed], a: u32, b: u32, window_ms: i64) -> (Vec<u64>, Vec<u64>) {
    let (mut ua, mut ub) = (Vec::new(), Vec::new());
    for w in pairs.iter().filter(|w| w.gap_ms <= window_ms) {
        if null.weighed(null.degree_in(b, w.stratum.0) as f64, w.stratum.0, w.popularity.0, window_ms) {
            ua.push(w.unit.0);
        }
        if null.weighed(null.degree_in(a, w.stratum.1) as f64, w.stratum.1, w.popularity.1, window_ms) {
            ub.push(w.unit.1);
        }
    }
    ua.sort_unstable();
    ua.dedup();
    ub.sort_unstable();
    ub.dedup();
    (ua, ub)
}

/// The tail probability that a side with these trials (`(chance, count)` groups) co-acts
/// in `k` or more units, and the expected number. At or below the mean it is plainly not
/// evidence, and is not computed.
fn tail(groups: &[(f64, u32)], k: u32) -> (f64, f64) {
    let expected: f64 = groups.iter().map(|&(p, c)| p * f64::from(c)).sum();
    if k == 0 || (k as f64) <= expected {
        return (1.0, expected);
    }
    (grouped_upper_tail(groups, u64::from(k)), expected)
}

/// One side's trials against the other account, split once for every window (see
/// [`ParticipationNull::chance_parts`]).
#[derive(Default)]
struct SideChances {
    fixed: Vec<(f64, u32)>,
    rare: Vec<(f64, u32)>,
}

impl SideChances {
    fn of(null: &ParticipationNull, a: u32, b: u32) -> Self {
        let mut s = SideChances::default();
        null.chance_parts(a, &[b], &mut s.fixed, &mut s.rare);
        s
    }

    /// Appends this side's chance groups at `window_ms`.
    fn at(&self, null: &ParticipationNull, window_ms: i64, out: &mut Vec<(f64, u32)>) {
        out.extend_from_slice(&self.fixed);
        null.at_window(&self.rare, window_ms, out);
    }
}

/// What the test of one pair found at its best window.
struct Outcome {
    p_value: f64,
    raw: f64,
    co_actions: u32,
    expected: f64,
}

/// Tests one account pair on one signal over every window; `None` when it never reaches
/// `min_co_actions` weighed units.
fn test_signal(config: &DetectConfig, null: &ParticipationNull, a: u32, b: u32, run: &[Weighed]) -> Option<Outcome> {
    let windows = null.windows();
    let mut best: Option<Outcome> = None;
    let mut sides: Option<(SideChances, SideChances)> = None;
    let mut buf = Vec::new();
    for &w in &windows {
        let (ua, ub) = side_units(null, run, a, b, w);
        let co = (ua.len() as u32).min(ub.len() as u32);
        if co < config.min_co_actions {
            continue;
        }
        let (sa, sb) = sides.get_or_insert_with(|| (SideChances::of(null, a, b), SideChances::of(null, b, a)));
        buf.clear();
        sa.at(null, w, &mut buf);
        let (pa, ea) = tail(&buf, ua.len() as u32);
        buf.clear();
        sb.at(null, w, &mut buf);
        let (pb, eb) = tail(&buf, ub.len() as u32);
        let (raw, expected) = if pa >= pb { (pa, ea) } else { (pb, eb) };
        if best.as_ref().is_none_or(|o| raw < o.raw) {
            best = Some(Outcome { p_value: (raw * windows.len() as f64).min(1.0), raw, co_actions: co, expected });
        }
    }
    best
}

/// Tests one account pair on every signal fused: one post counts once, whichever signals
/// matched it, and a unit once, whichever posts it holds.
fn test_fused(config: &DetectConfig, nulls: &[ParticipationNull], a: u32, b: u32, runs: &[(usize, Vec<Weighed>)]) -> Option<Outcome> {
    let scales = nulls.first().map_or(1, |n| n.scales.len());
    let mut best: Option<Outcome> = None;
    let mut split: Option<Vec<(SideChances, SideChances)>> = None;
    for scale in 0..scales {
        let mut sides: [Vec<(u32, usize, u64)>; 2] = [Vec::new(), Vec::new()];
        let (mut chances_a, mut chances_b) = (Vec::new(), Vec::new());
        for (number, run) in runs {
            let null = &nulls[*number];
            let Some(w) = null.window(scale) else { continue };
            for x in run.iter().filter(|x| x.gap_ms <= w) {
                if null.weighed(null.degree_in(b, x.stratum.0) as f64, x.stratum.0, x.popularity.0, w) {
                    sides[0].push((x.post.0, *number, x.unit.0));
                }
                if null.weighed(null.degree_in(a, x.stratum.1) as f64, x.stratum.1, x.popularity.1, w) {
                    sides[1].push((x.post.1, *number, x.unit.1));
                }
            }
        }
        if sides[0].is_empty() || sides[1].is_empty() {
            continue;
        }
        let xa = distinct_actions(&mut sides[0]);
        let xb = distinct_actions(&mut sides[1]);
        let co = xa.min(xb);
        if co < config.min_co_actions {
            continue;
        }
        // Every weighed unit of either account, in every signal, is a trial.
        let sides = split.get_or_insert_with(|| nulls.iter().map(|n| (SideChances::of(n, a, b), SideChances::of(n, b, a))).collect());
        for (null, (sa, sb)) in nulls.iter().zip(sides.iter()) {
            let w = null.window(scale).unwrap_or(null.window_ms);
            sa.at(null, w, &mut chances_a);
            sb.at(null, w, &mut chances_b);
        }
        let (pa, ea) = tail(&chances_a, xa);
        let (pb, eb) = tail(&chances_b, xb);
        let (raw, expected) = if pa >= pb { (pa, ea) } else { (pb, eb) };
        if best.as_ref().is_none_or(|o| raw < o.raw) {
            best = Some(Outcome { p_value: (raw * scales as f64).min(1.0), raw, co_actions: co, expected });
        }
    }
    best
}

/// Distinct actions of one side: `(post, signal, unit)` entries; a post counts once, and
/// only when it brings a unit not counted yet (greedy, in post order).
fn distinct_actions(side: &mut [(u32, usize, u64)]) -> u32 {
    side.sort_unstable();
    let mut used: HashSet<(usize, u64)> = HashSet::default();
    let mut count = 0;
    for post in side.chunk_by(|x, y| x.0 == y.0) {
        let fresh = post.iter().any(|&(_, s, u)| !used.contains(&(s, u)));
        if fresh {
            count += 1;
            used.extend(post.iter().map(|&(_, s, u)| (s, u)));
        }
    }
    count
}

fn evidence(input: &DetectInput, a: u32, b: u32, outcome: Outcome, run: &[PostPair], account_count: usize) -> PairEvidence {
    let mean_rarity =
        run.iter().map(|p| (1.0 + account_count as f64 / p.key_accounts.max(1) as f64).ln()).sum::<f64>() / run.len().max(1) as f64;
    let times = run.iter().flat_map(|p| [input.time(p.a), input.time(p.b)]);
    let (first_seen, last_seen) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let mut matches: Vec<(u32, u32)> = run.iter().map(|p| (p.a, p.b)).collect();
    matches.sort_unstable();
    matches.dedup();
    PairEvidence {
        a,
        b,
        co_actions: outcome.co_actions,
        expected: outcome.expected,
        p_value: outcome.p_value,
        rarity_p_value: outcome.raw,
        weight: outcome.co_actions as f64 * mean_rarity,
        first_seen,
        last_seen,
        matches,
        significant: false,
    }
}

/// Scores one part's candidate pairs: per signal, and fused.
fn score_part(
    input: &DetectInput,
    config: &DetectConfig,
    sites: &Sites,
    nulls: &[ParticipationNull],
    candidates: &HashSet<u64>,
    part: &[PostPairSet],
) -> (Vec<Vec<PairEvidence>>, Vec<PairEvidence>) {
    let account_count = input.account_count.max(2);
    // Per signal, the candidates' post pairs keyed by account pair.
    let keyed: Vec<Vec<(u64, PostPair)>> = part
        .iter()
        .map(|set| {
            let mut k = keyed_by_account_pair(input, set);
            k.retain(|(key, _)| candidates.contains(key));
            k
        })
        .collect();
    let per_signal: Vec<Vec<PairEvidence>> = keyed
        .iter()
        .zip(nulls)
        .map(|(k, null)| {
            k.par_chunk_by(|x, y| x.0 == y.0)
                .filter_map(|run| {
                    let (a, b) = unpack_account_pair(run[0].0);
                    let pairs: Vec<PostPair> = run.iter().map(|(_, p)| *p).collect();
                    let weighed_pairs: Vec<Weighed> = pairs.iter().map(|p| weighed(input, sites, null, p)).collect();
                    test_signal(config, null, a, b, &weighed_pairs).map(|o| evidence(input, a, b, o, &pairs, account_count))
                })
                .collect()
        })
        .collect();
    // Fused: every signal's runs of one account pair together.
    let mut all: Vec<(u64, usize, PostPair)> =
        keyed.iter().enumerate().flat_map(|(number, k)| k.iter().map(move |(key, p)| (*key, number, *p))).collect();
    all.par_sort_unstable_by_key(|(key, number, p)| (*key, *number, p.a, p.b));
    let fused: Vec<PairEvidence> = all
        .par_chunk_by(|x, y| x.0 == y.0)
        .filter_map(|run| {
            let (a, b) = unpack_account_pair(run[0].0);
            let runs: Vec<(usize, Vec<Weighed>)> = run
                .chunk_by(|x, y| x.1 == y.1)
                .map(|r| (r[0].1, r.iter().map(|(_, n, p)| weighed(input, sites, &nulls[*n], p)).collect()))
                .collect();
            let pairs: Vec<PostPair> = run.iter().map(|(_, _, p)| *p).collect();
            test_fused(config, nulls, a, b, &runs).map(|o| evidence(input, a, b, o, &pairs, account_count))
        })
        .collect();
    (per_signal, fused)
}

/// Decides which tested pairs are significant: every pair of the `active_accounts` could
/// have co-acted, so that is the number of hypotheses corrected for.
fn decide(mut pairs: Vec<PairEvidence>, pairs_examined: usize, active_accounts: usize, config: &DetectConfig) -> SignalReport {
    let n = active_accounts as f64;
    let hypotheses = (n * (n - 1.0) / 2.0).max(1.0);
    let threshold = match config.fdr {
        // Exploratory: control the share of false pairs among those reported.
        Some(q) => {
            let tests = hypotheses.min(usize::MAX as f64) as usize;
            benjamini_hochberg_threshold(&pairs.iter().map(|p| p.p_value).collect::<Vec<_>>(), tests, q)
        }
        // Default: control the chance of any false pair at all, because one false pair
        // puts two innocent accounts in a network.
        None => config.alpha / hypotheses,
    };
    for p in &mut pairs {
        p.significant = threshold > 0.0 && p.p_value <= threshold;
    }
    pairs.sort_unstable_by_key(|p| (p.a, p.b));
    SignalReport { events: 0, shared_keys: 0, crowd_events: 0, pairs_examined, threshold, active_accounts, hypotheses, pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_counts_once_and_a_unit_once() {
        // Post 1 matched by two signals, post 2 by a unit post 1 already brought.
        let mut side = vec![(1, 0, 10), (1, 1, 20), (2, 0, 10), (3, 1, 30)];
        assert_eq!(distinct_actions(&mut side), 2);
    }

    #[test]
    fn the_tail_is_one_at_or_below_the_mean() {
        assert_eq!(tail(&[(0.5, 3)], 1).0, 1.0);
        let (p, e) = tail(&[(0.01, 10)], 3);
        assert!((e - 0.1).abs() < 1e-12);
        assert!(p > 1e-4 && p < 2e-4, "{p}");
    }
}
