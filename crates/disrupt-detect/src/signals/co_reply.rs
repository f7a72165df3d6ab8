//! `co_reply`: replies to the same post by different accounts (reply brigading).
//!
//! Default window 10 min (tested also at 100 and 20 s): a brigade lands on a post within
//! minutes; organic replies to a popular post spread over its first hours, and a reply
//! storm's crowd is no evidence about any two of its members. Answering a friend is not
//! counted, as for reposts.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_REPLY, phrase, shares: SharedItems::ReplyTargets, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 600.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: true, confirmation: Confirmation::SameKey },
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
