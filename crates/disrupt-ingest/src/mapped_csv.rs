//! Any CSV through a user's column mapping (`--columns account=user_name,text=text,...`).
//! Each row is a post (a chat message when `conversation` is mapped); identifiers are
//! prefixed with the row's platform (its `platform` column, else `--platform`, else `x`);
//! a row without an id column gets `platform:FILE:LINE`-style ids from its line number.
//! Long-format files, one row per (post, shared object), repeat a post's id: the scan adds
//! each later row's links, hashtags and objects to the post (the contract's duplicate rule).

pub use crate::columns::{ColumnMap, ColumnMapError, MAPPABLE_FIELDS};
use crate::csv_util::{for_each_row, parse_bool, parse_count, parse_list, Row};
use crate::reader::{platform_or, prefixed, Counted, IngestOptions, Prepare};
use disrupt_records::{normalize_lang_tag, parse_time_str, Account, Message, MessageRole, Metrics, Post, Record, SharedObject};
use std::collections::HashSet;
use std::io::Read;

pub(crate) fn read<P: Prepare>(
    reader: impl Read,
    columns: &ColumnMap,
    options: &IngestOptions,
    out: &mut Counted<'_, P>,
) -> Result<(), (String, u64)> {
    let mut rows = RowMapper::new(columns, options, &out.file);
    let header = for_each_row(reader, options.max_record_bytes, out, |row| rows.map(row))?;
    for (field, column) in &columns.fields {
        if !header.contains_key(column) {
            out.reject(1, format!("--columns maps `{field}` to `{column}`, which is not a column of this file"), String::new());
        }
    }
    Ok(())
}

/// Turns rows (of a CSV, or of a Parquet file read through `--columns`) into records.
pub(crate) struct RowMapper<'a> {
    columns: &'a ColumnMap,
    default_platform: String,
    zone: disrupt_records::TimeZoneSetting,
    file_tag: String,
    seen_accounts: HashSet<String>,
    row_number: u64,
    object_columns: Vec<(&'a str, &'a str)>,
}

impl<'a> RowMapper<'a> {
    pub(crate) fn new(columns: &'a ColumnMap, options: &IngestOptions, file: &str) -> Self {
        RowMapper {
            columns,
            default_platform: platform_or(options, "x"),
            zone: options.timezone,
            file_tag: std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            seen_accounts: HashSet::new(),
            row_number: 0,
            object_columns: columns.object_columns().collect(),
        }
    }

    fn get(&self, row: &Row<'_>, field: &str) -> Option<String> {
        self.columns.column(field).and_then(|c| row.get(c)).map(String::from)
    }

    /// The records a row stands for: its author's account (the first time it is seen) and
    /// its post, or its message.
    pub(crate) fn map(&mut self, row: &Row<'_>) -> Result<Vec<Record>, String> {
        self.row_number += 1;
        let (columns, zone) = (self.columns, self.zone);
        // A platform column wins over `--platform`; an empty cell falls back to it.
        let platform = match self.get(row, "platform") {
            Some(p) => p.to_lowercase(),
            None => self.default_platform.clone(),
        };
        let account_col = columns.column("account").unwrap_or("account");
        let account =
            prefixed(&platform, row.get(account_col).ok_or_else(|| format!("missing required column value `{account_col}` (account)"))?);
        let time_col = columns.column("created_at").unwrap_or("created_at");
        let time = row.get(time_col).ok_or_else(|| format!("missing required column value `{time_col}` (created_at)"))?;
        let created_at = parse_time_str(time, zone).map_err(|e| format!("column `{time_col}`: {e}"))?;
        let id = match self.get(row, "id") {
            Some(id) => prefixed(&platform, &id),
            None if columns.column("id").is_some() => {
                return Err(format!("missing required column value `{}` (id)", columns.column("id").unwrap_or("id")))
            }
            None => format!("{platform}:{}:{}", self.file_tag, self.row_number),
        };
        let text = columns.column("text").and_then(|c| row.raw(c)).unwrap_or("").to_string();
        if columns.rows_are_messages() {
            return message_row(row, columns, id, account, platform, created_at, text).map(|m| vec![m]);
        }
        let count = |field: &str| parse_count(columns.column(field).and_then(|c| row.get(c)), columns.column(field).unwrap_or(field));
        let (likes, shares, comments, views) = (count("likes")?, count("shares")?, count("comments")?, count("views")?);
        let metrics = (likes.is_some() || shares.is_some() || comments.is_some() || views.is_some()).then_some(Metrics {
            views,
            likes,
            shares,
            comments,
        });
        let list = |field: &str| columns.column(field).map(|c| parse_list(row.get(c)));
        let objects = (!self.object_columns.is_empty()).then(|| {
            self.object_columns
                .iter()
                .flat_map(|(kind, column)| object_values(row.get(column)).into_iter().filter_map(|v| SharedObject::new(kind, &v)))
                .collect::<Vec<_>>()
        });
        let mut records = Vec::with_capacity(2);
        if self.seen_accounts.insert(account.clone()) {
            records.push(Record::Account(Account {
                id: account.clone(),
                platform: platform.clone(),
                handle: self.get(row, "handle"),
                display_name: self.get(row, "display_name"),
                followers: count("followers")?,
                following: count("following")?,
                created_at: match self.get(row, "account_created_at") {
                    Some(t) => Some(parse_time_str(&t, zone).map_err(|e| format!("account_created_at: {e}"))?),
                    None => None,
                },
                ..Account::default()
            }));
        }
        records.push(Record::Post(Post {
            id,
            account,
            created_at,
            text,
            lang: self.get(row, "lang").and_then(|l| normalize_lang_tag(&l)),
            hashtags: list("hashtags").map(|v| v.into_iter().map(|h| h.trim_start_matches('#').to_string()).collect()),
            urls: list("urls"),
            mentions: list("mentions").map(|v| v.into_iter().map(|h| h.trim_start_matches('@').to_string()).collect()),
            reply_to: self.get(row, "reply_to").map(|v| prefixed(&platform, &v)),
            repost_of: self.get(row, "repost_of").map(|v| prefixed(&platform, &v)),
            quote_of: self.get(row, "quote_of").map(|v| prefixed(&platform, &v)),
            metrics,
            is_ad: columns.column("is_ad").and_then(|c| parse_bool(row.get(c))),
            objects,
            platform,
            attributes: None,
        }));
        Ok(records)
    }
}

/// The items of a shared-object cell: a list literal (`[a, b]`) is several, anything else
/// one (a value may hold spaces: a video title).
fn object_values(cell: Option<&str>) -> Vec<String> {
    match cell {
        Some(c) if c.starts_with('[') && c.ends_with(']') => parse_list(Some(c)),
        Some(c) => vec![c.to_string()],
        None => Vec::new(),
    }
}

/// A row of a chat log (`conversation` mapped): a private message.
fn message_row(
    row: &Row<'_>,
    columns: &ColumnMap,
    id: String,
    account: String,
    platform: String,
    created_at: i64,
    text: String,
) -> Result<Record, String> {
    let conversation_col = columns.column("conversation").unwrap_or("conversation");
    let conversation = row
        .get(conversation_col)
        .map(|c| prefixed(&platform, c))
        .ok_or_else(|| format!("missing required column value `{conversation_col}` (conversation)"))?;
    let role = match columns.column("role").and_then(|c| row.get(c)) {
        None => None,
        Some(r) => match r.to_ascii_lowercase().as_str() {
            "operator" => Some(MessageRole::Operator),
            "target" => Some(MessageRole::Target),
            other => {
                return Err(format!("column `{}`: expected operator or target, got `{other}`", columns.column("role").unwrap_or("role")))
            }
        },
    };
    Ok(Record::Message(Message { id, conversation, account, platform, created_at, text, role, attributes: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_cells_are_one_item_unless_written_as_a_list() {
        assert_eq!(object_values(Some("a video title")), ["a video title"]);
        assert_eq!(object_values(Some("[ab, cd]")), ["ab", "cd"]);
        assert!(object_values(None).is_empty());
    }
}
