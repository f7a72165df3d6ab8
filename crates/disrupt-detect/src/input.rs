//! Detection's input: every post's account, time and words in columns (spilled to disk
//! past the memory budget), and each signal's keyed events, made as posts stream in.

pub use crate::post::{ObjectHashes, PostFeatures, Sketch, WordHashes, SKETCH_LEN};
use crate::signals::{keyed_events_into, keyed_events_of_rows, DetectConfig, Signal};
use crate::spill::{EventLog, FixedColumn, TokenColumn};
use crate::window::KeyedEvent;
use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// The whole input of detection: per post its account, time and words, and per signal
/// the keyed events its posts made. Posts are numbered in the order they were added.
#[derive(Default)]
pub struct DetectInput {
    /// Accounts numbered in the scan (account numbers are below this).
    pub account_count: usize,
    accounts: Vec<u32>,
    times: Vec<i64>,
    /// Matching-text hash per post, 0 for none (a real hash of 0 is as likely as a
    /// collision, and both only cost a near-duplicate check).
    text_hashes: Vec<u64>,
    /// Hash of each post's own id (what reposts and replies name).
    ids: Vec<u64>,
    /// Hash of the site of each post's first link, 0 for none.
    sites: Vec<u64>,
    tokens: TokenColumn,
    /// Per post, its word-pair sketch padded with `u32::MAX`.
    sketches: FixedColumn<SKETCH_LEN>,
    events: Vec<(Signal, EventLog)>,
    /// Files to spread matched post pairs over by account pair (0: hold them in memory).
    pair_partitions: usize,
    temp_dir: Option<PathBuf>,
}

impl std::fmt::Debug for DetectInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetectInput").field("posts", &self.len()).field("accounts", &self.account_count).finish()
    }
}

impl DetectInput {
    /// Detection input held in memory, from whole posts (tests, benchmarks, small inputs).
    pub fn from_posts(posts: Vec<PostFeatures>, account_count: usize, config: &DetectConfig) -> Self {
        let mut builder = DetectInputBuilder::new(config, SpillPolicy::default());
        // In-memory building cannot fail: nothing is written.
        builder.push_batch(&posts).expect("in-memory detection input");
        builder.finish(account_count).expect("in-memory detection input")
    }

    /// Posts held.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// Whether no post is held.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Author of `post` (its account number).
    pub fn account(&self, post: u32) -> u32 {
        self.accounts[post as usize]
    }

    /// Time of `post` (Unix ms).
    pub fn time(&self, post: u32) -> i64 {
        self.times[post as usize]
    }

    /// Every post's account, by post number.
    pub fn accounts(&self) -> &[u32] {
        &self.accounts
    }

    /// Every post's time (Unix ms), by post number.
    pub fn times(&self) -> &[i64] {
        &self.times
    }

    /// Milliseconds from the first post to the last (0 for none or one).
    pub fn time_span_ms(&self) -> i64 {
        let (first, last) = self
            .times
            .par_iter()
            .fold(|| (i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)))
            .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
        if first > last {
            0
        } else {
            last.saturating_sub(first)
        }
    }

    /// Identical-text key of `post` (0 when it has none).
    pub fn text_hash(&self, post: u32) -> u64 {
        self.text_hashes[post as usize]
    }

    /// Hash of `post`'s own id.
    pub fn id_hash(&self, post: u32) -> u64 {
        self.ids[post as usize]
    }

    /// Hash of the site of `post`'s first link (0 for none).
    pub fn site(&self, post: u32) -> u64 {
        self.sites[post as usize]
    }

    /// Word hashes of `post` (sorted, distinct).
    pub fn tokens(&self, post: u32) -> &[u32] {
        self.tokens.get(post)
    }

    /// The post's word-pair sketch (sorted).
    pub fn sketch(&self, post: u32) -> &[u32] {
        let s = self.sketches.get(post);
        let n = s.iter().position(|&x| x == u32::MAX).unwrap_or(s.len());
        &s[..n]
    }

    /// The keyed events of one signal (empty when the signal was disabled at build time).
    pub fn events(&self, signal: Signal) -> Option<&EventLog> {
        self.events.iter().find(|(s, _)| *s == signal).map(|(_, e)| e)
    }

    /// Takes the events held in memory, signal by signal (spilled ones stay on disk);
    /// the input's logs of those signals are left empty.
    pub fn take_memory_events(&mut self) -> Vec<(Signal, Vec<KeyedEvent>)> {
        let mut taken = Vec::new();
        for (signal, log) in &mut self.events {
            if let EventLog::Memory(events) = log {
                taken.push((*signal, std::mem::take(events)));
            }
        }
        taken
    }

    /// Gives up detection's state, keeping each post's account and time (for evidence).
    pub fn into_columns(self) -> (Vec<u32>, Vec<i64>) {
        (self.accounts, self.times)
    }

    /// How many files matched post pairs go to, by account pair, and where (`None`: they
    /// stay in memory). Pairs go to disk when events did.
    pub fn pair_spill(&self) -> Option<(usize, Option<&Path>)> {
        (self.pair_partitions > 0).then_some((self.pair_partitions, self.temp_dir.as_deref()))
    }

    /// Whether the word hashes are in a mapped file rather than in memory.
    pub fn tokens_on_disk(&self) -> bool {
        self.tokens.on_disk()
    }

    /// A copy held in memory (sketches left out: detection does not read them), `None`
    /// when state went to disk. Placebos are made from it after detection consumed the
    /// input's events.
    pub fn memory_copy(&self) -> Option<DetectInput> {
        if self.spilled() {
            return None;
        }
        let events = self.events.iter().map(|(signal, log)| (*signal, EventLog::Memory(log.events().unwrap_or(&[]).to_vec()))).collect();
        Some(DetectInput {
            account_count: self.account_count,
            accounts: self.accounts.clone(),
            times: self.times.clone(),
            text_hashes: self.text_hashes.clone(),
            ids: self.ids.clone(),
            sites: self.sites.clone(),
            tokens: self.tokens.memory_copy()?,
            sketches: FixedColumn::new(None),
            events,
            pair_partitions: 0,
            temp_dir: self.temp_dir.clone(),
        })
    }

    /// A placebo of the input (see [`Placebo`]), deterministic for `seed`; `None` when
    /// state went to disk (placebos are made in memory).
    pub fn placebo(&self, seed: u64) -> Option<Placebo> {
        let mut input = self.memory_copy()?;
        let mut state = seed ^ 0x00D1_5C0F_FEE5;
        let (first, last) = self.times.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &t| (lo.min(t), hi.max(t)));
        let span = (last.saturating_sub(first) + 1).max(1);
        // Whole days keep each account's hours, so accounts active at the same time of day
        // stay so, as in the real data; a span under three days has too few days to draw
        // from, and any offset is used (the estimate is then reported weak).
        let (span, unit) = if span >= 3 * DAY_MS { ((span + DAY_MS - 1) / DAY_MS * DAY_MS, DAY_MS) } else { (span, 1) };
        let offsets: Vec<i64> = (0..self.account_count).map(|_| (splitmix(&mut state) % (span / unit) as u64) as i64 * unit).collect();
        let moved = |t: i64, a: u32| first + (t - first + offsets.get(a as usize).copied().unwrap_or(0)).rem_euclid(span);
        for (t, &a) in input.times.iter_mut().zip(&self.accounts) {
            *t = moved(*t, a);
        }
        let times = &input.times;
        for (_, log) in &mut input.events {
            if let EventLog::Memory(events) = log {
                events.par_iter_mut().for_each(|e| e.time = times[e.post as usize]);
            }
        }
        Some(Placebo { input, offsets, span_ms: span })
    }

    /// Whether any state went to disk.
    pub fn spilled(&self) -> bool {
        self.tokens.on_disk() || self.sketches.on_disk() || self.events.iter().any(|(_, e)| e.on_disk())
    }
}

/// A placebo of the input (see [`DetectInput::placebo`]): every account's whole timeline
/// moved by its own random offset, a whole number of days when the data spans three days
/// or more, wrapping inside the data's span (rounded up to whole days). Each account keeps its
/// texts, links, hashtags, volume and the rhythm of its own posts; each key keeps its
/// popularity; two accounts' actions stay together only when their offsets land within a
/// window of each other ([`Placebo::aligned`]).
pub struct Placebo {
    /// The moved input.
    pub input: DetectInput,
    /// Each account's offset, milliseconds.
    pub offsets: Vec<i64>,
    /// The data's span the offsets wrap in, milliseconds.
    pub span_ms: i64,
}

impl Placebo {
    /// Whether accounts `a` and `b` were moved by offsets so close that actions within
    /// `window_ms` of each other stayed within `window_ms`: their coordination, if any, was
    /// left in place, and what the placebo finds for them is not chance.
    pub fn aligned(&self, a: u32, b: u32, window_ms: i64) -> bool {
        let (Some(&x), Some(&y)) = (self.offsets.get(a as usize), self.offsets.get(b as usize)) else { return false };
        let d = (x - y).rem_euclid(self.span_ms);
        d.min(self.span_ms - d) <= 2 * window_ms
    }

    /// How far `b`'s actions must lie after `a`'s in the real input to meet in the placebo
    /// (milliseconds, within the span): the lag the placebo tests the pair at.
    pub fn lag(&self, a: u32, b: u32) -> i64 {
        let (Some(&x), Some(&y)) = (self.offsets.get(a as usize), self.offsets.get(b as usize)) else { return 0 };
        (x - y).rem_euclid(self.span_ms)
    }
}

/// A day, milliseconds: placebos move timelines by whole days.
const DAY_MS: i64 = 86_400_000;

/// A small, fast generator for placebos (splitmix64): deterministic for a seed.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// When detection state leaves memory.
#[derive(Debug, Clone, Default)]
pub struct SpillPolicy {
    /// Bytes of events and word hashes held in memory before they go to disk (`None`:
    /// never).
    pub memory_budget: Option<usize>,
    /// Posts expected in all, to size the partitions (a guess is enough).
    pub expected_posts: usize,
    /// Folder for temporary files (the system's when `None`).
    pub temp_dir: Option<PathBuf>,
}

/// Builds a [`DetectInput`] from batches of posts as they stream in.
pub struct DetectInputBuilder {
    config: DetectConfig,
    policy: SpillPolicy,
    input: DetectInput,
}

/// Partition files per signal at most: six signals must stay well under the common limit
/// of 1024 open files.
const MAX_PARTITIONS: usize = 64;

/// Partitions for spilled events, so that one loaded partition takes about a quarter of
/// the budget.
fn partitions_for(policy: &SpillPolicy, events_so_far: usize, posts_so_far: usize) -> usize {
    let budget = policy.memory_budget.unwrap_or(usize::MAX);
    let per_post = events_so_far as f64 / posts_so_far.max(1) as f64;
    let expected = (policy.expected_posts.max(posts_so_far) as f64 * per_post * std::mem::size_of::<KeyedEvent>() as f64) as usize;
    // A loaded partition is sorted in place and scanned: a quarter of the budget leaves
    // room for what the scan of it emits.
    expected.div_ceil((budget / 4).max(1)).clamp(2, MAX_PARTITIONS)
}

impl DetectInputBuilder {
    /// A builder of the signals `config` runs, spilling under `policy`.
    pub fn new(config: &DetectConfig, policy: SpillPolicy) -> Self {
        let events = config.enabled_behavioural().iter().map(|s| (s.signal(), EventLog::default())).collect();
        let mut input = DetectInput {
            tokens: TokenColumn::new(policy.temp_dir.clone()),
            sketches: FixedColumn::new(policy.temp_dir.clone()),
            events,
            ..Default::default()
        };
        // Capacity not yet written to costs no memory, so reserving for the guess is cheap
        // and saves copying the columns as they grow.
        input.accounts.reserve(policy.expected_posts);
        input.times.reserve(policy.expected_posts);
        input.text_hashes.reserve(policy.expected_posts);
        input.ids.reserve(policy.expected_posts);
        input.sites.reserve(policy.expected_posts);
        DetectInputBuilder { config: config.clone(), policy, input }
    }

    /// Adds posts (numbered after those already added).
    pub fn push_batch(&mut self, posts: &[PostFeatures]) -> io::Result<()> {
        let first = self.input.len() as u32;
        let config = &self.config;
        self.input
            .events
            .par_iter_mut()
            .try_for_each(|(signal, log)| log.append_with(|events| keyed_events_into(*signal, posts, first, config, events)))?;
        for p in posts {
            self.input.accounts.push(p.account);
            self.input.times.push(p.time);
            self.input.text_hashes.push(p.text_hash.unwrap_or(0));
            self.input.ids.push(p.id);
            self.input.sites.push(p.site);
            self.input.tokens.push(&p.tokens)?;
            let mut sketch = [u32::MAX; SKETCH_LEN];
            for (slot, v) in sketch.iter_mut().zip(p.sketch.iter().filter(|&&v| v != u32::MAX)) {
                *slot = *v;
            }
            self.input.sketches.push(&sketch)?;
        }
        self.enforce_budget()
    }

    /// Adds the shared items of later rows of posts already pushed (a long-format export
    /// repeats a post once per item): each `(post, row)` acts on the row's keys as post
    /// `post`, at its time and by its author. The engine treats the same post acting
    /// twice on one key as one action, so an item two rows repeat counts once.
    pub fn push_later_rows(&mut self, rows: &[(u32, PostFeatures)]) -> io::Result<()> {
        let mut placed = Vec::with_capacity(rows.len());
        for (post, row) in rows {
            let i = *post as usize;
            let (Some(&account), Some(&time)) = (self.input.accounts.get(i), self.input.times.get(i)) else { continue };
            // A post whose first row linked nowhere is judged by the site a later row links to.
            if self.input.sites[i] == 0 {
                self.input.sites[i] = row.site;
            }
            placed.push((*post, PostFeatures { account, time, ..row.clone() }));
        }
        let config = &self.config;
        self.input
            .events
            .par_iter_mut()
            .try_for_each(|(signal, log)| log.append_with(|events| keyed_events_of_rows(*signal, &placed, config, events)))?;
        self.enforce_budget()
    }

    fn enforce_budget(&mut self) -> io::Result<()> {
        let Some(budget) = self.policy.memory_budget else { return Ok(()) };
        let events: usize = self.input.events.iter().map(|(_, e)| e.memory_bytes()).sum();
        if events > budget / 2 {
            let total: usize = self.input.events.iter().map(|(_, e)| e.len()).sum();
            let parts = partitions_for(&self.policy, total, self.input.len());
            if !self.input.events.iter().any(|(_, log)| log.on_disk()) {
                tracing::info!(
                    events = total,
                    bytes = events,
                    budget,
                    partitions = parts,
                    "keyed events exceed half the memory budget: spilling them to disk"
                );
            }
            for (_, log) in &mut self.input.events {
                log.spill(parts, self.policy.temp_dir.as_deref())?;
            }
        }
        if self.input.tokens.memory_bytes() > budget / 4 {
            if !self.input.tokens.on_disk() {
                tracing::info!(
                    bytes = self.input.tokens.memory_bytes(),
                    budget,
                    "word hashes exceed a quarter of the memory budget: spilling them to disk"
                );
            }
            self.input.tokens.spill()?;
        }
        // Sketches are read only after detection (by provenance matching): past an eighth
        // of the budget they wait on disk.
        if self.input.sketches.memory_bytes() > budget / 8 {
            self.input.sketches.spill()?;
        }
        Ok(())
    }

    /// The finished input, with `account_count` accounts numbered.
    pub fn finish(mut self, account_count: usize) -> io::Result<DetectInput> {
        for (_, log) in &mut self.input.events {
            log.finish()?;
        }
        self.input.tokens.finish()?;
        self.input.sketches.finish()?;
        self.input.account_count = account_count;
        // As many pair files as the most partitioned signal has event files: the pairs
        // of a scan are far fewer than its events.
        self.input.pair_partitions = self.input.events.iter().filter_map(|(_, log)| log.parts().map(<[_]>::len)).max().unwrap_or(0);
        self.input.temp_dir = self.policy.temp_dir.clone();
        Ok(self.input)
    }
}
