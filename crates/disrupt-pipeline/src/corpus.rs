//! The corpus: every accepted record, deduplicated ("first wins"), with accounts interned
//! to dense indices for the detectors.

use crate::key_table::KeyMap;
use disrupt_evidence::AccountInfo;
use disrupt_records::{Generation, Label, Message, Post, Record, RecordKind};
use std::collections::BTreeMap;
use xxhash_rust::xxh3::{xxh3_128, xxh3_128_with_seed};

/// What was read, by count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusStats {
    /// Records read, duplicates included.
    pub records: u64,
    /// Records whose kind and id came before.
    pub duplicates: u64,
    /// Records by kind.
    pub by_kind: BTreeMap<&'static str, u64>,
}

/// What [`Corpus::add`] did with a record.
#[derive(Debug)]
// The post moves straight on to normalization; boxing it would cost an allocation a record.
#[allow(clippy::large_enum_variant)]
pub enum Added {
    /// A record of the same kind and id came first.
    Duplicate,
    /// Kept in the corpus.
    Stored,
    /// A new post, handed back with its author's dense index: posts stream on to
    /// normalization rather than being held whole.
    Post(Post, u32),
}

/// What [`Corpus::add_post`] found a post to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostAdded {
    /// The first post of its id, by this author (dense number).
    New {
        /// Its author's number.
        author: u32,
    },
    /// A later row of post `first` (a long-format export repeats a post per shared item).
    Repeat {
        /// The number of the first post of this id.
        first: u32,
    },
}

/// An identity key as the table holds it.
fn split(identity: u128) -> [u64; 2] {
    [identity as u64, (identity >> 64) as u64]
}

/// Accepted records of one scan (posts excepted: see [`Added::Post`]).
#[derive(Default)]
pub struct Corpus {
    /// Interned accounts, with what their account record said; index = dense account number.
    pub accounts: Vec<AccountInfo>,
    /// Account numbers by [`account_key`]. Keyed by the id's 128-bit hash, as records are
    /// for the duplicate check: a lookup reads one table slot, where comparing ids read the
    /// account and then its id's bytes (two cache misses a post on a large archive).
    account_index: KeyMap,
    /// Generations, in input order.
    pub generations: Vec<Generation>,
    /// Messages, in input order.
    pub messages: Vec<Message>,
    /// Each message's sender as a dense account number (same order as `messages`).
    pub message_accounts: Vec<u32>,
    /// Labels (kept, never used by detection).
    pub labels: Vec<Label>,
    /// Identity keys ([`identity_key`]) of the records taken so far, each with its post
    /// number (posts) or 0: a later row of a post adds its shared items to that post.
    seen: KeyMap,
    /// Counts.
    pub stats: CorpusStats,
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus").field("accounts", &self.accounts.len()).field("stats", &self.stats).finish()
    }
}

/// The duplicate-check key of a record: its kind and id. The kind seeds the hash, so no
/// key is built per record.
pub fn identity_key(kind: RecordKind, id: &str) -> u128 {
    xxh3_128_with_seed(id.as_bytes(), kind as u64)
}

/// The key an account is numbered by: its id's 128-bit hash (computed where a post is
/// parsed, so the serial numbering only looks it up).
pub fn account_key(id: &str) -> [u64; 2] {
    let h = xxh3_128(id.as_bytes());
    [h as u64, (h >> 64) as u64]
}

impl Corpus {
    /// The number of the account with this id, numbering it if it is new.
    pub fn account(&mut self, id: &str, platform: &str) -> u32 {
        self.account_by_key(account_key(id), id, platform)
    }

    /// [`Corpus::account`] with the id's [`account_key`] already computed.
    pub fn account_by_key(&mut self, key: [u64; 2], id: &str, platform: &str) -> u32 {
        let next = self.accounts.len() as u32;
        let i = self.account_index.get_or_insert(key, next);
        if i == next {
            self.accounts.push(AccountInfo { id: id.to_string(), platform: platform.to_string(), ..AccountInfo::default() });
        }
        i
    }

    /// Room for this many records' identities, so the duplicate check never rehashes
    /// (rehashing holds the old and the new table at once).
    pub fn reserve(&mut self, records: usize) {
        self.seen.reserve(records);
    }

    /// Ends reading: the identities kept for the duplicate check are freed (tens of bytes a
    /// record); records added later are no longer checked.
    pub fn finish_reading(&mut self) {
        self.seen = KeyMap::default();
    }

    /// Asks for the table slots a post's [`Corpus::add_post`] will read, a few posts ahead
    /// of it, so that their cache misses overlap.
    pub fn prefetch_post(&self, identity: u128, account_key: [u64; 2]) {
        self.seen.prefetch(split(identity));
        self.account_index.prefetch(account_key);
    }

    /// The number of the account with this id, if it was read.
    pub fn account_index(&self, id: &str) -> Option<u32> {
        // After the accounts are handed on (`accounts` taken), nothing matches.
        self.account_index.get(account_key(id)).filter(|&i| (i as usize) < self.accounts.len())
    }

    /// Counts a record of this kind and identity key ([`identity_key`]): `None` when it is
    /// the first of them (remembered with `number`), else the first one's number.
    fn first_of(&mut self, kind: RecordKind, identity: u128, number: u32) -> Option<u32> {
        if let Err(held) = self.seen.insert_new(split(identity), number) {
            self.stats.duplicates += 1;
            return Some(held);
        }
        self.stats.records += 1;
        *self.stats.by_kind.entry(kind.as_str()).or_default() += 1;
        None
    }

    /// Adds a post already normalized (see `features::PreparedPost`) that would be post
    /// number `next_post`: a new post's author, or the number of the post of the same id
    /// that came first.
    pub fn add_post(&mut self, identity: u128, account_key: [u64; 2], account: &str, platform: &str, next_post: u32) -> PostAdded {
        match self.first_of(RecordKind::Post, identity, next_post) {
            None => PostAdded::New { author: self.account_by_key(account_key, account, platform) },
            Some(first) => PostAdded::Repeat { first },
        }
    }

    /// Adds a record unless one of the same kind and id came first.
    pub fn add(&mut self, record: Record) -> Added {
        let kind = record.kind();
        // Only posts are found again by number; other kinds hold 0.
        if self.first_of(kind, identity_key(kind, record.identity()), 0).is_some() {
            return Added::Duplicate;
        }
        match record {
            Record::Account(a) => {
                // Only what findings report is kept of an account record.
                let i = self.account(&a.id, &a.platform) as usize;
                let info = &mut self.accounts[i];
                info.platform = a.platform;
                info.handle = a.handle;
                info.created_at = a.created_at;
                info.followers = a.followers;
                info.following = a.following;
            }
            Record::Post(p) => {
                let i = self.account(&p.account, &p.platform);
                return Added::Post(p, i);
            }
            Record::Generation(g) => {
                // The provider's customer account is an account like any other (platform `ai`).
                self.account(&g.account, "ai");
                self.generations.push(g);
            }
            Record::Message(m) => {
                let sender = self.account(&m.account, &m.platform);
                self.message_accounts.push(sender);
                self.messages.push(m);
            }
            Record::Label(l) => self.labels.push(l),
        }
        Added::Stored
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_records::Account;

    #[test]
    fn first_record_wins_and_duplicates_are_counted() {
        let mut c = Corpus::default();
        let post = |id: &str, text: &str| {
            Record::Post(Post { id: id.into(), account: "x:1".into(), platform: "x".into(), text: text.into(), ..Post::default() })
        };
        assert!(matches!(c.add(post("p1", "first")), Added::Post(p, 0) if p.text == "first"));
        assert!(matches!(c.add(post("p1", "second")), Added::Duplicate));
        assert!(matches!(c.add(Record::Account(Account { id: "p1".into(), platform: "x".into(), ..Account::default() })), Added::Stored));
        assert_eq!(c.stats.duplicates, 1);
        assert_eq!(c.stats.by_kind["post"], 1);
        assert_eq!(c.accounts.len(), 2);
        assert_eq!(c.account_index("p1"), Some(1));
        assert_eq!(c.account_index("x:1"), Some(0));
        assert_eq!(c.account_index("x:2"), None);
    }
}
