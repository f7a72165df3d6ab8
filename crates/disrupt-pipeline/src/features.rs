//! Normalize stage: derives every post's matching keys, in parallel.

use disrupt_detect::PostFeatures;
use disrupt_networks::PostInfo;
use disrupt_normalize::{
    canonical_url, detect_language, extract_hashtags, extract_urls, fold_hashtag, matching_text, matching_tokens, text_hash, UrlPolicy,
};
use disrupt_records::Post;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

/// Everything normalization derives from one post.
pub struct NormalizedPost {
    pub features: PostFeatures,
    pub info: PostInfo,
    pub lang: Option<String>,
}

fn hash_str(s: &str) -> u64 {
    xxh3_64(s.as_bytes())
}

pub fn normalize_post(post: &Post, account: u32, policy: &UrlPolicy, detect_lang: bool) -> NormalizedPost {
    let matching = if post.repost_of.is_some() { String::new() } else { matching_text(&post.text) };
    let mut tokens: Vec<u32> = matching_tokens(&matching).map(|t| (xxh3_64(t.as_bytes()) >> 32) as u32).collect();
    tokens.sort_unstable();
    tokens.dedup();
    let raw_urls = match &post.urls {
        Some(u) => u.clone(),
        None => extract_urls(&post.text),
    };
    let mut urls: Vec<String> = raw_urls.iter().filter_map(|u| canonical_url(u, policy)).collect();
    urls.sort();
    urls.dedup();
    let raw_tags = match &post.hashtags {
        Some(h) => h.clone(),
        None => extract_hashtags(&post.text),
    };
    let mut hashtags: Vec<String> = raw_tags.iter().map(|h| fold_hashtag(h)).filter(|h| !h.is_empty()).collect();
    hashtags.sort();
    hashtags.dedup();
    let lang = match &post.lang {
        Some(l) => Some(l.clone()),
        // A repost's text is the original's; its language says nothing new.
        None if detect_lang && post.repost_of.is_none() && !post.text.is_empty() => detect_language(&post.text),
        None => None,
    };
    let features = PostFeatures {
        account,
        time: post.created_at,
        text_hash: text_hash(&matching),
        tokens,
        urls: urls.iter().map(|u| hash_str(u)).collect(),
        hashtags: hashtags.iter().map(|h| hash_str(h)).collect(),
        repost_of: post.repost_of.as_deref().map(hash_str),
        reply_to: post.reply_to.as_deref().map(hash_str),
    };
    // Identifiers and text move over from the record afterwards (see `take_record_fields`).
    let info = PostInfo {
        id: String::new(),
        account,
        time: post.created_at,
        text: String::new(),
        urls,
        hashtags,
        repost_of: None,
        reply_to: None,
    };
    NormalizedPost { features, info, lang }
}

/// Moves what evidence needs out of the record into its `PostInfo`, so the text is held once.
pub fn take_record_fields(post: &mut Post, info: &mut PostInfo) {
    info.id = std::mem::take(&mut post.id);
    info.text = std::mem::take(&mut post.text);
    info.repost_of = post.repost_of.take();
    info.reply_to = post.reply_to.take();
}

/// Normalizes every post, in parallel, straight into the three columns later stages use
/// (no intermediate vector of whole records).
/// Normalized columns: features for detection, and per post its evidence view and language.
pub type Normalized = (Vec<PostFeatures>, (Vec<PostInfo>, Vec<Option<String>>));

pub fn normalize_all(posts: &[Post], accounts: &[u32], policy: &UrlPolicy, detect_lang: bool) -> Normalized {
    posts
        .par_iter()
        .zip(accounts.par_iter())
        .map(|(p, a)| {
            let n = normalize_post(p, *a, policy, detect_lang);
            (n.features, (n.info, n.lang))
        })
        .unzip()
}
