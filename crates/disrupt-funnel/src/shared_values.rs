//! What ties the accounts of one scam operation together: the values several operator-side
//! accounts and ads share.
//!
//! - **script**: near-identical messages (word-set Jaccard similarity at or above a
//!   threshold, found through MinHash bands and then checked exactly) that several accounts
//!   each sent in two or more conversations or ads: one operation's script with variations;
//! - **payment**: the same bank account, e-wallet number or crypto address;
//! - **contact**: the same phone number, Telegram handle, chat link or landing page, and
//!   an ad that points to an account's own handle (`chat @rina_kr`) ties the ad's account
//!   to that account.
//!
//! Only records the caller passes take part: operator-side messages, the ads that lead to
//! them, and model outputs, never the targets' side. A value shared by more than `max_sharers` accounts says nothing about
//! one operation (a marketplace's domain, a national hotline) and is dropped.

use crate::Detail;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a shared value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// One script, with variations.
    Script,
    /// A bank account, e-wallet or crypto address.
    Payment,
    /// A phone number, handle or landing page.
    Contact,
}

/// One record (an operator-side message or an ad) as linking reads it.
pub struct ValueRecord<'a> {
    /// The caller's record number (cited in evidence).
    pub record: u32,
    /// Its author (account number).
    pub account: u32,
    /// The conversation of a message; `None` for an ad or channel post.
    pub conversation: Option<&'a str>,
    /// Its text.
    pub text: &'a str,
    /// Word set of the record's matching text (sorted hashes).
    pub words: &'a [u32],
    /// Payment and contact details it names.
    pub details: &'a [Detail],
    /// Canonical links the record carries (ads give them apart from the text).
    pub urls: &'a [String],
    /// A model output from an AI provider's logs: its account wrote the script, once is enough.
    pub generated: bool,
}

/// An account's own handle, with a record of its to cite when an ad points to it.
pub struct HandleOwner<'a> {
    /// The account.
    pub account: u32,
    /// Its handle.
    pub handle: &'a str,
    /// A record of the account's, cited when an ad points to the handle.
    pub record: u32,
}

/// What makes scam records one operation's (`scam_links` in the settings).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SharedValueConfig {
    /// Words a message needs before it counts as a script.
    pub min_script_words: usize,
    /// Word-set Jaccard similarity at or above which two messages are one script.
    pub script_similarity: f64,
    /// Values shared by more accounts than this are dropped.
    pub max_sharers: usize,
}

impl Default for SharedValueConfig {
    fn default() -> Self {
        Self { min_script_words: 6, script_similarity: 0.5, max_sharers: 200 }
    }
}

/// A value shared by two or more accounts, with every (account, record) that used it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedValue {
    /// What kind of value.
    pub kind: ValueKind,
    /// The value as shown to analysts (a script's first text, `ewallet dana 081234567890`,
    /// `@klubromantis_cs`).
    pub value: String,
    /// Every use, as (account number, record).
    pub uses: Vec<(u32, u32)>,
}

impl SharedValue {
    /// The accounts that used it.
    pub fn accounts(&self) -> BTreeSet<u32> {
        self.uses.iter().map(|u| u.0).collect()
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// A phone number in one form: digits only, Indonesia's `+62` / `62` written as `0`.
pub fn phone_key(raw: &str) -> Option<String> {
    let d = digits(raw);
    let d = match d.strip_prefix("62") {
        Some(rest) if rest.starts_with('8') => format!("0{rest}"),
        _ => d,
    };
    (d.len() >= 8).then_some(d)
}

/// The comparable key of a payment detail (`None` when it names no account: "DANA" alone).
pub fn payment_key(detail: &Detail) -> Option<String> {
    match detail.kind.as_str() {
        "bank_account" => {
            let d = digits(&detail.value);
            (d.len() >= 8).then(|| format!("bank {d}"))
        }
        "ewallet" => {
            let name: String = detail.value.chars().take_while(|c| c.is_alphabetic() || *c == ' ').collect();
            let d = phone_key(&detail.value)?;
            Some(format!("ewallet {} {d}", name.trim().to_lowercase()))
        }
        "crypto" => Some(format!("crypto {}", detail.value.trim())),
        _ => None,
    }
}

/// Contact keys a record names: phones, chat links, handles and landing pages.
pub(crate) fn contact_keys(record: &ValueRecord<'_>, out: &mut Vec<String>) {
    for d in record.details {
        match d.kind.as_str() {
            "phone" => out.extend(phone_key(&d.value).map(|p| format!("phone {p}"))),
            "off_platform" => {
                let v = d.value.to_lowercase();
                if let Some(h) = v.strip_prefix("t.me/") {
                    out.push(format!("@{h}"));
                } else if let Some(n) = v.strip_prefix("wa.me/") {
                    out.extend(phone_key(n).map(|p| format!("phone {p}")));
                } else if v.contains('/') {
                    out.push(v);
                }
            }
            _ => {}
        }
    }
    out.extend(mentions(record.text).map(|m| format!("@{m}")));
    for u in record.urls {
        let u = u.to_lowercase();
        let u = u.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
        if let Some(h) = u.strip_prefix("t.me/") {
            out.push(format!("@{}", h.trim_end_matches('/')));
        } else if !u.starts_with("wa.me/") {
            out.push(format!("link {u}"));
        }
    }
}

/// `@handles` in a text, lowercased.
fn mentions(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '@' || c == '.')).filter_map(|w| {
        let h = w.strip_prefix('@')?.trim_end_matches('.');
        (h.len() >= 3 && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| h.to_lowercase())
    })
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut y = x;
    while parent[y] != r {
        let next = parent[y];
        parent[y] = r;
        y = next;
    }
    r
}

/// Leaders compared per LSH bucket: a bucket of one script's thousands of copies costs
/// thousands of comparisons, not millions.
const LEADERS_PER_BUCKET: usize = 8;

/// Groups of near-identical scripts (indices into `records`).
fn script_groups(records: &[ValueRecord<'_>], config: &SharedValueConfig) -> Vec<Vec<usize>> {
    use disrupt_normalize::minhash::{band_keys, jaccard_sorted, signature};
    let eligible: Vec<usize> = (0..records.len()).filter(|&i| records[i].words.len() >= config.min_script_words).collect();
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for &i in &eligible {
        for key in band_keys(&signature(records[i].words)) {
            buckets.entry(key).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..records.len()).collect();
    let mut keys: Vec<u64> = buckets.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        let members = &buckets[&key];
        let mut leaders: Vec<usize> = Vec::new();
        for &m in members {
            let mut joined = false;
            for &l in &leaders {
                if jaccard_sorted(records[m].words, records[l].words) >= config.script_similarity {
                    let (a, b) = (find(&mut parent, m), find(&mut parent, l));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                    joined = true;
                    break;
                }
            }
            if !joined && leaders.len() < LEADERS_PER_BUCKET {
                leaders.push(m);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &eligible {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    groups.into_values().filter(|g| g.len() >= 2).collect()
}

/// Every value that two or more accounts share (and at most `max_sharers`).
pub fn shared_values(records: &[ValueRecord<'_>], owners: &[HandleOwner<'_>], config: &SharedValueConfig) -> Vec<SharedValue> {
    let mut out = Vec::new();
    // A script: several accounts, each sending it in two or more conversations or ads. An
    // operation works many targets with its script; two people who happen to write the
    // same sentence once each are no operation.
    for group in script_groups(records, config) {
        // Per account, its first place and whether it used the script in a second one (one
        // comparison a record: a script can have hundreds of thousands of copies).
        let mut first_place: FxHashMap<u32, (Option<&str>, u32)> = FxHashMap::default();
        let mut sharers: BTreeSet<u32> = BTreeSet::new();
        let mut writers: BTreeSet<u32> = BTreeSet::new();
        for &i in &group {
            let r = &records[i];
            if r.generated {
                writers.insert(r.account);
                continue;
            }
            let place = (r.conversation, if r.conversation.is_some() { 0 } else { r.record });
            let first = *first_place.entry(r.account).or_insert(place);
            if first != place {
                sharers.insert(r.account);
            }
        }
        // A model output ties its AI-provider account to a script somebody sent; outputs
        // alike that nobody sent (people asking a model for the same kind of post) are no
        // script.
        if sharers.is_empty() {
            continue;
        }
        sharers.extend(writers);
        if sharers.len() < 2 || sharers.len() > config.max_sharers {
            continue;
        }
        let group: Vec<usize> = group.into_iter().filter(|&i| sharers.contains(&records[i].account)).collect();
        let first = group.iter().min_by_key(|&&i| records[i].record).copied().unwrap_or(group[0]);
        out.push(SharedValue {
            kind: ValueKind::Script,
            value: records[first].text.chars().take(200).collect(),
            uses: group.iter().map(|&i| (records[i].account, records[i].record)).collect(),
        });
    }
    let mut keyed: FxHashMap<(ValueKind, String), Vec<(u32, u32)>> = FxHashMap::default();
    let mut keys = Vec::new();
    for r in records {
        for d in r.details {
            if let Some(k) = payment_key(d) {
                keyed.entry((ValueKind::Payment, k)).or_default().push((r.account, r.record));
            }
        }
        keys.clear();
        contact_keys(r, &mut keys);
        keys.sort();
        keys.dedup();
        for k in keys.drain(..) {
            keyed.entry((ValueKind::Contact, k)).or_default().push((r.account, r.record));
        }
    }
    for o in owners {
        let key = (ValueKind::Contact, format!("@{}", o.handle.trim_start_matches('@').to_lowercase()));
        // The owner joins only a handle others name.
        if let Some(uses) = keyed.get_mut(&key) {
            uses.push((o.account, o.record));
        }
    }
    let mut shared: Vec<SharedValue> = keyed
        .into_iter()
        .filter(|(_, uses)| {
            let accounts: BTreeSet<u32> = uses.iter().map(|u| u.0).collect();
            accounts.len() >= 2 && accounts.len() <= config.max_sharers
        })
        .map(|((kind, value), uses)| SharedValue { kind, value, uses })
        .collect();
    // In key order, whatever the hash table's.
    shared.sort_by(|x, y| (x.kind, &x.value).cmp(&(y.kind, &y.value)));
    out.extend(shared);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stager;
    use disrupt_normalize::{matching_text, word_set};

    struct Owned {
        text: String,
        words: Vec<u32>,
        details: Vec<Detail>,
        conversation: Option<String>,
        account: u32,
        urls: Vec<String>,
    }

    fn records(rows: &[(u32, Option<&str>, &str)]) -> Vec<Owned> {
        let stager = Stager::default();
        rows.iter()
            .map(|(account, conversation, text)| Owned {
                text: text.to_string(),
                words: word_set(&matching_text(text)),
                details: stager.stage(text, false).details,
                conversation: conversation.map(String::from),
                account: *account,
                urls: Vec::new(),
            })
            .collect()
    }

    fn view(owned: &[Owned]) -> Vec<ValueRecord<'_>> {
        owned
            .iter()
            .enumerate()
            .map(|(i, o)| ValueRecord {
                record: i as u32,
                account: o.account,
                conversation: o.conversation.as_deref(),
                text: &o.text,
                words: &o.words,
                details: &o.details,
                urls: &o.urls,
                generated: false,
            })
            .collect()
    }

    #[test]
    fn a_script_with_variations_a_wallet_and_an_ad_pointing_to_a_handle() {
        let owned = records(&[
            (1, Some("c1"), "Halo kak Budi, salam kenal ya, aku Rina dari KlubRomantis, boleh kenalan lebih dekat?"),
            (2, Some("c2"), "Halo kak Andi, salam kenal ya, aku Sari dari KlubRomantis, boleh kenalan lebih dekat? 😊"),
            (1, Some("c4"), "Hai kak Joko, salam kenal ya, aku Rina dari KlubRomantis, boleh kenalan lebih dekat?"),
            (2, Some("c5"), "Halo kakak Eko, salam kenal ya, aku Sari dari KlubRomantis, boleh kenalan?"),
            (4, Some("c6"), "Halo kak Dedi, salam kenal ya, aku Ayu dari KlubRomantis, boleh kenalan lebih dekat?"),
            (3, Some("c3"), "Besok kita rapat jam sembilan di kantor ya, jangan lupa bawa laptop"),
            (1, Some("c1"), "Upgrade VIP Rp 250.000 ke DANA 0812-3456-7890 ya sayang"),
            (2, Some("c2"), "Deposit verifikasi 500rb ke dana 081234567890"),
            (3, Some("c3"), "Bayar pakai DANA saja"),
            (9, None, "Cari pasangan serius? Chat admin kami @rina_kr sekarang juga"),
        ]);
        let recs = view(&owned);
        let owners = [HandleOwner { account: 1, handle: "Rina_KR", record: 0 }];
        assert_eq!(recs.len(), 10);
        let shared = shared_values(&recs, &owners, &SharedValueConfig::default());
        let of = |k: ValueKind| shared.iter().filter(|s| s.kind == k).collect::<Vec<_>>();
        let scripts = of(ValueKind::Script);
        assert_eq!(scripts.len(), 1, "{shared:?}");
        assert_eq!(scripts[0].accounts(), BTreeSet::from([1, 2]), "account 4 sent it once: no sharer");
        let payments = of(ValueKind::Payment);
        assert_eq!(payments.len(), 1, "a wallet named without a number links nobody: {payments:?}");
        assert_eq!(payments[0].value, "ewallet dana 081234567890");
        assert_eq!(payments[0].accounts(), BTreeSet::from([1, 2]));
        let contacts = of(ValueKind::Contact);
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].value, "@rina_kr");
        assert_eq!(contacts[0].accounts(), BTreeSet::from([1, 9]));
    }

    #[test]
    fn one_account_repeating_itself_or_values_everyone_shares_link_nobody() {
        let mut rows: Vec<(u32, Option<&str>, &str)> = vec![
            (1, Some("c1"), "Terima kasih sudah belanja di toko kami kak, ditunggu orderan selanjutnya"),
            (1, Some("c2"), "Terima kasih sudah belanja di toko kami kak, ditunggu orderan selanjutnya"),
        ];
        let convs: Vec<String> = (0..5).map(|i| format!("d{i}")).collect();
        for (i, c) in convs.iter().enumerate() {
            rows.push((10 + i as u32, Some(c.as_str()), "Hubungi kami di 0812-3456-7890 ya"));
        }
        let owned = records(&rows);
        let recs = view(&owned);
        let config = SharedValueConfig { max_sharers: 4, ..SharedValueConfig::default() };
        assert!(shared_values(&recs, &[], &config).is_empty());
        let shared = shared_values(&recs, &[], &SharedValueConfig::default());
        assert_eq!(shared.len(), 1, "{shared:?}");
        assert_eq!((shared[0].kind, shared[0].value.as_str()), (ValueKind::Contact, "phone 081234567890"));
    }

    #[test]
    fn phones_compare_in_one_form() {
        assert_eq!(phone_key("+62 812-3456-7890"), phone_key("081234567890"));
        assert_eq!(phone_key("6281234567890").as_deref(), Some("081234567890"));
        assert_eq!(phone_key("123"), None);
    }
}
