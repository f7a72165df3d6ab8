//! Telegram Desktop JSON exports ("Export chat history" `result.json` of one chat, or "Export
//! Telegram data" with every chat under `chats.list`), read as `message` and `account`
//! records; a channel's messages (`public_channel`, `private_channel`) are `post` records.
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
//! The export is one JSON document, read as a stream: one message is held at a time, so
//! memory does not grow with the export (a 5 MB gzip of a repeated message once took 4 GB),
//! and one message larger than the record limit (`--max-record-bytes`) ends the file with
//! one reject. A chat's `id` normally precedes its messages; when it comes after them the
//! chat's messages are held until it is known.

use crate::reader::{Counted, IngestOptions, Prepare};
use disrupt_records::{record_from_json, Record};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{json, Map, Value};
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

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

/// The context of one chat's messages.
struct Chat {
    id: String,
    name: Option<String>,
    kind: Option<String>,
}

/// One export message as a contract record (`None` for a service message).
fn message_record(chat: &Chat, m: &Value) -> Result<Option<(Value, Option<Value>)>, String> {
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
    // A channel's messages are public posts, judged by co-action like any post; personal
    // chats and groups are conversations.
    let channel = matches!(chat.kind.as_deref(), Some("public_channel" | "private_channel"));
    record.insert("kind".into(), json!(if channel { "post" } else { "message" }));
    record.insert("id".into(), json!(format!("telegram:{}/{local}", chat.id)));
    if !channel {
        record.insert("conversation".into(), json!(format!("telegram:{}", chat.id)));
    }
    record.insert("account".into(), json!(account));
    record.insert("platform".into(), json!("telegram"));
    record.insert("created_at".into(), created_at);
    record.insert("text".into(), json!(text));
    if let Some(name) = &chat.name {
        record.insert("chat_name".into(), json!(name));
    }
    if let Some(kind) = &chat.kind {
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

/// Counts the bytes read and, while a message is being read ("armed"), refuses to read
/// more than the record limit past its start: serde then fails, and the file ends with
/// one reject naming the message.
struct Metered<R> {
    inner: R,
    position: Rc<Cell<u64>>,
    armed_at: Rc<Cell<Option<u64>>>,
    limit: u64,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(start) = self.armed_at.get() {
            if self.position.get() - start > self.limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("a message is larger than the record limit ({} bytes)", self.limit),
                ));
            }
        }
        let n = self.inner.read(buf)?;
        self.position.set(self.position.get() + n as u64);
        Ok(n)
    }
}

/// What the stream has read so far, and where its records go.
struct Export<'o, 'a, P: Prepare> {
    out: &'o mut Counted<'a, P>,
    options: &'o IngestOptions,
    accounts_seen: HashSet<String>,
    /// Messages read (service messages and rejects included): a reject's `line`.
    ordinal: u64,
    armed_at: Rc<Cell<Option<u64>>>,
    position: Rc<Cell<u64>>,
    /// Whether the document held a chat or a chat list at all.
    found: bool,
}

impl<P: Prepare> Export<'_, '_, P> {
    fn message(&mut self, chat: &Chat, m: &Value) {
        match message_record(chat, m) {
            Ok(None) => {}
            Ok(Some((message, account))) => {
                if let Some(a) = account {
                    let id = a["id"].as_str().unwrap_or("").to_string();
                    if self.accounts_seen.insert(id) {
                        if let Ok(record @ Record::Account(_)) = record_from_json(a, self.options.timezone) {
                            self.out.record(record, self.ordinal);
                        }
                    }
                }
                let excerpt = message.to_string();
                match record_from_json(message, self.options.timezone) {
                    Ok(record) => self.out.record(record, self.ordinal),
                    Err(e) => self.out.reject(self.ordinal, format!("message {} of the export: {}", self.ordinal, e.0), excerpt),
                }
            }
            Err(e) => self.out.reject(
                self.ordinal,
                format!("message {} of the export: {e}", self.ordinal),
                crate::reader::excerpt_bytes(m.to_string().as_bytes()),
            ),
        }
    }
}

/// The visitor methods of every scalar (string, boolean, number, null), all answering the
/// same: where a chat list, a chat or a message list was expected and is not there.
macro_rules! scalars_are {
    ($ret:ty, |$this:ident| $answer:expr) => {
        fn visit_str<E>(self, _: &str) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
        fn visit_bool<E>(self, _: bool) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
        fn visit_i64<E>(self, _: i64) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
        fn visit_u64<E>(self, _: u64) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
        fn visit_f64<E>(self, _: f64) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
        fn visit_unit<E>(self) -> Result<$ret, E> {
            let $this = self;
            $answer
        }
    };
}

/// The whole document: a single chat (`messages` at the top) or an account's export
/// (`chats.list`, `left_chats.list`).
struct Document<'e, 'o, 'a, P: Prepare>(&'e mut Export<'o, 'a, P>);

impl<'de, P: Prepare> DeserializeSeed<'de> for Document<'_, '_, '_, P> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, P: Prepare> Visitor<'de> for Document<'_, '_, '_, P> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Telegram Desktop export (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Read as a chat whose own fields are the document's; lists of chats stream through.
        let mut chat = ChatFields::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "chats" | "left_chats" => map.next_value_seed(ChatList { export: self.0, list: key })?,
                _ => chat.field(&key, &mut map, self.0)?,
            }
        }
        if chat.messages_seen {
            self.0.found = true;
            chat.finish(self.0, None);
        }
        Ok(())
    }
}

/// `{"about": ..., "list": [chat, ...]}`.
struct ChatList<'e, 'o, 'a, P: Prepare> {
    export: &'e mut Export<'o, 'a, P>,
    list: String,
}

impl<'de, P: Prepare> DeserializeSeed<'de> for ChatList<'_, '_, '_, P> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, P: Prepare> Visitor<'de> for ChatList<'_, '_, '_, P> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a `list` of chats")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "list" {
                self.export.found = true;
                let place = format!("{}.list", self.list);
                map.next_value_seed(Chats { export: &mut *self.export, place })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    // Anything else under `chats` is no list of chats: nothing to read there.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    scalars_are!((), |_this| Ok(()));
}

/// `[chat, ...]`: each chat streams its messages; one that is not a chat is rejected alone.
struct Chats<'e, 'o, 'a, P: Prepare> {
    export: &'e mut Export<'o, 'a, P>,
    place: String,
}

impl<'de, P: Prepare> DeserializeSeed<'de> for Chats<'_, '_, '_, P> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, P: Prepare> Visitor<'de> for Chats<'_, '_, '_, P> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of chats")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0;
        loop {
            number += 1;
            let place = format!("chat {number} of {}", self.place);
            if seq.next_element_seed(OneChat { export: &mut *self.export, place })?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One chat object of a list.
struct OneChat<'e, 'o, 'a, P: Prepare> {
    export: &'e mut Export<'o, 'a, P>,
    place: String,
}

impl<'de, P: Prepare> DeserializeSeed<'de> for OneChat<'_, '_, '_, P> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<P: Prepare> OneChat<'_, '_, '_, P> {
    fn not_a_chat<E>(self) -> Result<(), E> {
        self.export.out.reject(0, format!("{}: not a chat (an object with `id` and `messages`)", self.place), String::new());
        Ok(())
    }
}

impl<'de, P: Prepare> Visitor<'de> for OneChat<'_, '_, '_, P> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a chat")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut chat = ChatFields::default();
        while let Some(key) = map.next_key::<String>()? {
            chat.field(&key, &mut map, self.export)?;
        }
        chat.finish(self.export, Some(&self.place));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_a_chat()
    }
    scalars_are!((), |this| this.not_a_chat());
}

/// A chat's fields as they stream past: its context, and messages held only while its
/// `id` is not yet known.
#[derive(Default)]
struct ChatFields {
    id: Option<String>,
    id_invalid: bool,
    name: Option<String>,
    kind: Option<String>,
    messages_seen: bool,
    messages_not_a_list: bool,
    held: Vec<(u64, Value)>,
}

impl ChatFields {
    fn field<'de, A: MapAccess<'de>, P: Prepare>(
        &mut self,
        key: &str,
        map: &mut A,
        export: &mut Export<'_, '_, P>,
    ) -> Result<(), A::Error> {
        match key {
            "id" => {
                let v: Value = map.next_value()?;
                self.id = id_string(&v);
                self.id_invalid = self.id.is_none();
            }
            "name" => self.name = map.next_value::<Value>()?.as_str().map(str::to_string),
            "type" => self.kind = map.next_value::<Value>()?.as_str().map(str::to_string),
            "messages" => {
                self.messages_seen = true;
                let known = self.id.clone().map(|id| Chat { id, name: self.name.clone(), kind: self.kind.clone() });
                let list = map.next_value_seed(Messages { export, chat: known.as_ref(), held: &mut self.held })?;
                self.messages_not_a_list = !list;
            }
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    /// The chat has ended: its held messages are read now, or it is rejected whole.
    fn finish<P: Prepare>(self, export: &mut Export<'_, '_, P>, place: Option<&str>) {
        let problem = match (&self.id, self.messages_seen, self.messages_not_a_list) {
            (None, _, _) if self.id_invalid => Some("its `id` is neither a string nor a number"),
            (None, _, _) => Some("a chat without an `id`"),
            (_, false, _) | (_, _, true) => Some("a chat without a `messages` list"),
            _ => None,
        };
        match (problem, self.id) {
            (None, Some(id)) => {
                let chat = Chat { id, name: self.name, kind: self.kind };
                for (ordinal, m) in self.held {
                    export.ordinal = ordinal;
                    export.message(&chat, &m);
                }
            }
            (problem, _) => {
                let problem = problem.unwrap_or("a chat without an `id`");
                let error = match place {
                    Some(place) => format!("{place}: {problem}"),
                    None => problem.to_string(),
                };
                export.out.reject(0, error, String::new());
            }
        }
    }
}

/// A chat's `messages`: read one at a time (held when the chat's id is not known yet).
/// Yields whether it was a list.
struct Messages<'e, 'o, 'a, 'c, P: Prepare> {
    export: &'e mut Export<'o, 'a, P>,
    chat: Option<&'c Chat>,
    held: &'c mut Vec<(u64, Value)>,
}

impl<'de, P: Prepare> DeserializeSeed<'de> for Messages<'_, '_, '_, '_, P> {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, P: Prepare> Visitor<'de> for Messages<'_, '_, '_, '_, P> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of messages")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        loop {
            self.export.armed_at.set(Some(self.export.position.get()));
            let next = seq.next_element::<Value>();
            self.export.armed_at.set(None);
            let Some(m) = next? else { return Ok(true) };
            self.export.ordinal += 1;
            match self.chat {
                Some(chat) => self.export.message(chat, &m),
                None => self.held.push((self.export.ordinal, m)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    scalars_are!(bool, |_this| Ok(false));
}

pub(crate) fn read<P: Prepare>(reader: &mut impl BufRead, options: &IngestOptions, out: &mut Counted<'_, P>) -> Result<(), (String, u64)> {
    let head = reader.fill_buf().map_err(|e| (format!("read error: {e}"), 0))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let position = Rc::new(Cell::new(0u64));
    let armed_at = Rc::new(Cell::new(None));
    let metered = Metered { inner: reader, position: position.clone(), armed_at: armed_at.clone(), limit: options.max_record_bytes as u64 };
    let mut export = Export { out, options, accounts_seen: HashSet::new(), ordinal: 0, armed_at, position, found: false };
    let mut de = serde_json::Deserializer::from_reader(metered);
    let parsed = Document(&mut export).deserialize(&mut de).and_then(|()| de.end());
    // Records read before a failure are kept; the failure ends the file with one reject.
    match parsed {
        Err(e) if e.is_io() => Err((format!("message {} of the export: {e}", export.ordinal + 1), export.ordinal + 1)),
        Err(e) => Err((format!("invalid JSON: {e}"), e.line() as u64)),
        Ok(()) if !export.found => Err(("neither `messages` nor `chats.list`: not a Telegram Desktop export".to_string(), 0)),
        Ok(()) => Ok(()),
    }
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
