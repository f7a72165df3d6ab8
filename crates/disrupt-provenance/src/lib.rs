//! Link AI provenance: the stage between detection and networks that ties what an AI
//! provider's customers generated to what appeared in the wild.
//!
//! * [`provenance`]: every generation output indexed by its word set; every post matched
//!   to the output it was copied from, robust to the disguises operators use.
//! * [`fanout`]: outputs of one generation or operator session posted by two or more social
//!   accounts, which links those accounts and their operator.
//! * [`infrastructure`]: AI-provider accounts sharing rare IPs, devices, payment, email or
//!   API keys.
//! * [`monitoring`]: per AI-provider account, the risk cues in its requests.
//!
//! [`link`] runs them all and returns evidence in the shape the network stage reads
//! (account-pair evidence per signal), plus the per-record and per-account findings.

#![forbid(unsafe_code)]

mod evidence;
pub mod fanout;
pub mod infrastructure;
pub mod monitoring;
pub mod provenance;
pub mod signals;

pub use evidence::{add_to_detection, fan_out_notes};

pub use disrupt_evidence::GenerationRecords;
use disrupt_evidence::{PairEvidence, SignalReport};
use disrupt_records::Generation;
use fanout::{GenerationInfo, PostOwners};
use infrastructure::{Footprint, SharedValue};
use monitoring::{AccountRisk, MonitoringCues, Request};
use provenance::{IndexedOutput, PostWords, ProvenanceIndex};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Every setting of linking; all of them are written to `networks.json`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvenanceConfig {
    /// Words a post and an output need before they can be linked.
    pub min_words: usize,
    /// Share of a post's words that must be the output's.
    pub post_containment: f64,
    /// Share of an output's words that must be in the post (a length limit may cut it).
    pub output_containment: f64,
    /// Longest delay from generation to post, seconds.
    pub max_delay_seconds: f64,
    /// Of the word pairs a post samples for its candidates (its sketch), how many an
    /// output must hold to be checked: a copy keeps most of its output's word pairs, a post
    /// that merely uses the same stock phrase keeps one.
    pub min_shared_sketch_pairs: usize,
    /// Generations of one account less than this apart are one session, seconds.
    pub session_gap_seconds: f64,
    /// An infrastructure value shared by more accounts than this links none of them.
    pub infrastructure_max_sharers: usize,
    /// Outputs per account whose language is detected for monitoring.
    pub languages_sampled: usize,
}

impl Default for ProvenanceConfig {
    fn default() -> Self {
        Self {
            min_words: 5,
            post_containment: 0.7,
            output_containment: 0.5,
            max_delay_seconds: 30.0 * 86_400.0,
            min_shared_sketch_pairs: 2,
            session_gap_seconds: 3600.0,
            infrastructure_max_sharers: 10,
            languages_sampled: 6,
        }
    }
}

/// One post matched to a generation output (a line of `provenance.jsonl`).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedPost {
    /// The post (store number).
    pub post: u32,
    /// The generation (index).
    pub generation: u32,
    /// The output's position in the generation.
    pub output: u32,
    /// Word-set Jaccard similarity.
    pub similarity: f64,
    /// Share of the post's words in the output.
    pub post_containment: f64,
    /// Share of the output's words in the post.
    pub output_containment: f64,
    /// Milliseconds from the generation to the post.
    pub delay_ms: i64,
    /// Part of the output's distribution (else a later copy).
    pub distributed: bool,
}

/// The time windows of the provenance stage's signals (their `window_seconds`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalWindows {
    /// Posts of an output within this long of its first post are its distribution; later
    /// ones are copies (quotes, fact-checks), seconds.
    pub distribution_seconds: f64,
    /// Two accounts share an infrastructure value when they used it this close in time,
    /// seconds.
    pub infrastructure_seconds: f64,
    /// The family-wise error rate of the links' tests (the scan's `alpha`).
    pub alpha: f64,
}

impl Default for SignalWindows {
    fn default() -> Self {
        SignalWindows {
            distribution_seconds: signals::PROVENANCE.default.window_seconds,
            infrastructure_seconds: signals::SHARED_INFRASTRUCTURE.default.window_seconds,
            alpha: 0.01,
        }
    }
}

/// Everything linking found.
#[derive(Debug, Default)]
pub struct ProvenanceFindings {
    /// Every post matched to an output.
    pub links: Vec<LinkedPost>,
    /// Outputs of one operator session posted by two or more accounts.
    pub fan_outs: Vec<fanout::FanOut>,
    /// Pair evidence of the fan-outs.
    pub provenance: SignalReport,
    /// Pair evidence of shared infrastructure.
    pub infrastructure: SignalReport,
    /// Infrastructure values shared by several accounts.
    pub shared_values: Vec<SharedValue>,
    /// Each AI-provider account's risk.
    pub risks: Vec<AccountRisk>,
    /// Outputs indexed.
    pub outputs_indexed: usize,
    /// Seconds spent building the provenance index and matching posts against it.
    pub index_seconds: f64,
    /// Seconds matching posts against the index.
    pub match_seconds: f64,
}

/// The posts as linking reads them.
pub trait LinkPosts: PostWords + PostOwners {}
impl<T: PostWords + PostOwners> LinkPosts for T {}

fn report(pairs: Vec<PairEvidence>) -> SignalReport {
    SignalReport {
        events: 0,
        shared_keys: 0,
        crowd_events: 0,
        pairs_examined: pairs.len(),
        threshold: 0.0,
        active_accounts: 0,
        hypotheses: 0.0,
        pairs,
    }
}

/// Runs every linking step. `account_of` gives the dense index of a generation's account.
pub fn link_provenance(
    generations: &[Generation],
    account_of: &dyn Fn(&str) -> u32,
    posts: &impl LinkPosts,
    records: &GenerationRecords,
    cues: &MonitoringCues,
    config: &ProvenanceConfig,
    windows: &SignalWindows,
) -> ProvenanceFindings {
    if generations.is_empty() {
        return ProvenanceFindings::default();
    }
    let started = std::time::Instant::now();
    let infos: Vec<GenerationInfo> =
        generations.iter().map(|g| GenerationInfo { account: account_of(&g.account), time: g.created_at }).collect();
    let outputs: Vec<IndexedOutput> = generations
        .par_iter()
        .enumerate()
        .flat_map_iter(|(gi, g)| {
            let info = infos[gi];
            let refused = g.refused.unwrap_or(false);
            g.outputs.iter().enumerate().filter(move |_| !refused).map(move |(oi, text)| {
                let matching = disrupt_normalize::matching_text(text);
                IndexedOutput {
                    generation: gi as u32,
                    output: oi as u32,
                    account: info.account,
                    time: info.time,
                    words: disrupt_normalize::word_set(&matching),
                    pairs: disrupt_normalize::word_pairs(&matching),
                }
            })
        })
        .collect();
    let index = ProvenanceIndex::build(outputs, config);
    let index_seconds = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let matches = index.match_posts(posts, config);
    let match_seconds = started.elapsed().as_secs_f64();
    let roles = fanout::distribution_roles(&matches, posts, windows);
    let fan_outs = fanout::fan_outs(&matches, &roles, &index.outputs, &infos, posts, config);
    let output_post = |o: u32| {
        let out = &index.outputs[o as usize];
        records.record(out.generation, out.output)
    };
    let output_time = |o: u32| index.outputs[o as usize].time;
    let null = fanout::FanOutNull { window_ms: (windows.distribution_seconds * 1000.0) as i64, alpha: windows.alpha };
    let provenance_pairs = fanout::fan_out_pairs(&fan_outs, posts, output_post, output_time, &null);
    let links = matches
        .iter()
        .zip(&roles)
        .map(|(m, &distributed)| {
            let o = &index.outputs[m.output as usize];
            LinkedPost {
                post: m.post,
                generation: o.generation,
                output: o.output,
                similarity: m.similarity,
                post_containment: m.post_containment,
                output_containment: m.output_containment,
                delay_ms: m.delay_ms,
                distributed,
            }
        })
        .collect();

    let footprints: Vec<Footprint> = generations
        .iter()
        .enumerate()
        .map(|(gi, g)| Footprint {
            account: infos[gi].account,
            time: g.created_at,
            record: records.record(gi as u32, 0),
            values: [("ip", &g.ip), ("device", &g.device), ("payment", &g.payment), ("email", &g.email), ("api_key", &g.api_key)]
                .into_iter()
                .filter_map(|(f, v)| v.as_ref().map(|v| (f, v.clone())))
                .collect(),
        })
        .collect();
    let (shared_values, infra_pairs) =
        infrastructure::shared_infrastructure(&footprints, config, (windows.infrastructure_seconds * 1000.0) as i64);

    let mut by_account: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (gi, g) in generations.iter().enumerate() {
        by_account.entry(g.account.as_str()).or_default().push(gi);
    }
    let operators: std::collections::BTreeSet<u32> = fan_outs.iter().map(|f| f.operator).collect();
    let risks: Vec<AccountRisk> = by_account
        .into_par_iter()
        .map(|(account, gens)| {
            let requests = |languages: &mut BTreeMap<usize, Vec<String>>| -> Vec<Request<'_>> {
                gens.iter()
                    .map(|&gi| Request {
                        id: &generations[gi].id,
                        prompt: &generations[gi].prompt,
                        refused: generations[gi].refused.unwrap_or(false),
                        languages: languages.remove(&gi).unwrap_or_default(),
                    })
                    .collect()
            };
            let first = monitoring::assess_account(account, &requests(&mut BTreeMap::new()), cues);
            // Output languages cost tens of microseconds each to detect: they are looked at
            // for accounts whose outputs fanned out, or that ask for batches and show another cue.
            let other_cue = first.refused > 0 || !first.planning_terms.is_empty() || !first.public_figures.is_empty();
            let operator = gens.first().is_some_and(|&gi| operators.contains(&infos[gi].account));
            if !(operator || (first.batch_requests > 0 && other_cue)) {
                return first;
            }
            // A sample of the outputs, spread over the account's generations.
            let all: Vec<(usize, &String)> = gens
                .iter()
                .filter(|&&gi| !generations[gi].refused.unwrap_or(false))
                .flat_map(|&gi| generations[gi].outputs.iter().map(move |o| (gi, o)))
                .collect();
            let step = (all.len() / config.languages_sampled.max(1)).max(1);
            let mut langs: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            for (gi, text) in all.iter().step_by(step).take(config.languages_sampled) {
                // The first 200 bytes tell the language as well as the whole text.
                let cut = (0..=text.len().min(200)).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                if let Some(l) = disrupt_normalize::detect_language(&text[..cut]) {
                    langs.entry(*gi).or_default().push(l);
                }
            }
            monitoring::assess_account(account, &requests(&mut langs), cues)
        })
        .collect();

    ProvenanceFindings {
        links,
        fan_outs,
        provenance: report(provenance_pairs),
        infrastructure: report(infra_pairs),
        shared_values,
        risks,
        outputs_indexed: index.len(),
        index_seconds,
        match_seconds,
    }
}
