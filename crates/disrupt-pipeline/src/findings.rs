//! A scan's result as the output model's rows ([`disrupt_output::ScanFindings`]): the
//! writer reads every file through this, borrowing from the scan's own tables.

use crate::scan::ScanResult;
use disrupt_evidence::{PairEvidence, SharedItems, Signal};
use disrupt_model::{
    AccountRisk, AccountRole, CitedRecord, DetectionStats, Edge, EvidenceEdge, InputFile, Inputs, MessageStage, NamedAccount,
    NetworksDocument, ProvenanceLink, ProvenanceRole, SharedItem, SignalStats, TargetLink, MATCHES_IN_EVIDENCE, SCHEMA_VERSION,
};
use disrupt_records::format_rfc3339;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

/// One edge with its endpoints in output order (`source < target`).
struct EdgeRow<'a> {
    source: &'a str,
    target: &'a str,
    signal: Signal,
    /// The signal's place in the contract's order: one pair's rows are listed in it.
    rank: usize,
    evidence: &'a PairEvidence,
    pair_p_value: f64,
    /// Whether the evidence's `a` is the `source`.
    a_is_source: bool,
}

/// An account's signals (by contract rank) and strongest p-value, over its edges.
type AccountEdges = (std::collections::BTreeSet<(usize, Signal)>, f64);

/// The scan's findings, ready to write.
pub struct Findings<'a> {
    result: &'a ScanResult,
    rows: Vec<EdgeRow<'a>>,
    /// Record ids of every post an edge cites, read from the store once, when the evidence
    /// files are written (not before: under a memory limit they are written last).
    cited: OnceLock<CitedIds>,
    /// Each AI-provider member's network.
    network_of: FxHashMap<&'a str, &'a str>,
    /// Provenance links' post ids.
    linked_ids: FxHashMap<u32, String>,
}

struct CitedIds {
    id_of: FxHashMap<u32, String>,
    /// Records `evidence.jsonl` cites, sorted: the lines of `records.jsonl`.
    records: Vec<u32>,
    /// What each of them shares, to name what an edge's pairs shared.
    items: FxHashMap<u32, PostItems>,
}

/// The items a cited post shares, as evidence names them.
struct PostItems {
    urls: Vec<String>,
    hashtags: Vec<String>,
    objects: Vec<String>,
    repost_of: Option<String>,
    reply_to: Option<String>,
}

impl PostItems {
    fn of(post: disrupt_evidence::PostInfo) -> Self {
        PostItems { urls: post.urls, hashtags: post.hashtags, objects: post.objects, repost_of: post.repost_of, reply_to: post.reply_to }
    }

    /// Its items of the kind a signal keys on (none for texts: the records show them).
    fn of_kind(&self, kind: SharedItems) -> Vec<String> {
        match kind {
            SharedItems::Links => self.urls.clone(),
            SharedItems::Hashtags => self.hashtags.iter().map(|h| format!("#{h}")).collect(),
            SharedItems::Objects => self.objects.clone(),
            SharedItems::RepostTargets => self.repost_of.iter().cloned().collect(),
            SharedItems::ReplyTargets => self.reply_to.iter().cloned().collect(),
            SharedItems::Values => Vec::new(),
        }
    }
}

/// Items an edge's listed pairs shared, named in `evidence.jsonl`.
const SHARED_ITEMS_LISTED: usize = 10;

impl<'a> Findings<'a> {
    /// The rows of every file: every pair that beat chance, and the pairs behind group
    /// attachments (`networks`' `attachments`), which are evidence only together.
    pub fn new(result: &'a ScanResult) -> Self {
        let detection = &result.detection;
        let accounts = &result.accounts;
        let fused: FxHashMap<(u32, u32), &PairEvidence> = detection.fused.pairs.iter().map(|p| ((p.a, p.b), p)).collect();
        let attached: FxHashSet<(&str, &str)> =
            result.networks.iter().flat_map(|n| n.attached_pairs()).map(|(x, y)| if x < y { (x, y) } else { (y, x) }).collect();
        // Links that joined an account to its network (a handle an ad names, a device) are
        // rows too, when both ends are in one network.
        let alpha = result.parameters["detect"]["alpha"].as_f64().unwrap_or(0.01);
        let network_of: FxHashMap<&str, &str> =
            result.networks.iter().flat_map(|n| n.accounts.iter().map(move |a| (a.as_str(), n.id.as_str()))).collect();
        let mut rows = Vec::new();
        for (signal, report) in &detection.signals {
            let rank = signal.contract_rank();
            let link = !disrupt_detect::signals::is_behavioural(*signal);
            for p in &report.pairs {
                let pair = fused.get(&(p.a, p.b));
                let pair_significant = pair.is_some_and(|f| f.significant);
                let (x, y) = (accounts[p.a as usize].id.as_str(), accounts[p.b as usize].id.as_str());
                let a_is_source = x < y;
                let (source, target) = if a_is_source { (x, y) } else { (y, x) };
                let joined = link && p.p_value <= alpha && network_of.get(x).is_some_and(|n| network_of.get(y) == Some(n));
                if !(p.significant || pair_significant || joined || attached.contains(&(source, target))) {
                    continue;
                }
                rows.push(EdgeRow {
                    source,
                    target,
                    signal: *signal,
                    rank,
                    evidence: p,
                    pair_p_value: pair.map_or(1.0, |f| f.p_value),
                    a_is_source,
                });
            }
        }
        rows.sort_by(|x, y| (x.source, x.target, x.rank, x.signal).cmp(&(y.source, y.target, y.rank, y.signal)));
        let network_of = result.networks.iter().flat_map(|n| n.accounts.iter().map(move |a| (a.as_str(), n.id.as_str()))).collect();
        let linked_ids = result.posts.ids(result.linkage.links.iter().map(|l| l.post));
        Findings { result, rows, cited: OnceLock::new(), network_of, linked_ids }
    }

    fn cited(&self) -> &CitedIds {
        self.cited.get_or_init(|| {
            let mut wanted: Vec<u32> = self.rows.iter().flat_map(|r| r.evidence.matches.iter().flat_map(|(x, y)| [*x, *y])).collect();
            wanted.par_sort_unstable();
            wanted.dedup();
            let posts = &self.result.posts;
            let id_of = wanted.par_chunks(4096).flat_map_iter(|chunk| chunk.iter().map(|&p| (p, posts.get_or_placeholder(p).id))).collect();
            let mut records: Vec<u32> =
                self.rows.iter().flat_map(|r| r.evidence.matches.iter().take(MATCHES_IN_EVIDENCE).flat_map(|&(x, y)| [x, y])).collect();
            records.par_sort_unstable();
            records.dedup();
            let items = records
                .par_chunks(4096)
                .flat_map_iter(|chunk| chunk.iter().map(|&p| (p, PostItems::of(posts.get_or_placeholder(p)))))
                .collect();
            CitedIds { id_of, records, items }
        })
    }
}

fn signal_stats(report: &disrupt_evidence::SignalReport) -> SignalStats {
    SignalStats {
        events: report.events,
        shared_keys: report.shared_keys,
        crowd_events_skipped: report.crowd_events,
        pairs_examined: report.pairs_examined,
        pairs_tested: report.pairs.len(),
        pairs_significant: report.pairs.iter().filter(|p| p.significant).count(),
        p_value_threshold: report.threshold,
    }
}

/// A text cut at 500 characters, with an ellipsis.
fn clip(text: &str) -> Cow<'_, str> {
    if text.len() <= 500 || text.chars().count() <= 500 {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().take(500).collect::<String>() + "…")
    }
}

/// Three decimals.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl disrupt_output::ScanFindings for Findings<'_> {
    fn networks_document(&self, generated_at: &str) -> NetworksDocument {
        let r = self.result;
        NetworksDocument {
            tool: "disrupt".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            schema_version: SCHEMA_VERSION.into(),
            generated_at: generated_at.into(),
            inputs: Inputs {
                records: r.corpus.stats.records,
                rejected: r.rejected,
                duplicates: r.corpus.stats.duplicates,
                by_kind: r.corpus.stats.by_kind.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                files: r
                    .files
                    .iter()
                    .map(|f| InputFile {
                        path: f.path.clone(),
                        sha256: f.sha256.clone(),
                        format: f.format.name().into(),
                        records: f.records,
                        rejected: f.rejected,
                    })
                    .collect(),
            },
            parameters: r.parameters.clone(),
            detection: DetectionStats {
                signals: r.detection.signals.iter().map(|(s, report)| (*s, signal_stats(report))).collect(),
                fused: Some(signal_stats(&r.detection.fused)),
            },
            calibration: r.calibration.clone(),
            networks: r.networks.clone(),
        }
    }

    fn edge_count(&self) -> usize {
        self.rows.len()
    }

    fn edge(&self, i: usize) -> Edge<'_> {
        let row = &self.rows[i];
        let e = row.evidence;
        let id_of = &self.cited().id_of;
        let mut ids: Vec<&str> = e.matches.iter().flat_map(|(x, y)| [id_of[x].as_str(), id_of[y].as_str()]).collect();
        ids.sort_unstable();
        ids.dedup();
        Edge {
            source: Cow::Borrowed(row.source),
            target: Cow::Borrowed(row.target),
            signal: row.signal,
            weight: e.weight,
            first_seen: format_rfc3339(e.first_seen),
            last_seen: format_rfc3339(e.last_seen),
            co_actions: e.co_actions,
            expected: e.expected,
            p_value: e.p_value,
            rarity_p_value: e.rarity_p_value,
            pair_p_value: row.pair_p_value,
            records_total: ids.len(),
            records: ids.into_iter().take(disrupt_model::RECORDS_IN_CSV).map(Cow::Borrowed).collect(),
        }
    }

    fn edge_link(&self, i: usize) -> disrupt_output::EdgeLink<'_> {
        let row = &self.rows[i];
        disrupt_output::EdgeLink {
            source: Cow::Borrowed(row.source),
            target: Cow::Borrowed(row.target),
            signal: row.signal,
            weight: row.evidence.weight,
            p_value: row.evidence.p_value,
            pair_p_value: row.pair_p_value,
        }
    }

    fn evidence_edge(&self, i: usize) -> EvidenceEdge<'_> {
        let row = &self.rows[i];
        let e = row.evidence;
        let id_of = &self.cited().id_of;
        let posts = &self.result.posts;
        let matches = e
            .matches
            .iter()
            .take(MATCHES_IN_EVIDENCE)
            .map(|&(x, y)| {
                let (s, t) = if row.a_is_source { (x, y) } else { (y, x) };
                (Cow::Borrowed(id_of[&s].as_str()), Cow::Borrowed(id_of[&t].as_str()), (posts.time(t) - posts.time(s)) as f64 / 1000.0)
            })
            .collect();
        let kind = disrupt_detect::signals::REGISTRY
            .iter()
            .find(|s| s.signal() == row.signal)
            .map_or(SharedItems::Values, |s| s.description.shares);
        let items = &self.cited().items;
        let mut counts: FxHashMap<String, usize> = FxHashMap::default();
        for &(x, y) in e.matches.iter().take(MATCHES_IN_EVIDENCE) {
            let (Some(ix), Some(iy)) = (items.get(&x), items.get(&y)) else { continue };
            let theirs = iy.of_kind(kind);
            for item in ix.of_kind(kind).into_iter().filter(|i| theirs.contains(i)) {
                *counts.entry(item).or_default() += 1;
            }
        }
        let mut shared: Vec<SharedItem> = counts.into_iter().map(|(item, pairs)| SharedItem { item, pairs }).collect();
        shared.sort_by(|x, y| y.pairs.cmp(&x.pairs).then_with(|| x.item.cmp(&y.item)));
        shared.truncate(SHARED_ITEMS_LISTED);
        EvidenceEdge {
            shared,
            source: Cow::Borrowed(row.source),
            target: Cow::Borrowed(row.target),
            signal: row.signal,
            co_actions: e.co_actions,
            expected: e.expected,
            p_value: e.p_value,
            rarity_p_value: e.rarity_p_value,
            pair_p_value: row.pair_p_value,
            significant: e.significant,
            matches_total: e.matches.len(),
            matches,
        }
    }

    fn cited_record_count(&self) -> usize {
        self.cited().records.len()
    }

    fn cited_record(&self, i: usize) -> CitedRecord<'_> {
        let post = self.result.posts.get_or_placeholder(self.cited().records[i]);
        CitedRecord {
            account: Cow::Borrowed(self.result.accounts[post.account as usize].id.as_str()),
            created_at: format_rfc3339(post.time),
            text: Cow::Owned(clip(&post.text).into_owned()),
            id: Cow::Owned(post.id),
            urls: post.urls,
            hashtags: post.hashtags,
            objects: post.objects,
            repost_of: post.repost_of,
            reply_to: post.reply_to,
            quote_of: post.quote_of,
        }
    }

    fn provenance_link_count(&self) -> usize {
        self.result.linkage.links.len()
    }

    fn provenance_link(&self, i: usize) -> ProvenanceLink {
        let r = self.result;
        let l = &r.linkage.links[i];
        let g = &r.corpus.generations[l.generation as usize];
        ProvenanceLink {
            post: self.linked_ids.get(&l.post).cloned(),
            account: r.accounts[r.posts.account(l.post) as usize].id.clone(),
            generation: g.id.clone(),
            output: l.output,
            operator: g.account.clone(),
            similarity: round3(l.similarity),
            post_containment: round3(l.post_containment),
            output_containment: round3(l.output_containment),
            delay_seconds: l.delay_ms as f64 / 1000.0,
            role: if l.distributed { ProvenanceRole::Distribution } else { ProvenanceRole::Copy },
        }
    }

    fn account_risk_count(&self) -> usize {
        self.result.linkage.risks.len()
    }

    fn account_risk(&self, i: usize) -> AccountRisk {
        let mut risk = self.result.linkage.risks[i].clone();
        risk.network = self.network_of.get(risk.account.as_str()).map(|n| n.to_string());
        risk
    }

    fn message_stage_count(&self) -> usize {
        self.result.corpus.messages.len().min(self.result.stages.len())
    }

    fn message_stage(&self, i: usize) -> MessageStage {
        let r = self.result;
        let (m, s, role) = (&r.corpus.messages[i], &r.stages[i], r.roles.get(i).copied().flatten());
        MessageStage {
            message: m.id.clone(),
            conversation: m.conversation.clone(),
            account: m.account.clone(),
            created_at: format_rfc3339(m.created_at),
            stage: s.stage,
            cues: s.cues.clone(),
            amounts: s.amounts.clone(),
            details: s.details.clone(),
            lure_score: s.lure_score,
            role: role.map(|(r, _)| r),
            role_given: role.map(|(_, given)| given),
        }
    }

    fn named_accounts(&self) -> Vec<NamedAccount> {
        let r = self.result;
        let number: FxHashMap<&str, u32> = r.accounts.iter().enumerate().map(|(i, a)| (a.id.as_str(), i as u32)).collect();
        // Every account a network names, in the networks' order, then by role and id.
        let mut named: Vec<(&str, &str, AccountRole)> = Vec::new();
        for n in &r.networks {
            let start = named.len();
            for a in &n.accounts {
                let role = if n.operator_accounts.contains(a) { AccountRole::Operator } else { AccountRole::Member };
                named.push((a.as_str(), n.id.as_str(), role));
            }
            named.extend(n.targets.iter().map(|t| (t.as_str(), n.id.as_str(), AccountRole::Target)));
            named[start..].sort_by(|x, y| (x.2, x.0).cmp(&(y.2, y.0)));
        }
        // Their activity, in one pass over the store's columns: posts, and the first and
        // last of all their records (posts, AI requests' outputs, messages).
        let slot_of: FxHashMap<u32, usize> =
            named.iter().filter_map(|(a, _, _)| number.get(a)).enumerate().map(|(slot, &n)| (n, slot)).collect();
        let public = r.public_posts;
        let activity = r
            .posts
            .accounts()
            .par_iter()
            .zip(r.posts.times().par_iter())
            .enumerate()
            .fold(FxHashMap::<u32, (u64, i64, i64)>::default, |mut acc, (i, (&account, &time))| {
                if slot_of.contains_key(&account) {
                    let e = acc.entry(account).or_insert((0, i64::MAX, i64::MIN));
                    e.0 += u64::from(i < public);
                    e.1 = e.1.min(time);
                    e.2 = e.2.max(time);
                }
                acc
            })
            .reduce(FxHashMap::default, |mut x, y| {
                for (k, (posts, first, last)) in y {
                    let e = x.entry(k).or_insert((0, i64::MAX, i64::MIN));
                    e.0 += posts;
                    e.1 = e.1.min(first);
                    e.2 = e.2.max(last);
                }
                x
            });
        // Their signals and strongest pair, from the edges.
        let mut edges_of: FxHashMap<&str, AccountEdges> = FxHashMap::default();
        for row in &self.rows {
            for end in [row.source, row.target] {
                let e = edges_of.entry(end).or_insert_with(|| (Default::default(), f64::INFINITY));
                e.0.insert((row.rank, row.signal));
                e.1 = e.1.min(row.pair_p_value.min(row.evidence.p_value));
            }
        }
        named
            .into_iter()
            .map(|(account, network, role)| {
                let info = number.get(account).map(|&n| &r.accounts[n as usize]);
                let seen = number.get(account).and_then(|n| activity.get(n));
                let edges = edges_of.get(account);
                NamedAccount {
                    account: account.to_string(),
                    network: network.to_string(),
                    role,
                    platform: info.map_or_else(|| account.split(':').next().unwrap_or("").to_string(), |i| i.platform.clone()),
                    handle: info.and_then(|i| i.handle.clone()),
                    followers: info.and_then(|i| i.followers),
                    posts: seen.map_or(0, |s| s.0),
                    first_seen: seen.filter(|s| s.1 <= s.2).map(|s| format_rfc3339(s.1)),
                    last_seen: seen.filter(|s| s.1 <= s.2).map(|s| format_rfc3339(s.2)),
                    signals: edges.map(|e| e.0.iter().map(|(_, s)| *s).collect()).unwrap_or_default(),
                    strongest_p_value: edges.map(|e| e.1).filter(|p| p.is_finite()),
                }
            })
            .collect()
    }

    fn target_links(&self) -> Vec<TargetLink> {
        let r = self.result;
        // Senders of each conversation, with their messages.
        let mut conversations: FxHashMap<&str, FxHashMap<u32, u64>> = FxHashMap::default();
        for (m, &sender) in r.corpus.messages.iter().zip(&r.corpus.message_accounts) {
            *conversations.entry(m.conversation.as_str()).or_default().entry(sender).or_default() += 1;
        }
        let id = |n: u32| r.accounts[n as usize].id.as_str();
        let mut links: std::collections::BTreeMap<(&str, &str), u64> = Default::default();
        for n in r.networks.iter().filter(|n| !n.targets.is_empty()) {
            let members: FxHashSet<&str> = n.accounts.iter().map(String::as_str).collect();
            let targets: FxHashSet<&str> = n.targets.iter().map(String::as_str).collect();
            for senders in conversations.values() {
                for (&m, &from_member) in senders.iter().filter(|(&a, _)| members.contains(id(a))) {
                    for (&t, &from_target) in senders.iter().filter(|(&a, _)| targets.contains(id(a))) {
                        *links.entry((id(m), id(t))).or_default() += from_member + from_target;
                    }
                }
            }
        }
        links
            .into_iter()
            .map(|((account, target), messages)| TargetLink { account: account.into(), target: target.into(), messages })
            .collect()
    }

    fn short_of_memory(&self) -> bool {
        self.result.spilled
    }
}
