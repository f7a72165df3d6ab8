//! `co_post`: identical matching text (after normalization) by different accounts.
//!
//! Default window 120 s: copy-paste operations post their batch in bursts of seconds to a
//! minute or two, while an identical text recurring hours apart is as often a quote or a
//! stock phrase. Reposts carry someone else's text and are left to `co_repost`.

use super::{DetectConfig, SignalConfig};
use crate::features::PostFeatures;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 120.0 };

pub fn keys(post: &PostFeatures, config: &DetectConfig, push: &mut impl FnMut(u64)) {
    if post.repost_of.is_some() || post.tokens.len() < config.min_text_tokens {
        return;
    }
    if let Some(h) = post.text_hash {
        push(h);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_and_reposts_have_no_key() {
        let config = DetectConfig::default();
        let keys_of = |p: &PostFeatures| {
            let mut k = Vec::new();
            keys(p, &config, &mut |x| k.push(x));
            k
        };
        let long = PostFeatures { text_hash: Some(7), tokens: [1, 2, 3, 4].into_iter().collect(), ..Default::default() };
        assert_eq!(keys_of(&long), vec![7]);
        assert!(keys_of(&PostFeatures { tokens: [1, 2].into_iter().collect(), ..long.clone() }).is_empty());
        assert!(keys_of(&PostFeatures { repost_of: Some(1), ..long.clone() }).is_empty());
    }
}
