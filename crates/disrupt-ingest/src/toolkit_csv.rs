//! The coordination-network-toolkit CSV: `message_id,user_id,username,repost_id,reply_id,
//! message,timestamp,urls`, with the variants real files show (BOM, CRLF, float epoch
//! seconds, URLs space-separated or as a Python list literal).

use crate::csv_util::{for_each_row, parse_list};
use crate::reader::{platform_or, prefixed, Counted, IngestOptions, Prepare};
use disrupt_records::{parse_time_str, Account, Post, Record};
use std::collections::HashSet;
use std::io::Read;

pub(crate) fn read<P: Prepare>(reader: impl Read, options: &IngestOptions, out: &mut Counted<'_, P>) -> Result<(), (String, u64)> {
    let platform = platform_or(options, "x");
    let zone = options.timezone;
    let mut seen_accounts: HashSet<String> = HashSet::new();
    for_each_row(reader, options.max_record_bytes, out, |row| {
        let user = row.required("user_id")?;
        let account = prefixed(&platform, user);
        let time = row.required("timestamp")?;
        let created_at = parse_time_str(time, zone).map_err(|e| format!("column `timestamp`: {e}"))?;
        let mut records = Vec::with_capacity(2);
        if seen_accounts.insert(account.clone()) {
            records.push(Record::Account(Account {
                id: account.clone(),
                platform: platform.clone(),
                handle: row.get("username").map(String::from),
                ..Account::default()
            }));
        }
        records.push(Record::Post(Post {
            id: prefixed(&platform, row.required("message_id")?),
            account,
            platform: platform.clone(),
            created_at,
            text: row.raw("message").unwrap_or("").to_string(),
            urls: Some(parse_list(row.get("urls"))),
            repost_of: row.get("repost_id").map(|v| prefixed(&platform, v)),
            reply_to: row.get("reply_id").map(|v| prefixed(&platform, v)),
            ..Post::default()
        }));
        Ok(records)
    })?;
    Ok(())
}
