//! `co_link`: the same canonical URL shared by different accounts.
//!
//! Default window 120 s: coordinated link sharing happens within seconds to a couple of
//! minutes (CooRnet's estimated "coordination interval" is typically under a minute),
//! while a viral link spreads over hours. Empty URLs have no key, so they never match.

use super::{Chance, Confirmation, DetectConfig, KeySink, NullModel, SignalSpec};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_LINK, phrase, shares: SharedItems::Links, kind: EvidenceKind::Links },
    default: SignalConfig { enabled: true, window_seconds: 120.0 },
    keys,
    null: NullModel { rarity: true, chance: Chance::Uniform, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("shared the same {}{} in {} posts {}", s.shared_count("link", "links"), s.shared_list("", 2), s.posts, s.when())
}

/// The canonical links of a post that is not a repost.
pub fn keys(post: &PostFeatures, _config: &DetectConfig, sink: &mut KeySink<'_>) {
    if post.repost_of.is_some() {
        return;
    }
    for &u in &post.urls {
        sink.push(u);
    }
}
