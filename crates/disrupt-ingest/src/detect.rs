//! Telling an input's format from its first bytes.

/// The input formats disrupt reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// Canonical JSON Lines of the contract.
    Jsonl,
    /// Twitter/X Information Operations archive, tweets file.
    TwitterIoTweets,
    /// Twitter/X Information Operations archive, users file.
    TwitterIoUsers,
    /// coordination-network-toolkit CSV (`message_id,user_id,username,repost_id,reply_id,message,timestamp,urls`).
    ToolkitCsv,
    /// Any CSV read through `--columns`.
    MappedCsv,
    /// Telegram Desktop JSON export (`result.json`).
    TelegramExport,
    /// Parquet, with the contract's column names or through `--columns`.
    Parquet,
}

impl InputFormat {
    /// The name `--format` and `networks.json` use.
    pub fn name(&self) -> &'static str {
        match self {
            InputFormat::Jsonl => "jsonl",
            InputFormat::TwitterIoTweets => "twitter-io",
            InputFormat::TwitterIoUsers => "twitter-io-users",
            InputFormat::ToolkitCsv => "toolkit-csv",
            InputFormat::MappedCsv => "csv",
            InputFormat::TelegramExport => "telegram",
            InputFormat::Parquet => "parquet",
        }
    }

    /// Names accepted by `--format`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "jsonl" | "json" => Some(InputFormat::Jsonl),
            "twitter-io" | "twitter-io-tweets" => Some(InputFormat::TwitterIoTweets),
            "twitter-io-users" => Some(InputFormat::TwitterIoUsers),
            "toolkit-csv" | "cnt" | "coordination-network-toolkit" => Some(InputFormat::ToolkitCsv),
            "csv" => Some(InputFormat::MappedCsv),
            "telegram" | "telegram-desktop" => Some(InputFormat::TelegramExport),
            "parquet" => Some(InputFormat::Parquet),
            _ => None,
        }
    }
}

/// Content that is not a format disrupt reads (the message says what it looked like).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownFormat(pub String);

/// Detects the format of a (decompressed) file from its head.
pub fn detect_format(head: &[u8], have_columns: bool) -> Result<InputFormat, UnknownFormat> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Ok(InputFormat::Jsonl); // empty: nothing to read, any reader will do
    };
    if looks_binary(head) {
        return Err(UnknownFormat(
            "this is not a format I read: binary data, not text (JSON Lines, CSV, Parquet or a Telegram export; .gz and .zst are opened)"
                .into(),
        ));
    }
    match head[first] {
        b'{' => {
            if looks_like_telegram(head) {
                return Ok(InputFormat::TelegramExport);
            }
            if let Some(what) = pretty_printed_document(&head[first..]) {
                return Err(UnknownFormat(format!("this is not a format I read: {what}, not JSON Lines (one whole record per line)")));
            }
            return Ok(InputFormat::Jsonl);
        }
        b'[' => return Err(UnknownFormat("a JSON array is not a supported input: write one JSON object per line (JSONL)".into())),
        _ => {}
    }
    let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let header_line = &head[..line_end];
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(header_line);
    let header: Vec<String> = match reader.records().next() {
        Some(Ok(r)) => r.iter().map(|f| f.trim().trim_matches('"').to_ascii_lowercase()).collect(),
        _ => return Err(UnknownFormat("cannot read a CSV header in the first line".into())),
    };
    let has = |name: &str| header.iter().any(|h| h == name);
    if have_columns {
        return Ok(InputFormat::MappedCsv);
    }
    if has("tweetid") && has("userid") && (has("tweet_text") || has("tweet_time")) {
        return Ok(InputFormat::TwitterIoTweets);
    }
    if has("userid") && has("user_screen_name") && !has("tweetid") {
        return Ok(InputFormat::TwitterIoUsers);
    }
    if has("message_id") && has("user_id") && has("message") && has("timestamp") {
        return Ok(InputFormat::ToolkitCsv);
    }
    Err(UnknownFormat(format!(
        "unrecognised CSV header ({}); name its columns with --columns account=...,text=...,created_at=...",
        header.iter().take(12).cloned().collect::<Vec<_>>().join(",")
    )))
}

/// Whether the start of a file is binary: a NUL byte, or more than one byte in twenty
/// that is neither text nor valid UTF-8 (a record with a stray bad byte is text, and is
/// the reader's to reject; compressed files are opened before this is asked).
fn looks_binary(head: &[u8]) -> bool {
    let window = &head[..head.len().min(4096)];
    if window.contains(&0) {
        return true;
    }
    let text = String::from_utf8_lossy(window);
    let odd = text.chars().filter(|&c| c == char::REPLACEMENT_CHARACTER || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))).count();
    odd * 20 > text.chars().count().max(1)
}

/// What a JSON document written over many lines is (a STIX bundle, or any JSON object),
/// when its first line is an object's opening brace alone: JSON Lines holds one whole
/// record per line.
fn pretty_printed_document(text: &[u8]) -> Option<&'static str> {
    let line_end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let first_line = String::from_utf8_lossy(&text[..line_end]);
    if first_line.trim() != "{" {
        // A whole record, or a line the JSON Lines reader rejects in the parser's words.
        return None;
    }
    let window = String::from_utf8_lossy(&text[..text.len().min(16 << 10)]);
    let compact: String = window.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("\"type\":\"bundle\"") {
        Some("a STIX bundle (one JSON document over many lines; disrupt writes STIX but reads records)")
    } else {
        Some("a JSON document written over many lines")
    }
}

fn looks_like_telegram(head: &[u8]) -> bool {
    let window = &head[..head.len().min(4096)];
    let text = String::from_utf8_lossy(window);
    let telegram_keys = |t: &str| t.contains("\"messages\"") || t.contains("\"chats\"") || t.contains("\"personal_information\"");
    // Telegram Desktop writes a pretty-printed object whose first line is just `{`; an
    // export rewritten on one line is one object without the `kind` every record has.
    let first_line = text.lines().next().unwrap_or("").trim();
    (first_line == "{" && telegram_keys(&text)) || (!first_line.contains("\"kind\"") && telegram_keys(first_line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_and_pretty_printed_documents_are_not_read_as_records() {
        let binary = detect_format(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", false).unwrap_err();
        assert!(binary.0.contains("not a format I read") && binary.0.contains("binary"), "{}", binary.0);
        let stix = detect_format(b"{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--1\",\n  \"objects\": []\n}\n", false).unwrap_err();
        assert!(stix.0.contains("STIX bundle"), "{}", stix.0);
        let pretty = detect_format(b"{\n  \"kind\": \"post\",\n  \"id\": \"1\"\n}\n", false).unwrap_err();
        assert!(pretty.0.contains("over many lines"), "{}", pretty.0);
        // Text in any script is text; a line that is one record is JSON Lines.
        assert_eq!(detect_format("{\"kind\":\"post\",\"text\":\"Доброе утро 早上好\"}\n".as_bytes(), false).unwrap(), InputFormat::Jsonl);
    }

    #[test]
    fn detects_each_format() {
        assert_eq!(detect_format(b"{\"kind\":\"post\"}\n", false).unwrap(), InputFormat::Jsonl);
        assert_eq!(
            detect_format(b"\xEF\xBB\xBFmessage_id,user_id,username,repost_id,reply_id,message,timestamp,urls\r\n", false).unwrap(),
            InputFormat::ToolkitCsv
        );
        assert_eq!(detect_format(b"\"tweetid\",\"userid\",\"tweet_text\",\"tweet_time\"\n", false).unwrap(), InputFormat::TwitterIoTweets);
        assert_eq!(detect_format(b"userid,user_display_name,user_screen_name\n", false).unwrap(), InputFormat::TwitterIoUsers);
        assert!(detect_format(b"a,b,c\n", false).unwrap_err().0.contains("--columns"));
        assert_eq!(detect_format(b"a,b,c\n", true).unwrap(), InputFormat::MappedCsv);
        assert_eq!(detect_format(b"{\n \"name\": \"x\",\n \"messages\": []}", false).unwrap(), InputFormat::TelegramExport);
        assert_eq!(detect_format(b"{\"name\":\"x\",\"id\":1,\"messages\":[]}", false).unwrap(), InputFormat::TelegramExport);
        assert_eq!(detect_format(b"{\"kind\":\"message\",\"messages\":1}\n", false).unwrap(), InputFormat::Jsonl);
    }
}
