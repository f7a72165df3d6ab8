//! `co_link`: the same canonical URL shared by different accounts.
//!
//! Default window 120 s: coordinated link sharing happens within seconds to a couple of
//! minutes (CooRnet's estimated "coordination interval" is typically under a minute),
//! while a viral link spreads over hours. Empty URLs have no key, so they never match.

use super::SignalConfig;
use crate::features::PostFeatures;

pub const DEFAULT: SignalConfig = SignalConfig { enabled: true, window_seconds: 120.0 };

pub fn keys(post: &PostFeatures, push: &mut impl FnMut(u64)) {
    if post.repost_of.is_some() {
        return;
    }
    for &u in &post.urls {
        push(u);
    }
}
