//! Normalize stage: derives every post's matching keys, in parallel.

use crate::corpus::{account_key, identity_key};
use compact_str::CompactString;
use disrupt_detect::input::{ObjectHashes, Sketch, WordHashes, SKETCH_LEN};
use disrupt_detect::PostFeatures;
use disrupt_evidence::store::{encode_parts, StoredFields};
use disrupt_evidence::{Engagement, PostInfo};
use disrupt_ingest::Prepare;
use disrupt_normalize::{
    canonical_url, extract_hashtags, extract_urls, fold_hashtag, matching_text, text_hash, with_matching_text, with_word_set_and_sketch,
    UrlPolicy,
};
use disrupt_records::{Metrics, Post, PostView, Record, RecordKind, SharedObject};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use xxhash_rust::xxh3::xxh3_64;

/// Everything normalization derives from one post.
pub struct NormalizedPost {
    /// Its matching keys.
    pub features: PostFeatures,
    /// What evidence keeps of it.
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

/// What normalization reads of a post, borrowed (from a [`Post`] or a [`PostView`]).
struct PostFields<'a, S: AsRef<str>> {
    id: &'a str,
    time: i64,
    text: &'a str,
    urls: Option<&'a [S]>,
    hashtags: Option<&'a [S]>,
    objects: Option<&'a [SharedObject]>,
    repost_of: Option<&'a str>,
    reply_to: Option<&'a str>,
    quote_of: Option<&'a str>,
    lang: Option<&'a str>,
    engagement: Engagement,
    /// An ad or a Telegram channel post.
    promotes: bool,
}

/// A record's metrics as the post store keeps them.
fn engagement(metrics: Option<Metrics>) -> Engagement {
    metrics.map_or_else(Engagement::default, |m| Engagement { views: m.views, likes: m.likes, shares: m.shares, comments: m.comments })
}

fn promotes(is_ad: Option<bool>, platform: &str) -> bool {
    is_ad == Some(true) || platform == "telegram"
}

/// The items a post shares, as its stored fields keep them: canonical links, folded
/// hashtags and `type:value` objects, each sorted and distinct.
struct SharedNames {
    urls: Vec<String>,
    hashtags: Vec<String>,
    objects: Vec<String>,
}

/// A post's matching keys (its author still to be numbered), and the names of what it shares.
fn derive_keys<S: AsRef<str>>(post: &PostFields<'_, S>, policy: &UrlPolicy) -> (PostFeatures, SharedNames) {
    // A repost's text is the original's: it has no matching text of its own.
    let own_text = if post.repost_of.is_some() { "" } else { post.text };
    let (text_hash, (tokens, sketch)) = with_matching_text(own_text, |matching| {
        let keys =
            with_word_set_and_sketch(matching, SKETCH_LEN, |words, sketch| (WordHashes::from_slice(words), Sketch::from_slice(sketch)));
        (text_hash(matching), keys)
    });
    let mut urls: Vec<String> = match post.urls {
        Some(given) => given.iter().filter_map(|u| canonical_url(u.as_ref(), policy)).collect(),
        None => extract_urls(post.text).iter().filter_map(|u| canonical_url(u, policy)).collect(),
    };
    // The site of the post's first link: a post linking to a popular site is judged among
    // that site's sharers (see `disrupt_evidence::null`).
    let site = urls.first().map_or(0, |u| disrupt_detect::post::site_hash(site_of(u)));
    urls.sort();
    urls.dedup();
    let mut hashtags: Vec<String> = match post.hashtags {
        Some(given) => given.iter().map(|h| fold_hashtag(h.as_ref())).filter(|h| !h.is_empty()).collect(),
        None => extract_hashtags(post.text).iter().map(|h| fold_hashtag(h)).filter(|h| !h.is_empty()).collect(),
    };
    hashtags.sort();
    hashtags.dedup();
    let mut objects: Vec<String> = post.objects.unwrap_or_default().iter().map(SharedObject::key).collect();
    objects.sort();
    objects.dedup();
    let features = PostFeatures {
        account: 0,
        time: post.time,
        id: hash_str(post.id),
        site,
        text_hash,
        tokens,
        urls: urls.iter().map(|u| hash_str(u)).collect::<ObjectHashes>(),
        hashtags: hashtags.iter().map(|h| hash_str(h)).collect::<ObjectHashes>(),
        objects: objects.iter().map(|o| hash_str(o)).collect::<ObjectHashes>(),
        repost_of: post.repost_of.map(hash_str),
        reply_to: post.reply_to.map(hash_str),
        sketch,
    };
    (features, SharedNames { urls, hashtags, objects })
}

/// The host of a canonical link (`host[:port]/path?query`).
fn site_of(canonical: &str) -> &str {
    canonical.split(['/', '?', '#']).next().unwrap_or(canonical)
}

fn fields_of(post: &Post) -> PostFields<'_, String> {
    PostFields {
        id: &post.id,
        time: post.created_at,
        text: &post.text,
        urls: post.urls.as_deref(),
        hashtags: post.hashtags.as_deref(),
        objects: post.objects.as_deref(),
        repost_of: post.repost_of.as_deref(),
        reply_to: post.reply_to.as_deref(),
        quote_of: post.quote_of.as_deref(),
        lang: post.lang.as_deref(),
        engagement: engagement(post.metrics),
        promotes: promotes(post.is_ad, &post.platform),
    }
}

/// Derives a post's matching keys and moves what evidence needs out of the record.
pub fn normalize_post(post: Post, account: u32, policy: &UrlPolicy) -> NormalizedPost {
    let (mut features, SharedNames { urls, hashtags, objects }) = derive_keys(&fields_of(&post), policy);
    features.account = account;
    let info = PostInfo {
        id: post.id,
        account,
        time: post.created_at,
        text: post.text,
        urls,
        hashtags,
        objects,
        repost_of: post.repost_of,
        reply_to: post.reply_to,
        quote_of: post.quote_of,
        lang: post.lang,
        engagement: engagement(post.metrics),
    };
    NormalizedPost { features, info }
}

/// Language of a post that does not give one (reposts carry the original's text and say
/// nothing new, so they have none).
pub fn post_language(info: &PostInfo) -> Option<String> {
    disrupt_normalize::post_language(info.lang.as_deref(), info.repost_of.is_some(), &info.text)
}

/// A post normalized on the thread that parsed it: its matching keys and its stored fields
/// (encoded for the post store), waiting for the corpus to check it is the first of its id
/// and to give its author a dense index, in input order.
pub struct PreparedPost {
    /// Duplicate-check key ([`crate::corpus::identity_key`]).
    pub identity: u128,
    /// The author's [`crate::corpus::account_key`].
    pub account_key: [u64; 2],
    /// Ids and platform names are short: held inline, they cost no allocation on the
    /// parsing thread and no free on the scan's.
    pub account: CompactString,
    /// The author's platform.
    pub platform: CompactString,
    /// An ad or a Telegram channel post: where an operation promotes its contacts.
    pub promotes: bool,
    /// Matching keys; `account` is set once the corpus has numbered the author.
    pub features: PostFeatures,
    /// The stored fields, encoded for the post store.
    pub encoded: Vec<u8>,
}

/// A record as the scan's ingest hands it on: posts normalized, the rest as read.
// Posts are the common case; boxing them would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
pub enum Prepared {
    /// A post, normalized.
    Post(PreparedPost),
    /// Any other record, whole.
    Other(Record),
}

/// Normalizes posts where they are parsed (see [`disrupt_ingest::Prepare`]): the record's
/// strings are read while in cache and freed on the thread that allocated them.
pub struct ScanPreparer<'a> {
    /// How links are canonicalized.
    pub policy: &'a UrlPolicy,
    /// Nanoseconds spent normalizing, over all threads (for `--verbose`).
    pub busy_nanos: AtomicU64,
}

impl<'a> ScanPreparer<'a> {
    /// A preparer canonicalizing links with `policy`.
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

    fn prepare_post_view(&self, post: PostView<'_>) -> Prepared {
        let started = Instant::now();
        let prepared = prepare_post_view(post, self.policy);
        self.busy_nanos.fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        Prepared::Post(prepared)
    }
}

/// Normalizes a post and encodes its stored fields; the author is numbered later.
pub fn prepare_post(post: Post, policy: &UrlPolicy) -> PreparedPost {
    let fields = fields_of(&post);
    let (features, encoded) = keys_and_stored(&fields, policy);
    let promotes = fields.promotes;
    PreparedPost {
        identity: identity_key(RecordKind::Post, &post.id),
        account_key: account_key(&post.account),
        account: CompactString::from(post.account.as_str()),
        platform: CompactString::from(post.platform.as_str()),
        promotes,
        features,
        encoded,
    }
}

/// [`prepare_post`] from a post still borrowing the line it was read from: only the
/// author's id and platform are copied out of it.
pub fn prepare_post_view(post: PostView<'_>, policy: &UrlPolicy) -> PreparedPost {
    let fields = PostFields {
        id: &post.id,
        time: post.created_at,
        text: &post.text,
        urls: post.urls.as_deref(),
        hashtags: post.hashtags.as_deref(),
        objects: post.objects.as_deref(),
        repost_of: post.repost_of.as_deref(),
        reply_to: post.reply_to.as_deref(),
        quote_of: post.quote_of.as_deref(),
        lang: post.lang.as_deref(),
        engagement: engagement(post.metrics),
        promotes: promotes(post.is_ad, &post.platform),
    };
    let (features, encoded) = keys_and_stored(&fields, policy);
    PreparedPost {
        identity: identity_key(RecordKind::Post, &post.id),
        account_key: account_key(&post.account),
        account: CompactString::from(post.account.as_ref()),
        platform: CompactString::from(post.platform.as_ref()),
        promotes: fields.promotes,
        features,
        encoded,
    }
}

/// A post's matching keys and its stored fields, encoded for the post store.
fn keys_and_stored<S: AsRef<str>>(post: &PostFields<'_, S>, policy: &UrlPolicy) -> (PostFeatures, Vec<u8>) {
    let (features, shared) = derive_keys(post, policy);
    let stored = StoredFields {
        id: post.id,
        text: post.text,
        urls: &shared.urls,
        hashtags: &shared.hashtags,
        objects: &shared.objects,
        repost_of: post.repost_of,
        reply_to: post.reply_to,
        quote_of: post.quote_of,
        lang: post.lang,
        engagement: post.engagement,
    };
    let mut encoded = Vec::with_capacity(post.text.len() + post.id.len() + 64);
    encode_parts(&stored, &mut encoded);
    (features, encoded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_records::{post_from_json_fast, post_view_from_json_fast, TimeZoneSetting};
    use proptest::prelude::*;

    fn same(a: &PreparedPost, b: &PreparedPost) -> bool {
        a.identity == b.identity
            && a.account_key == b.account_key
            && a.account == b.account
            && a.platform == b.platform
            && a.promotes == b.promotes
            && a.features == b.features
            && a.encoded == b.encoded
    }

    #[test]
    fn a_post_read_in_place_prepares_as_its_owned_record() {
        let line = r#"{"kind":"post","id":7,"account":"x:a","platform":"telegram","created_at":"2026-01-01T00:00:00Z","text":"Join #Win \"now\" https://t.co/x?utm_source=a","hashtags":[" #Win "],"urls":["https://t.co/x?utm_source=a"],"reply_to":"x:1","is_ad":true}"#;
        let policy = UrlPolicy::default();
        let zone = TimeZoneSetting::default();
        let view = prepare_post_view(post_view_from_json_fast(line, zone).unwrap(), &policy);
        let owned = prepare_post(post_from_json_fast(line, zone).unwrap(), &policy);
        assert!(same(&view, &owned));
        assert!(view.promotes);
        assert_eq!(view.features.hashtags.as_slice(), [object_hash("win")]);
        assert_eq!(view.features.urls.len(), 1);
        // What normalize_post gives a consumer of whole posts agrees too.
        let whole = normalize_post(post_from_json_fast(line, zone).unwrap(), 0, &policy);
        assert_eq!(whole.features, view.features);
    }

    proptest! {
        #[test]
        fn borrowed_and_owned_posts_prepare_alike(
            text in "\\PC{0,60}",
            tags in proptest::option::of(proptest::collection::vec("#?[a-zA-Z\\\\ ]{0,6}", 0..3)),
            urls in proptest::option::of(proptest::collection::vec("https://[a-z]{1,5}\\.com/[a-z?=&]{0,8}", 0..3)),
            repost in proptest::option::of("[a-z0-9\"]{1,6}"),
            numeric_id in any::<bool>(),
        ) {
            let id = if numeric_id { "42".to_string() } else { "\"p\\u00e91\"".to_string() };
            let mut line = format!(r#"{{"kind":"post","id":{id},"account":"x:a","platform":"x","created_at":"2026-02-03T10:15:00Z","text":{}"#, serde_json::to_string(&text).unwrap());
            if let Some(t) = &tags { line.push_str(&format!(r#","hashtags":{}"#, serde_json::to_string(t).unwrap())); }
            if let Some(u) = &urls { line.push_str(&format!(r#","urls":{}"#, serde_json::to_string(u).unwrap())); }
            if let Some(r) = &repost { line.push_str(&format!(r#","repost_of":{}"#, serde_json::to_string(r).unwrap())); }
            line.push('}');
            let policy = UrlPolicy::default();
            let zone = TimeZoneSetting::default();
            let view = post_view_from_json_fast(&line, zone);
            prop_assert!(view.is_some(), "{}", line);
            let from_view = prepare_post_view(view.unwrap(), &policy);
            let from_owned = prepare_post(post_from_json_fast(&line, zone).unwrap(), &policy);
            prop_assert!(same(&from_view, &from_owned), "{}", line);
        }

        #[test]
        fn preparing_arbitrary_posts_never_panics(
            posts in proptest::collection::vec(("\\PC{0,80}", proptest::collection::vec("\\PC{0,12}", 0..3), proptest::collection::vec("\\PC{0,20}", 0..3)), 1..12),
            noise in proptest::collection::vec("\\PC{0,40}", 0..4),
        ) {
            let mut lines: Vec<String> = posts
                .iter()
                .enumerate()
                .map(|(i, (text, tags, urls))| {
                    serde_json::json!({"kind": "post", "id": format!("p{i}"), "account": "x:a", "platform": "x",
                        "created_at": "2026-02-03T10:15:00Z", "text": text, "hashtags": tags, "urls": urls})
                    .to_string()
                })
                .collect();
            lines.extend(noise.iter().cloned());
            let mut file = tempfile::NamedTempFile::new().unwrap();
            std::io::Write::write_all(&mut file, lines.join("\n").as_bytes()).unwrap();
            let policy = UrlPolicy::default();
            let preparer = ScanPreparer::new(&policy);
            let (mut prepared_posts, mut others) = (0usize, 0usize);
            let options = disrupt_ingest::IngestOptions { format: Some(disrupt_ingest::InputFormat::Jsonl), ..Default::default() };
            disrupt_ingest::ingest_file_prepared(file.path(), "posts.jsonl", &options, &preparer, &mut |event| match event {
                disrupt_ingest::IngestEvent::Record { record: Prepared::Post(_), .. } => prepared_posts += 1,
                _ => others += 1,
            })
            .unwrap();
            // Every well-formed post is prepared (whatever its strings); noise lines are
            // rejects (or, by chance, other records).
            prop_assert_eq!(prepared_posts, posts.len());
            prop_assert!(others <= noise.len());
        }
    }
}
