//! `near_duplicate`: texts whose word sets have Jaccard similarity at or above the
//! threshold (default 0.6: one to three words edited in a tweet-length text), found
//! through MinHash LSH bands and confirmed exactly. Identical texts are `co_post`'s.
//!
//! Default window 120 s, as for `co_post`.

use super::{DetectConfig, SignalConfig};
use crate::features::{DetectInput, PostFeatures};
use crate::minhash::{band_keys, jaccard_sorted, signature};
use crate::window::PairCheck;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 120.0 };

pub fn keys(post: &PostFeatures, config: &DetectConfig, push: &mut impl FnMut(u64)) {
    if post.repost_of.is_some() || post.tokens.len() < config.min_text_tokens {
        return;
    }
    for key in band_keys(&signature(&post.tokens)) {
        push(key);
    }
}

/// Confirms an LSH candidate: similar enough, and not an exact copy.
pub struct SimilarText<'a> {
    pub input: &'a DetectInput,
    pub threshold: f64,
}

impl PairCheck for SimilarText<'_> {
    fn same_action(&self, a: u32, b: u32) -> bool {
        if self.input.text_hash(a) == self.input.text_hash(b) {
            return false;
        }
        let (x, y) = (self.input.tokens(a), self.input.tokens(b));
        // Sizes alone can rule a pair out: J <= min/max.
        let (small, large) = if x.len() < y.len() { (x.len(), y.len()) } else { (y.len(), x.len()) };
        if (small as f64) < self.threshold * large as f64 {
            return false;
        }
        jaccard_sorted(x, y) >= self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_copies_pass_and_exact_copies_are_left_to_co_post() {
        let words: Vec<u32> = (0..20).collect();
        let mut edited = words.clone();
        edited[3] = 100;
        edited[11] = 101;
        edited.sort();
        let posts = vec![
            PostFeatures { text_hash: Some(1), tokens: words.clone(), ..Default::default() },
            PostFeatures { text_hash: Some(2), tokens: edited, ..Default::default() },
            PostFeatures { text_hash: Some(1), tokens: words, ..Default::default() },
            PostFeatures { text_hash: Some(3), tokens: (50..70).collect(), ..Default::default() },
        ];
        let input = DetectInput::from_posts(posts, 1, &DetectConfig::default());
        let check = SimilarText { input: &input, threshold: 0.6 };
        assert!(check.same_action(0, 1));
        assert!(!check.same_action(0, 2));
        assert!(!check.same_action(0, 3));
    }
}
