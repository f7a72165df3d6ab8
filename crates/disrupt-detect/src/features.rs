//! What detectors see of a post: compact, already normalized keys.

/// One post, reduced to what detection needs. Built by the normalize stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFeatures {
    /// Dense account index (see [`DetectInput::account_names`]).
    pub account: u32,
    /// Milliseconds since the epoch.
    pub time: i64,
    /// Hash of the matching text; `None` for empty text or reposts.
    pub text_hash: Option<u64>,
    /// Sorted, distinct hashes of the matching text's words (for near-duplicates).
    pub tokens: Vec<u32>,
    /// Hashes of canonical URLs, distinct.
    pub urls: Vec<u64>,
    /// Hashes of folded hashtags, distinct.
    pub hashtags: Vec<u64>,
    /// Hash of the reposted post id.
    pub repost_of: Option<u64>,
    /// Hash of the post replied to.
    pub reply_to: Option<u64>,
}

/// The whole input of detection.
#[derive(Debug, Clone, Default)]
pub struct DetectInput {
    pub posts: Vec<PostFeatures>,
    pub account_count: usize,
}
