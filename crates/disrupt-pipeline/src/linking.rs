//! Glue between the link and funnel stages and the network stage: link evidence (model
//! batches, shared infrastructure, what scam operations share) joins detection's in one
//! graph, each fan-out gets the sentence its network's explanation will carry, and each
//! network that works conversations gets its targets and funnel.

use disrupt_detect::{DetectConfig, Detection, PairEvidence, Signal, SignalReport};
use disrupt_link::Linkage;
use disrupt_networks::{AccountInfo, NetworkNote, PostStore};
use disrupt_records::Generation;
use std::collections::BTreeSet;

/// Deterministic link evidence (no chance could make it) joins the fused evidence the graph
/// is built from, and is kept as its own signal.
fn add_deterministic(detection: &mut Detection, signal: Signal, report: &SignalReport) {
    // Fused pairs by account pair, so merging is linear (there can be hundreds of thousands
    // of each).
    let at: rustc_hash::FxHashMap<(u32, u32), usize> = detection.fused.pairs.iter().enumerate().map(|(i, f)| ((f.a, f.b), i)).collect();
    for p in &report.pairs {
        match at.get(&(p.a, p.b)) {
            Some(&i) => detection.fused.pairs[i].significant = true,
            None => detection.fused.pairs.push(p.clone()),
        }
    }
    detection.fused.pairs.sort_unstable_by_key(|p| (p.a, p.b));
    detection.signals.push((signal, report.clone()));
}

/// Adds provenance and shared-infrastructure evidence to detection: per signal, and
/// provenance's (deterministic) pairs to the fused evidence the graph is built from.
pub fn add_to_detection(detection: &mut Detection, linkage: &Linkage, config: &DetectConfig) {
    if config.provenance.enabled && !linkage.provenance.pairs.is_empty() {
        add_deterministic(detection, Signal::Provenance, &linkage.provenance);
    }
    if config.shared_infrastructure.enabled && !linkage.infrastructure.pairs.is_empty() {
        detection.signals.push((Signal::SharedInfrastructure, linkage.infrastructure.clone()));
    }
}

fn duration(ms: i64) -> String {
    disrupt_networks::explain::format_duration(ms)
}

/// "7 outputs of generation g-123 by ai:org-17, in 4 languages, were posted by 7 x accounts
/// within 40 min."
///
/// Languages of fan-out posts that give none are detected here, in parallel, and kept in
/// `detected` (by post) so the scan's languages stage does not detect them again.
pub fn fan_out_notes(
    linkage: &Linkage,
    generations: &[Generation],
    accounts: &[AccountInfo],
    posts: &PostStore,
    detected: &mut rustc_hash::FxHashMap<u32, String>,
) -> Vec<NetworkNote> {
    use rayon::prelude::*;
    let mut fan_out_posts: Vec<u32> = linkage.fan_outs.iter().flat_map(|f| f.posts.iter().map(|&(p, _)| p)).collect();
    fan_out_posts.sort_unstable();
    fan_out_posts.dedup();
    let given_or_found: Vec<(u32, Option<String>)> = fan_out_posts
        .par_iter()
        .map(|&p| {
            let lang = posts.get(p).ok().and_then(|info| match info.lang {
                Some(l) => Some(l),
                None => crate::features::post_language(&info),
            });
            (p, lang)
        })
        .collect();
    let mut lang_of: rustc_hash::FxHashMap<u32, String> = rustc_hash::FxHashMap::default();
    for (p, lang) in given_or_found {
        if let Some(l) = lang {
            lang_of.insert(p, l);
        }
    }
    for &p in &fan_out_posts {
        if let (Some(l), Ok(info)) = (lang_of.get(&p), posts.get(p)) {
            if info.lang.is_none() {
                detected.insert(p, l.clone());
            }
        }
    }
    linkage
        .fan_outs
        .iter()
        .map(|f| {
            let operator = &accounts[f.operator as usize].id;
            let mut langs = BTreeSet::new();
            let mut platforms = BTreeSet::new();
            for &(post, _) in &f.posts {
                if let Some(l) = lang_of.get(&post) {
                    langs.insert(l.clone());
                }
                platforms.insert(accounts[posts.account(post) as usize].platform.clone());
            }
            let source = if f.generations.len() == 1 {
                format!("generation {}", generations[f.generations[0] as usize].id)
            } else {
                format!("{} generations ({} first)", f.generations.len(), generations[f.generations[0] as usize].id)
            };
            let in_langs = if langs.len() > 1 { format!(", in {} languages,", langs.len()) } else { String::new() };
            let platform = platforms.into_iter().collect::<Vec<_>>().join("/");
            let text = format!(
                "{} outputs of {source} by {operator}{in_langs} were posted by {} {platform} accounts within {}.",
                f.posts.len(),
                f.accounts.len(),
                duration(f.last_post - f.first_post)
            );
            let mut members = f.accounts.clone();
            members.push(f.operator);
            members.sort_unstable();
            NetworkNote { accounts: members, text }
        })
        .collect()
}

/// A promotional post (an ad, or a Telegram channel post) the funnel stage reads back from
/// the post store.
#[derive(Debug, Clone, Copy)]
pub struct Ad {
    /// The post's number in the post store.
    pub record: u32,
    pub account: u32,
}

/// What scam operations share, as evidence for the graph.
#[derive(Debug, Default)]
pub struct ScamEvidence {
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
    pub messages: &'a [disrupt_records::Message],
    pub message_accounts: &'a [u32],
    /// Store number of the first message.
    pub message_base: u32,
    pub stages: &'a [disrupt_funnel::Staged],
    pub roles: &'a [Option<(disrupt_funnel::roles::Role, bool)>],
    pub ads: &'a [Ad],
    /// Model outputs, so a script an AI account wrote ties that account to the operation.
    pub generations: &'a [Generation],
    pub generation_records: &'a disrupt_link::GenerationRecords,
    /// Each generation's account (dense number).
    pub generation_accounts: &'a [u32],
}

/// Shared scripts, payment details and contacts among operator-side accounts and ads,
/// as deterministic pair evidence.
pub fn scam_evidence(
    records: &FunnelRecords<'_>,
    stager: &disrupt_funnel::Stager,
    accounts: &[AccountInfo],
    posts: &PostStore,
    config: &DetectConfig,
    link_config: &disrupt_funnel::links::LinkConfig,
) -> ScamEvidence {
    use disrupt_funnel::links::{shared_values, HandleOwner, LinkKind, LinkRecord};
    use disrupt_funnel::roles::Role;
    use rayon::prelude::*;
    let operator_side: Vec<usize> =
        (0..records.messages.len()).filter(|&i| matches!(records.roles[i], Some((Role::Operator, _)))).collect();
    if operator_side.is_empty() && records.ads.is_empty() {
        return ScamEvidence::default();
    }
    // Promotional posts' text and canonical links, read back from the store.
    let ad_posts: Vec<disrupt_networks::PostInfo> = records.ads.par_iter().map(|a| posts.get_or_placeholder(a.record)).collect();
    let ad_stages: Vec<disrupt_funnel::Staged> = ad_posts.par_iter().map(|p| stager.stage(&p.text, true)).collect();
    let words_of = |t: &str| disrupt_normalize::word_set(&disrupt_normalize::matching_text(t));
    let message_words: Vec<Vec<u32>> = operator_side.par_iter().map(|&i| words_of(&records.messages[i].text)).collect();
    let ad_words: Vec<Vec<u32>> = ad_posts.par_iter().map(|p| words_of(&p.text)).collect();
    let no_urls: Vec<String> = Vec::new();
    let mut link_records: Vec<LinkRecord<'_>> = operator_side
        .iter()
        .zip(&message_words)
        .map(|(&i, words)| {
            let m = &records.messages[i];
            LinkRecord {
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
    let no_details: Vec<disrupt_funnel::Detail> = Vec::new();
    for ((record, gi, text), words) in outputs.iter().zip(&output_words) {
        link_records.push(LinkRecord {
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
    for (((ad, post), staged), words) in records.ads.iter().zip(&ad_posts).zip(&ad_stages).zip(&ad_words) {
        link_records.push(LinkRecord {
            record: ad.record,
            account: ad.account,
            conversation: None,
            text: &post.text,
            words,
            details: &staged.details,
            urls: &post.urls,
            generated: false,
        });
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
    let shared = shared_values(&link_records, &owners, link_config);

    let mut pairs: std::collections::BTreeMap<(Signal, u32, u32), PairEvidence> = std::collections::BTreeMap::new();
    let mut shared_by_record: std::collections::HashMap<u32, Vec<(Signal, String)>> = std::collections::HashMap::new();
    for value in &shared {
        let signal = match value.kind {
            LinkKind::Script => Signal::SharedScript,
            LinkKind::Payment => Signal::SharedPayment,
            LinkKind::Contact => Signal::SharedContact,
        };
        if !config.signal(signal).enabled {
            continue;
        }
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
    for value in shared.iter().filter(|v| v.kind == LinkKind::Script) {
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
    let mut reports: Vec<(Signal, SignalReport)> = Vec::new();
    for signal in Signal::SCAM {
        let list: Vec<PairEvidence> = pairs.iter().filter(|((s, _, _), _)| *s == signal).map(|(_, p)| p.clone()).collect();
        if !list.is_empty() {
            let active: std::collections::BTreeSet<u32> = list.iter().flat_map(|p| [p.a, p.b]).collect();
            reports.push((
                signal,
                SignalReport { pairs_examined: list.len(), active_accounts: active.len(), pairs: list, ..SignalReport::default() },
            ));
        }
    }
    ScamEvidence { reports, notes, shared_values: shared_by_record }
}

/// Adds scam evidence to detection (deterministic, like provenance).
pub fn add_scam_to_detection(detection: &mut Detection, evidence: &ScamEvidence) {
    for (signal, report) in &evidence.reports {
        add_deterministic(detection, *signal, report);
    }
}

/// Each network that worked conversations on the operator side gets its targets and
/// funnel; a network that scam links alone made is kept only when its conversations look
/// like a scam funnel (a shop's staff sharing the shop's bank account are not an operation).
pub fn attach_funnels(networks: Vec<disrupt_networks::Network>, records: &FunnelRecords<'_>) -> Vec<disrupt_networks::Network> {
    use disrupt_funnel::operators::{network_funnel, FunnelMessage};
    if records.messages.is_empty() {
        return networks;
    }
    let inputs: Vec<FunnelMessage<'_>> = records
        .messages
        .iter()
        .zip(records.roles)
        .map(|(m, role)| FunnelMessage {
            conversation: &m.conversation,
            account: &m.account,
            time_ms: m.created_at,
            role: role.map(|(r, _)| r),
        })
        .collect();
    // Messages by sender and by conversation, so each network reads only its own
    // conversations (not every message once per network).
    let mut by_account: rustc_hash::FxHashMap<&str, Vec<u32>> = rustc_hash::FxHashMap::default();
    let mut by_conversation: rustc_hash::FxHashMap<&str, Vec<u32>> = rustc_hash::FxHashMap::default();
    for (i, m) in inputs.iter().enumerate() {
        by_account.entry(m.account).or_default().push(i as u32);
        by_conversation.entry(m.conversation).or_default().push(i as u32);
    }
    let scam_signals: Vec<&str> = Signal::SCAM.iter().map(|s| s.as_str()).collect();
    let mut out = Vec::new();
    for mut n in networks {
        let scam_only = !n.signals.is_empty() && n.signals.keys().all(|s| scam_signals.contains(s));
        let members: BTreeSet<&str> = n.accounts.iter().map(String::as_str).collect();
        let conversations: BTreeSet<&str> =
            members.iter().filter_map(|a| by_account.get(a)).flatten().map(|&i| inputs[i as usize].conversation).collect();
        let mut own: Vec<u32> = conversations.iter().flat_map(|c| by_conversation[c].iter().copied()).collect();
        own.sort_unstable();
        let own_messages: Vec<FunnelMessage<'_>> = own.iter().map(|&i| inputs[i as usize]).collect();
        let own_stages: Vec<&disrupt_funnel::Staged> = own.iter().map(|&i| &records.stages[i as usize]).collect();
        match network_funnel(&members, &own_messages, &own_stages) {
            Some((targets, funnel)) => {
                if scam_only && !funnel.looks_like_scam() {
                    continue;
                }
                if funnel.looks_like_scam() {
                    n.network_type = "scam";
                }
                // Targets are never members (a victim can reach a network only through
                // evidence of another kind; the funnel says which side it is on).
                let before = n.accounts.len();
                n.accounts.retain(|a| targets.binary_search(a).is_err());
                if n.accounts.len() < 2 {
                    continue;
                }
                if n.accounts.len() != before {
                    n.id = disrupt_networks::network_id(&n.accounts);
                }
                n.explanation.push(' ');
                n.explanation.push_str(&funnel_sentence(&funnel));
                n.targets = targets;
                n.funnel = serde_json::to_value(&funnel).ok();
            }
            None if scam_only => {
                // Ads or messages sharing a contact with no conversation behind them: a
                // business's own accounts look the same.
                continue;
            }
            None => {}
        }
        out.push(n);
    }
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
    out
}

/// "They worked 212 conversations with 212 targets: 81% reached emotional manipulation and
/// 64% a payment request, a median 2 h after first contact; first requests a median
/// 250000 IDR. One account kept up to 31 conversations going at once."
pub fn funnel_sentence(f: &disrupt_funnel::operators::Funnel) -> String {
    let mut text = format!(
        "They worked {} conversations with {} targets: {:.0}% reached emotional manipulation and {:.0}% a payment request",
        f.conversations,
        f.targets,
        f.reached_zing * 100.0,
        f.reached_sting * 100.0
    );
    if let Some(s) = f.median_seconds_to_first_payment_request {
        text.push_str(&format!(", a median {} after first contact", duration((s * 1000.0) as i64)));
    }
    if !f.amounts_by_step.is_empty() {
        let steps: Vec<String> = f
            .amounts_by_step
            .iter()
            .take(4)
            .map(|s| format!("{:.0}{}", s.median_value, s.currency.as_deref().map(|c| format!(" {c}")).unwrap_or_default()))
            .collect();
        text.push_str(&format!("; the requests escalated {}", steps.join(", then ")));
    }
    text.push_str(&format!(". One account kept up to {} conversations going at once.", f.max_concurrent_conversations));
    text
}
