//! Normalize stage: derives every post's matching keys, in parallel.

use crate::corpus::identity_key;
use disrupt_detect::PostFeatures;
use disrupt_ingest::Prepare;
use disrupt_networks::PostInfo;
use disrupt_normalize::{
    canonical_url, detect_language, extract_hashtags, extract_urls, fold_hashtag, matching_text, text_hash, word_set_and_sketch, UrlPolicy,
};
use disrupt_records::{Post, Record, RecordKind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use xxhash_rust::xxh3::xxh3_64;

/// Everything normalization derives from one post.
pub struct NormalizedPost {
    pub features: PostFeatures,
    pub info: PostInfo,
}

/// The key of a shared object (a canonical link, a folded hashtag, a post id), as
/// detection hashes it.
pub fn object_hash(s: &str) -> u64 {
    xxh3_64(s.as_bytes())
}

use object_hash as hash_str;

/// The identical-text key of a stored post (`None` for reposts and empty text).
pub fn text_key(info: &PostInfo) -> Option<u64> {
    if info.repost_of.is_some() {
        None
    } else {
        text_hash(&matching_text(&info.text))
    }
}

/// Derives a post's matching keys and moves what evidence needs out of the record.
pub fn normalize_post(mut post: Post, account: u32, policy: &UrlPolicy) -> NormalizedPost {
    let matching = if post.repost_of.is_some() { String::new() } else { matching_text(&post.text) };
    let (tokens, sketch) = word_set_and_sketch(&matching, disrupt_detect::features::SKETCH_LEN);
    let raw_urls = match post.urls.take() {
        Some(u) => u,
        None => extract_urls(&post.text),
    };
    let mut urls: Vec<String> = raw_urls.iter().filter_map(|u| canonical_url(u, policy)).collect();
    urls.sort();
    urls.dedup();
    let raw_tags = match post.hashtags.take() {
        Some(h) => h,
        None => extract_hashtags(&post.text),
    };
    let mut hashtags: Vec<String> = raw_tags.iter().map(|h| fold_hashtag(h)).filter(|h| !h.is_empty()).collect();
    hashtags.sort();
    hashtags.dedup();
    let features = PostFeatures {
        account,
        time: post.created_at,
        text_hash: text_hash(&matching),
        tokens,
        urls: urls.iter().map(|u| hash_str(u)).collect(),
        hashtags: hashtags.iter().map(|h| hash_str(h)).collect(),
        repost_of: post.repost_of.as_deref().map(hash_str),
        reply_to: post.reply_to.as_deref().map(hash_str),
        sketch,
    };
    let info = PostInfo {
        id: post.id,
        account,
        time: post.created_at,
        text: post.text,
        urls,
        hashtags,
        repost_of: post.repost_of,
        reply_to: post.reply_to,
        lang: post.lang,
    };
    NormalizedPost { features, info }
}

/// Language of a post that does not give one (reposts carry the original's text and say
/// nothing new, so they have none).
pub fn post_language(info: &PostInfo) -> Option<String> {
    match &info.lang {
        Some(l) => Some(l.clone()),
        None if info.repost_of.is_none() && !info.text.is_empty() => detect_language(&info.text),
        None => None,
    }
}

/// A post normalized on the thread that parsed it: its matching keys and its stored fields
/// (encoded for the post store), waiting for the corpus to check it is the first of its id
/// and to give its author a dense index, in input order.
pub struct PreparedPost {
    /// Duplicate-check key ([`crate::corpus::identity_key`]).
    pub identity: u128,
    pub account: String,
    pub platform: String,
    /// An ad or a Telegram channel post: where an operation promotes its contacts.
    pub promotes: bool,
    /// Matching keys; `account` is set once the corpus has numbered the author.
    pub features: PostFeatures,
    pub encoded: Vec<u8>,
}

/// A record as the scan's ingest hands it on: posts normalized, the rest as read.
// Posts are the common case; boxing them would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
pub enum Prepared {
    Post(PreparedPost),
    Other(Record),
}

/// Normalizes posts where they are parsed (see [`disrupt_ingest::Prepare`]): the record's
/// strings are read while in cache and freed on the thread that allocated them.
pub struct ScanPreparer<'a> {
    pub policy: &'a UrlPolicy,
    /// Nanoseconds spent normalizing, over all threads (for `--verbose`).
    pub busy_nanos: AtomicU64,
}

impl<'a> ScanPreparer<'a> {
    pub fn new(policy: &'a UrlPolicy) -> Self {
        ScanPreparer { policy, busy_nanos: AtomicU64::new(0) }
    }
}

impl Prepare for ScanPreparer<'_> {
    type Out = Prepared;
    fn prepare(&self, record: Record) -> Prepared {
        match record {
            Record::Post(post) => {
                let started = Instant::now();
                let prepared = prepare_post(post, self.policy);
                self.busy_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
                Prepared::Post(prepared)
            }
            other => Prepared::Other(other),
        }
    }
}

/// Normalizes a post and encodes its stored fields; the author is numbered later.
pub fn prepare_post(mut post: Post, policy: &UrlPolicy) -> PreparedPost {
    let identity = identity_key(RecordKind::Post, &post.id);
    let promotes = post.is_ad == Some(true) || post.platform == "telegram";
    let account = std::mem::take(&mut post.account);
    let platform = std::mem::take(&mut post.platform);
    let n = normalize_post(post, 0, policy);
    let mut encoded = Vec::with_capacity(n.info.text.len() + n.info.id.len() + 64);
    disrupt_networks::post_store::encode_fields(&n.info, &mut encoded);
    PreparedPost { identity, account, platform, promotes, features: n.features, encoded }
}
