//! Reading real files in every supported format, and surviving broken ones.

use disrupt_ingest::{ingest_file, ColumnMap, IngestEvent, IngestOptions, InputFormat, Reject};
use disrupt_records::{Record, RecordKind};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A redistributable fixture of the repository (tests/fixtures/README.md).
fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(rel)
}

/// A data set that may not be redistributed, from `../shared/data` beside the repository;
/// `None`, saying why, when it is not there (the test then checks nothing more).
fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(rel);
    if path.exists() {
        Some(path)
    } else {
        // Straight to the process's standard error: the test harness captures eprintln!.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "skipped: {rel} is not redistributable and ../shared/data is not beside the repository");
        None
    }
}

fn read(path: &Path, options: &IngestOptions) -> (Vec<Record>, Vec<Reject>, InputFormat) {
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    let summary = ingest_file(path, &path.display().to_string(), options, &mut |e| match e {
        IngestEvent::Record { record, .. } => records.push(record),
        IngestEvent::Reject(r) => rejects.push(r),
    })
    .expect("readable");
    assert_eq!(summary.records as usize, records.len());
    assert_eq!(summary.sha256.len(), 64);
    (records, rejects, summary.format)
}

fn posts(records: &[Record]) -> Vec<&disrupt_records::Post> {
    records.iter().filter_map(|r| if let Record::Post(p) = r { Some(p) } else { None }).collect()
}

#[test]
fn toolkit_fixtures_with_bom_crlf_and_list_urls() {
    let (records, rejects, format) = read(&fixture("coordination-network-toolkit/coretweet_test_input.csv"), &IngestOptions::default());
    assert_eq!(format, InputFormat::ToolkitCsv);
    assert!(rejects.is_empty(), "{rejects:?}");
    let p = posts(&records);
    assert_eq!(p.len(), 15);
    assert_eq!(p[0].id, "x:0");
    assert_eq!(p[0].account, "x:uid0");
    assert_eq!(p[0].repost_of.as_deref(), Some("x:rtid0"));
    assert_eq!(p[0].urls.as_deref(), Some(&[][..]));

    let (records, rejects, _) = read(&fixture("coordination-network-toolkit/sample_data.csv"), &IngestOptions::default());
    assert!(rejects.is_empty());
    let p = posts(&records);
    assert_eq!(p.len(), 100);
    assert_eq!(p[1].urls.as_ref().unwrap(), &vec!["http://example.com/4".to_string(), "http://example.com/6".to_string()]);
    assert_eq!(p[0].created_at, 1_606_451_170_518);
}

#[test]
fn twitter_io_archive_rows() {
    let (Some(tweets), Some(users)) =
        (shared("twitter-io-archive-sample/ira_2018_tweets_2rows.csv"), shared("twitter-io-archive-sample/ira_2018_users_2rows.csv"))
    else {
        return;
    };
    let (records, rejects, format) = read(&tweets, &IngestOptions::default());
    assert_eq!(format, InputFormat::TwitterIoTweets);
    assert!(rejects.is_empty(), "{rejects:?}");
    let p = posts(&records);
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].repost_of.as_deref(), Some("x:877917212119416832"));
    assert_eq!(p[0].urls.as_ref().unwrap()[0], "http://ru-open.livejournal.com/374284.html");
    assert_eq!(p[0].lang.as_deref(), Some("ru"));
    assert!(p[0].text.contains("\"Если бы"));
    let accounts = records.iter().filter(|r| r.kind() == RecordKind::Account).count();
    assert_eq!(accounts, 2);
    let (records, _, format) = read(&users, &IngestOptions::default());
    assert_eq!(format, InputFormat::TwitterIoUsers);
    let Record::Account(a) = &records[0] else { panic!() };
    assert_eq!(a.followers, Some(1541));
}

#[test]
fn mapped_csv_reads_the_airline_tweets() {
    let Some(tweets) = shared("organic-airline-tweets/airline_tweets.csv") else { return };
    let options = IngestOptions {
        columns: Some(ColumnMap::parse("id=tweet_id,account=user_name,text=text,created_at=created_at").unwrap()),
        ..IngestOptions::default()
    };
    let (records, rejects, format) = read(&tweets, &options);
    assert_eq!(format, InputFormat::MappedCsv);
    assert!(rejects.is_empty(), "{:?}", &rejects[..rejects.len().min(3)]);
    assert_eq!(posts(&records).len(), 14_640);
}

fn write_temp(content: &[u8], suffix: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    f.write_all(content).unwrap();
    f.flush().unwrap();
    f
}

#[test]
fn broken_records_are_rejected_with_file_and_line_and_the_run_goes_on() {
    let mut content = Vec::new();
    content.extend_from_slice(b"{\"kind\":\"post\",\"id\":\"1\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"ok\"}\n");
    content.extend_from_slice(b"{not json\n");
    content.extend_from_slice(b"\n");
    content.extend_from_slice(b"{\"kind\":\"post\",\"id\":\"2\",\"platform\":\"x\",\"created_at\":0,\"text\":\"no account\"}\n");
    content.extend_from_slice(
        b"{\"kind\":\"post\",\"id\":\"3\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":0,\"text\":\"\xff\xfe\"}\n",
    );
    content.extend_from_slice(b"{\"kind\":\"post\",\"id\":\"4\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":0,\"text\":\"");
    content.extend(std::iter::repeat_n(b'a', 50 << 20));
    content.extend_from_slice(b"\"}\n");
    content.extend_from_slice(
        b"{\"kind\":\"post\",\"id\":\"5\",\"account\":\"x:b\",\"platform\":\"x\",\"created_at\":1,\"text\":\"still read\"}",
    );
    let f = write_temp(&content, ".jsonl");
    let (records, rejects, _) = read(f.path(), &IngestOptions::default());
    assert_eq!(records.len(), 2);
    let lines: Vec<u64> = rejects.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 4, 5, 6]);
    assert!(rejects[0].error.contains("invalid JSON"));
    assert!(rejects[1].error.contains("`account`"));
    assert!(rejects[2].error.contains("UTF-8"));
    assert!(rejects[3].error.contains("over the limit"));
    assert!(rejects[3].record.len() <= 4100);
}

#[test]
fn compressed_inputs_are_read_and_hashed_as_stored() {
    let line = b"{\"kind\":\"account\",\"id\":\"x:1\",\"platform\":\"x\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(line).unwrap();
    let gz_bytes = gz.finish().unwrap();
    let f = write_temp(&gz_bytes, ".gz");
    let (records, rejects, _) = read(f.path(), &IngestOptions::default());
    assert_eq!((records.len(), rejects.len()), (1, 0));
    let zst = zstd::encode_all(&line[..], 3).unwrap();
    let f = write_temp(&zst, ".zst");
    let (records, _, _) = read(f.path(), &IngestOptions::default());
    assert_eq!(records.len(), 1);
    // A truncated stream ends the file with a rejection instead of stopping the run.
    let f = write_temp(&gz_bytes[..gz_bytes.len() / 2], ".gz");
    let (_, rejects, _) = read(f.path(), &IngestOptions::default());
    assert_eq!(rejects.len(), 1);
}

#[test]
fn records_read_before_a_broken_stream_are_kept() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..2000 {
        writeln!(gz, "{{\"kind\":\"account\",\"id\":\"x:{i}\",\"platform\":\"x\",\"handle\":\"h{i}\"}}").unwrap();
    }
    let gz_bytes = gz.finish().unwrap();
    let f = write_temp(&gz_bytes[..gz_bytes.len() * 3 / 4], ".gz");
    let (records, rejects, _) = read(f.path(), &IngestOptions::default());
    // The stream breaks part way: what came before it is read, the break is one rejection.
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(records.len() > 1000 && records.len() < 2000, "{}", records.len());
}

#[test]
fn csv_rows_with_the_wrong_shape_are_rejected() {
    let content = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n1,u1,n,,,hello,10,\n2,u2,n,,,short\n3,u3,n,,,bad time,yesterday,\n4,u4,n,,,fine,11,http://a.com\n";
    let f = write_temp(content.as_bytes(), ".csv");
    let (records, rejects, _) = read(f.path(), &IngestOptions::default());
    assert_eq!(posts(&records).len(), 2);
    assert_eq!(rejects.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 4]);
}

#[test]
fn telegram_single_chat_export_reads_plain_and_entity_text() {
    let (records, rejects, format) = read(&fixture("telegram-desktop-export/chatstyle_result.json"), &IngestOptions::default());
    assert_eq!(format, InputFormat::TelegramExport);
    assert!(rejects.is_empty(), "{rejects:?}");
    let messages: Vec<&disrupt_records::Message> =
        records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m) } else { None }).collect();
    // 12 entries, one a service message (a pin): 11 messages.
    assert_eq!(messages.len(), 11);
    assert!(messages.iter().all(|m| m.conversation == "telegram:222" && m.platform == "telegram"));
    let third = messages.iter().find(|m| m.id == "telegram:222/3").unwrap();
    assert_eq!(third.text, "смотри https://example.com/a круто");
    assert_eq!(third.account, "telegram:user111");
    assert_eq!(third.created_at, 1_682_942_580_000);
    assert_eq!(records.iter().filter(|r| r.kind() == RecordKind::Account).count(), 2);
}

#[test]
fn telegram_account_export_reads_every_chat_with_replies_edits_forwards_and_rejects() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/telegram_account_export.json");
    let options = IngestOptions { timezone: disrupt_records::TimeZoneSetting::parse("+07:00").unwrap(), ..IngestOptions::default() };
    let (records, rejects, format) = read(&path, &options);
    assert_eq!(format, InputFormat::TelegramExport);
    let messages: Vec<&disrupt_records::Message> =
        records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m) } else { None }).collect();
    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["telegram:1700000001/11", "telegram:1700000001/12", "telegram:1700000001/13", "telegram:9000002/1"]);
    assert_eq!(messages[0].text, "Selamat datang kak! Untuk upgrade VIP silakan transfer Rp 250.000 ke https://t.me/vip_payment_bot");
    let attrs = |m: &disrupt_records::Message| m.attributes.clone().map(|a| *a).unwrap_or_default();
    assert_eq!(attrs(messages[1])["reply_to"], "telegram:1700000001/11");
    assert_eq!(attrs(messages[1])["edited_at"], "1772442370");
    assert_eq!(attrs(messages[2])["forwarded_from"], "Info Pembayaran");
    // Only `date`, local time: read in the zone given (+07:00), i.e. 02:07 UTC.
    assert_eq!(messages[2].created_at, 1_772_417_220_000);
    assert_eq!(attrs(messages[3])["media_type"], "photo");
    assert_eq!(rejects.len(), 1, "the message whose text is a number");
    assert_eq!(rejects[0].line, 5, "the fifth entry of the export");
    assert!(rejects[0].error.contains("text"), "{}", rejects[0].error);
}

fn mapped() -> IngestOptions {
    IngestOptions {
        columns: Some(ColumnMap::parse("id=id,account=account,text=text,created_at=created_at").unwrap()),
        ..IngestOptions::default()
    }
}

#[test]
fn csv_rejects_name_the_right_line_with_crlf_endings() {
    let dir = tempfile::tempdir().unwrap();
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let path = dir.path().join(name);
        let rows = [
            "id,account,text,created_at",
            "1,a,hello there,2026-01-01T00:00:00Z",
            "2,b,bad time,notatime",
            "3,c,ok,2026-01-01T00:00:00Z",
            "4,d,bad again,never",
        ];
        std::fs::write(&path, rows.join(end) + end).unwrap();
        let (_, rejects, _) = read(&path, &mapped());
        let lines: Vec<u64> = rejects.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 5], "{name}");
    }
}

#[test]
fn an_unclosed_quote_stops_its_file_with_a_clear_reject_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quote.csv");
    let mut text = String::from("id,account,text,created_at\n");
    for i in 0..60_000 {
        if i == 5 {
            text.push_str("5,a5,\"an unclosed quote,2026-01-01T00:00:00Z\n");
        } else {
            text.push_str(&format!("{i},a{},plain text number {i},2026-01-01T00:00:00Z\n", i % 50));
        }
    }
    std::fs::write(&path, text).unwrap();
    let options = IngestOptions { max_record_bytes: 64 << 10, ..mapped() };
    let mut records = 0;
    let mut rejects = Vec::new();
    ingest_file(&path, "quote.csv", &options, &mut |e| match e {
        IngestEvent::Record { .. } => records += 1,
        IngestEvent::Reject(r) => rejects.push(r),
    })
    .unwrap();
    // One reject at the quote's line ends the file; what came before was read.
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0].line, 7);
    assert!(rejects[0].error.contains("unclosed quote"), "{}", rejects[0].error);
    assert_eq!(records, 10, "five posts and their five accounts");
}

#[test]
fn a_json_object_naming_a_key_twice_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"kind":"post","id":"p1","account":"x:a","platform":"x","created_at":1767225600,"text":"hello","account":"x:b"}"#,
            "\n",
            r#"{"kind":"post","id":"p2","account":"x:a","platform":"x","created_at":1767225600,"text":"fine","metrics":{"likes":1,"likes":9}}"#,
            "\n",
            r#"{"kind":"post","id":"p3","account":"x:a","platform":"x","created_at":1767225600,"text":"fine"}"#,
            "\n"
        ),
    )
    .unwrap();
    let (records, rejects, _) = read(&path, &IngestOptions::default());
    assert_eq!(posts(&records).iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p3"]);
    assert_eq!(rejects.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2]);
    assert!(rejects[0].error.contains("`account` appears twice"), "{}", rejects[0].error);
}

#[test]
fn a_telegram_sender_that_is_not_an_id_is_rejected_not_taken_for_the_chat() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let export = serde_json::json!({"name": "Club", "type": "personal_chat", "id": 7, "messages": [
        {"id": 1, "type": "message", "date": "2026-01-01T10:00:00", "date_unixtime": "1767261600", "from": "A", "from_id": "user11", "text": "hi"},
        {"id": 2, "type": "message", "date": "2026-01-01T10:01:00", "date_unixtime": "1767261660", "from": "B", "from_id": {"id": 12}, "text": "who am I"},
        {"id": 3, "type": "message", "date": "2026-01-01T10:02:00", "date_unixtime": "1767261720", "from": "C", "from_id": 13, "text": "me"}
    ]});
    std::fs::write(&path, serde_json::to_string_pretty(&export).unwrap()).unwrap();
    let (records, rejects, _) = read(&path, &IngestOptions::default());
    let senders: Vec<&str> =
        records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m.account.as_str()) } else { None }).collect();
    assert_eq!(senders, ["telegram:user11", "telegram:13"]);
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(rejects[0].error.contains("from_id"), "{}", rejects[0].error);
}

#[test]
fn rejects_past_a_thousand_a_file_are_counted_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.jsonl.gz");
    let junk =
        "{not json\n".repeat(5_000) + r#"{"kind":"post","id":"ok","account":"x:a","platform":"x","created_at":1767225600,"text":"fine"}"#;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(junk.as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let mut listed = Vec::new();
    let summary = ingest_file(&path, "junk", &IngestOptions::default(), &mut |e| {
        if let IngestEvent::Reject(r) = e {
            listed.push(r)
        }
    })
    .unwrap();
    assert_eq!(summary.rejected, 5_000);
    assert_eq!(summary.records, 1);
    assert_eq!(listed.len() as u64, disrupt_ingest::MAX_REJECTS_LISTED + 1);
    let last = listed.last().unwrap();
    assert_eq!(last.line, 0);
    assert!(last.error.contains("4000 more rejected records"), "{}", last.error);
}

#[test]
fn one_broken_chat_rejects_that_chat_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let message = |id: u32| serde_json::json!({"id": id, "type": "message", "date": "2026-01-01T10:00:00", "date_unixtime": "1767261600", "from": "A", "from_id": "user1", "text": "hi"});
    let export = serde_json::json!({"personal_information": {"user_id": 1}, "chats": {"list": [
        {"name": "good", "type": "personal_chat", "id": 1, "messages": [message(1), message(2)]},
        {"name": "broken", "type": "personal_chat", "messages": [message(1)]},
        {"name": "also good", "type": "personal_chat", "id": 3, "messages": [message(1)]}
    ]}});
    std::fs::write(&path, serde_json::to_string_pretty(&export).unwrap()).unwrap();
    let (records, rejects, _) = read(&path, &IngestOptions::default());
    let messages = records.iter().filter(|r| matches!(r, Record::Message(_))).count();
    assert_eq!(messages, 3, "the two good chats' messages");
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(rejects[0].error.contains("chat 2 of chats.list"), "{}", rejects[0].error);
}

fn telegram_message(id: u64, text: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "type": "message", "date": "2026-01-01T10:00:00", "date_unixtime": (1_767_261_600 + id).to_string(),
        "from": "A", "from_id": "user11", "text": text})
}

#[test]
fn a_telegram_message_past_the_record_limit_ends_the_export_with_one_reject() {
    // A gzip bomb's shape: small on disk, one enormous message inside.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json.gz");
    let huge = "spam ".repeat(400_000);
    let export = serde_json::json!({"name": "Club", "type": "personal_chat", "id": 7, "messages": [
        telegram_message(1, "first"), telegram_message(2, "second"), telegram_message(3, &huge), telegram_message(4, "never read")
    ]});
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(serde_json::to_string(&export).unwrap().as_bytes()).unwrap();
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let options = IngestOptions { format: Some(InputFormat::TelegramExport), max_record_bytes: 1 << 20, ..IngestOptions::default() };
    let (records, rejects, _) = read(&path, &options);
    let ids: Vec<&str> = records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m.id.as_str()) } else { None }).collect();
    assert_eq!(ids, ["telegram:7/1", "telegram:7/2"], "what came before is kept");
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert_eq!(rejects[0].line, 3);
    assert!(rejects[0].error.contains("record limit"), "{}", rejects[0].error);
}

#[test]
fn a_telegram_chat_whose_id_follows_its_messages_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let messages = vec![telegram_message(1, "one"), telegram_message(2, "two")];
    let export = serde_json::json!({"chats": {"about": "x", "list": [
        {"messages": messages, "name": "Late", "type": "private_group", "id": 9},
        {"name": "No id", "type": "private_group", "messages": [telegram_message(5, "lost")]},
        "not a chat",
        {"name": "Fine", "type": "personal_chat", "id": 10, "messages": [telegram_message(3, "three")]}
    ]}, "contacts": {"list": [{"first_name": "x"}]}});
    std::fs::write(&path, serde_json::to_string_pretty(&export).unwrap()).unwrap();
    let (records, rejects, format) = read(&path, &IngestOptions::default());
    assert_eq!(format, InputFormat::TelegramExport);
    let messages: Vec<&disrupt_records::Message> =
        records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m) } else { None }).collect();
    let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["telegram:9/1", "telegram:9/2", "telegram:10/3"]);
    assert_eq!(messages[0].attributes.clone().map(|a| *a).unwrap_or_default()["chat_name"], "Late");
    let errors: Vec<&str> = rejects.iter().map(|r| r.error.as_str()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("chat 2 of chats.list") && errors[0].contains("`id`"), "{errors:?}");
    assert!(errors[1].starts_with("chat 3 of chats.list") && errors[1].contains("not a chat"), "{errors:?}");
}

#[test]
fn a_json_document_that_is_no_telegram_export_is_one_reject() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.json");
    std::fs::write(&path, r#"{"type": "bundle", "objects": [1, 2, 3]}"#).unwrap();
    let options = IngestOptions { format: Some(InputFormat::TelegramExport), ..IngestOptions::default() };
    let (records, rejects, _) = read(&path, &options);
    assert!(records.is_empty());
    assert_eq!(rejects.len(), 1, "{rejects:?}");
    assert!(rejects[0].error.contains("not a Telegram Desktop export"), "{}", rejects[0].error);
}

#[test]
fn telegram_channel_messages_are_posts_and_group_messages_stay_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let mut channel_post = telegram_message(1, "Breaking: the bridge is closed https://news.example/a");
    channel_post["from_id"] = serde_json::json!("channel500");
    let export = serde_json::json!({"chats": {"list": [
        {"name": "News", "type": "public_channel", "id": 500, "messages": [channel_post]},
        {"name": "Family", "type": "private_group", "id": 600, "messages": [telegram_message(2, "see you tonight")]}
    ]}});
    std::fs::write(&path, serde_json::to_string(&export).unwrap()).unwrap();
    let (records, rejects, _) = read(&path, &IngestOptions::default());
    assert!(rejects.is_empty(), "{rejects:?}");
    let posts = posts(&records);
    assert_eq!(posts.len(), 1);
    assert_eq!((posts[0].id.as_str(), posts[0].account.as_str()), ("telegram:500/1", "telegram:channel500"));
    let messages: Vec<&str> = records.iter().filter_map(|r| if let Record::Message(m) = r { Some(m.id.as_str()) } else { None }).collect();
    assert_eq!(messages, ["telegram:600/2"]);
}

#[test]
fn mapped_columns_give_each_row_its_platform_and_shared_objects() {
    let file = write_temp(
        b"id,site,who,at,img,domain\n1,Facebook,alice,2026-01-01T10:00:00Z,ab12,example.org\n2,,bob,2026-01-01T10:00:00Z,\"[cd34, ef56]\",\n3,instagram,carol,2026-01-01T10:00:00Z,,\n",
        ".csv",
    );
    let options = IngestOptions {
        columns: Some(ColumnMap::parse("id=id,platform=site,account=who,created_at=at,objects.phash=img,objects.Domain=domain").unwrap()),
        platform: Some("telegram".into()),
        ..IngestOptions::default()
    };
    let (records, rejects, _) = read(file.path(), &options);
    assert!(rejects.is_empty(), "{rejects:?}");
    let posts = posts(&records);
    let ids: Vec<(&str, &str, &str)> = posts.iter().map(|p| (p.id.as_str(), p.account.as_str(), p.platform.as_str())).collect();
    assert_eq!(
        ids,
        [
            ("facebook:1", "facebook:alice", "facebook"),
            ("telegram:2", "telegram:bob", "telegram"),
            ("instagram:3", "instagram:carol", "instagram")
        ]
    );
    let keys = |i: usize| posts[i].objects.as_ref().unwrap().iter().map(|o| o.key()).collect::<Vec<_>>();
    assert_eq!(keys(0), ["domain:example.org", "phash:ab12"], "types in name order");
    assert_eq!(keys(1), ["phash:cd34", "phash:ef56"], "a list literal is several items");
    assert!(keys(2).is_empty());
}
