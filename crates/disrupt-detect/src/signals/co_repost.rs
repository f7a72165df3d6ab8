//! `co_repost`: reposts (retweets, shares) of the same post by different accounts.
//!
//! Default window 30 min (tested also at 5 min and 1 min; the coordination-network-toolkit
//! defaults to 60 s and CooRTweet to 10 s): amplification rings repost their leads within
//! seconds or spread it over half an hour. Reposting a friend (an account that reposts or
//! answers one of the two back) is friendship and not counted.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_REPOST, phrase, shares: SharedItems::RepostTargets, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 1800.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: true, confirmation: Confirmation::SameKey },
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
