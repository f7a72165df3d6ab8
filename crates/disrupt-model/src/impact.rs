//! [`Impact`]: what a network's posts reached, as distributions (most operations fail: a
//! few posts get almost all of the engagement), against the organic posts of the same input.

use crate::float::nan_or;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A post's engagement counts when observed; `None` where the source did not say. The post
/// store keeps it per post, and [`Impact`] is computed from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Engagement {
    /// Views (impressions).
    pub views: Option<u64>,
    /// Likes.
    pub likes: Option<u64>,
    /// Shares (reposts, retweets).
    pub shares: Option<u64>,
    /// Comments (replies).
    pub comments: Option<u64>,
}

impl Engagement {
    /// Whether any count is known.
    pub fn is_known(&self) -> bool {
        self.views.is_some() || self.likes.is_some() || self.shares.is_some() || self.comments.is_some()
    }

    /// Shares plus comments, the breakout measure (`None` when neither is known).
    pub fn spread(&self) -> Option<u64> {
        match (self.shares, self.comments) {
            (None, None) => None,
            (s, c) => Some(s.unwrap_or(0).saturating_add(c.unwrap_or(0))),
        }
    }

    /// Each count with its name, as `impact` names them.
    pub fn named(&self) -> [(&'static str, Option<u64>); 4] {
        [("views", self.views), ("likes", self.likes), ("shares", self.shares), ("comments", self.comments)]
    }
}

/// A network's reach (`impact` in `networks.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Impact {
    /// The members' public posts.
    pub posts: usize,
    /// Those with any engagement count in the input.
    pub posts_with_metrics: usize,
    /// Per count (`views`, `likes`, `shares`, `comments`), its distribution over the posts
    /// that have it; a count no post has is absent.
    pub engagement: BTreeMap<String, Distribution>,
    /// A post breaks out when its shares plus comments exceed this.
    pub breakout_threshold: u64,
    /// Posts past it.
    pub posts_over_threshold: usize,
    /// Their share of the posts with metrics (0 when none has any).
    #[serde(deserialize_with = "nan_or")]
    pub share_over_threshold: f64,
    /// The same, over the organic posts of the input (a sample of those no network holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Reposts, replies and quotes of the network's posts in the input, by members and by
    /// outsiders: self-amplification apart from reach.
    pub reactions: Reactions,
    /// One line: "3 of 1,204 posts got more than 300 shares and comments; ...".
    pub summary: String,
}

/// A count's distribution over posts (nearest-rank percentiles).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Posts with the count.
    pub posts: usize,
    /// Their sum.
    pub total: u64,
    /// Median.
    pub median: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// The largest.
    pub max: u64,
}

/// The organic posts' engagement, for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Organic posts in the input (no network member wrote them).
    pub organic_posts: usize,
    /// Those sampled (every k-th, at most a fixed number).
    pub sampled: usize,
    /// Sampled posts with any engagement count.
    pub posts_with_metrics: usize,
    /// Per count, its distribution over the sampled posts that have it.
    pub engagement: BTreeMap<String, Distribution>,
    /// The share of sampled posts with metrics past the breakout threshold.
    #[serde(deserialize_with = "nan_or")]
    pub share_over_threshold: f64,
}

/// Reactions to a network's posts found in the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reactions {
    /// Reposts, replies and quotes by members of the network.
    pub by_members: ReactionCounts,
    /// By accounts outside it.
    pub by_outsiders: ReactionCounts,
    /// Distinct outside accounts that reacted.
    pub outside_accounts: usize,
}

/// Reposts, replies and quotes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactionCounts {
    /// Reposts.
    pub reposts: u64,
    /// Replies.
    pub replies: u64,
    /// Quotes.
    pub quotes: u64,
}

impl ReactionCounts {
    /// All reactions.
    pub fn total(&self) -> u64 {
        self.reposts + self.replies + self.quotes
    }
}

/// A DISARM technique a network shows, with what was observed (`disarm` in `networks.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisarmTag {
    /// The technique's external id (`T0049`, `T0085.001`).
    pub id: String,
    /// Its name in the DISARM Red Framework.
    pub name: String,
    /// What the network did that shows it, citing its evidence.
    pub evidence: String,
}
