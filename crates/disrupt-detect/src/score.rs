//! From co-actions to evidence: per account pair, how many times the two co-acted, how
//! many times chance (the jitter null) would make them, and whether the excess survives
//! false-discovery control over every pair examined.
//!
//! Null model. Under the null each account's actions keep their keys but are displaced
//! uniformly within +-H of where they happened. For a post `a` of account A, with `c`
//! posts of B on a shared key within +-H, the chance that at least one lands within the
//! signal window W of `a` is `1 - (1 - W/H)^c`. Summed over A's posts this is the expected
//! number of A's posts matched by B by chance, `lambda`; the observed number is compared
//! with a Poisson tail. Both directions are tested and the larger p-value is kept, so a
//! hyperactive account cannot make a quiet one look coordinated.
//!
//! Rarity null. Timing alone cannot tell a burst-only key (an operation's own text, posted
//! only in its bursts) from chance, since the key exists only in the burst. So a second
//! test asks how likely it is that one given other account used the same key near that time
//! at all *and* landed within W: for a post whose key `n` other accounts used within +-H,
//! out of `N` accounts active in the signal, the chance is `n/(N-1) * W/H`. This test is
//! corrected over every pair of active accounts (`alpha / (N(N-1)/2)`), and it only counts
//! when the pair is also synchronous at `synchrony_alpha`: habits (a morning greeting) and
//! communities (friends sharing each other's posts) make some accounts far from random
//! users of a key, and the synchrony test is what protects them.
//!
//! Rarity also weighs edges: a co-action on a key used by `n` of the `N` accounts weighs
//! `ln(1 + N/n)`, so a shared rare hashtag counts for more than a trending one.

use crate::input::DetectInput;
use crate::pairs::{account_pair_key, unpack_account_pair, PostPair, PostPairSet};
use crate::signals::{Chance, Confirmation, DetectConfig, NullModel, Signal};
use crate::significance::{benjamini_hochberg_threshold, poisson_binomial_upper_tail};
use crate::spill::{PairPart, PairSpill, PartFile, COUNT_FLAG};
use crate::text_check::{LocalTexts, SimilarText};
use crate::window::{ChanceCount, CoActionState, ExactKey, KeyedEvent, PassStats, Windows};
pub use disrupt_evidence::{Detection, PairEvidence, SignalReport};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::io;
use std::sync::atomic::{AtomicBool, AtomicU32};

/// A post pair that had the chance to co-act, with the chance `W/H` it would land in the window.
#[derive(Clone, Copy)]
struct Opportunity {
    a: u32,
    b: u32,
    ratio: f64,
}

/// Opportunities counted on hot keys (see [`crate::window::ChanceCount`]), by account pair:
/// `(post, count, ratio)`.
type HotChances = HashMap<u64, Vec<(u32, u32, f64)>>;

fn hot_chances<'a>(input: &DetectInput, counts: impl Iterator<Item = (&'a ChanceCount, f64)>) -> HotChances {
    let mut by_pair: HotChances = HashMap::default();
    for (c, ratio) in counts {
        by_pair.entry(account_pair_key(input.account(c.post), c.other)).or_default().push((c.post, c.count, ratio));
    }
    by_pair
}

struct SignalRun<'a> {
    signal: Signal,
    /// How its co-actions are tested.
    null: NullModel,
    /// Key partitions of the operator state.
    partitions: Partitions<'a>,
    windows: Windows,
    matches: PostPairSet,
    stats: PassStats,
    events: usize,
    /// Rarity-null chance per post, for signals that have one.
    chance: PostChance,
    /// Accounts with at least one event in this signal.
    seen: Vec<bool>,
    active_accounts: usize,
}

/// The null model a signal declares (see [`crate::signals::NullModel`]). Copying (identical
/// or near-identical text, identical links) has a rarity null; hashtags, reposts and
/// replies are how communities talk and have none.
fn null_model(config: &DetectConfig, signal: Signal) -> NullModel {
    config.spec(signal).map_or(NullModel { rarity: false, chance: Chance::Uniform, confirmation: Confirmation::SameKey }, |s| s.null)
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

/// Where a signal's operator state lives between the two passes.
enum Partitions<'a> {
    /// In memory, all partitions at once.
    Held(Vec<CoActionState>),
    /// Spilled to key-partitioned files: loaded one at a time, for each pass.
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
/// `wanted` narrows the copy to the posts of accounts a pass can still pair (the second
/// pass tests candidates only), so it reads the file no more than it must.
fn partition_texts(input: &DetectInput, state: &mut CoActionState, wanted: impl Fn(u32) -> bool) -> Option<LocalTexts> {
    input.tokens_on_disk().then(|| {
        let mut posts = state.shared_posts();
        posts.retain(|&p| wanted(input.account(p)));
        LocalTexts::gather(input, posts)
    })
}

/// Runs one signal's first pass. Its matched post pairs are kept in the run, or, with
/// `spill`, written to the pair files under the signal's number and not kept.
fn run_matches<'a>(
    signal: Signal,
    input: &'a DetectInput,
    config: &DetectConfig,
    layout: Layout,
    owned: Option<Vec<KeyedEvent>>,
    mut spill: Option<(&mut PairSpill, u32)>,
) -> io::Result<SignalRun<'a>> {
    let windows = config.windows(signal);
    let (mut partitions, events) = build_state(signal, input, layout, owned);
    let mut found = Vec::new();
    let mut stats = PassStats::default();
    let seen: Vec<AtomicBool> = (0..input.account_count).map(|_| AtomicBool::new(false)).collect();
    // Rarity null: the chance that one given other account acted on the post's key within
    // +-H (the key's local popularity among active accounts) and landed within W.
    let null = null_model(config, signal);
    let rarity = null.rarity;
    let popularity: Vec<AtomicU32> = if rarity { (0..input.len()).map(|_| AtomicU32::new(0)).collect() } else { Vec::new() };
    let mut written = Ok(());
    partitions.each(|state| {
        let threshold = config.near_duplicate_threshold;
        let (m, s) = match null.confirmation {
            Confirmation::SimilarText => match partition_texts(input, state, |_| true) {
                Some(local) => state.matches(&windows, &SimilarText { texts: &local, threshold }),
                None => state.matches(&windows, &SimilarText { texts: input, threshold }),
            },
            Confirmation::SameKey => state.matches(&windows, &ExactKey),
        };
        match spill.as_mut() {
            Some((pairs, number)) if written.is_ok() => written = pairs.write(*number, m.as_slice(), |p| input.account(p)),
            Some(_) => {}
            None => found.push(m),
        }
        stats.add(&s);
        state.mark_accounts(&seen);
        if rarity {
            state.local_popularity(&windows, &popularity);
        }
    })?;
    written?;
    // One merge of every partition's pairs (merging as they come would sort the growing
    // set once per partition).
    let matches = PostPairSet::merge_all(found);
    let seen: Vec<bool> = seen.into_iter().map(AtomicBool::into_inner).collect();
    let popularity: Vec<u32> = popularity.into_iter().map(AtomicU32::into_inner).collect();
    let active_accounts = seen.iter().filter(|x| **x).count();
    let ratio = chance_ratio(null, &windows, &stats);
    let denominator = active_accounts.saturating_sub(1).max(1) as f64;
    // Using the same hashtag, or reposting or replying to the same post, is how communities
    // and fans talk: for those only the synchrony test counts, so they carry no rarity
    // chance. Identical or near-identical text and identical links are copying.
    let chance = PostChance { popularity, denominator, ratio };
    Ok(SignalRun { signal, null, partitions, windows, matches, stats, events, chance, seen, active_accounts })
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

fn detect_inner(
    input: &DetectInput,
    config: &DetectConfig,
    layout: Layout,
    mut owned: Vec<(Signal, Vec<KeyedEvent>)>,
) -> io::Result<Detection> {
    let enabled: Vec<Signal> = config.enabled_behavioural().iter().map(|s| s.signal()).collect();
    // One signal at a time (each is parallel inside), so only one signal's state is being
    // built and scanned at any moment.
    let mut pair_spill = match input.pair_spill() {
        Some((parts, dir)) => Some(PairSpill::new(parts, dir)?),
        None => None,
    };
    let mut runs: Vec<SignalRun> = Vec::with_capacity(enabled.len());
    for (number, signal) in enabled.iter().enumerate() {
        let events = owned.iter().position(|(s, _)| s == signal).map(|i| owned.swap_remove(i).1);
        runs.push(run_matches(*signal, input, config, layout, events, pair_spill.as_mut().map(|p| (p, number as u32)))?);
    }

    // Candidates: pairs with enough co-actions in any signal, or across signals together.
    // Organic data has millions of account pairs with a single co-action: they count as
    // examined (the correction needs them) but are not kept past this point: only
    // candidates' post pairs go on, to a second set of account-pair files when the first
    // pass spilled, else in memory.
    let mut selection = CandidateSelection::new(runs.len());
    let mut scoring = match pair_spill {
        // One account-pair file at a time: it holds every signal's co-actions of its pairs.
        Some(spill) => {
            let (parts, dir) = (spill.partitions(), input.pair_spill().and_then(|(_, dir)| dir));
            let mut kept_spill = PairSpill::new(parts, dir)?;
            for part in spill.finish()? {
                let kept = selection.add_partition(input, config, by_signal(&part, runs.len())?);
                for (number, kept) in kept.iter().enumerate() {
                    kept_spill.write(number as u32, kept, |p| input.account(p))?;
                }
            }
            ScoringInput::Spilled { matches: kept_spill.finish()?, opportunities: PairSpill::new(parts, dir)? }
        }
        None => {
            let kept = selection.add_partition(input, config, runs.iter_mut().map(|r| std::mem::take(&mut r.matches)).collect());
            ScoringInput::Held {
                matches: kept.into_iter().map(PostPairSet::from_unsorted).collect(),
                opportunities: Vec::new(),
                counts: Vec::new(),
            }
        }
    };
    let CandidateSelection { candidates, examined, fused_examined } = selection;
    // Accounts in a candidate pair, by account number: read per event by the second pass.
    let mut is_candidate = vec![false; input.account_count];
    for &key in &candidates {
        let (x, y) = unpack_account_pair(key);
        for a in [x, y] {
            if let Some(slot) = is_candidate.get_mut(a as usize) {
                *slot = true;
            }
        }
    }

    // Per signal, the candidates' post pairs that had the chance to co-act (the signal's
    // chance ratio is one number, so it is not stored per pair).
    let mut ratios = Vec::with_capacity(runs.len());
    for (number, run) in runs.iter_mut().enumerate() {
        let windows = run.windows;
        let found = run.partitions.each(|state| {
            let threshold = config.near_duplicate_threshold;
            match run.null.confirmation {
                Confirmation::SimilarText => {
                    match partition_texts(input, state, |a| is_candidate.get(a as usize).copied().unwrap_or(false)) {
                        Some(local) => state.opportunities(&windows, &SimilarText { texts: &local, threshold }, &candidates, &is_candidate),
                        None => state.opportunities(&windows, &SimilarText { texts: input, threshold }, &candidates, &is_candidate),
                    }
                }
                Confirmation::SameKey => state.opportunities(&windows, &ExactKey, &candidates, &is_candidate),
            }
        })?;
        let (found, hot): (Vec<PostPairSet>, Vec<Vec<ChanceCount>>) = found.into_iter().unzip();
        match &mut scoring {
            ScoringInput::Spilled { opportunities, .. } => {
                for set in &found {
                    opportunities.write(number as u32, set.as_slice(), |p| input.account(p))?;
                }
                for part in &hot {
                    opportunities.write_counts(number as u32, part, |p| input.account(p))?;
                }
            }
            ScoringInput::Held { opportunities, counts, .. } => {
                opportunities.push(PostPairSet::merge_all(found));
                counts.push(hot.concat());
            }
        }
        // The keyed state is no longer needed: free it before scoring.
        run.partitions = Partitions::Held(Vec::new());
        ratios.push(chance_ratio(run.null, &run.windows, &run.stats));
    }

    let account_count = input.account_count.max(2);
    let mut posts_of: Vec<Vec<u32>> = vec![Vec::new(); input.account_count];
    for i in 0..input.len() as u32 {
        let account = input.account(i);
        if is_candidate.get(account as usize).copied().unwrap_or(false) {
            posts_of[account as usize].push(i);
        }
    }
    // Fused rarity: a post's chance is its largest over signals; active accounts, the union
    // (counted again, one signal at a time, from the accounts each signal saw).
    let sources: Vec<&PostChance> = runs.iter().map(|r| &r.chance).filter(|c| !c.popularity.is_empty()).collect();
    let mut fused_seen = vec![false; input.account_count];
    for run in &runs {
        for (f, s) in fused_seen.iter_mut().zip(&run.seen) {
            *f |= *s;
        }
    }
    let fused_active = fused_seen.iter().filter(|x| **x).count();

    // Scoring, one part of the candidate account pairs at a time (all of them at once when
    // nothing spilled): every pair's test needs only its own matches and opportunities.
    let mut tested: Vec<Vec<PairEvidence>> = vec![Vec::new(); runs.len()];
    let mut fused_tested: Vec<PairEvidence> = Vec::new();
    let mut parts = match scoring {
        ScoringInput::Held { matches, opportunities, counts } => ScoringParts::Held(vec![(matches, opportunities, counts)].into_iter()),
        ScoringInput::Spilled { matches, opportunities } => {
            ScoringParts::Spilled(matches.into_iter().zip(opportunities.finish()?).collect::<Vec<_>>().into_iter())
        }
    };
    while let Some((matches, opportunities, counts)) = parts.next_part(runs.len())? {
        // Hot keys' opportunity counts of this part's account pairs, per signal and fused.
        let hot_by_signal: Vec<HotChances> =
            counts.iter().zip(&ratios).map(|(counts, &ratio)| hot_chances(input, counts.iter().map(|c| (c, ratio)))).collect();
        let hot_fused = hot_chances(input, counts.iter().zip(&ratios).flat_map(|(counts, &ratio)| counts.iter().map(move |c| (c, ratio))));
        drop(counts);
        let no_hot = HotChances::default();
        // Post pairs matched by a signal that has a rarity null (sorted, for the fusion's test).
        let mut copied: Vec<(u32, u32)> =
            runs.iter().zip(&matches).filter(|(r, _)| r.null.rarity).flat_map(|(_, m)| m.as_slice().iter().map(|p| (p.a, p.b))).collect();
        copied.par_sort_unstable();
        copied.dedup();
        for (number, run) in runs.iter().enumerate() {
            let rarity = RarityNull { chance: vec![&run.chance], posts_of: &posts_of, counted: None };
            let opportunities: Vec<Opportunity> = opportunities
                .get(number)
                .map(|o| o.as_slice().iter().map(|p| Opportunity { a: p.a, b: p.b, ratio: ratios[number] }).collect())
                .unwrap_or_default();
            let empty = PostPairSet::default();
            let pairs = matches.get(number).unwrap_or(&empty);
            let hot = hot_by_signal.get(number).unwrap_or(&no_hot);
            tested[number].extend(test_pairs(input, pairs, &opportunities, hot, &rarity, config, account_count));
        }
        // Fused opportunities: a post pair linked by several signals gets the widest window.
        let mut fused_opportunities: Vec<Opportunity> = Vec::with_capacity(opportunities.iter().map(PostPairSet::len).sum());
        for (set, ratio) in opportunities.iter().zip(&ratios) {
            fused_opportunities.extend(set.as_slice().iter().map(|p| Opportunity { a: p.a, b: p.b, ratio: *ratio }));
        }
        drop(opportunities);
        fused_opportunities.par_sort_unstable_by(|x, y| (x.a, x.b).cmp(&(y.a, y.b)).then(y.ratio.total_cmp(&x.ratio)));
        fused_opportunities.dedup_by(|later, first| later.a == first.a && later.b == first.b);
        let fused_matches = PostPairSet::merge_all(matches);
        let rarity = RarityNull { chance: sources.clone(), posts_of: &posts_of, counted: Some(copied.as_slice()) };
        fused_tested.extend(test_pairs(input, &fused_matches, &fused_opportunities, &hot_fused, &rarity, config, account_count));
    }
    let mut signals = Vec::with_capacity(runs.len());
    for ((run, pairs), &examined) in runs.iter().zip(tested).zip(&examined) {
        let mut report = decide(pairs, examined, run.active_accounts, config);
        report.events = run.events;
        report.shared_keys = run.stats.shared_keys;
        report.crowd_events = run.stats.crowd_events;
        signals.push((run.signal, report));
    }
    let fused = decide(fused_tested, fused_examined, fused_active, config);
    let rarity = RarityNull { chance: sources, posts_of: &posts_of, counted: None };
    let post_chance = (0..input.len() as u32).into_par_iter().map(|p| rarity.chance_of(p)).collect();
    Ok(Detection { signals, fused, post_chance })
}

/// The chance that one opportunity (a post of B on the same key within +-H of a post of
/// A) lands within W: W/H under the jitter null. Reactions to a post (reposts, replies)
/// bunch up in the minutes after it whoever makes them, so for those signals the chance is
/// at least the data's own share of near reaction pairs that fall within W.
fn chance_ratio(null: NullModel, windows: &Windows, stats: &PassStats) -> f64 {
    let uniform = windows.window_ms as f64 / windows.baseline_ms as f64;
    match null.chance {
        Chance::Bursty => uniform.max(stats.burstiness()),
        Chance::Uniform => uniform,
    }
}

/// The account pairs worth testing, chosen over partitions of the matched post pairs (a
/// partition holds every co-action of its account pairs, over every signal): per signal,
/// the account pairs examined and the post pairs of candidates.
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

    /// Counts one partition: `matches` holds one set per signal, in the runs' order.
    /// Returns, per signal, the matched post pairs of the partition's candidates.
    fn add_partition(&mut self, input: &DetectInput, config: &DetectConfig, matches: Vec<PostPairSet>) -> Vec<Vec<PostPair>> {
        let mut pair_keys: Vec<u64> = Vec::new();
        for (examined, set) in self.examined.iter_mut().zip(&matches) {
            let keyed = keyed_by_account_pair(input, set);
            for group in keyed.chunk_by(|x, y| x.0 == y.0) {
                *examined += 1;
                pair_keys.push(group[0].0);
                if co_action_count(group) >= config.min_co_actions {
                    self.candidates.insert(group[0].0);
                }
            }
        }
        // Across signals: a pair seen by two or more signals may reach the threshold together.
        pair_keys.par_sort_unstable();
        let mut multi: HashSet<u64> = HashSet::default();
        for group in pair_keys.chunk_by(|x, y| x == y) {
            self.fused_examined += 1;
            if group.len() >= 2 && !self.candidates.contains(&group[0]) {
                multi.insert(group[0]);
            }
        }
        drop(pair_keys);
        let in_pairs = |set: &HashSet<u64>, p: &PostPair| set.contains(&account_pair_key(input.account(p.a), input.account(p.b)));
        if !multi.is_empty() {
            let across = PostPairSet::from_unsorted(
                matches.iter().flat_map(|m| m.as_slice().iter().filter(|p| in_pairs(&multi, p)).copied()).collect(),
            );
            for group in keyed_by_account_pair(input, &across).chunk_by(|x, y| x.0 == y.0) {
                if co_action_count(group) >= config.min_co_actions {
                    self.candidates.insert(group[0].0);
                }
            }
        }
        matches.iter().map(|set| set.as_slice().iter().filter(|p| in_pairs(&self.candidates, p)).copied().collect()).collect()
    }
}

/// Where the candidates' matched post pairs and opportunities wait to be scored.
enum ScoringInput {
    /// In memory, one set per signal.
    Held { matches: Vec<PostPairSet>, opportunities: Vec<PostPairSet>, counts: Vec<Vec<ChanceCount>> },
    /// In account-pair files (the same partitions as the first pass's pairs), tagged by
    /// signal; opportunities are still being written until scoring starts.
    Spilled { matches: Vec<PairPart>, opportunities: PairSpill },
}

/// The candidates' pairs, ready to score part by part.
enum ScoringParts {
    Held(std::vec::IntoIter<ScoringPart>),
    Spilled(std::vec::IntoIter<(PairPart, PairPart)>),
}

impl ScoringParts {
    /// The next part's matched post pairs, opportunities and hot keys' opportunity
    /// counts, one set per signal.
    fn next_part(&mut self, signals: usize) -> io::Result<Option<ScoringPart>> {
        match self {
            ScoringParts::Held(parts) => Ok(parts.next()),
            ScoringParts::Spilled(parts) => match parts.next() {
                Some((matches, opportunities)) => {
                    let loaded = opportunities.load()?;
                    let mut counts: Vec<Vec<ChanceCount>> = vec![Vec::new(); signals];
                    for (number, p) in &loaded {
                        if let Some(list) = (number & COUNT_FLAG != 0).then(|| counts.get_mut((number & !COUNT_FLAG) as usize)).flatten() {
                            list.push(ChanceCount { post: p.a, other: p.b, count: p.key_accounts });
                        }
                    }
                    Ok(Some((by_signal(&matches, signals)?, sets_by_signal(loaded, signals), counts)))
                }
                None => Ok(None),
            },
        }
    }
}

/// One part's matches, opportunities and opportunity counts, per signal.
type ScoringPart = (Vec<PostPairSet>, Vec<PostPairSet>, Vec<Vec<ChanceCount>>);

/// One account-pair file's post pairs, one set per signal (of `signals`).
fn by_signal(part: &PairPart, signals: usize) -> io::Result<Vec<PostPairSet>> {
    Ok(sets_by_signal(part.load()?, signals))
}

/// Loaded post pairs, one set per signal; counts (numbers tagged [`COUNT_FLAG`]) are left out.
fn sets_by_signal(loaded: Vec<(u32, PostPair)>, signals: usize) -> Vec<PostPairSet> {
    let mut per_signal: Vec<Vec<PostPair>> = vec![Vec::new(); signals];
    for (number, pair) in loaded {
        if let Some(list) = per_signal.get_mut(number as usize) {
            list.push(pair);
        }
    }
    per_signal.into_iter().map(PostPairSet::from_unsorted).collect()
}

/// Post pairs keyed by unordered account pair and sorted by it, oriented so `.a` is the
/// lower account's post: each account pair's co-actions are one run of the vector (held
/// flat, since organic data has millions of pairs with a single co-action).
fn keyed_by_account_pair(input: &DetectInput, set: &PostPairSet) -> Vec<(u64, PostPair)> {
    let mut keyed: Vec<(u64, PostPair)> = set
        .as_slice()
        .par_iter()
        .map(|p| {
            let (acc_a, acc_b) = (input.account(p.a), input.account(p.b));
            let oriented = if acc_a < acc_b { *p } else { PostPair { a: p.b, b: p.a, key_accounts: p.key_accounts } };
            (account_pair_key(acc_a, acc_b), oriented)
        })
        .collect();
    keyed.par_sort_unstable_by_key(|(k, p)| (*k, p.a, p.b));
    keyed
}

fn distinct_count(mut posts: Vec<u32>) -> u32 {
    posts.sort_unstable();
    posts.dedup();
    posts.len() as u32
}

/// Co-actions of one account pair: the smaller of its two sides' numbers of matched posts.
fn co_action_count(run: &[(u64, PostPair)]) -> u32 {
    if run.len() == 1 {
        return 1;
    }
    let a = distinct_count(run.iter().map(|(_, p)| p.a).collect());
    let b = distinct_count(run.iter().map(|(_, p)| p.b).collect());
    a.min(b)
}

/// Chance that each post on one side is matched: `1 - prod(1 - ratio)^count` over its
/// opportunities (`(post, ratio, count)`; a hot key's come counted, the others one by one).
fn match_chances(side: &mut [(u32, f64, u32)]) -> Vec<f64> {
    side.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(x.2.cmp(&y.2)));
    side.chunk_by(|x, y| x.0 == y.0)
        .map(|g| {
            1.0 - g.iter().map(|&(_, r, c)| if c == 1 { 1.0 - r } else { (1.0 - r).powi(c.min(i32::MAX as u32) as i32) }).product::<f64>()
        })
        .collect()
}

/// One signal's rarity-null chance per post, kept as each post's key popularity (4 bytes
/// a post rather than 8) and computed when asked.
struct PostChance {
    /// Other accounts that used the post's key within +-H (0: no chance; empty: the
    /// signal has no rarity null).
    popularity: Vec<u32>,
    denominator: f64,
    ratio: f64,
}

impl PostChance {
    fn of(&self, post: u32) -> f64 {
        match self.popularity.get(post as usize) {
            Some(&n) if n > 0 => (n as f64 / self.denominator * self.ratio).min(1.0),
            _ => 0.0,
        }
    }
}

/// The rarity null of one signal (or the fusion).
struct RarityNull<'a> {
    /// The signals' chances; a post's is its largest over them.
    chance: Vec<&'a PostChance>,
    posts_of: &'a [Vec<u32>],
    /// For the fusion: only post pairs matched by a signal that has a rarity null count
    /// (sorted).
    counted: Option<&'a [(u32, u32)]>,
}

impl RarityNull<'_> {
    fn chance_of(&self, post: u32) -> f64 {
        self.chance.iter().map(|c| c.of(post)).fold(0.0, f64::max)
    }

    /// Chances of every post of `account` that acted on a shared key.
    fn chances(&self, account: u32) -> Vec<f64> {
        self.posts_of[account as usize].iter().map(|&p| self.chance_of(p)).filter(|c| *c > 0.0).collect()
    }
}

/// Tests the account pairs of `matches` (with enough co-actions) against both nulls; which
/// are significant is decided over all of them at once by [`decide`].
fn test_pairs(
    input: &DetectInput,
    matches: &PostPairSet,
    opportunities: &[Opportunity],
    hot: &HotChances,
    rarity: &RarityNull<'_>,
    config: &DetectConfig,
    account_count: usize,
) -> Vec<PairEvidence> {
    let keyed = keyed_by_account_pair(input, matches);
    // Opportunities by account pair, oriented like the matches: sorted by pair on every
    // core (a pair's order inside its run does not matter: `match_chances` sorts them).
    let mut opp_by_pair: Vec<(u64, u32, u32, f64)> = opportunities
        .par_iter()
        .map(|o| {
            let (acc_a, acc_b) = (input.account(o.a), input.account(o.b));
            let (x, y) = if acc_a < acc_b { (o.a, o.b) } else { (o.b, o.a) };
            (account_pair_key(acc_a, acc_b), x, y, o.ratio)
        })
        .collect();
    opp_by_pair.par_sort_unstable_by_key(|o| o.0);
    // Each pair's run, found by hashing: a binary search of a hundred million
    // opportunities (the 10M file) missed the cache at every step.
    let opportunities_of: HashMap<u64, &[(u64, u32, u32, f64)]> =
        opp_by_pair.par_chunk_by(|x, y| x.0 == y.0).map(|run| (run[0].0, run)).collect();
    keyed
        .par_chunk_by(|x, y| x.0 == y.0)
        .filter_map(|run| {
            if (run.len() as u32) < config.min_co_actions {
                return None;
            }
            let key = run[0].0;
            let group: Vec<PostPair> = run.iter().map(|(_, p)| *p).collect();
            let o_a = distinct_count(group.iter().map(|p| p.a).collect());
            let o_b = distinct_count(group.iter().map(|p| p.b).collect());
            let co_actions = o_a.min(o_b);
            if co_actions < config.min_co_actions {
                return None;
            }
            let opp = opportunities_of.get(&key).copied().unwrap_or_default();
            let mut side_a: Vec<(u32, f64, u32)> = opp.iter().map(|(_, a, _, r)| (*a, *r, 1)).collect();
            let mut side_b: Vec<(u32, f64, u32)> = opp.iter().map(|(_, _, b, r)| (*b, *r, 1)).collect();
            let (a, b) = unpack_account_pair(key);
            for &(post, count, ratio) in hot.get(&key).map(Vec::as_slice).unwrap_or_default() {
                if input.account(post) == a {
                    side_a.push((post, ratio, count));
                } else {
                    side_b.push((post, ratio, count));
                }
            }
            let (chances_a, chances_b) = (match_chances(&mut side_a), match_chances(&mut side_b));
            let (lambda_a, lambda_b) = (chances_a.iter().sum::<f64>(), chances_b.iter().sum::<f64>());
            let p_a = poisson_binomial_upper_tail(&chances_a, o_a as u64);
            let p_b = poisson_binomial_upper_tail(&chances_b, o_b as u64);
            let (p_value, expected) = if p_a >= p_b { (p_a, lambda_a) } else { (p_b, lambda_b) };
            // Only matched posts that have a rarity chance count here (reactions have none).
            let counted = |p: &&PostPair| rarity.counted.is_none_or(|set| set.binary_search(&(p.a.min(p.b), p.a.max(p.b))).is_ok());
            let rare_a = distinct_count(group.iter().filter(counted).map(|p| p.a).filter(|x| rarity.chance_of(*x) > 0.0).collect());
            let rare_b = distinct_count(group.iter().filter(counted).map(|p| p.b).filter(|x| rarity.chance_of(*x) > 0.0).collect());
            let rarity_p_value = poisson_binomial_upper_tail(&rarity.chances(a), rare_a as u64)
                .max(poisson_binomial_upper_tail(&rarity.chances(b), rare_b as u64));
            let mean_rarity =
                group.iter().map(|p| (1.0 + account_count as f64 / p.key_accounts.max(1) as f64).ln()).sum::<f64>() / group.len() as f64;
            let times = group.iter().flat_map(|p| [input.time(p.a), input.time(p.b)]);
            let (first_seen, last_seen) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
            Some(PairEvidence {
                a,
                b,
                co_actions,
                expected,
                p_value,
                rarity_p_value,
                weight: co_actions as f64 * mean_rarity,
                first_seen,
                last_seen,
                matches: group.iter().map(|p| (p.a, p.b)).collect(),
                significant: false,
            })
        })
        .collect()
}

/// Decides which tested pairs are significant; `pairs_examined` counts every account pair
/// that co-acted at all (the tested ones are the candidates only), `active_accounts` those
/// with an event in the signal.
fn decide(mut pairs: Vec<PairEvidence>, pairs_examined: usize, active_accounts: usize, config: &DetectConfig) -> SignalReport {
    let threshold = match config.fdr {
        // Exploratory: control the share of false pairs among those reported.
        Some(q) => benjamini_hochberg_threshold(&pairs.iter().map(|p| p.p_value).collect::<Vec<_>>(), pairs_examined, q),
        // Default: control the chance of any false pair at all (Bonferroni over every pair
        // examined), because one false pair puts two innocent accounts in a network.
        None => config.alpha / pairs_examined.max(1) as f64,
    };
    // Second route: co-action that is synchronous beyond chance at a moderate level and
    // rare beyond chance over every pair of active accounts (what copied content is).
    let n = active_accounts as f64;
    let rarity_threshold = config.alpha / (n * (n - 1.0) / 2.0).max(1.0);
    for p in &mut pairs {
        let synchronous = threshold > 0.0 && p.p_value <= threshold;
        let rare = p.p_value <= config.synchrony_alpha && p.rarity_p_value <= rarity_threshold;
        p.significant = synchronous || rare;
    }
    pairs.sort_unstable_by_key(|p| (p.a, p.b));
    SignalReport { events: 0, shared_keys: 0, crowd_events: 0, pairs_examined, threshold, active_accounts, rarity_threshold, pairs }
}
