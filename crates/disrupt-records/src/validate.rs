//! Turning a JSON object into a contract record, or saying exactly why not.
//!
//! The contract says "rejected, never guessed at": a wrong type is an error, not a
//! coercion, except where the contract itself allows two forms (ids as numbers, times
//! as Unix seconds, hashtags with a leading `#`, the legacy `in` language tag).

use crate::record::*;
use crate::time::{excerpt, json_type, parse_time_value, TimeZoneSetting};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Why a record was rejected; the message names the field and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RecordError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, RecordError> {
    Err(RecordError(msg.into()))
}

struct Fields {
    map: Map<String, Value>,
    zone: TimeZoneSetting,
}

impl Fields {
    fn take(&mut self, name: &str) -> Option<Value> {
        match self.map.remove(name) {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        }
    }

    fn required_id(&mut self, name: &str) -> Result<String, RecordError> {
        match self.optional_id(name)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(_) => err(format!("field `{name}` is empty")),
            None => err(format!("missing required field `{name}`")),
        }
    }

    /// Identifiers are strings; a number is read as its decimal string.
    fn optional_id(&mut self, name: &str) -> Result<Option<String>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(if s.is_empty() { None } else { Some(s) }),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
            Some(other) => err(format!("field `{name}`: expected a string identifier, got {}", json_type(&other))),
        }
    }

    fn required_string(&mut self, name: &str) -> Result<String, RecordError> {
        match self.take(name) {
            Some(Value::String(s)) => Ok(s),
            Some(other) => err(format!("field `{name}`: expected a string, got {}", json_type(&other))),
            None => err(format!("missing required field `{name}`")),
        }
    }

    fn optional_string(&mut self, name: &str) -> Result<Option<String>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => err(format!("field `{name}`: expected a string, got {}", json_type(&other))),
        }
    }

    fn optional_lang(&mut self, name: &str) -> Result<Option<String>, RecordError> {
        Ok(self.optional_string(name)?.and_then(|s| normalize_lang_tag(&s)))
    }

    fn required_time(&mut self, name: &str) -> Result<i64, RecordError> {
        match self.take(name) {
            Some(v) => parse_time_value(&v, self.zone).map_err(|e| RecordError(format!("field `{name}`: {e}"))),
            None => err(format!("missing required field `{name}`")),
        }
    }

    fn optional_time(&mut self, name: &str) -> Result<Option<i64>, RecordError> {
        match self.take(name) {
            Some(v) => parse_time_value(&v, self.zone).map(Some).map_err(|e| RecordError(format!("field `{name}`: {e}"))),
            None => Ok(None),
        }
    }

    fn optional_count(&mut self, name: &str) -> Result<Option<u64>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => count(&v).map(Some).map_err(|e| RecordError(format!("field `{name}`: {e}"))),
        }
    }

    fn optional_bool(&mut self, name: &str) -> Result<Option<bool>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(other) => err(format!("field `{name}`: expected true or false, got {}", json_type(&other))),
        }
    }

    fn optional_strings(&mut self, name: &str, strip_sign: Option<char>) -> Result<Option<Vec<String>>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => {
                            let s = match strip_sign {
                                Some(sign) => s.trim().trim_start_matches(sign).to_string(),
                                None => s.trim().to_string(),
                            };
                            if !s.is_empty() {
                                out.push(s);
                            }
                        }
                        other => return err(format!("field `{name}`[{i}]: expected a string, got {}", json_type(&other))),
                    }
                }
                Ok(Some(out))
            }
            Some(other) => err(format!("field `{name}`: expected an array of strings, got {}", json_type(&other))),
        }
    }

    /// `[{"type": ..., "value": ...}]`; items with an empty type or value are dropped.
    fn optional_objects(&mut self, name: &str) -> Result<Option<Vec<SharedObject>>, RecordError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    let Value::Object(mut o) = item else {
                        return err(format!("field `{name}`[{i}]: expected an object with `type` and `value`, got {}", json_type(&item)));
                    };
                    let mut text = |field: &str| match o.remove(field) {
                        Some(Value::String(s)) => Ok(s),
                        // Image hashes and ids are often written as numbers.
                        Some(Value::Number(n)) => Ok(n.to_string()),
                        Some(other) => err(format!("field `{name}`[{i}].{field}: expected a string, got {}", json_type(&other))),
                        None => err(format!("field `{name}`[{i}]: missing `{field}`")),
                    };
                    let (kind, value) = (text("type")?, text("value")?);
                    if let Some(extra) = o.keys().next() {
                        return err(format!("field `{name}`[{i}]: unknown field `{}` (an object has `type` and `value`)", excerpt(extra)));
                    }
                    out.extend(SharedObject::new(&kind, &value));
                }
                Ok(Some(out))
            }
            Some(other) => err(format!("field `{name}`: expected an array of objects, got {}", json_type(&other))),
        }
    }

    fn attributes(self) -> Attributes {
        if self.map.is_empty() {
            None
        } else {
            Some(Box::new(self.map))
        }
    }
}

fn count(v: &Value) -> Result<u64, String> {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(u)
            } else if n.as_i64().is_some() {
                Err("expected an integer >= 0, got a negative number".into())
            } else {
                Err(format!("expected an integer >= 0, got {n}"))
            }
        }
        other => Err(format!("expected an integer >= 0, got {}", json_type(other))),
    }
}

/// BCP 47 tags are case-insensitive; we keep the language subtag lower-case and map the
/// legacy `in` (Indonesian) to `id`, `iw` to `he`, `ji` to `yi` as the contract says.
pub fn normalize_lang_tag(tag: &str) -> Option<String> {
    normalized_lang_tag(tag).map(Cow::into_owned)
}

/// [`normalize_lang_tag`], borrowing the tag when it is already in normal form (most
/// are: `en`, `pt-BR`), so reading a post's language costs no allocation.
pub fn normalized_lang_tag(tag: &str) -> Option<Cow<'_, str>> {
    let t = tag.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("und") {
        return None;
    }
    let primary_end = t.find(['-', '_']).unwrap_or(t.len());
    let primary = &t[..primary_end];
    let legacy = ["in", "iw", "ji"].iter().any(|l| primary.eq_ignore_ascii_case(l));
    if !legacy && !primary.bytes().any(|b| b.is_ascii_uppercase()) && !t.contains('_') {
        return Some(Cow::Borrowed(t));
    }
    let mut parts = t.split(['-', '_']);
    let primary = parts.next().unwrap_or("").to_ascii_lowercase();
    let primary = match primary.as_str() {
        "in" => "id".to_string(),
        "iw" => "he".to_string(),
        "ji" => "yi".to_string(),
        _ => primary,
    };
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        Some(Cow::Owned(primary))
    } else {
        Some(Cow::Owned(format!("{primary}-{}", rest.join("-"))))
    }
}

/// Converts one parsed JSON object into a record of the contract.
pub fn record_from_json(value: Value, zone: TimeZoneSetting) -> Result<Record, RecordError> {
    let map = match value {
        Value::Object(m) => m,
        other => return err(format!("expected a JSON object, got {}", json_type(&other))),
    };
    let mut f = Fields { map, zone };
    let kind = match f.take("kind") {
        Some(Value::String(k)) => match RecordKind::parse(&k) {
            Some(kind) => kind,
            None => return err(format!("unknown kind `{}` (expected account, post, generation, message or label)", excerpt(&k))),
        },
        Some(other) => return err(format!("field `kind`: expected a string, got {}", json_type(&other))),
        None => return err("missing required field `kind`"),
    };
    Ok(match kind {
        RecordKind::Account => Record::Account(Account {
            id: f.required_id("id")?,
            platform: f.required_string("platform")?,
            handle: f.optional_string("handle")?.map(|h| h.trim_start_matches('@').to_string()),
            display_name: f.optional_string("display_name")?,
            bio: f.optional_string("bio")?,
            lang: f.optional_lang("lang")?,
            created_at: f.optional_time("created_at")?,
            followers: f.optional_count("followers")?,
            following: f.optional_count("following")?,
            attributes: None,
        }),
        RecordKind::Post => {
            let mut post = Post {
                id: f.required_id("id")?,
                account: f.required_id("account")?,
                platform: f.required_string("platform")?,
                created_at: f.required_time("created_at")?,
                text: f.required_string("text")?,
                lang: f.optional_lang("lang")?,
                hashtags: f.optional_strings("hashtags", Some('#'))?,
                urls: f.optional_strings("urls", None)?,
                mentions: f.optional_strings("mentions", Some('@'))?,
                reply_to: f.optional_id("reply_to")?,
                repost_of: f.optional_id("repost_of")?,
                quote_of: f.optional_id("quote_of")?,
                metrics: None,
                is_ad: f.optional_bool("is_ad")?,
                objects: f.optional_objects("objects")?,
                attributes: None,
            };
            post.metrics = match f.take("metrics") {
                None => None,
                Some(Value::Object(m)) => Some(metrics(m)?),
                Some(other) => return err(format!("field `metrics`: expected an object, got {}", json_type(&other))),
            };
            post.attributes = f.attributes();
            return Ok(Record::Post(post));
        }
        RecordKind::Generation => {
            let mut g = Generation {
                id: f.required_id("id")?,
                account: f.required_id("account")?,
                created_at: f.required_time("created_at")?,
                prompt: f.required_string("prompt")?,
                outputs: f.optional_strings("outputs", None)?.ok_or_else(|| RecordError("missing required field `outputs`".into()))?,
                model: f.optional_string("model")?,
                refused: f.optional_bool("refused")?,
                ip: f.optional_id("ip")?,
                device: f.optional_id("device")?,
                payment: f.optional_id("payment")?,
                email: f.optional_id("email")?,
                api_key: f.optional_id("api_key")?,
                attributes: None,
            };
            g.attributes = f.attributes();
            return Ok(Record::Generation(g));
        }
        RecordKind::Message => {
            let mut m = Message {
                id: f.required_id("id")?,
                conversation: f.required_id("conversation")?,
                account: f.required_id("account")?,
                platform: f.required_string("platform")?,
                created_at: f.required_time("created_at")?,
                text: f.required_string("text")?,
                role: match f.optional_string("role")?.as_deref() {
                    None => None,
                    Some("operator") => Some(MessageRole::Operator),
                    Some("target") => Some(MessageRole::Target),
                    Some(other) => return err(format!("field `role`: expected operator or target, got `{}`", excerpt(other))),
                },
                attributes: None,
            };
            m.attributes = f.attributes();
            return Ok(Record::Message(m));
        }
        RecordKind::Label => {
            let account = f.required_id("account")?;
            let operation = f.required_id("operation")?;
            let label_type = match f.optional_string("type")? {
                Some(t) => LabelType::parse(&t).ok_or_else(|| {
                    RecordError(format!("field `type`: expected influence, scam, spam or organic, got `{}`", excerpt(&t)))
                })?,
                None => return err("missing required field `type`"),
            };
            return Ok(Record::Label(Label { account, operation, label_type, attributes: f.attributes() }));
        }
    })
    .map(|mut r| {
        if let Record::Account(a) = &mut r {
            a.attributes = f.attributes();
        }
        r
    })
}

fn metrics(map: Map<String, Value>) -> Result<Metrics, RecordError> {
    let mut m = Metrics::default();
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let slot = match key.as_str() {
            "views" => &mut m.views,
            "likes" => &mut m.likes,
            "shares" => &mut m.shares,
            "comments" => &mut m.comments,
            _ => continue,
        };
        *slot = Some(count(&value).map_err(|e| RecordError(format!("field `metrics.{key}`: {e}")))?);
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Record, RecordError> {
        record_from_json(v, TimeZoneSetting::default())
    }

    #[test]
    fn a_full_post_is_read() {
        let r = parse(json!({"kind":"post","id":123,"account":"x:1","platform":"x","created_at":"2026-02-03T10:15:00Z",
            "text":"hi","hashtags":["#Vote"],"mentions":["@bob"],"lang":"in","metrics":{"likes":3},"extra":"kept"}))
        .unwrap();
        let Record::Post(p) = r else { panic!("not a post") };
        assert_eq!(p.id, "123");
        assert_eq!(p.hashtags.unwrap(), vec!["Vote"]);
        assert_eq!(p.mentions.unwrap(), vec!["bob"]);
        assert_eq!(p.lang.as_deref(), Some("id"));
        assert_eq!(p.metrics.unwrap().likes, Some(3));
        assert_eq!(p.attributes.unwrap()["extra"], "kept");
    }

    #[test]
    fn contract_breaks_are_named() {
        let cases = [
            (json!({"kind":"post","account":"x:1","platform":"x","created_at":0,"text":""}), "missing required field `id`"),
            (json!({"kind":"post","id":"1","account":"x:1","platform":"x","created_at":"soon","text":""}), "field `created_at`"),
            (json!({"kind":"post","id":"1","account":"x:1","platform":"x","created_at":0,"text":5}), "field `text`: expected a string"),
            (json!({"kind":"account","id":"x:1","platform":"x","followers":-3}), "field `followers`"),
            (json!({"kind":"tweet","id":"1"}), "unknown kind"),
            (json!([1, 2]), "expected a JSON object"),
            (json!({"kind":"label","account":"x:1","operation":"op","type":"evil"}), "field `type`"),
        ];
        for (value, expected) in cases {
            let e = parse(value).unwrap_err();
            assert!(e.0.contains(expected), "{e} does not contain {expected}");
        }
    }

    #[test]
    fn labels_keep_their_extras() {
        let r = parse(json!({"kind":"label","account":"x:1","operation":"op-1","type":"influence","perturbation":"homoglyph"})).unwrap();
        let Record::Label(l) = r else { panic!() };
        assert_eq!(l.extra("perturbation"), Some("homoglyph"));
    }

    /// The contract's tag rules, written plainly (always allocating), to hold the
    /// borrowing form to.
    fn reference_lang_tag(tag: &str) -> Option<String> {
        let t = tag.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("und") {
            return None;
        }
        let mut parts: Vec<String> = t.split(['-', '_']).map(str::to_string).collect();
        parts[0] = match parts[0].to_ascii_lowercase().as_str() {
            "in" => "id".into(),
            "iw" => "he".into(),
            "ji" => "yi".into(),
            other => other.into(),
        };
        Some(parts.join("-"))
    }

    proptest::proptest! {
        #[test]
        fn lang_tags_normalize_as_the_reference_rules_do(tag in "[ a-zA-Z_\\-]{0,12}|(IN|iW|Ji|und|EN)[-_][a-zA-Z]{0,3}") {
            let borrowed = normalized_lang_tag(&tag);
            let reference = reference_lang_tag(&tag);
            proptest::prop_assert_eq!(borrowed.as_deref(), reference.as_deref());
            if let Some(Cow::Borrowed(b)) = borrowed {
                proptest::prop_assert!(b == tag.trim());
            }
        }
    }
}
