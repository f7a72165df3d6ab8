//! `co_hashtag`: the same hashtag, or the same combination of two or more hashtags, used
//! by different accounts. A combination is its own key, so two common tags used together
//! can still be rare.
//!
//! Default window 60 s: hashtags are the most widely shared item, so the window is the
//! narrowest of the text signals.

use super::SignalConfig;
use crate::features::PostFeatures;
use xxhash_rust::xxh3::xxh3_64_with_seed;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 60.0 };

const COMBINATION_SEED: u64 = 0x0063_6f6d_626f;

pub fn keys(post: &PostFeatures, push: &mut impl FnMut(u64)) {
    if post.repost_of.is_some() || post.hashtags.is_empty() {
        return;
    }
    for &h in &post.hashtags {
        push(h);
    }
    if post.hashtags.len() >= 2 {
        let mut sorted = post.hashtags.clone();
        sorted.sort_unstable();
        let bytes: Vec<u8> = sorted.iter().flat_map(|h| h.to_le_bytes()).collect();
        push(xxh3_64_with_seed(&bytes, COMBINATION_SEED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_are_order_free_keys() {
        let collect = |tags: Vec<u64>| {
            let mut k = Vec::new();
            keys(&PostFeatures { hashtags: tags.into(), ..Default::default() }, &mut |x| k.push(x));
            k
        };
        let ab = collect(vec![1, 2]);
        let ba = collect(vec![2, 1]);
        assert_eq!(ab.len(), 3);
        assert_eq!(ab[2], ba[2]);
        assert_eq!(collect(vec![1]).len(), 1);
    }
}
