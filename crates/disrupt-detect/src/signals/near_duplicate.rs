//! `near_duplicate`: texts whose word sets have Jaccard similarity at or above the
//! threshold (default 0.6: one to three words edited in a tweet-length text), found
//! through MinHash LSH bands and confirmed exactly ([`crate::text_check`]). Identical texts
//! are `co_post`'s.
//!
//! Default window 10 min (tested also at 100 and 20 s); a unit is one distinct text of an
//! account (a text has many band keys). Narrower than `co_post`'s hour: every pair of
//! posts sharing a band within the window needs its word sets compared, and an edited copy
//! spread over an hour is rarer than an identical one (which `co_post` catches).

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::minhash::{band_keys, signature};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::NEAR_DUPLICATE, phrase, shares: SharedItems::Values, kind: EvidenceKind::CopiedText },
    default: SignalConfig { enabled: true, window_seconds: 600.0 },
    keys,
    null: NullModel { unit: UnitKind::Text, by_site: true, reactions: false, confirmation: Confirmation::SimilarText },
};

fn phrase(s: &SignalSummary) -> String {
    format!("posted {} near-identical texts {}", s.posts, s.when())
}

/// The MinHash LSH band keys of the word set, for posts of at least `min_text_tokens`
/// words that are not reposts.
pub fn keys(post: &PostFeatures, config: &DetectConfig, sink: &mut KeySink<'_>) {
    if post.repost_of.is_some() || post.tokens.len() < config.min_text_tokens {
        return;
    }
    for key in band_keys(&signature(&post.tokens)) {
        sink.push(key);
    }
}
