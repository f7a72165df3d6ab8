//! `co_object`: the same shared item of another kind (an image's perceptual hash, a
//! domain, a video id: a post's `objects`, or `--columns objects.TYPE=column`) posted by
//! different accounts. CooRTweet's `object_id` is such an item. The key is `type:value`,
//! so an image hash never matches a domain that happens to be written alike.
//!
//! Default window 1 h (tested also at 10 and 2 min), as `co_link`: an item is shared the
//! way a link is. Its null model is the participation null of every co-action signal
//! (a popular item, a meme shared by thousands, is expected to meet); items are not
//! grouped by site.

use super::{Confirmation, DetectConfig, KeySink, NullModel, SignalSpec, UnitKind};
use crate::post::PostFeatures;
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};

/// The signal, as registered in [`super::REGISTRY`].
pub const SPEC: SignalSpec = SignalSpec {
    description: SignalDescription { signal: Signal::CO_OBJECT, phrase, shares: SharedItems::Objects, kind: EvidenceKind::Message },
    default: SignalConfig { enabled: true, window_seconds: 3600.0 },
    keys,
    null: NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: false, confirmation: Confirmation::SameKey },
};

fn phrase(s: &SignalSummary) -> String {
    format!("shared the same {}{} in {} posts {}", s.shared_count("item", "items"), s.shared_list("", 2), s.posts, s.when())
}

/// The shared items of a post that is not a repost (a repost's items are the original's).
pub fn keys(post: &PostFeatures, _config: &DetectConfig, sink: &mut KeySink<'_>) {
    if post.repost_of.is_some() {
        return;
    }
    for &o in &post.objects {
        sink.push(o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_is_a_key_and_reposts_have_none() {
        let post = PostFeatures { objects: vec![7, 9].into(), ..Default::default() };
        assert_eq!(KeySink::collect(|sink| keys(&post, &DetectConfig::default(), sink)), vec![7, 9]);
        let repost = PostFeatures { repost_of: Some(1), ..post };
        assert!(KeySink::collect(|sink| keys(&repost, &DetectConfig::default(), sink)).is_empty());
    }
}
