//! `co_repost`: reposts (retweets, shares) of the same post by different accounts.
//!
//! Default window 60 s, the coordination-network-toolkit's default; CooRTweet uses 10 s.

use super::SignalConfig;
use crate::features::PostFeatures;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 60.0 };

pub fn keys(post: &PostFeatures, push: &mut impl FnMut(u64)) {
    if let Some(target) = post.repost_of {
        push(target);
    }
}
