//! `co_post`: identical matching text (after normalization) by different accounts.
//!
//! Default window 1 h (tested also at 10 and 2 min): copy-paste operations post a batch
//! within seconds, or spread it over the better part of an hour so it looks less like a
//! batch. Identical text days apart is a quote or a stock phrase, not a co-action. A post
//! linking to a popular site (its share button writes the headline) is judged among that
//! site's sharers. Reposts carry someone else's text and are left to `co_repost`.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_POST, phrase, shares: SharedItems::Values, kind: EvidenceKind::CopiedText },
    default: SignalConfig { enabled: true, window_seconds: 3600.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: true, reactions: false, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("posted {} identical texts {}", s.posts, s.when())
}

/// The text's hash, for posts of at least `min_text_tokens` words that are not reposts.
pub fn keys(post: &PostFeatures, config: &DetectConfig, sink: &mut KeySink<'_>) {
    if post.repost_of.is_some() || post.tokens.len() < config.min_text_tokens {
        return;
    }
    if let Some(h) = post.text_hash {
        sink.push(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_and_reposts_have_no_key() {
        let config = DetectConfig::default();
        let keys_of = |p: &PostFeatures| KeySink::collect(|sink| keys(p, &config, sink));
        let long = PostFeatures { text_hash: Some(7), tokens: [1, 2, 3, 4].into_iter().collect(), ..Default::default() };
        assert_eq!(keys_of(&long), vec![7]);
        assert!(keys_of(&PostFeatures { tokens: [1, 2].into_iter().collect(), ..long.clone() }).is_empty());
        assert!(keys_of(&PostFeatures { repost_of: Some(1), ..long.clone() }).is_empty());
    }
}
