//! No input may panic the reader: arbitrary bytes in every format, with and without a
//! plausible header, come back as records or rejects.

use disrupt_ingest::{ingest_file, ColumnMap, IngestEvent, IngestOptions, InputFormat};
use proptest::prelude::*;
use std::io::Write;

fn run(bytes: &[u8], options: &IngestOptions) -> (usize, usize) {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(bytes).unwrap();
    f.flush().unwrap();
    let (mut records, mut rejects) = (0, 0);
    let result = ingest_file(f.path(), "fuzz", options, &mut |e| match e {
        IngestEvent::Record { .. } => records += 1,
        IngestEvent::Reject(_) => rejects += 1,
    });
    // An unrecognisable file is an error value, never a panic.
    let _ = result;
    (records, rejects)
}

const HEADERS: &[&[u8]] = &[
    b"",
    b"message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n",
    b"tweetid,userid,user_screen_name,tweet_text,tweet_time,hashtags,urls,is_retweet,retweet_tweetid,like_count\n",
    b"userid,user_display_name,user_screen_name,follower_count\n",
    b"{\"kind\":\"post\",\"id\":\"1\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":0,\"text\":\"\"}\n",
    b"\x1f\x8b\x08\x00",
    b"\x28\xb5\x2f\xfd",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(header in 0usize..HEADERS.len(), body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = HEADERS[header].to_vec();
        bytes.extend_from_slice(&body);
        run(&bytes, &IngestOptions::default());
        for format in [InputFormat::Jsonl, InputFormat::ToolkitCsv, InputFormat::TwitterIoTweets, InputFormat::TwitterIoUsers, InputFormat::TelegramExport] {
            run(&bytes, &IngestOptions { format: Some(format), ..IngestOptions::default() });
        }
        let columns = ColumnMap::parse("account=a,text=b,created_at=c,hashtags=d,likes=e").unwrap();
        run(&bytes, &IngestOptions { columns: Some(columns), ..IngestOptions::default() });
    }

    #[test]
    fn damaged_telegram_exports_never_panic(cut in 0usize..4000, at in 0usize..4000, byte in any::<u8>()) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/telegram_account_export.json");
        let mut bytes = std::fs::read(path).unwrap();
        if at < bytes.len() {
            bytes[at] = byte;
        }
        bytes.truncate(cut.max(1).min(bytes.len()));
        run(&bytes, &IngestOptions::default());
        run(&bytes, &IngestOptions { format: Some(InputFormat::TelegramExport), ..IngestOptions::default() });
    }

    #[test]
    fn json_lines_of_arbitrary_values_are_records_or_rejects(lines in proptest::collection::vec("\\PC{0,120}", 1..20)) {
        let text = lines.join("\n");
        let (records, rejects) = run(text.as_bytes(), &IngestOptions { format: Some(InputFormat::Jsonl), ..IngestOptions::default() });
        let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count();
        prop_assert!(records + rejects <= non_blank + 1);
    }
}
