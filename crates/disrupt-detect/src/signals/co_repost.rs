//! `co_repost`: reposts (retweets, shares) of the same post by different accounts.
//!
//! Default window 60 s, the coordination-network-toolkit's default; CooRTweet uses 10 s.

use super::{Chance, Confirmation, DetectConfig, KeySink, NullModel, SignalSpec};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_REPOST, phrase, shares: SharedItems::RepostTargets, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 60.0 },
    keys,
    null: NullModel { rarity: false, chance: Chance::Bursty, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("reposted the same {} {}", s.shared_count("post", "posts"), s.when())
}

/// The post a repost reposts.
pub fn keys(post: &PostFeatures, _config: &DetectConfig, sink: &mut KeySink<'_>) {
    if let Some(target) = post.repost_of {
        sink.push(target);
    }
}
