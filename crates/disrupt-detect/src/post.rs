//! What detectors see of one post: compact, already normalized keys (the normalize stage
//! builds them).

use smallvec::SmallVec;

/// A post's word hashes: held inline up to a typical post's length, so most posts' keys
/// take no allocation of their own (one a list was a tenth of normalization's cost).
pub type WordHashes = SmallVec<[u32; 16]>;
/// A post's link or hashtag hashes: most posts have none or a few.
pub type ObjectHashes = SmallVec<[u64; 4]>;
/// A post's word-pair sketch, never longer than [`SKETCH_LEN`].
pub type Sketch = SmallVec<[u32; SKETCH_LEN]>;

/// One post, reduced to what detection needs. Built by the normalize stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFeatures {
    /// Dense account index.
    pub account: u32,
    /// Milliseconds since the epoch.
    pub time: i64,
    /// Hash of the post's own id (as a repost or reply names it), 0 when unknown.
    pub id: u64,
    /// Hash of the site (host) of the post's first link, 0 for none.
    pub site: u64,
    /// Hash of the matching text; `None` for empty text or reposts.
    pub text_hash: Option<u64>,
    /// Sorted, distinct hashes of the matching text's words (for near-duplicates).
    pub tokens: WordHashes,
    /// Hashes of canonical URLs, distinct.
    pub urls: ObjectHashes,
    /// Hashes of folded hashtags, distinct.
    pub hashtags: ObjectHashes,
    /// Hashes of other shared items (`type:value`), distinct.
    pub objects: ObjectHashes,
    /// Hash of the reposted post id.
    pub repost_of: Option<u64>,
    /// Hash of the post replied to.
    pub reply_to: Option<u64>,
    /// Bottom-k sketch of the matching text's word pairs (for provenance), at most
    /// [`SKETCH_LEN`] values.
    pub sketch: Sketch,
}

/// The hash of a site (a link's host, as canonical links write it) in [`PostFeatures::site`].
pub fn site_hash(host: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(host.as_bytes())
}

/// Word-pair hashes kept per post for provenance matching.
pub const SKETCH_LEN: usize = 8;
