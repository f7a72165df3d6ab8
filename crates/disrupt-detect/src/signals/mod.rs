//! The behavioural signals. Each module says which keys a post acts on for its signal and
//! documents its default window; the engine in [`crate::window`] does the rest.

pub mod co_hashtag;
pub mod co_link;
pub mod co_post;
pub mod co_reply;
pub mod co_repost;
pub mod near_duplicate;

use crate::features::PostFeatures;
use crate::window::{KeyedEvent, Windows};
use serde::Serialize;

/// A behavioural signal (the `signal` column of `edges.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    CoPost,
    NearDuplicate,
    CoLink,
    CoHashtag,
    CoRepost,
    CoReply,
    /// Outputs of one model batch (or operator session) posted by several accounts; the
    /// link stage's, not a windowed detector.
    Provenance,
    /// AI-provider accounts sharing rare infrastructure; joins accounts to networks other
    /// evidence made, never makes one.
    SharedInfrastructure,
    /// Operator-side accounts (and ads) sending one scam script, with variations.
    SharedScript,
    /// Operator-side accounts naming the same bank account, e-wallet or crypto address.
    SharedPayment,
    /// Ads and operator-side accounts naming the same phone, handle or landing page.
    SharedContact,
}

impl Signal {
    /// The behavioural detectors (windowed co-action).
    pub const ALL: [Signal; 6] =
        [Signal::CoPost, Signal::NearDuplicate, Signal::CoLink, Signal::CoHashtag, Signal::CoRepost, Signal::CoReply];
    /// The link stage's evidence.
    pub const LINKS: [Signal; 5] =
        [Signal::Provenance, Signal::SharedInfrastructure, Signal::SharedScript, Signal::SharedPayment, Signal::SharedContact];
    /// The funnel stage's evidence (scam operations).
    pub const SCAM: [Signal; 3] = [Signal::SharedScript, Signal::SharedPayment, Signal::SharedContact];

    pub fn as_str(self) -> &'static str {
        match self {
            Signal::CoPost => "co_post",
            Signal::NearDuplicate => "near_duplicate",
            Signal::CoLink => "co_link",
            Signal::CoHashtag => "co_hashtag",
            Signal::CoRepost => "co_repost",
            Signal::CoReply => "co_reply",
            Signal::Provenance => "provenance",
            Signal::SharedInfrastructure => "shared_infrastructure",
            Signal::SharedScript => "shared_script",
            Signal::SharedPayment => "shared_payment",
            Signal::SharedContact => "shared_contact",
        }
    }

    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().chain(Signal::LINKS).find(|x| x.as_str() == s)
    }

    pub fn is_behavioural(self) -> bool {
        Signal::ALL.contains(&self)
    }
}

/// Settings of one signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalConfig {
    pub enabled: bool,
    /// Co-action window `W`, seconds.
    pub window_seconds: f64,
}

/// Every setting detection uses; all of them are written to `networks.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectConfig {
    pub co_post: SignalConfig,
    pub near_duplicate: SignalConfig,
    pub co_link: SignalConfig,
    pub co_hashtag: SignalConfig,
    pub co_repost: SignalConfig,
    pub co_reply: SignalConfig,
    /// Provenance fan-out (its window is the link stage's distribution window).
    pub provenance: SignalConfig,
    pub shared_infrastructure: SignalConfig,
    /// Scam links (their window is how far apart the shared uses may be).
    pub shared_script: SignalConfig,
    pub shared_payment: SignalConfig,
    pub shared_contact: SignalConfig,
    /// Half-width `H` of the jitter null, seconds: each action is displaced uniformly
    /// within +-H under the null, so co-modulation slower than H (a trending hour, a
    /// morning greeting, a live event) is explained by chance while synchrony within W is not.
    pub baseline_seconds: f64,
    /// Words a text needs before identical or near-identical copies count.
    pub min_text_tokens: usize,
    /// Jaccard similarity of word sets at or above which two texts are near-duplicates.
    pub near_duplicate_threshold: f64,
    /// A pair needs at least this many co-actions before it is tested.
    pub min_co_actions: u32,
    /// Family-wise error rate over all account pairs examined (Bonferroni): the chance
    /// that even one pair is reported by chance.
    pub alpha: f64,
    /// Instead of `alpha`, a false discovery rate (Benjamini-Hochberg) for exploratory scans.
    pub fdr: Option<f64>,
    /// Synchrony p-value a pair needs before the rarity test can make it significant.
    pub synchrony_alpha: f64,
    /// Events within W of one event beyond which the key is a crowd at that moment.
    pub max_crowd: usize,
}

impl Default for DetectConfig {
    fn default() -> Self {
        Self {
            co_post: co_post::DEFAULT,
            near_duplicate: near_duplicate::DEFAULT,
            co_link: co_link::DEFAULT,
            co_hashtag: co_hashtag::DEFAULT,
            co_repost: co_repost::DEFAULT,
            co_reply: co_reply::DEFAULT,
            provenance: SignalConfig { enabled: true, window_seconds: 600.0 },
            shared_infrastructure: SignalConfig { enabled: true, window_seconds: 6.0 * 3600.0 },
            shared_script: SignalConfig { enabled: true, window_seconds: 90.0 * 86400.0 },
            shared_payment: SignalConfig { enabled: true, window_seconds: 90.0 * 86400.0 },
            shared_contact: SignalConfig { enabled: true, window_seconds: 90.0 * 86400.0 },
            baseline_seconds: 3600.0,
            min_text_tokens: 4,
            near_duplicate_threshold: 0.6,
            min_co_actions: 2,
            alpha: 0.01,
            fdr: None,
            synchrony_alpha: 0.001,
            max_crowd: 1000,
        }
    }
}

impl DetectConfig {
    pub fn signal(&self, s: Signal) -> &SignalConfig {
        match s {
            Signal::CoPost => &self.co_post,
            Signal::NearDuplicate => &self.near_duplicate,
            Signal::CoLink => &self.co_link,
            Signal::CoHashtag => &self.co_hashtag,
            Signal::CoRepost => &self.co_repost,
            Signal::CoReply => &self.co_reply,
            Signal::Provenance => &self.provenance,
            Signal::SharedInfrastructure => &self.shared_infrastructure,
            Signal::SharedScript => &self.shared_script,
            Signal::SharedPayment => &self.shared_payment,
            Signal::SharedContact => &self.shared_contact,
        }
    }

    pub fn signal_mut(&mut self, s: Signal) -> &mut SignalConfig {
        match s {
            Signal::CoPost => &mut self.co_post,
            Signal::NearDuplicate => &mut self.near_duplicate,
            Signal::CoLink => &mut self.co_link,
            Signal::CoHashtag => &mut self.co_hashtag,
            Signal::CoRepost => &mut self.co_repost,
            Signal::CoReply => &mut self.co_reply,
            Signal::Provenance => &mut self.provenance,
            Signal::SharedInfrastructure => &mut self.shared_infrastructure,
            Signal::SharedScript => &mut self.shared_script,
            Signal::SharedPayment => &mut self.shared_payment,
            Signal::SharedContact => &mut self.shared_contact,
        }
    }

    pub fn windows(&self, s: Signal) -> Windows {
        let w = (self.signal(s).window_seconds * 1000.0) as i64;
        Windows { window_ms: w, baseline_ms: ((self.baseline_seconds * 1000.0) as i64).max(w + 1), max_crowd: self.max_crowd }
    }
}

/// Appends to `events` (a signal's whole log) the keyed events the signal derives from posts
/// numbered from `first` on. They are made in parallel chunks and copied once, into the log;
/// the engine sorts them.
pub fn keyed_events_into(signal: Signal, posts: &[PostFeatures], first: u32, config: &DetectConfig, events: &mut Vec<KeyedEvent>) {
    use rayon::prelude::*;
    const CHUNK: usize = 4096;
    let chunks: Vec<Vec<KeyedEvent>> = posts
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut out = Vec::new();
            for (j, p) in chunk.iter().enumerate() {
                let post = first + (c * CHUNK + j) as u32;
                let mut push = |key: u64| out.push(KeyedEvent { key, time: p.time, account: p.account, post });
                match signal {
                    Signal::CoPost => co_post::keys(p, config, &mut push),
                    Signal::NearDuplicate => near_duplicate::keys(p, config, &mut push),
                    Signal::CoLink => co_link::keys(p, &mut push),
                    Signal::CoHashtag => co_hashtag::keys(p, &mut push),
                    Signal::CoRepost => co_repost::keys(p, &mut push),
                    Signal::CoReply => co_reply::keys(p, &mut push),
                    Signal::Provenance
                    | Signal::SharedInfrastructure
                    | Signal::SharedScript
                    | Signal::SharedPayment
                    | Signal::SharedContact => {}
                }
            }
            out
        })
        .collect();
    events.reserve(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        events.extend(chunk);
    }
}
