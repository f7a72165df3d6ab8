//! The corpus: every accepted record, deduplicated ("first wins"), with accounts interned
//! to dense indices for the detectors.

use disrupt_records::{Account, Generation, Label, Message, Post, Record};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use xxhash_rust::xxh3::xxh3_128_with_seed;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorpusStats {
    pub records: u64,
    pub duplicates: u64,
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

/// Accepted records of one scan (posts excepted: see [`Added::Post`]).
#[derive(Debug, Default)]
pub struct Corpus {
    /// Interned account ids; index = dense account number.
    pub account_ids: Vec<String>,
    account_index: HashMap<String, u32>,
    /// The account record for each interned account, when one was given.
    pub account_records: Vec<Option<Account>>,
    /// Platform of each account (from its record or its first post).
    pub account_platforms: Vec<String>,
    pub generations: Vec<Generation>,
    pub messages: Vec<Message>,
    pub labels: Vec<Label>,
    seen: HashSet<u128>,
    pub stats: CorpusStats,
}

impl Corpus {
    pub fn account(&mut self, id: &str, platform: &str) -> u32 {
        if let Some(&i) = self.account_index.get(id) {
            return i;
        }
        let i = self.account_ids.len() as u32;
        self.account_ids.push(id.to_string());
        self.account_index.insert(id.to_string(), i);
        self.account_records.push(None);
        self.account_platforms.push(platform.to_string());
        i
    }

    pub fn account_index(&self, id: &str) -> Option<u32> {
        self.account_index.get(id).copied()
    }

    /// Adds a record unless one of the same kind and id came first.
    pub fn add(&mut self, record: Record) -> Added {
        let kind = record.kind();
        // The kind seeds the hash, so no key is built per record.
        if !self.seen.insert(xxh3_128_with_seed(record.identity().as_bytes(), kind as u64)) {
            self.stats.duplicates += 1;
            return Added::Duplicate;
        }
        self.stats.records += 1;
        *self.stats.by_kind.entry(kind.as_str()).or_default() += 1;
        match record {
            Record::Account(a) => {
                let i = self.account(&a.id, &a.platform) as usize;
                self.account_platforms[i] = a.platform.clone();
                self.account_records[i] = Some(a);
            }
            Record::Post(p) => {
                let i = self.account(&p.account, &p.platform);
                return Added::Post(p, i);
            }
            Record::Generation(g) => self.generations.push(g),
            Record::Message(m) => self.messages.push(m),
            Record::Label(l) => self.labels.push(l),
        }
        Added::Stored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(c.account_ids.len(), 2);
    }
}
