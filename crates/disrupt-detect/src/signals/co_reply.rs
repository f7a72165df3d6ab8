//! `co_reply`: replies to the same post by different accounts (reply brigading).
//!
//! Default window 120 s: a brigade lands on a post within a minute or two; organic replies
//! to a popular post spread over its first hours.

use super::SignalConfig;
use crate::features::PostFeatures;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 120.0 };

pub fn keys(post: &PostFeatures, push: &mut impl FnMut(u64)) {
    if let Some(target) = post.reply_to {
        push(target);
    }
}
