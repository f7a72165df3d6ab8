//! `co_reply`: replies to the same post by different accounts (reply brigading).
//!
//! Default window 120 s: a brigade lands on a post within a minute or two; organic replies
//! to a popular post spread over its first hours.

use super::{Chance, Confirmation, DetectConfig, KeySink, NullModel, SignalSpec};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_REPLY, phrase, shares: SharedItems::ReplyTargets, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 120.0 },
    keys,
    null: NullModel { rarity: false, chance: Chance::Bursty, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("replied to the same {} {}", s.shared_count("post", "posts"), s.when())
}

/// The post a reply replies to.
pub fn keys(post: &PostFeatures, _config: &DetectConfig, sink: &mut KeySink<'_>) {
    if let Some(target) = post.reply_to {
        sink.push(target);
    }
}
