//! The Twitter/X Information Operations archive: tweets and users CSV, in every release's
//! conventions (columns mapped by name, hashed ids, `true`/`True`, float counts, list cells).

use crate::csv_util::{for_each_row, parse_bool, parse_count, parse_list, Row};
use crate::detect::InputFormat;
use crate::reader::{platform_or, prefixed, Counted, IngestOptions, Prepare};
use disrupt_records::{normalize_lang_tag, parse_time_str, Account, Metrics, Post, Record, TimeZoneSetting};
use std::collections::HashSet;
use std::io::Read;

pub(crate) fn read<P: Prepare>(
    reader: impl Read,
    format: &InputFormat,
    options: &IngestOptions,
    out: &mut Counted<'_, P>,
) -> Result<(), (String, u64)> {
    let platform = platform_or(options, "x");
    let zone = options.timezone;
    // The tweets file repeats each author's profile on every row; the first row's profile is
    // the account record, later ones are not duplicates of anything the user gave.
    let mut seen_accounts: HashSet<String> = HashSet::new();
    let tweets = *format == InputFormat::TwitterIoTweets;
    for_each_row(reader, options.max_record_bytes, out, |row| {
        let account = account_from_row(row, &platform, zone)?;
        if !tweets {
            return Ok(vec![Record::Account(account)]);
        }
        let post = post_from_row(row, &platform, zone)?;
        let mut records = Vec::with_capacity(2);
        if seen_accounts.insert(account.id.clone()) {
            records.push(Record::Account(account));
        }
        records.push(Record::Post(post));
        Ok(records)
    })?;
    Ok(())
}

fn account_from_row(row: &Row<'_>, platform: &str, zone: TimeZoneSetting) -> Result<Account, String> {
    let userid = row.required("userid")?;
    Ok(Account {
        id: prefixed(platform, userid),
        platform: platform.to_string(),
        handle: row.get("user_screen_name").map(String::from),
        display_name: row.get("user_display_name").map(String::from),
        bio: row.get("user_profile_description").map(String::from),
        lang: row.get("account_language").and_then(normalize_lang_tag),
        created_at: match row.get("account_creation_date") {
            Some(t) => Some(parse_time_str(t, zone).map_err(|e| format!("column `account_creation_date`: {e}"))?),
            None => None,
        },
        followers: parse_count(row.get("follower_count"), "follower_count")?,
        following: parse_count(row.get("following_count"), "following_count")?,
        attributes: None,
    })
}

fn post_from_row(row: &Row<'_>, platform: &str, zone: TimeZoneSetting) -> Result<Post, String> {
    let id = row.required("tweetid")?;
    let time = row.required("tweet_time")?;
    let created_at = parse_time_str(time, zone).map_err(|e| format!("column `tweet_time`: {e}"))?;
    let is_retweet = parse_bool(row.get("is_retweet")).unwrap_or(false);
    let prefixed_opt = |name: &str| row.get(name).filter(|v| *v != "0").map(|v| prefixed(platform, v));
    let repost_of = prefixed_opt("retweet_tweetid").filter(|_| is_retweet || row.get("is_retweet").is_none());
    let likes = parse_count(row.get("like_count"), "like_count")?;
    let retweets = parse_count(row.get("retweet_count"), "retweet_count")?;
    let quotes = parse_count(row.get("quote_count"), "quote_count")?;
    let replies = parse_count(row.get("reply_count"), "reply_count")?;
    let metrics = if likes.is_some() || retweets.is_some() || replies.is_some() || quotes.is_some() {
        Some(Metrics {
            views: None,
            likes,
            shares: match (retweets, quotes) {
                (None, None) => None,
                (r, q) => Some(r.unwrap_or(0) + q.unwrap_or(0)),
            },
            comments: replies,
        })
    } else {
        None
    };
    let list = |name: &str| {
        if row.raw(name).is_some() {
            Some(parse_list(row.get(name)))
        } else {
            None
        }
    };
    Ok(Post {
        id: prefixed(platform, id),
        account: prefixed(platform, row.required("userid")?),
        platform: platform.to_string(),
        created_at,
        text: row.raw("tweet_text").unwrap_or("").to_string(),
        lang: row.get("tweet_language").and_then(normalize_lang_tag),
        hashtags: list("hashtags").map(|v| v.into_iter().map(|h| h.trim_start_matches('#').to_string()).collect()),
        urls: list("urls"),
        mentions: list("user_mentions"),
        reply_to: prefixed_opt("in_reply_to_tweetid"),
        repost_of,
        quote_of: prefixed_opt("quoted_tweet_tweetid"),
        metrics,
        is_ad: None,
        objects: None,
        attributes: None,
    })
}
