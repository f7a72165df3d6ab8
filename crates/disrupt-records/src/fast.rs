//! A fast path for the common case: a valid `post` line with only contract fields, parsed
//! straight into a [`Post`] without building a JSON tree. Anything else (another kind, an
//! extra field, a wrong type, an empty id) returns `None` and the caller takes the general
//! path in [`crate::record_from_json`], which gives the precise error or keeps the extra
//! fields as attributes. Both paths give the same record for the same line.

use crate::record::{Metrics, Post};
use crate::time::{parse_time_str, TimeZoneSetting, Timestamp};
use crate::validate::normalize_lang_tag;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// An identifier: a non-empty string, or an integer read as its decimal string.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an identifier")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                if v.is_empty() {
                    Err(E::custom("empty"))
                } else {
                    Ok(Id(v.to_string()))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

enum RawTime<'a> {
    Text(Cow<'a, str>),
    Seconds(i64),
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
    id: Id,
    account: Id,
    #[serde(borrow)]
    platform: Cow<'a, str>,
    #[serde(borrow)]
    created_at: RawTime<'a>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(borrow, default)]
    lang: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    hashtags: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    urls: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    mentions: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    reply_to: Option<Id>,
    #[serde(default)]
    repost_of: Option<Id>,
    #[serde(default)]
    quote_of: Option<Id>,
    #[serde(default)]
    metrics: Option<RawMetrics>,
    #[serde(default)]
    is_ad: Option<bool>,
}

fn list(items: Option<Vec<Cow<'_, str>>>, sign: Option<char>) -> Option<Vec<String>> {
    items.map(|v| {
        v.into_iter()
            .map(|s| match sign {
                Some(sign) => s.trim().trim_start_matches(sign).to_string(),
                None => s.trim().to_string(),
            })
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// The post on this line, when the fast path can read it in full.
pub fn post_from_json_fast(line: &[u8], zone: TimeZoneSetting) -> Option<Post> {
    let raw: RawPost<'_> = serde_json::from_slice(line).ok()?;
    if raw.kind != "post" {
        return None;
    }
    let created_at: Timestamp = match raw.created_at {
        RawTime::Text(t) => parse_time_str(&t, zone).ok()?,
        RawTime::Seconds(s) => crate::time::parse_time_value(&serde_json::Value::from(s), zone).ok()?,
    };
    Some(Post {
        id: raw.id.0,
        account: raw.account.0,
        platform: raw.platform.into_owned(),
        created_at,
        text: raw.text.into_owned(),
        lang: raw.lang.and_then(|l| normalize_lang_tag(&l)),
        hashtags: list(raw.hashtags, Some('#')),
        urls: list(raw.urls, None),
        mentions: list(raw.mentions, Some('@')),
        reply_to: raw.reply_to.map(|i| i.0),
        repost_of: raw.repost_of.map(|i| i.0),
        quote_of: raw.quote_of.map(|i| i.0),
        metrics: raw.metrics.map(|m| Metrics { views: m.views, likes: m.likes, shares: m.shares, comments: m.comments }),
        is_ad: raw.is_ad,
        attributes: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{record_from_json, Record};
    use proptest::prelude::*;

    fn slow(line: &str) -> Option<Post> {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        match record_from_json(v, TimeZoneSetting::default()) {
            Ok(Record::Post(p)) => Some(p),
            _ => None,
        }
    }

    #[test]
    fn falls_back_for_what_it_does_not_handle() {
        let zone = TimeZoneSetting::default();
        let base = r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":"2026-01-01T00:00:00Z","text":"hi"}"#;
        assert!(post_from_json_fast(base.as_bytes(), zone).is_some());
        for other in [
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"hi","extra":1}"#,
            r#"{"kind":"account","id":"x:1","platform":"x"}"#,
            r#"{"kind":"post","id":"","account":"x:1","platform":"x","created_at":0,"text":"hi"}"#,
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":"soon","text":"hi"}"#,
            r#"{"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":"hi","metrics":{"likes":-1}}"#,
        ] {
            assert!(post_from_json_fast(other.as_bytes(), zone).is_none(), "{other}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_general_path(
            id in prop_oneof!["[a-z0-9:]{1,8}".prop_map(|s| format!("{s:?}")), (0u64..1_000_000).prop_map(|n| n.to_string())],
            time in prop_oneof![Just("\"2026-02-03T10:15:00+02:00\"".to_string()), (0i64..2_000_000_000).prop_map(|n| n.to_string()), Just("\"2017-06-22 16:03\"".to_string())],
            text in "\\PC{0,30}",
            tags in proptest::option::of(proptest::collection::vec("#?[a-zA-Z ]{0,6}", 0..3)),
            lang in proptest::option::of(prop_oneof![Just("in"), Just("EN-us"), Just("und")]),
            likes in proptest::option::of(0u64..1000),
            reply in proptest::option::of(1u64..100),
        ) {
            let mut line = format!(r#"{{"kind":"post","id":{id},"account":"x:a","platform":"x","created_at":{time},"text":{}"#, serde_json::to_string(&text).unwrap());
            if let Some(t) = &tags { line.push_str(&format!(r#","hashtags":{}"#, serde_json::to_string(t).unwrap())); }
            if let Some(l) = lang { line.push_str(&format!(r#","lang":"{l}""#)); }
            if let Some(n) = likes { line.push_str(&format!(r#","metrics":{{"likes":{n}}}"#)); }
            if let Some(r) = reply { line.push_str(&format!(r#","reply_to":{r}"#)); }
            line.push('}');
            let fast = post_from_json_fast(line.as_bytes(), TimeZoneSetting::default());
            prop_assert!(fast.is_some(), "{}", line);
            prop_assert_eq!(fast, slow(&line));
        }
    }
}
