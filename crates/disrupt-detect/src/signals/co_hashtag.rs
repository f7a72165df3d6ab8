//! `co_hashtag`: the same hashtag, or the same combination of two or more hashtags, used
//! by different accounts. A combination is its own key, so two common tags used together
//! can still be rare.
//!
//! Default window 10 min (tested also at 100 and 20 s): hashtags are the most widely shared
//! item, so the window is narrower than the text signals'.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_HASHTAG, phrase, shares: SharedItems::Hashtags, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 600.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: false, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("used the same {}{} in {} posts {}", s.shared_count("hashtag", "hashtags"), s.shared_list("#", 3), s.posts, s.when())
}

const COMBINATION_SEED: u64 = 0x0063_6f6d_626f;

/// Each hashtag of a post that is not a repost, and their combination when there are two or more.
pub fn keys(post: &PostFeatures, _config: &DetectConfig, sink: &mut KeySink<'_>) {
    if post.repost_of.is_some() || post.hashtags.is_empty() {
        return;
    }
    for &h in &post.hashtags {
        sink.push(h);
    }
    if post.hashtags.len() >= 2 {
        let mut sorted = post.hashtags.clone();
        sorted.sort_unstable();
        let bytes: Vec<u8> = sorted.iter().flat_map(|h| h.to_le_bytes()).collect();
        sink.push(xxh3_64_with_seed(&bytes, COMBINATION_SEED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_order_free_keys() {
        let collect = |tags: Vec<u64>| {
            KeySink::collect(|sink| keys(&PostFeatures { hashtags: tags.into(), ..Default::default() }, &DetectConfig::default(), sink))
        };
        let ab = collect(vec![1, 2]);
        let ba = collect(vec![2, 1]);
        assert_eq!(ab.len(), 3);
        assert_eq!(ab[2], ba[2]);
        assert_eq!(collect(vec![1]).len(), 1);
    }
}
