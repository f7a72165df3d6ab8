//! `co_link`: the same canonical URL shared by different accounts.
//!
//! Default window 1 h (tested also at 10 and 2 min): coordinated link sharing happens
//! within seconds to minutes (CooRnet's estimated "coordination interval" is typically
//! under a minute) or is spread over an hour. A link to a popular site is judged among
//! that site's sharers: readers of one outlet share its articles within minutes every day.
//! Empty URLs have no key, so they never match.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_LINK, phrase, shares: SharedItems::Links, kind: EvidenceKind::Links },
    default: SignalConfig { enabled: true, window_seconds: 3600.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: true, reactions: false, confirmation: Confirmation::SameKey },
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
