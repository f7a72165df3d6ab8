//! A scan's result as the output model's rows ([`disrupt_output::ScanFindings`]): the
//! writer reads every file through this, borrowing from the scan's own tables.

use crate::scan::ScanResult;
use disrupt_evidence::{PairEvidence, Signal};
use disrupt_model::{
    AccountRisk, CitedRecord, DetectionStats, Edge, EvidenceEdge, InputFile, Inputs, MessageStage, NetworksDocument, ProvenanceLink,
    ProvenanceRole, SignalStats, MATCHES_IN_EVIDENCE, SCHEMA_VERSION,
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
}

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
            CitedIds { id_of, records }
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
        EvidenceEdge {
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

    fn short_of_memory(&self) -> bool {
        self.result.spilled
    }
}
