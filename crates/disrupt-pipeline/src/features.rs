//! Normalize stage: derives every post's matching keys, in parallel.

use disrupt_detect::PostFeatures;
use disrupt_networks::PostInfo;
use disrupt_normalize::{
    canonical_url, detect_language, extract_hashtags, extract_urls, fold_hashtag, matching_text, text_hash, word_set_and_sketch, UrlPolicy,
};
use disrupt_records::Post;
use rayon::prelude::*;
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

/// Normalizes a batch of posts in parallel: each post's matching keys, and its stored
/// fields already encoded for the post store. Encoding (and freeing the record's strings)
/// happens on the worker that normalized the post, not on the one thread that appends.
pub fn normalize_batch(posts: Vec<(Post, u32)>, policy: &UrlPolicy) -> Vec<(PostFeatures, Vec<u8>)> {
    posts
        .into_par_iter()
        .map(|(p, a)| {
            let n = normalize_post(p, a, policy);
            let mut encoded = Vec::with_capacity(n.info.text.len() + n.info.id.len() + 64);
            disrupt_networks::post_store::encode_fields(&n.info, &mut encoded);
            (n.features, encoded)
        })
        .collect()
}
