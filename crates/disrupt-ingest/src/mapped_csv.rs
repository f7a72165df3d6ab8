//! Any CSV through a user's column mapping (`--columns account=user_name,text=text,...`).
//! Each row is a post; identifiers are prefixed with the platform; a row without an id
//! column gets `platform:FILE:LINE`-style ids from its line number.

pub use crate::columns::{ColumnMap, ColumnMapError, MAPPABLE_FIELDS};
use crate::csv_util::{for_each_row, parse_bool, parse_count, parse_list, Row};
use crate::reader::{platform_or, prefixed, Counted, IngestOptions, Prepare};
use disrupt_records::{normalize_lang_tag, parse_time_str, Account, Metrics, Post, Record};
use std::collections::HashSet;
use std::io::Read;

pub(crate) fn read<P: Prepare>(
    reader: impl Read,
    columns: &ColumnMap,
    options: &IngestOptions,
    out: &mut Counted<'_, P>,
) -> Result<(), (String, u64)> {
    let platform = platform_or(options, "x");
    let zone = options.timezone;
    let file_tag = std::path::Path::new(&out.file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut seen_accounts: HashSet<String> = HashSet::new();
    let mut row_number = 0u64;
    let get = |row: &Row<'_>, field: &str| columns.column(field).and_then(|c| row.get(c)).map(String::from);
    let header = for_each_row(reader, options.max_record_bytes, out, |row| {
        row_number += 1;
        let account_col = columns.column("account").unwrap_or("account");
        let account =
            prefixed(&platform, row.get(account_col).ok_or_else(|| format!("missing required column value `{account_col}` (account)"))?);
        let time_col = columns.column("created_at").unwrap_or("created_at");
        let time = row.get(time_col).ok_or_else(|| format!("missing required column value `{time_col}` (created_at)"))?;
        let created_at = parse_time_str(time, zone).map_err(|e| format!("column `{time_col}`: {e}"))?;
        let id = match get(row, "id") {
            Some(id) => prefixed(&platform, &id),
            None if columns.column("id").is_some() => {
                return Err(format!("missing required column value `{}` (id)", columns.column("id").unwrap_or("id")))
            }
            None => format!("{platform}:{file_tag}:{row_number}"),
        };
        let count = |field: &str| parse_count(columns.column(field).and_then(|c| row.get(c)), columns.column(field).unwrap_or(field));
        let (likes, shares, comments, views) = (count("likes")?, count("shares")?, count("comments")?, count("views")?);
        let metrics = (likes.is_some() || shares.is_some() || comments.is_some() || views.is_some()).then_some(Metrics {
            views,
            likes,
            shares,
            comments,
        });
        let list = |field: &str| columns.column(field).map(|c| parse_list(row.get(c)));
        let mut records = Vec::with_capacity(2);
        if seen_accounts.insert(account.clone()) {
            records.push(Record::Account(Account {
                id: account.clone(),
                platform: platform.clone(),
                handle: get(row, "handle"),
                display_name: get(row, "display_name"),
                followers: count("followers")?,
                following: count("following")?,
                created_at: match get(row, "account_created_at") {
                    Some(t) => Some(parse_time_str(&t, zone).map_err(|e| format!("account_created_at: {e}"))?),
                    None => None,
                },
                ..Account::default()
            }));
        }
        records.push(Record::Post(Post {
            id,
            account,
            platform: platform.clone(),
            created_at,
            text: columns.column("text").and_then(|c| row.raw(c)).unwrap_or("").to_string(),
            lang: get(row, "lang").and_then(|l| normalize_lang_tag(&l)),
            hashtags: list("hashtags").map(|v| v.into_iter().map(|h| h.trim_start_matches('#').to_string()).collect()),
            urls: list("urls"),
            mentions: list("mentions").map(|v| v.into_iter().map(|h| h.trim_start_matches('@').to_string()).collect()),
            reply_to: get(row, "reply_to").map(|v| prefixed(&platform, &v)),
            repost_of: get(row, "repost_of").map(|v| prefixed(&platform, &v)),
            quote_of: get(row, "quote_of").map(|v| prefixed(&platform, &v)),
            metrics,
            is_ad: columns.column("is_ad").and_then(|c| parse_bool(row.get(c))),
            attributes: None,
        }));
        Ok(records)
    })?;
    for (field, column) in &columns.fields {
        if !header.contains_key(column) {
            out.reject(1, format!("--columns maps `{field}` to `{column}`, which is not a column of this file"), String::new());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mappings() {
        let m = ColumnMap::parse("account=user_name, text=text,created_at=Created_At,id=tweet_id").unwrap();
        assert_eq!(m.column("created_at"), Some("created_at"));
        assert!(ColumnMap::parse("text=t,created_at=c").unwrap_err().0.contains("account"));
        assert!(ColumnMap::parse("account=a,created_at=c,repost_of=o").is_ok());
        assert!(ColumnMap::parse("account=a,text=t,created_at=c,colour=x").unwrap_err().0.contains("colour"));
    }
}
