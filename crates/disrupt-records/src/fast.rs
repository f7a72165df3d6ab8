//! A fast path for the common case: a valid `post` (or `account`) line with only contract
//! fields, parsed straight into a [`Post`] (or [`Account`]) without building a JSON tree. Anything else (another kind, an
//! extra field, a wrong type, an empty id) returns `None` and the caller takes the general
//! path in [`crate::record_from_json`], which gives the precise error or keeps the extra
//! fields as attributes. Both paths give the same record for the same line.

use crate::record::{Account, Metrics, Post, SharedObject};
use crate::time::{parse_time_str, TimeZoneSetting, Timestamp};
use crate::validate::{normalize_lang_tag, normalized_lang_tag};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// An identifier: a non-empty string, or an integer read as its decimal string.
struct Id<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Id<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an identifier")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Id<'de>, E> {
                if v.is_empty() {
                    Err(E::custom("empty"))
                } else {
                    Ok(Id(Cow::Borrowed(v)))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id<'de>, E> {
                if v.is_empty() {
                    Err(E::custom("empty"))
                } else {
                    Ok(Id(Cow::Owned(v.to_string())))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id<'de>, E> {
                Ok(Id(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id<'de>, E> {
                Ok(Id(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string that borrows from the line when it has no escapes. serde borrows a bare
/// `Cow<str>` field, but not one inside an `Option` or a `Vec`: those it always copies.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

enum RawTime<'a> {
    Text(Cow<'a, str>),
    Seconds(i64),
}

impl RawTime<'_> {
    /// The time, read as the general path reads it; `None` when it is not a valid time.
    fn timestamp(self, zone: TimeZoneSetting) -> Option<Timestamp> {
        match self {
            RawTime::Text(t) => parse_time_str(&t, zone).ok(),
            RawTime::Seconds(s) => crate::time::parse_time_value(&serde_json::Value::from(s), zone).ok(),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawTime<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTime<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a time")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<RawTime<'de>, E> {
                Ok(RawTime::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawTime<'de>, E> {
                Ok(RawTime::Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawTime<'de>, E> {
                Ok(RawTime::Seconds(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawTime<'de>, E> {
                i64::try_from(v).map(RawTime::Seconds).map_err(|_| E::custom("out of range"))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    views: Option<u64>,
    likes: Option<u64>,
    shares: Option<u64>,
    comments: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPost<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Id<'a>,
    #[serde(borrow)]
    account: Id<'a>,
    #[serde(borrow)]
    platform: Cow<'a, str>,
    #[serde(borrow)]
    created_at: RawTime<'a>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    lang: Option<Text<'a>>,
    #[serde(borrow, default)]
    hashtags: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    urls: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    mentions: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    reply_to: Option<Id<'a>>,
    #[serde(borrow, default)]
    repost_of: Option<Id<'a>>,
    #[serde(borrow, default)]
    quote_of: Option<Id<'a>>,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default)]
    is_ad: Option<bool>,
    #[serde(default)]
    objects: Option<Vec<RawObject>>,
}

/// An item of `objects` as the fast path takes it: strings only (the general path reads
/// numbers too, and says what is wrong).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObject {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

fn objects(raw: Option<Vec<RawObject>>) -> Option<Vec<SharedObject>> {
    raw.map(|v| v.into_iter().filter_map(|o| SharedObject::new(&o.kind, &o.value)).collect())
}

/// A list's items trimmed (and stripped of their sign, `#` or `@`), empty ones dropped.
fn list<'a>(items: Option<Vec<Text<'a>>>, sign: Option<char>) -> Option<Vec<Cow<'a, str>>> {
    items.map(|v| {
        v.into_iter()
            .map(|Text(s)| {
                let cut = |t: &str| -> std::ops::Range<usize> {
                    let trimmed = t.trim();
                    let kept = match sign {
                        Some(sign) => trimmed.trim_start_matches(sign),
                        None => trimmed,
                    };
                    let start = kept.as_ptr() as usize - t.as_ptr() as usize;
                    start..start + kept.len()
                };
                match s {
                    Cow::Borrowed(b) => Cow::Borrowed(&b[cut(b)]),
                    Cow::Owned(o) => Cow::Owned(o[cut(&o)].to_string()),
                }
            })
            .filter(|s| !s.is_empty())
            .collect()
    })
}

fn owned_list(items: Option<Vec<Cow<'_, str>>>) -> Option<Vec<String>> {
    items.map(|v| v.into_iter().map(Cow::into_owned).collect())
}

/// A post as the fast path reads it: the same fields as [`Post`] (minus attributes, which
/// the fast path never has), its strings borrowed from the line where the JSON has no
/// escapes in them. A stage that only reads a post's strings (normalization) can take
/// them from here without copying each one.
#[derive(Debug, Clone, PartialEq)]
pub struct PostView<'a> {
    /// As [`Post`]'s `id`.
    pub id: Cow<'a, str>,
    /// As [`Post`]'s `account`.
    pub account: Cow<'a, str>,
    /// As [`Post`]'s `platform`.
    pub platform: Cow<'a, str>,
    /// As [`Post`]'s `created_at`.
    pub created_at: Timestamp,
    /// As [`Post`]'s `text`.
    pub text: Cow<'a, str>,
    /// As [`Post`]'s `lang`.
    pub lang: Option<Cow<'a, str>>,
    /// As [`Post`]'s `hashtags`.
    pub hashtags: Option<Vec<Cow<'a, str>>>,
    /// As [`Post`]'s `urls`.
    pub urls: Option<Vec<Cow<'a, str>>>,
    /// As [`Post`]'s `mentions`.
    pub mentions: Option<Vec<Cow<'a, str>>>,
    /// As [`Post`]'s `reply_to`.
    pub reply_to: Option<Cow<'a, str>>,
    /// As [`Post`]'s `repost_of`.
    pub repost_of: Option<Cow<'a, str>>,
    /// As [`Post`]'s `quote_of`.
    pub quote_of: Option<Cow<'a, str>>,
    /// As [`Post`]'s `metrics`.
    pub metrics: Option<Metrics>,
    /// As [`Post`]'s `is_ad`.
    pub is_ad: Option<bool>,
    /// As [`Post`]'s `objects`.
    pub objects: Option<Vec<SharedObject>>,
}

impl PostView<'_> {
    /// The owned record: what the general path gives for the same line.
    pub fn into_post(self) -> Post {
        Post {
            id: self.id.into_owned(),
            account: self.account.into_owned(),
            platform: self.platform.into_owned(),
            created_at: self.created_at,
            text: self.text.into_owned(),
            lang: self.lang.map(Cow::into_owned),
            hashtags: owned_list(self.hashtags),
            urls: owned_list(self.urls),
            mentions: owned_list(self.mentions),
            reply_to: self.reply_to.map(Cow::into_owned),
            repost_of: self.repost_of.map(Cow::into_owned),
            quote_of: self.quote_of.map(Cow::into_owned),
            metrics: self.metrics,
            is_ad: self.is_ad,
            objects: self.objects,
            attributes: None,
        }
    }
}

/// The post on this line, borrowing from it, when the fast path can read it in full. The
/// line is taken as text: the reader has checked its UTF-8 once, so the parser need not.
pub fn post_view_from_json_fast(line: &str, zone: TimeZoneSetting) -> Option<PostView<'_>> {
    let raw: RawPost<'_> = serde_json::from_str(line).ok()?;
    if raw.kind != "post" {
        return None;
    }
    let created_at = raw.created_at.timestamp(zone)?;
    Some(PostView {
        id: raw.id.0,
        account: raw.account.0,
        platform: raw.platform,
        created_at,
        text: raw.text,
        lang: raw.lang.and_then(|Text(l)| match l {
            Cow::Borrowed(tag) => normalized_lang_tag(tag),
            Cow::Owned(tag) => normalize_lang_tag(&tag).map(Cow::Owned),
        }),
        hashtags: list(raw.hashtags, Some('#')),
        urls: list(raw.urls, None),
        mentions: list(raw.mentions, Some('@')),
        reply_to: raw.reply_to.map(|i| i.0),
        repost_of: raw.repost_of.map(|i| i.0),
        quote_of: raw.quote_of.map(|i| i.0),
        metrics: raw.metrics.map(|m| Metrics { views: m.views, likes: m.likes, shares: m.shares, comments: m.comments }),
        is_ad: raw.is_ad,
        objects: objects(raw.objects),
    })
}

/// The `kind` of a line that starts `{"kind":"...",` as exports and disrupt itself write
/// it; `None` when the line is laid out otherwise (the fast paths are then tried in turn).
/// Lets a reader skip a fast path that is bound to fail: a failed parse builds an error.
pub fn leading_kind(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(r#"{"kind":""#)?;
    let end = rest.find(['"', '\\'])?;
    rest[end..].starts_with('"').then(|| &rest[..end])
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Id<'a>,
    #[serde(borrow)]
    platform: Cow<'a, str>,
    #[serde(borrow, default)]
    handle: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    display_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bio: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    lang: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    created_at: Option<RawTime<'a>>,
    #[serde(default)]
    followers: Option<u64>,
    #[serde(default)]
    following: Option<u64>,
}

/// The account on this line, when the fast path can read it in full.
pub fn account_from_json_fast(line: &str, zone: TimeZoneSetting) -> Option<Account> {
    let raw: RawAccount<'_> = serde_json::from_str(line).ok()?;
    if raw.kind != "account" {
        return None;
    }
    let created_at = match raw.created_at {
        None => None,
        Some(time) => Some(time.timestamp(zone)?),
    };
    Some(Account {
        id: raw.id.0.into_owned(),
        platform: raw.platform.into_owned(),
        handle: raw.handle.map(|h| h.trim_start_matches('@').to_string()),
        display_name: raw.display_name.map(Cow::into_owned),
        bio: raw.bio.map(Cow::into_owned),
        lang: raw.lang.and_then(|l| normalize_lang_tag(&l)),
        created_at,
        followers: raw.followers,
        following: raw.following,
        attributes: None,
    })
}

/// The post on this line, when the fast path can read it in full.
pub fn post_from_json_fast(line: &str, zone: TimeZoneSetting) -> Option<Post> {
    post_view_from_json_fast(line, zone).map(PostView::into_post)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{record_from_json, Record};
    use proptest::prelude::*;

    /// The general path's record for a line (what the fast paths must agree with).
    fn general(line: &str) -> Option<Record> {
        record_from_json(serde_json::from_str(line).ok()?, TimeZoneSetting::default()).ok()
    }

    fn slow_account(line: &str) -> Option<Account> {
        match general(line)? {
            Record::Account(a) => Some(a),
            _ => None,
        }
    }

    fn slow(line: &str) -> Option<Post> {
        match general(line)? {
            Record::Post(p) => Some(p),
            _ => None,
        }
    }

    #[test]
    fn leading_kind_reads_only_the_usual_layout() {
        assert_eq!(leading_kind(r#"{"kind":"account","id":"1"}"#), Some("account"));
        assert_eq!(leading_kind(r#"{"id":"1","kind":"post"}"#), None);
        assert_eq!(leading_kind(r#"{"kind":"po\u0073t"}"#), None);
        assert_eq!(leading_kind(r#"{"kind":"post"#), None);
    }

    #[test]
    fn accounts_fall_back_for_what_the_fast_path_does_not_handle() {
        let zone = TimeZoneSetting::default();
        let base = r#"{"kind":"account","id":"x:1","platform":"x","handle":"@amara","created_at":"2018-04-05T00:00:00Z","followers":3,"following":308,"lang":"EN"}"#;
        assert_eq!(account_from_json_fast(base, zone), slow_account(base));
        assert_eq!(account_from_json_fast(base, zone).unwrap().handle.as_deref(), Some("amara"));
        for other in [
            r#"{"kind":"account","id":"x:1","platform":"x","verified":true}"#,
            r#"{"kind":"post","id":"x:1","platform":"x"}"#,
            r#"{"kind":"account","id":"","platform":"x"}"#,
            r#"{"kind":"account","id":"x:1","platform":"x","followers":-1}"#,
            r#"{"kind":"account","id":"x:1","platform":"x","followers":1.5}"#,
            r#"{"kind":"account","id":"x:1","platform":"x","created_at":"soon"}"#,
            r#"{"kind":"account","id":"x:1"}"#,
        ] {
            assert!(account_from_json_fast(other, zone).is_none(), "{other}");
        }
    }

    #[test]
    fn objects_are_read_by_both_paths_and_checked_by_the_general_one() {
        let zone = TimeZoneSetting::default();
        let line = r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"","objects":[{"type":" PHash ","value":" ab12 "},{"type":"","value":"x"}]}"#;
        let post = post_from_json_fast(line, zone).unwrap();
        assert_eq!(post.objects.as_ref().unwrap().iter().map(|o| o.key()).collect::<Vec<_>>(), ["phash:ab12"]);
        assert_eq!(Some(post), slow(line));
        let number =
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"","objects":[{"type":"video","value":12}]}"#;
        assert_eq!(slow(number).unwrap().objects.unwrap()[0].key(), "video:12", "a number is read as its digits");
        for bad in [r#"["ab"]"#, r#"[{"type":"a"}]"#, r#"[{"type":"a","value":"b","size":3}]"#, r#"{"type":"a"}"#] {
            let line = format!(r#"{{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"","objects":{bad}}}"#);
            let e = record_from_json(serde_json::from_str(&line).unwrap(), zone).unwrap_err();
            assert!(e.to_string().contains("objects"), "{e}");
        }
    }

    #[test]
    fn falls_back_for_what_it_does_not_handle() {
        let zone = TimeZoneSetting::default();
        let base = r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":"2026-01-01T00:00:00Z","text":"hi"}"#;
        assert!(post_from_json_fast(base, zone).is_some());
        for other in [
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"hi","extra":1}"#,
            r#"{"kind":"account","id":"x:1","platform":"x"}"#,
            r#"{"kind":"post","id":"","account":"x:1","platform":"x","created_at":0,"text":"hi"}"#,
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":"soon","text":"hi"}"#,
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"hi","metrics":{"likes":-1}}"#,
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"hi","objects":[{"type":"phash","value":12}]}"#,
        ] {
            assert!(post_from_json_fast(other, zone).is_none(), "{other}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_general_path(
            id in prop_oneof!["[a-z0-9:]{1,8}".prop_map(|s| format!("{s:?}")), (0u64..1_000_000).prop_map(|n| n.to_string())],
            time in prop_oneof![Just("\"2026-02-03T10:15:00+02:00\"".to_string()), (0i64..2_000_000_000).prop_map(|n| n.to_string()), Just("\"2017-06-22 16:03\"".to_string())],
            text in "\\PC{0,30}",
            tags in proptest::option::of(proptest::collection::vec("#?[a-zA-Z \"\\\\]{0,6}", 0..3)),
            lang in proptest::option::of(prop_oneof![Just("in"), Just("EN-us"), Just("und"), Just("en"), Just("pt-BR"), Just("zh_Hant"), Just(" e\\u006e ")]),
            likes in proptest::option::of(0u64..1000),
            reply in proptest::option::of(1u64..100),
            objects in proptest::option::of(proptest::collection::vec(("[a-zA-Z ]{0,5}", "[a-z0-9 ]{0,5}"), 0..3)),
        ) {
            let mut line = format!(r#"{{"kind":"post","id":{id},"account":"x:a","platform":"x","created_at":{time},"text":{}"#, serde_json::to_string(&text).unwrap());
            if let Some(t) = &tags { line.push_str(&format!(r#","hashtags":{}"#, serde_json::to_string(t).unwrap())); }
            if let Some(l) = lang { line.push_str(&format!(r#","lang":"{l}""#)); }
            if let Some(n) = likes { line.push_str(&format!(r#","metrics":{{"likes":{n}}}"#)); }
            if let Some(r) = reply { line.push_str(&format!(r#","reply_to":{r}"#)); }
            if let Some(o) = &objects {
                let items: Vec<serde_json::Value> = o.iter().map(|(t, v)| serde_json::json!({"type": t, "value": v})).collect();
                line.push_str(&format!(r#","objects":{}"#, serde_json::Value::from(items)));
            }
            line.push('}');
            let fast = post_from_json_fast(&line, TimeZoneSetting::default());
            prop_assert!(fast.is_some(), "{}", line);
            prop_assert_eq!(fast, slow(&line));
        }

        #[test]
        fn accounts_agree_with_the_general_path(
            id in prop_oneof!["[a-z0-9:]{1,8}".prop_map(|s| format!("{s:?}")), (0u64..1_000_000).prop_map(|n| n.to_string())],
            handle in proptest::option::of("@?\\PC{0,10}"),
            bio in proptest::option::of("\\PC{0,30}"),
            time in proptest::option::of(prop_oneof![Just("\"2026-02-03T10:15:00+02:00\"".to_string()), (0i64..2_000_000_000).prop_map(|n| n.to_string()), Just("null".to_string())]),
            lang in proptest::option::of(prop_oneof![Just("in"), Just("EN-us"), Just("und")]),
            followers in proptest::option::of(0u64..u64::MAX),
        ) {
            let mut line = format!(r#"{{"kind":"account","id":{id},"platform":"x""#);
            if let Some(h) = &handle { line.push_str(&format!(r#","handle":{}"#, serde_json::to_string(h).unwrap())); }
            if let Some(b) = &bio { line.push_str(&format!(r#","bio":{}"#, serde_json::to_string(b).unwrap())); }
            if let Some(t) = &time { line.push_str(&format!(r#","created_at":{t}"#)); }
            if let Some(l) = lang { line.push_str(&format!(r#","lang":"{l}""#)); }
            if let Some(n) = followers { line.push_str(&format!(r#","followers":{n}"#)); }
            line.push('}');
            let fast = account_from_json_fast(&line, TimeZoneSetting::default());
            prop_assert!(fast.is_some(), "{}", line);
            prop_assert_eq!(fast, slow_account(&line));
        }
    }
}
