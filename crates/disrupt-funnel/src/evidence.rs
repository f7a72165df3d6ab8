//! Scam evidence for the network stage: the scripts, payment numbers and contacts that
//! operator-side accounts and ads share become account-pair evidence (deterministic: no
//! chance makes two accounts name the same bank account), as long as the two accounts' uses
//! fall within the signal's window of each other. Scripts a model wrote tie its AI-provider
//! account to the operation.

use crate::roles::Role;
use crate::shared_values::{shared_values, HandleOwner, SharedValueConfig, ValueKind, ValueRecord};
use crate::Stager;
use disrupt_evidence::{
    closest_gap, AccountInfo, Detection, GenerationRecords, NetworkNote, PairEvidence, PostInfo, PostStore, Signal, SignalConfig,
    SignalReport,
};
use disrupt_records::Generation;
use std::collections::BTreeSet;

/// A promotional post (an ad, or a Telegram channel post) the funnel stage reads back from
/// the post store.
#[derive(Debug, Clone, Copy)]
pub struct Ad {
    /// The post's number in the post store.
    pub record: u32,
    /// Its author (account number).
    pub account: u32,
}

/// What scam operations share, as evidence for the graph.
#[derive(Debug, Default)]
pub struct ScamEvidence {
    /// Per scam signal, its pair evidence.
    pub reports: Vec<(Signal, SignalReport)>,
    /// "4 variations of the script were written by ai:org-7/user-1 (generation g-12)."
    pub notes: Vec<NetworkNote>,
    /// Per cited record, the values it shares (for explanations).
    pub shared_values: std::collections::HashMap<u32, Vec<(Signal, String)>>,
}

/// Matched record pairs kept per account pair and shared value.
const MATCHES_PER_VALUE: usize = 3;

/// The messages and ads a scan read, with their stages and roles.
pub struct FunnelRecords<'a> {
    /// Every message read.
    pub messages: &'a [disrupt_records::Message],
    /// Each message's sender (account number).
    pub message_accounts: &'a [u32],
    /// Store number of the first message.
    pub message_base: u32,
    /// Each message's stage.
    pub stages: &'a [crate::Staged],
    /// Each message's side and whether the record gave it.
    pub roles: &'a [Option<(crate::roles::Role, bool)>],
    /// Promotional posts.
    pub ads: &'a [Ad],
    /// Model outputs, so a script an AI account wrote ties that account to the operation.
    pub generations: &'a [Generation],
    /// Where the model outputs sit in the post store.
    pub generation_records: &'a GenerationRecords,
    /// Each generation's account (dense number).
    pub generation_accounts: &'a [u32],
}

/// Shared scripts, payment details and contacts among operator-side accounts and ads,
/// as deterministic pair evidence.
pub fn scam_evidence(
    records: &FunnelRecords<'_>,
    stager: &Stager,
    accounts: &[AccountInfo],
    posts: &PostStore,
    signals: &[(Signal, SignalConfig)],
    value_config: &SharedValueConfig,
    alpha: f64,
) -> ScamEvidence {
    use rayon::prelude::*;
    let operator_side: Vec<usize> =
        (0..records.messages.len()).filter(|&i| matches!(records.roles[i], Some((Role::Operator, _)))).collect();
    if operator_side.is_empty() && records.ads.is_empty() {
        return ScamEvidence::default();
    }
    // Promotional posts' text and canonical links, read back from the store.
    let ad_posts: Vec<PostInfo> = records.ads.par_iter().map(|a| posts.get_or_placeholder(a.record)).collect();
    let ad_stages: Vec<crate::Staged> = ad_posts.par_iter().map(|p| stager.stage(&p.text, true)).collect();
    let words_of = |t: &str| disrupt_normalize::word_set(&disrupt_normalize::matching_text(t));
    let message_words: Vec<Vec<u32>> = operator_side.par_iter().map(|&i| words_of(&records.messages[i].text)).collect();
    let ad_words: Vec<Vec<u32>> = ad_posts.par_iter().map(|p| words_of(&p.text)).collect();
    let no_urls: Vec<String> = Vec::new();
    let mut link_records: Vec<ValueRecord<'_>> = operator_side
        .iter()
        .zip(&message_words)
        .map(|(&i, words)| {
            let m = &records.messages[i];
            ValueRecord {
                record: records.message_base + i as u32,
                account: records.message_accounts[i],
                conversation: Some(m.conversation.as_str()),
                text: &m.text,
                words,
                details: &records.stages[i].details,
                urls: &no_urls,
                generated: false,
            }
        })
        .collect();
    // Model outputs take part only when there are chats to match them to.
    let outputs: Vec<(u32, u32, &str)> = if operator_side.is_empty() {
        Vec::new()
    } else {
        records
            .generations
            .iter()
            .enumerate()
            .filter(|(_, g)| g.refused != Some(true))
            .flat_map(|(gi, g)| {
                g.outputs
                    .iter()
                    .enumerate()
                    .map(move |(k, o)| (records.generation_records.record(gi as u32, k as u32), gi as u32, o.as_str()))
            })
            .collect()
    };
    let output_words: Vec<Vec<u32>> = outputs.par_iter().map(|(_, _, t)| words_of(t)).collect();
    let no_details: Vec<crate::Detail> = Vec::new();
    for ((record, gi, text), words) in outputs.iter().zip(&output_words) {
        link_records.push(ValueRecord {
            record: *record,
            account: records.generation_accounts[*gi as usize],
            conversation: None,
            text,
            words,
            details: &no_details,
            urls: &no_urls,
            generated: true,
        });
    }
    let generation_of: std::collections::HashMap<u32, u32> = outputs.iter().map(|(r, gi, _)| (*r, *gi)).collect();
    // An ad is a public post: like any post it is judged by co-action with timing. It takes
    // part in script and contact linking only when it leads to the private conversations
    // in the data: its account talks to targets there, or it names a contact (a handle, a
    // number, a chat link) of those conversations. Shops that write alike and a news link
    // posted in many channels are no operation.
    let operator_accounts: BTreeSet<u32> = operator_side.iter().map(|&i| records.message_accounts[i]).collect();
    let mut conversation_contacts: BTreeSet<String> = BTreeSet::new();
    let mut keys = Vec::new();
    for r in link_records.iter().filter(|r| !r.generated) {
        crate::shared_values::contact_keys(r, &mut keys);
        conversation_contacts.extend(keys.drain(..));
    }
    for &a in &operator_accounts {
        let info = &accounts[a as usize];
        let local = info.id.split_once(':').map(|(_, l)| l);
        for h in info.handle.as_deref().into_iter().chain(local) {
            conversation_contacts.insert(format!("@{}", h.trim_start_matches('@').to_lowercase()));
        }
    }
    for (((ad, post), staged), words) in records.ads.iter().zip(&ad_posts).zip(&ad_stages).zip(&ad_words) {
        let record = ValueRecord {
            record: ad.record,
            account: ad.account,
            conversation: None,
            text: &post.text,
            words,
            details: &staged.details,
            urls: &post.urls,
            generated: false,
        };
        crate::shared_values::contact_keys(&record, &mut keys);
        let leads_to_conversations = operator_accounts.contains(&ad.account) || keys.drain(..).any(|k| conversation_contacts.contains(&k));
        keys.clear();
        if leads_to_conversations {
            link_records.push(record);
        }
    }
    // An operator-side account's own handle, cited by its first message.
    let mut first_record: std::collections::BTreeMap<u32, u32> = std::collections::BTreeMap::new();
    for &i in &operator_side {
        first_record.entry(records.message_accounts[i]).or_insert(records.message_base + i as u32);
    }
    let handles: Vec<(u32, String, u32)> = first_record
        .iter()
        .flat_map(|(&a, &record)| {
            let info = &accounts[a as usize];
            let local = info.id.split_once(':').map(|(_, l)| l.to_string());
            info.handle.clone().into_iter().chain(local).map(move |h| (a, h, record))
        })
        .collect();
    let owners: Vec<HandleOwner<'_>> = handles.iter().map(|(a, h, r)| HandleOwner { account: *a, handle: h, record: *r }).collect();
    let shared = shared_values(&link_records, &owners, value_config);

    let mut pairs: std::collections::BTreeMap<(Signal, u32, u32), PairEvidence> = std::collections::BTreeMap::new();
    let mut shared_by_record: std::collections::HashMap<u32, Vec<(Signal, String)>> = std::collections::HashMap::new();
    for value in &shared {
        let signal = match value.kind {
            ValueKind::Script => Signal::SHARED_SCRIPT,
            ValueKind::Payment => Signal::SHARED_PAYMENT,
            ValueKind::Contact => Signal::SHARED_CONTACT,
        };
        let Some(settings) = signals.iter().find(|(s, _)| *s == signal).map(|(_, c)| *c).filter(|c| c.enabled) else {
            continue;
        };
        let window_ms = (settings.window_seconds * 1000.0) as i64;
        let shown = &value.value;
        let mut by_account: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
        for &(account, record) in &value.uses {
            by_account.entry(account).or_default().push(record);
            let list = shared_by_record.entry(record).or_default();
            if !list.iter().any(|(s, v)| *s == signal && v == shown) {
                list.push((signal, shown.clone()));
            }
        }
        let sharers: Vec<(&u32, &Vec<u32>)> = by_account.iter().collect();
        for (x, (&a, recs_a)) in sharers.iter().enumerate() {
            for &(&b, recs_b) in &sharers[x + 1..] {
                // Uses of one value far apart in time are not one operation's.
                if closest_use(recs_a, recs_b, posts) > window_ms {
                    continue;
                }
                let e = pairs.entry((signal, a, b)).or_insert_with(|| PairEvidence::deterministic(a, b));
                e.co_actions += 1;
                e.weight += 1.0;
                for (&ra, &rb) in recs_a.iter().zip(recs_b.iter()).take(MATCHES_PER_VALUE) {
                    e.matches.push((ra, rb));
                    for t in [posts.time(ra), posts.time(rb)] {
                        e.first_seen = e.first_seen.min(t);
                        e.last_seen = e.last_seen.max(t);
                    }
                }
            }
        }
    }
    // One note per generation whose outputs became scripts: its account, how many outputs,
    // and every account that sent them.
    let mut by_generation: std::collections::BTreeMap<u32, (u32, BTreeSet<u32>, BTreeSet<u32>)> = std::collections::BTreeMap::new();
    for value in shared.iter().filter(|v| v.kind == ValueKind::Script) {
        for &(account, record) in &value.uses {
            if let Some(&gi) = generation_of.get(&record) {
                let e = by_generation.entry(gi).or_insert_with(|| (account, BTreeSet::new(), BTreeSet::new()));
                e.1.insert(record);
                e.2.extend(value.accounts());
            }
        }
    }
    let notes: Vec<NetworkNote> = by_generation
        .into_iter()
        .map(|(gi, (ai, outputs, members))| NetworkNote {
            accounts: members.into_iter().collect(),
            text: format!(
                "{} {} of the script {} written by a model for {} (generation {}).",
                outputs.len(),
                if outputs.len() == 1 { "line" } else { "lines" },
                if outputs.len() == 1 { "was" } else { "were" },
                accounts[ai as usize].id,
                records.generations[gi as usize].id
            ),
        })
        .collect();
    // How likely each link is by chance: a value's holders drawn at random from all the
    // accounts (anyone could have written that number, handle or script); every pair of
    // them could have shared one. A link that does not pass may still join an account to
    // a network other evidence made (the network stage tests each join).
    let population = accounts.len().max(2);
    // Two nested tests a pair: over the values of the link's own kind, and over every kind
    // it shares (a script, a wallet and a chat handle together are stronger than each
    // alone). The link keeps the smaller p-value; the second holds the first's values, so
    // the two are nearly one test and no correction is made for the pair.
    let signal_of = |kind: ValueKind| match kind {
        ValueKind::Script => Signal::SHARED_SCRIPT,
        ValueKind::Payment => Signal::SHARED_PAYMENT,
        ValueKind::Contact => Signal::SHARED_CONTACT,
    };
    let mut holders_of: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
    let mut holders_by_kind: std::collections::BTreeMap<(Signal, u32), Vec<u32>> = std::collections::BTreeMap::new();
    for value in &shared {
        let accounts = value.accounts();
        for &a in &accounts {
            holders_of.entry(a).or_default().push(accounts.len() as u32);
            holders_by_kind.entry((signal_of(value.kind), a)).or_default().push(accounts.len() as u32);
        }
    }
    let mut shared_by_pair: std::collections::BTreeMap<(u32, u32), u32> = std::collections::BTreeMap::new();
    for ((_, a, b), e) in pairs.iter() {
        *shared_by_pair.entry((*a, *b)).or_insert(0) += e.co_actions;
    }
    let threshold = disrupt_evidence::null::pair_threshold(alpha, population);
    let empty = Vec::new();
    let n = population as u32;
    for ((signal, a, b), e) in pairs.iter_mut() {
        let (ka, kb) = (holders_by_kind.get(&(*signal, *a)).unwrap_or(&empty), holders_by_kind.get(&(*signal, *b)).unwrap_or(&empty));
        let own = disrupt_evidence::null::shared_values_p(ka, kb, e.co_actions, n);
        let (ha, hb) = (holders_of.get(a).unwrap_or(&empty), holders_of.get(b).unwrap_or(&empty));
        let k = shared_by_pair.get(&(*a, *b)).copied().unwrap_or(e.co_actions);
        let joint = disrupt_evidence::null::shared_values_p(ha, hb, k, n);
        e.p_value = own.min(joint);
        e.rarity_p_value = e.p_value;
        e.expected = ka.iter().map(|&h| (h.saturating_sub(1)) as f64 / (population - 1) as f64).sum();
        e.significant = e.p_value <= threshold;
    }
    let mut reports: Vec<(Signal, SignalReport)> = Vec::new();
    for signal in crate::signals::SCAM_SIGNALS {
        let list: Vec<PairEvidence> = pairs.iter().filter(|((s, _, _), _)| *s == signal).map(|(_, p)| p.clone()).collect();
        if !list.is_empty() {
            let n = population as f64;
            reports.push((
                signal,
                SignalReport {
                    pairs_examined: list.len(),
                    active_accounts: population,
                    threshold,
                    hypotheses: (n * (n - 1.0) / 2.0).max(1.0),
                    pairs: list,
                    ..SignalReport::default()
                },
            ));
        }
    }
    ScamEvidence { reports, notes, shared_values: shared_by_record }
}

/// Adds scam evidence to detection (deterministic, like provenance).
pub fn add_to_detection(detection: &mut Detection, evidence: &ScamEvidence) {
    for (signal, report) in &evidence.reports {
        detection.add_deterministic(*signal, report);
    }
}

/// The smallest gap between a use of `x`'s records and one of `y`'s.
fn closest_use(x: &[u32], y: &[u32], posts: &PostStore) -> i64 {
    let times = |records: &[u32]| {
        let mut t: Vec<i64> = records.iter().map(|&r| posts.time(r)).collect();
        t.sort_unstable();
        t
    };
    closest_gap(&times(x), &times(y))
}
