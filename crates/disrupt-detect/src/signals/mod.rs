//! The behavioural signals: windowed co-action detectors. Each is one module that declares
//! everything about it in a [`SignalSpec`]: its name, default window, the keys a post acts
//! on, its null model, and how networks describe its evidence. [`REGISTRY`] lists them; the
//! engine in [`crate::window`] and the scoring in [`crate::score`] do the rest.
//!
//! Adding a signal is one module with a `SPEC` and one line in [`REGISTRY`]
//! (tests/toy_signal.rs shows a whole one).

pub mod co_hashtag;
pub mod co_link;
pub mod co_object;
pub mod co_post;
pub mod co_reply;
pub mod co_repost;
pub mod near_duplicate;

use crate::post::PostFeatures;
use crate::window::{KeyedEvent, Windows};
use disrupt_evidence::SignalDescription;
pub use disrupt_evidence::{Signal, SignalConfig};

/// Every behavioural signal, in the order they run and are listed.
pub static REGISTRY: &[&SignalSpec] =
    &[&co_post::SPEC, &near_duplicate::SPEC, &co_link::SPEC, &co_hashtag::SPEC, &co_repost::SPEC, &co_reply::SPEC, &co_object::SPEC];

/// Whether `signal` is one of the registered windowed co-action detectors.
pub fn is_behavioural(signal: Signal) -> bool {
    REGISTRY.iter().any(|s| s.signal() == signal)
}

/// The behavioural signals a scan runs: [`REGISTRY`], and any a caller adds
/// ([`DetectConfig::register`]). Two registries are equal when they name the same signals.
#[derive(Debug, Clone)]
pub struct Registry(pub Vec<&'static SignalSpec>);

impl Default for Registry {
    fn default() -> Self {
        Registry(REGISTRY.to_vec())
    }
}

impl PartialEq for Registry {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(x, y)| x.signal() == y.signal())
    }
}

/// Everything one behavioural signal declares.
#[derive(Debug, Clone, Copy)]
pub struct SignalSpec {
    /// Its name and how networks describe its evidence.
    pub description: SignalDescription,
    /// Its settings unless the user changes them (the window says why in the module doc).
    pub default: SignalConfig,
    /// The keys a post acts on: two accounts acting on one key within the window co-act.
    pub keys: fn(&PostFeatures, &DetectConfig, &mut KeySink<'_>),
    /// How its co-actions are tested against chance.
    pub null: NullModel,
}

impl SignalSpec {
    /// The signal.
    pub fn signal(&self) -> Signal {
        self.description.signal
    }
}

/// How a signal's co-actions are tested against chance: the participation null of
/// [`disrupt_evidence::null`], which every signal shares, and what varies by signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NullModel {
    /// What one co-action is: a key's occurrence, or (near-duplicates) a distinct text.
    pub unit: UnitKind,
    /// Whether a post linking to a popular site is judged among that site's sharers.
    pub by_site: bool,
    /// Whether the keys are other accounts' posts (reposts, replies): reacting to a friend
    /// (an account that reposts or answers either of the two, and is reposted or answered
    /// back) is friendship, not evidence.
    pub reactions: bool,
    /// What makes two posts on one key a co-action.
    pub confirmation: Confirmation,
}

/// What counts once in a pair's co-actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// One occurrence (burst) of one key.
    KeyOccurrence,
    /// One distinct text (the keys are LSH bands, many to a text).
    Text,
}

/// What makes two posts on one key a co-action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Sharing the key is enough.
    SameKey,
    /// The key is a candidate (an LSH band): the texts' word sets must reach the
    /// near-duplicate threshold.
    SimilarText,
}

/// Where a signal's `keys` puts the keys of one post: its keyed events.
pub struct KeySink<'a> {
    events: &'a mut Vec<KeyedEvent>,
    time: i64,
    account: u32,
    post: u32,
}

impl KeySink<'_> {
    /// The post acts on `key`.
    #[inline]
    pub fn push(&mut self, key: u64) {
        self.events.push(KeyedEvent { key, time: self.time, account: self.account, post: self.post });
    }

    /// The keys `f` pushes, for tests of a signal's keys.
    pub fn collect(f: impl FnOnce(&mut KeySink<'_>)) -> Vec<u64> {
        let mut events = Vec::new();
        f(&mut KeySink { events: &mut events, time: 0, account: 0, post: 0 });
        events.into_iter().map(|e| e.key).collect()
    }
}

/// Every setting detection uses; all of them are written to `networks.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectConfig {
    /// The behavioural signals' declarations (not a setting: it is not written out).
    pub registry: Registry,
    /// Every signal's settings, in the order they are listed: the behavioural signals of
    /// [`REGISTRY`], then the signals other stages declare (the scan's settings add them).
    pub signals: Vec<(Signal, SignalConfig)>,
    /// The windows tested, as fractions of each signal's window (the widest, 1, first):
    /// operations coordinate over seconds to hours, and each extra window is paid for in
    /// every p-value.
    pub scales: Vec<f64>,
    /// Keys used by at most this many accounts are rare: co-acting on them within W also
    /// counts against the chance of two uses landing that close (see
    /// [`disrupt_evidence::null`]).
    pub rare_key_accounts: u32,
    /// Keys used by at most this many accounts count once per burst; a more popular key
    /// counts once in all, however often a pair used it together (a habit).
    pub repeat_key_accounts: u32,
    /// Sites linked to by at least this many accounts, and by at least
    /// `popular_site_share` of all accounts, are strata: a post linking to one is judged
    /// among that site's sharers.
    pub popular_site_accounts: usize,
    /// See `popular_site_accounts`.
    pub popular_site_share: f64,
    /// Trials (and co-actions) whose chance under the null is above this are not weighed:
    /// they are expected whatever happens (see [`disrupt_evidence::null`]).
    pub max_trial_chance: f64,
    /// Words a text needs before identical or near-identical copies count.
    pub min_text_tokens: usize,
    /// Jaccard similarity of word sets at or above which two texts are near-duplicates.
    pub near_duplicate_threshold: f64,
    /// A pair needs at least this many co-actions before it is tested.
    pub min_co_actions: u32,
    /// Family-wise error rate over every pair of active accounts (Bonferroni): the chance
    /// that even one pair is reported by chance.
    pub alpha: f64,
    /// Instead of `alpha`, a false discovery rate (Benjamini-Hochberg) for exploratory scans.
    pub fdr: Option<f64>,
    /// Events within W of one event beyond which the key is a crowd at that moment.
    pub max_crowd: usize,
}

impl Default for DetectConfig {
    /// The behavioural signals at their defaults, and no other.
    fn default() -> Self {
        Self {
            registry: Registry::default(),
            signals: REGISTRY.iter().map(|s| (s.signal(), s.default)).collect(),
            scales: vec![1.0, 1.0 / 6.0, 1.0 / 30.0],
            rare_key_accounts: 20,
            repeat_key_accounts: 10,
            popular_site_accounts: 50,
            popular_site_share: 0.02,
            max_trial_chance: 0.1,
            min_text_tokens: 4,
            near_duplicate_threshold: 0.6,
            min_co_actions: 2,
            alpha: 0.01,
            fdr: None,
            max_crowd: 1000,
        }
    }
}

/// The settings other than a signal's, by name (for writing and reading the settings).
pub const DETECT_FIELDS: [&str; 12] = [
    "scales",
    "rare_key_accounts",
    "repeat_key_accounts",
    "popular_site_accounts",
    "popular_site_share",
    "max_trial_chance",
    "min_text_tokens",
    "near_duplicate_threshold",
    "min_co_actions",
    "alpha",
    "fdr",
    "max_crowd",
];

impl serde::Serialize for DetectConfig {
    /// One object: each signal's settings under its name, then the other settings.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.signals.len() + DETECT_FIELDS.len()))?;
        for (signal, config) in &self.signals {
            map.serialize_entry(signal.as_str(), config)?;
        }
        map.serialize_entry("scales", &self.scales)?;
        map.serialize_entry("rare_key_accounts", &self.rare_key_accounts)?;
        map.serialize_entry("repeat_key_accounts", &self.repeat_key_accounts)?;
        map.serialize_entry("popular_site_accounts", &self.popular_site_accounts)?;
        map.serialize_entry("popular_site_share", &self.popular_site_share)?;
        map.serialize_entry("max_trial_chance", &self.max_trial_chance)?;
        map.serialize_entry("min_text_tokens", &self.min_text_tokens)?;
        map.serialize_entry("near_duplicate_threshold", &self.near_duplicate_threshold)?;
        map.serialize_entry("min_co_actions", &self.min_co_actions)?;
        map.serialize_entry("alpha", &self.alpha)?;
        map.serialize_entry("fdr", &self.fdr)?;
        map.serialize_entry("max_crowd", &self.max_crowd)?;
        map.end()
    }
}

impl DetectConfig {
    /// A signal's settings; a signal the scan does not have is off.
    pub fn signal(&self, s: Signal) -> SignalConfig {
        self.signals.iter().find(|(x, _)| *x == s).map_or(SignalConfig { enabled: false, window_seconds: 0.0 }, |(_, c)| *c)
    }

    /// A signal's settings to change, if the scan has the signal.
    pub fn signal_mut(&mut self, s: Signal) -> Option<&mut SignalConfig> {
        self.signals.iter_mut().find(|(x, _)| *x == s).map(|(_, c)| c)
    }

    /// The signal the user named (`--window co_post=120`), if the scan has it.
    pub fn signal_named(&self, name: &str) -> Option<Signal> {
        self.signals.iter().map(|(s, _)| *s).find(|s| s.as_str() == name)
    }

    /// The names of the signals these settings configure, in order.
    pub fn signal_names(&self) -> Vec<&'static str> {
        self.signals.iter().map(|(s, _)| s.as_str()).collect()
    }

    /// The settings of the signal the user named, to change, if the scan has it.
    pub fn signal_mut_named(&mut self, name: &str) -> Option<&mut SignalConfig> {
        self.signals.iter_mut().find(|(s, _)| s.as_str() == name).map(|(_, c)| c)
    }

    /// Adds signals another stage declares (after those already there; a signal already
    /// there keeps its settings).
    pub fn with_signals(mut self, extra: impl IntoIterator<Item = (Signal, SignalConfig)>) -> Self {
        for (signal, config) in extra {
            if self.signal_mut(signal).is_none() {
                self.signals.push((signal, config));
            }
        }
        self
    }

    /// The enabled behavioural signals, in registration order.
    pub fn enabled_behavioural(&self) -> Vec<&'static SignalSpec> {
        self.registry.0.iter().copied().filter(|s| self.signal(s.signal()).enabled).collect()
    }

    /// The declaration of a behavioural signal the scan runs.
    pub fn spec(&self, signal: Signal) -> Option<&'static SignalSpec> {
        self.registry.0.iter().copied().find(|s| s.signal() == signal)
    }

    /// Adds a behavioural signal declared outside this crate, at its default settings
    /// (placed after the other behavioural signals, before those of other stages).
    pub fn register(&mut self, spec: &'static SignalSpec) {
        if self.spec(spec.signal()).is_some() {
            return;
        }
        self.registry.0.push(spec);
        let at = self.signals.iter().position(|(s, _)| !self.registry.0.iter().any(|r| r.signal() == *s)).unwrap_or(self.signals.len());
        self.signals.insert(at, (spec.signal(), spec.default));
    }

    /// The window, occurrence gap and crowd limit of signal `s`, in milliseconds.
    pub fn windows(&self, s: Signal) -> Windows {
        let w = ((self.signal(s).window_seconds * 1000.0) as i64).max(1);
        Windows {
            window_ms: w,
            occurrence_gap_ms: 2 * w,
            repeat_key_accounts: self.repeat_key_accounts,
            max_crowd: self.max_crowd,
            min_co_actions: self.min_co_actions,
        }
    }
}

/// Appends to `events` (a signal's whole log) the keyed events the signal derives from posts
/// numbered from `first` on. They are made in parallel chunks and copied once, into the log;
/// the engine sorts them.
pub fn keyed_events_into(signal: Signal, posts: &[PostFeatures], first: u32, config: &DetectConfig, events: &mut Vec<KeyedEvent>) {
    use rayon::prelude::*;
    let Some(spec) = config.spec(signal) else { return };
    const CHUNK: usize = 4096;
    let chunks: Vec<Vec<KeyedEvent>> = posts
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut out = Vec::new();
            for (j, p) in chunk.iter().enumerate() {
                let post = first + (c * CHUNK + j) as u32;
                let mut sink = KeySink { events: &mut out, time: p.time, account: p.account, post };
                (spec.keys)(p, config, &mut sink);
            }
            out
        })
        .collect();
    events.reserve(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        events.extend(chunk);
    }
}

/// Appends to `events` the keyed events the signal derives from posts given with their
/// numbers (later rows of posts already numbered).
pub fn keyed_events_of_rows(signal: Signal, rows: &[(u32, PostFeatures)], config: &DetectConfig, events: &mut Vec<KeyedEvent>) {
    let Some(spec) = config.spec(signal) else { return };
    for (post, p) in rows {
        let mut sink = KeySink { events, time: p.time, account: p.account, post: *post };
        (spec.keys)(p, config, &mut sink);
    }
}
