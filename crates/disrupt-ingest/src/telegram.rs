//! Telegram Desktop JSON exports ("Export chat history" `result.json` of one chat, or "Export
//! Telegram data" with every chat under `chats.list`), read as `message` and `account`
//! records.
//!
//! Identifiers: a chat's messages are `telegram:CHAT/ID` (Telegram numbers messages per
//! chat), the conversation is `telegram:CHAT`, a sender is `telegram:` plus its `from_id`
//! (`user111`, `channel42`). `text` is a string or a list of strings and entity objects
//! (`{"type":"link","text":...}`); both read as the plain text. Times come from
//! `date_unixtime` (a string of seconds) and, when it is absent, from `date` (local time
//! without a zone, read in `--timezone`). Service messages (pins, joins, calls) are chat
//! events, not messages: they are skipped and counted. Forwards, replies, edits and media
//! are kept as attributes (`forwarded_from`, `reply_to`, `edited_at`, `media_type`). A
//! message that cannot be read is rejected with its position (`line` is the message's
//! ordinal in the file) and the run goes on.
//!
//! The export is one JSON document, so it is parsed whole: memory is a few times its size.

use crate::reader::{Counted, IngestOptions, Prepare};
use disrupt_records::{record_from_json, Record};
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::io::Read;

fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The plain text of `text`: a string, or a list of strings and `{type, text}` entities.
pub fn flatten_text(text: &Value) -> Option<String> {
    match text {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for p in parts {
                match p {
                    Value::String(s) => out.push_str(s),
                    Value::Object(o) => {
                        if let Some(Value::String(s)) = o.get("text") {
                            out.push_str(s);
                        }
                    }
                    _ => return None,
                }
            }
            Some(out)
        }
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Messages of one chat, with its id and name.
struct Chat<'a> {
    id: String,
    name: Option<&'a str>,
    kind: Option<&'a str>,
    messages: &'a [Value],
}

fn one_chat(c: &Value) -> Result<Chat<'_>, String> {
    let id = c.get("id").and_then(id_string).ok_or("a chat without an `id`")?;
    let messages = c.get("messages").and_then(Value::as_array).map(Vec::as_slice).ok_or("a chat without a `messages` list")?;
    Ok(Chat { id, name: c.get("name").and_then(Value::as_str), kind: c.get("type").and_then(Value::as_str), messages })
}

/// The export's chats, and the errors of those that are not chats (each rejects that chat
/// alone: one broken chat of an account's export is no reason to lose the others).
type Chats<'a> = (Vec<Chat<'a>>, Vec<String>);

fn chats(doc: &Value) -> Result<Chats<'_>, String> {
    if doc.get("messages").is_some() {
        return Ok((vec![one_chat(doc)?], Vec::new()));
    }
    let list =
        doc.pointer("/chats/list").and_then(Value::as_array).ok_or("neither `messages` nor `chats.list`: not a Telegram Desktop export")?;
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    let left = doc.pointer("/left_chats/list").and_then(Value::as_array);
    for (where_, list) in [("chats.list", Some(list)), ("left_chats.list", left)] {
        for (i, c) in list.into_iter().flatten().enumerate() {
            match one_chat(c) {
                Ok(chat) => out.push(chat),
                Err(e) => bad.push(format!("chat {} of {where_}: {e}", i + 1)),
            }
        }
    }
    Ok((out, bad))
}

/// One export message as a contract record (`None` for a service message).
fn message_record(chat: &Chat<'_>, m: &Value) -> Result<Option<(Value, Option<Value>)>, String> {
    let kind = m.get("type").and_then(Value::as_str).unwrap_or("message");
    if kind == "service" {
        return Ok(None);
    }
    let local = m.get("id").and_then(id_string).ok_or("a message without an `id`")?;
    let text = flatten_text(m.get("text").unwrap_or(&Value::Null)).ok_or("`text` is neither a string nor a list of text parts")?;
    let created_at = match m.get("date_unixtime") {
        Some(v) => {
            let s = id_string(v).ok_or("`date_unixtime` is not a number")?;
            let secs: i64 = s.parse().map_err(|_| format!("`date_unixtime` is not a number: {s}"))?;
            json!(secs)
        }
        None => m.get("date").cloned().ok_or("a message without `date` or `date_unixtime`")?,
    };
    // Channel posts carry the channel as sender; anonymous ones only the chat. A `from_id`
    // that is there but not an id is an error, not an anonymous post: falling back to the
    // chat would make one account of every sender of the chat.
    let sender_local = match m.get("from_id") {
        None | Some(Value::Null) => format!("chat{}", chat.id),
        Some(v) => id_string(v).ok_or_else(|| {
            format!("`from_id` is neither a string nor a number: {}", crate::reader::excerpt_bytes(v.to_string().as_bytes()))
        })?,
    };
    let account = format!("telegram:{sender_local}");
    let mut record = Map::new();
    record.insert("kind".into(), json!("message"));
    record.insert("id".into(), json!(format!("telegram:{}/{local}", chat.id)));
    record.insert("conversation".into(), json!(format!("telegram:{}", chat.id)));
    record.insert("account".into(), json!(account));
    record.insert("platform".into(), json!("telegram"));
    record.insert("created_at".into(), created_at);
    record.insert("text".into(), json!(text));
    if let Some(name) = chat.name {
        record.insert("chat_name".into(), json!(name));
    }
    if let Some(kind) = chat.kind {
        record.insert("chat_type".into(), json!(kind));
    }
    if let Some(f) = m.get("forwarded_from").and_then(Value::as_str) {
        record.insert("forwarded_from".into(), json!(f));
    }
    if let Some(r) = m.get("reply_to_message_id").and_then(id_string) {
        record.insert("reply_to".into(), json!(format!("telegram:{}/{r}", chat.id)));
    }
    if let Some(e) = m.get("edited_unixtime").and_then(id_string).or_else(|| m.get("edited").and_then(id_string)) {
        record.insert("edited_at".into(), json!(e));
    }
    for field in ["media_type", "sticker_emoji"] {
        if let Some(v) = m.get(field).and_then(Value::as_str) {
            record.insert(field.into(), json!(v));
        }
    }
    if m.get("photo").is_some() {
        record.insert("media_type".into(), json!("photo"));
    }
    let account_record = m
        .get("from")
        .and_then(Value::as_str)
        .map(|name| json!({"kind": "account", "id": account, "platform": "telegram", "display_name": name}));
    Ok(Some((Value::Object(record), account_record)))
}

pub(crate) fn read<P: Prepare>(reader: &mut impl Read, options: &IngestOptions, out: &mut Counted<'_, P>) -> Result<(), (String, u64)> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| (format!("read error: {e}"), 0))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| (format!("invalid JSON: {e}"), e.line() as u64))?;
    let (chats, bad_chats) = chats(&doc).map_err(|e| (e, 0))?;
    for e in bad_chats {
        out.reject(0, e, String::new());
    }
    let mut accounts_seen: HashSet<String> = HashSet::new();
    let mut ordinal = 0u64;
    for chat in &chats {
        for m in chat.messages {
            ordinal += 1;
            match message_record(chat, m) {
                Ok(None) => {}
                Ok(Some((message, account))) => {
                    if let Some(a) = account {
                        let id = a["id"].as_str().unwrap_or("").to_string();
                        if accounts_seen.insert(id) {
                            if let Ok(record @ Record::Account(_)) = record_from_json(a, options.timezone) {
                                out.record(record, ordinal);
                            }
                        }
                    }
                    let excerpt = message.to_string();
                    match record_from_json(message, options.timezone) {
                        Ok(record) => out.record(record, ordinal),
                        Err(e) => out.reject(ordinal, format!("message {ordinal} of the export: {}", e.0), excerpt),
                    }
                }
                Err(e) => out.reject(
                    ordinal,
                    format!("message {ordinal} of the export: {e}"),
                    crate::reader::excerpt_bytes(m.to_string().as_bytes()),
                ),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parts_flatten() {
        let v = json!(["смотри ", {"type": "link", "text": "https://example.com/a"}, " круто"]);
        assert_eq!(flatten_text(&v).unwrap(), "смотри https://example.com/a круто");
        assert_eq!(flatten_text(&json!("plain")).unwrap(), "plain");
        assert!(flatten_text(&json!(5)).is_none());
    }
}
