//! From detection to networks: the fused evidence graph, its communities, and everything
//! `networks.json` says about each.

use crate::attach::{attach, Attachment};
use crate::leiden::{leiden, Graph, LeidenConfig};
use crate::narrative::explain;
use crate::traits::{actor_traits, traits_strength};
use disrupt_detect::DetectConfig;
use disrupt_evidence::{
    format_duration, network_id, AccountInfo, Detection, EvidenceKind, NetworkNote, PairEvidence, PostInfo, PostStore, SharedItems, Signal,
    SignalDescription, SignalReport, SignalSummary,
};
use disrupt_model::{Evidence, Example, Network, NetworkFeatures, NetworkType};
use disrupt_records::format_rfc3339;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the network stage reads besides the evidence.
pub struct NetworkInputs<'a> {
    /// The account table, by account number.
    pub accounts: &'a [AccountInfo],
    /// How each signal is described (every signal the evidence may hold).
    pub descriptions: &'a [SignalDescription],
    /// The records evidence cites.
    pub posts: &'a PostStore,
    /// Sentences about groups of accounts (e.g. a model batch's fan-out) that go into the
    /// explanation of the network holding two or more of them.
    pub notes: &'a [NetworkNote],
    /// The values records share under link signals that a post's fields do not carry (a
    /// scam script, a payment number, a contact), by record.
    pub shared_values: &'a HashMap<u32, Vec<(Signal, String)>>,
}

/// How networks are found and described (`networks` in the settings).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Leiden's resolution (higher: smaller communities).
    pub leiden_resolution: f64,
    /// Leiden's random seed.
    pub leiden_seed: u64,
    /// Example records with text kept per evidence item.
    pub max_examples: usize,
    /// Record ids listed per evidence item (all records stay in `evidence.jsonl`).
    pub max_records: usize,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self { leiden_resolution: 1.0, leiden_seed: 42, max_examples: 5, max_records: 2000 }
    }
}

/// The groups the networks are made of, before they are described.
pub struct Formed {
    /// Members of each group, by account number (a folded group is left empty, so that
    /// indices keep their meaning).
    pub cores: Vec<Vec<u32>>,
    /// Accounts the group test joined, by group.
    pub attached: HashMap<usize, Vec<Attachment>>,
    /// Strength (`-log10 p`) of every edge.
    pub edge_strength: FxHashMap<(u32, u32), f64>,
}

impl Formed {
    /// Every account in a group of two or more.
    pub fn flagged(&self) -> impl Iterator<Item = u32> + '_ {
        self.cores.iter().filter(|c| c.len() >= 2).flatten().copied()
    }

    /// Groups of two or more accounts.
    pub fn networks(&self) -> usize {
        self.cores.iter().filter(|c| c.len() >= 2).count()
    }
}

/// Forms the groups: significant pairs (fused or per signal) become weighted edges, Leiden
/// finds communities, split communities are merged, the group test attaches members and
/// folds smaller groups into larger ones, and links that only join (infrastructure, a
/// handle an ad names) extend groups other evidence made. `post_accounts` and `post_times`
/// give each record's account and time.
pub fn form_networks(
    detection: &Detection,
    post_accounts: &[u32],
    post_times: &[i64],
    detect_config: &DetectConfig,
    config: &NetworkConfig,
) -> Formed {
    // Edge weight: the fused rarity-weighted co-actions; significance from any test.
    let mut edge_weight: FxHashMap<(u32, u32), f64> = FxHashMap::default();
    let mut edge_strength: FxHashMap<(u32, u32), f64> = FxHashMap::default();
    let fused_by_pair: FxHashMap<(u32, u32), &PairEvidence> = detection.fused.pairs.iter().map(|p| ((p.a, p.b), p)).collect();
    let mut note = |p: &PairEvidence| {
        if !p.significant {
            return;
        }
        let fused_weight = fused_by_pair.get(&(p.a, p.b)).map_or(p.weight, |f| f.weight.max(p.weight));
        let w = edge_weight.entry((p.a, p.b)).or_insert(0.0);
        *w = w.max(fused_weight);
        let s = edge_strength.entry((p.a, p.b)).or_insert(0.0);
        *s = s.max(-p.p_value.max(1e-300).log10());
    };
    detection.fused.pairs.iter().for_each(&mut note);
    for (_, report) in &detection.signals {
        report.pairs.iter().for_each(&mut note);
    }
    let mut nodes: Vec<u32> = edge_weight.keys().flat_map(|(a, b)| [*a, *b]).collect::<BTreeSet<_>>().into_iter().collect();
    nodes.sort_unstable();
    let index: FxHashMap<u32, u32> = nodes.iter().enumerate().map(|(i, a)| (*a, i as u32)).collect();
    let mut graph = Graph::new(nodes.len());
    let mut sorted_edges: Vec<(&(u32, u32), &f64)> = edge_weight.iter().collect();
    sorted_edges.sort_by_key(|(k, _)| **k);
    for ((a, b), w) in sorted_edges {
        graph.add_edge(index[a], index[b], *w);
    }
    let membership = leiden(&graph, &LeidenConfig { resolution: config.leiden_resolution, seed: config.leiden_seed, max_levels: 50 });
    let mut communities: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, c) in membership.iter().enumerate() {
        communities.entry(*c).or_default().push(nodes[i]);
    }
    let mut cores: Vec<Vec<u32>> = merge_split_communities(communities.into_values().filter(|m| m.len() >= 2).collect(), &edge_strength);
    // Members whose every pair is too thin on its own join the network they act with.
    // Rounds: an account that joins makes the network larger, which can carry another.
    let mut attached_by_core: HashMap<usize, Vec<Attachment>> = HashMap::new();
    for _ in 0..10 {
        let attachments = attach(&cores, detection, post_accounts, post_times, detect_config.alpha);
        if attachments.is_empty() {
            break;
        }
        for a in attachments {
            cores[a.network].push(a.account);
            for &partner in &a.partners {
                let key = (a.account.min(partner), a.account.max(partner));
                let s = edge_strength.entry(key).or_insert(0.0);
                *s = s.max(-a.p_value.max(1e-300).log10());
            }
            attached_by_core.entry(a.network).or_default().push(a);
        }
    }
    // A smaller core whose members act with a larger one as a group is part of it.
    loop {
        let merges = crate::attach::folds(&cores, detection, post_accounts, post_times, detect_config.alpha);
        if merges.is_empty() {
            break;
        }
        let mut moved = false;
        for (from, to) in merges {
            if cores[from].is_empty() || cores[to].is_empty() {
                continue;
            }
            let members = std::mem::take(&mut cores[from]);
            cores[to].extend(members);
            if let Some(list) = attached_by_core.remove(&from) {
                attached_by_core.entry(to).or_default().extend(list.into_iter().map(|mut a| {
                    a.network = to;
                    a
                }));
            }
            moved = true;
        }
        if !moved {
            break;
        }
    }
    // Links that do not make a network on their own join an account to one that other
    // evidence made: shared infrastructure (an operator's second account on the same
    // device), and the link signals' pairs that did not pass their own test (an ad naming
    // a chat account's handle, a model that wrote the script, one batch posted by two
    // accounts). Each join is a test of its own at `alpha`: a value shared by many is no
    // tie. No correction is applied over the joins: a join only extends a network that
    // significant evidence made, to an account that account's own records tie to it.
    let joining: Vec<&PairEvidence> = detection
        .signals
        .iter()
        .filter(|(s, _)| !disrupt_detect::signals::is_behavioural(*s))
        .flat_map(|(_, r)| r.pairs.iter().filter(|p| !p.significant))
        .collect();
    if !joining.is_empty() {
        let mut member_of: FxHashMap<u32, usize> = FxHashMap::default();
        for (i, members) in cores.iter().enumerate() {
            for &a in members {
                member_of.insert(a, i);
            }
        }
        let threshold = detect_config.alpha;
        // A core that only shared values made (ads naming one contact page) is a part of
        // whatever network its members' links lead to: it joins whole.
        let acting: std::collections::HashSet<u32> = detection
            .signals
            .iter()
            .filter(|(s, _)| disrupt_detect::signals::is_behavioural(*s) || *s == Signal::PROVENANCE)
            .flat_map(|(_, r)| r.pairs.iter().filter(|p| p.significant).flat_map(|p| [p.a, p.b]))
            .collect();
        let mut link_only: Vec<bool> = cores.iter().map(|c| c.iter().all(|a| !acting.contains(a))).collect();

        loop {
            let mut joined = false;
            for p in joining.iter().filter(|p| p.p_value <= threshold) {
                let (inside, outside) = match (member_of.get(&p.a), member_of.get(&p.b)) {
                    (Some(&i), None) => (i, p.b),
                    (None, Some(&i)) => (i, p.a),
                    (Some(&i), Some(&j)) if i != j && (link_only[i] || link_only[j]) => {
                        let (keep, fold) = if link_only[i] && !link_only[j] { (j, i) } else { (i, j) };
                        let moved = std::mem::take(&mut cores[fold]);
                        for &a in &moved {
                            member_of.insert(a, keep);
                        }
                        cores[keep].extend(moved);
                        link_only[keep] &= link_only[fold];
                        joined = true;
                        continue;
                    }
                    _ => continue,
                };
                cores[inside].push(outside);
                member_of.insert(outside, inside);
                joined = true;
            }
            if !joined {
                break;
            }
        }
        // Folded cores stay, empty, so that indices (and attachments) keep their meaning.
    }
    for core in &mut cores {
        core.sort_unstable();
        core.dedup();
    }
    Formed { cores, attached: attached_by_core, edge_strength }
}

/// Builds the networks: [`form_networks`], and every group of two or more accounts
/// described.
pub fn assemble_networks(
    detection: &Detection,
    inputs: &NetworkInputs<'_>,
    detect_config: &DetectConfig,
    config: &NetworkConfig,
) -> Vec<Network> {
    let Formed { cores, attached: attached_by_core, edge_strength } =
        form_networks(detection, inputs.posts.accounts(), inputs.posts.times(), detect_config, config);
    // Every pair and edge, bucketed by the network holding both ends, in one pass (a network
    // never scans the whole detection).
    let mut network_of: FxHashMap<u32, usize> = FxHashMap::default();
    for (i, members) in cores.iter().enumerate() {
        for &a in members {
            network_of.insert(a, i);
        }
    }
    let inside = |a: u32, b: u32| match (network_of.get(&a), network_of.get(&b)) {
        (Some(x), Some(y)) if x == y => Some(*x),
        _ => None,
    };
    let mut buckets: Vec<NetworkPairs<'_>> = (0..cores.len()).map(|_| NetworkPairs::default()).collect();
    for p in &detection.fused.pairs {
        if let Some(i) = inside(p.a, p.b) {
            buckets[i].fused.push(p);
        }
    }
    for (signal, report) in &detection.signals {
        for p in &report.pairs {
            if let Some(i) = inside(p.a, p.b) {
                buckets[i].signals.push((*signal, p));
            }
        }
    }
    for (&(a, b), &s) in &edge_strength {
        if let Some(i) = inside(a, b) {
            buckets[i].edges.push(((a, b), s));
        }
    }
    // One network after another: described in parallel the stage took 2.9 s instead of
    // 5.5-8.1 s at 8.9M posts, but that scan was killed under a 1,280 MiB limit (in its
    // output stage), which this one passes.
    let mut networks: Vec<Network> = cores
        .iter()
        .zip(buckets)
        .enumerate()
        .filter(|(_, (members, _))| members.len() >= 2)
        .map(|(i, (members, pairs))| {
            let attached = attached_by_core.get(&i).map(Vec::as_slice).unwrap_or(&[]);
            describe(members, attached, &pairs, &detection.signals, inputs, detect_config, config)
        })
        .collect();
    networks.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
    networks
}

/// Modularity finds structure even in a uniformly sparse group (one operation whose members
/// each beat chance with only a few others), so Leiden can cut one operation in two. Two
/// communities are one network when the edges between them are at least half as dense as
/// the edges inside the sparser of the two.
fn merge_split_communities(communities: Vec<Vec<u32>>, edges: &FxHashMap<(u32, u32), f64>) -> Vec<Vec<u32>> {
    let n = communities.len();
    if n < 2 {
        return communities;
    }
    let mut community_of: FxHashMap<u32, usize> = FxHashMap::default();
    for (i, c) in communities.iter().enumerate() {
        for &a in c {
            community_of.insert(a, i);
        }
    }
    let mut inside = vec![0usize; n];
    let mut between: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (a, b) in edges.keys() {
        if let (Some(&x), Some(&y)) = (community_of.get(a), community_of.get(b)) {
            if x == y {
                inside[x] += 1;
            } else {
                *between.entry((x.min(y), x.max(y))).or_default() += 1;
            }
        }
    }
    let density = |i: usize| {
        let k = communities[i].len() as f64;
        inside[i] as f64 / (k * (k - 1.0) / 2.0).max(1.0)
    };
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], x: usize) -> usize {
        let mut r = x;
        while parent[r] != r {
            r = parent[r];
        }
        parent[x] = r;
        r
    }
    for ((x, y), count) in &between {
        let cross = *count as f64 / (communities[*x].len() * communities[*y].len()) as f64;
        if cross >= 0.5 * density(*x).min(density(*y)) {
            let (rx, ry) = (find(&mut parent, *x), find(&mut parent, *y));
            if rx != ry {
                parent[rx.max(ry)] = rx.min(ry);
            }
        }
    }
    let mut merged: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (i, c) in communities.into_iter().enumerate() {
        let root = find(&mut parent, i);
        merged.entry(root).or_default().extend(c);
    }
    merged
        .into_values()
        .map(|mut c| {
            c.sort_unstable();
            c
        })
        .collect()
}

/// The pairs and edges with both ends in one network.
#[derive(Default)]
struct NetworkPairs<'a> {
    fused: Vec<&'a PairEvidence>,
    signals: Vec<(Signal, &'a PairEvidence)>,
    edges: Vec<((u32, u32), f64)>,
}

fn describe(
    members: &[u32],
    attached: &[Attachment],
    pairs: &NetworkPairs<'_>,
    signal_order: &[(Signal, SignalReport)],
    inputs: &NetworkInputs<'_>,
    detect_config: &DetectConfig,
    config: &NetworkConfig,
) -> Network {
    let mut account_ids: Vec<String> = members.iter().map(|&a| inputs.accounts[a as usize].id.clone()).collect();
    account_ids.sort();
    let platforms: Vec<String> =
        members.iter().map(|&a| inputs.accounts[a as usize].platform.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let mut fused_significant: BTreeSet<(u32, u32)> = pairs.fused.iter().filter(|p| p.significant).map(|p| (p.a, p.b)).collect();
    for a in attached {
        for &partner in &a.partners {
            fused_significant.insert((a.account.min(partner), a.account.max(partner)));
        }
    }

    let mut signals = BTreeMap::new();
    let mut evidence = Vec::new();
    let mut summaries = Vec::new();
    for (signal, _) in signal_order {
        let inside: Vec<&PairEvidence> = pairs
            .signals
            .iter()
            .filter(|(s, p)| {
                // Links that joined an account (shared infrastructure, a handle an ad names)
                // are the network's evidence too.
                let joining = !disrupt_detect::signals::is_behavioural(*s) && p.p_value <= detect_config.alpha;
                s == signal && (p.significant || fused_significant.contains(&(p.a, p.b)) || joining)
            })
            .map(|(_, p)| *p)
            .collect();
        if inside.is_empty() {
            continue;
        }
        let window_ms = detect_config.windows(*signal).window_ms;
        let (item, summary) = signal_evidence(*signal, &inside, inputs, window_ms, config);
        signals.insert(*signal, summary.co_actions);
        evidence.push(item);
        summaries.push(summary);
    }
    // Strongest evidence first.
    let mut order: Vec<usize> = (0..evidence.len()).collect();
    order.sort_by(|&x, &y| summaries[y].co_actions.cmp(&summaries[x].co_actions).then(x.cmp(&y)));
    let evidence: Vec<Evidence> = order.iter().map(|&i| evidence[i].clone()).collect();
    let summaries: Vec<SignalSummary> = order.iter().map(|&i| summaries[i].clone()).collect();

    let member_accounts: Vec<&AccountInfo> = members.iter().map(|&a| &inputs.accounts[a as usize]).collect();
    let traits = actor_traits(&member_accounts);
    let mut best_per_member: HashMap<u32, f64> = HashMap::new();
    let mut internal_edges = 0usize;
    for ((a, b), s) in &pairs.edges {
        internal_edges += 1;
        for x in [a, b] {
            let e = best_per_member.entry(*x).or_insert(0.0);
            *e = e.max(*s);
        }
    }
    let mut strengths: Vec<f64> = best_per_member.into_values().collect();
    strengths.sort_by(f64::total_cmp);
    let evidence_strength = strengths.get(strengths.len() / 2).copied().unwrap_or(0.0);
    let n = members.len();
    let density = internal_edges as f64 / (n * (n - 1) / 2) as f64;
    let traits_strength = traits_strength(&traits, n);
    let score = network_score(evidence_strength, density, summaries.len(), traits_strength);
    // The chance comparison only means something for statistical evidence (deterministic
    // links such as a shared model batch or payment account expect nothing by chance).
    let strongest = pairs
        .fused
        .iter()
        .filter(|p| p.significant && p.expected > 0.0)
        .min_by(|x, y| x.p_value.total_cmp(&y.p_value).then(y.co_actions.cmp(&x.co_actions)).then((x.a, x.b).cmp(&(y.a, y.b))));
    let mut explanation = explain(n, &summaries, inputs.descriptions, strongest.map(|p| (p.co_actions, p.expected, p.p_value)), &traits);
    if !attached.is_empty() {
        let weakest = attached.iter().map(|a| a.p_value).fold(0.0f64, f64::max);
        explanation.push_str(&format!(
            " {} of the accounts joined as a group: each drew the network's members into its posts more often than chance explains (p <= {:.0e}), though no single pair was conclusive.",
            attached.len(),
            weakest
        ));
    }
    for note in inputs.notes {
        if note.accounts.iter().filter(|a| members.binary_search(a).is_ok()).count() >= 2 {
            explanation.push(' ');
            explanation.push_str(&note.text);
        }
    }
    let mut operator_accounts: Vec<String> =
        members.iter().map(|&a| &inputs.accounts[a as usize]).filter(|a| a.platform == "ai").map(|a| a.id.clone()).collect();
    operator_accounts.sort();
    let attachments = attached
        .iter()
        .map(|a| disrupt_model::Attachment {
            account: inputs.accounts[a.account as usize].id.clone(),
            group_p_value: a.p_value,
            matched_posts: a.matched_posts,
            partners: {
                let mut ids: Vec<String> = a.partners.iter().map(|&p| inputs.accounts[p as usize].id.clone()).collect();
                ids.sort();
                ids
            },
        })
        .collect();
    Network {
        id: network_id(&account_ids),
        network_type: guess_type(&summaries, inputs.descriptions),
        score,
        accounts: account_ids,
        operator_accounts,
        platforms,
        signals,
        evidence,
        explanation,
        features: NetworkFeatures { evidence_strength, density, signals_present: summaries.len(), traits, traits_strength },
        edges: internal_edges,
        attachments,
        targets: Vec::new(),
        funnel: None,
        impact: None,
        disarm: Vec::new(),
        posts: 0,
        languages: BTreeMap::new(),
    }
}

/// Confidence that the network is a coordinated operation. Mostly the statistical evidence
/// (p = 1e-6 for the median member gives 0.63 of that part, 1e-12 gives 0.86), then how
/// densely the members are tied, how many independent signals agree, and actor traits.
pub fn network_score(evidence_strength: f64, density: f64, signals: usize, traits: f64) -> f64 {
    let evidence = 1.0 - (-evidence_strength / 6.0).exp();
    let diversity = (signals as f64 / 3.0).min(1.0);
    let s = 0.6 * evidence + 0.2 * density + 0.1 * diversity + 0.1 * traits;
    (s.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// A guess: pushing commercial-looking links to a few sites is spam; copied text,
/// hashtags, reposts or replies without that is influence.
fn guess_type(summaries: &[SignalSummary], descriptions: &[SignalDescription]) -> NetworkType {
    let total: usize = summaries.iter().map(|s| s.co_actions).sum();
    if total == 0 {
        return NetworkType::Unknown;
    }
    let kind_of = |s: &SignalSummary| descriptions.iter().find(|d| d.signal == s.signal).map_or(EvidenceKind::Other, |d| d.kind);
    let share = |kinds: &[EvidenceKind]| {
        summaries.iter().filter(|s| kinds.contains(&kind_of(s))).map(|s| s.co_actions).sum::<usize>() as f64 / total as f64
    };
    let text = share(&[EvidenceKind::CopiedText, EvidenceKind::Message]);
    let links = share(&[EvidenceKind::Links]);
    // Nearly every copied post carries a link, and the links point to at most three sites.
    let linked_posts = summaries.iter().filter(|s| kind_of(s) == EvidenceKind::Links).map(|s| s.posts).max().unwrap_or(0);
    let copied_posts = summaries.iter().filter(|s| kind_of(s) == EvidenceKind::CopiedText).map(|s| s.posts).max().unwrap_or(0);
    let link_items = || summaries.iter().filter(|s| kind_of(s) == EvidenceKind::Links).flat_map(|s| s.shared.iter());
    let sites: BTreeSet<&str> = link_items().map(|(url, _)| url.split('/').next().unwrap_or(url)).collect();
    // Spam sells: the pushed links look commercial.
    const COMMERCIAL: &[&str] = &[
        "offer", "deal", "promo", "discount", "sale", "shop", "buy", "coupon", "bonus", "casino", "bet", "loan", "invest", "crypto",
        "prize",
    ];
    let commercial = link_items().any(|(url, _)| COMMERCIAL.iter().any(|w| url.to_ascii_lowercase().contains(w)));
    let link_pushing = linked_posts > 0 && linked_posts * 10 >= copied_posts * 9 && sites.len() <= 3 && commercial;
    if (links >= 0.6 && text < 0.4) || link_pushing {
        NetworkType::Spam
    } else if text >= 0.4 {
        NetworkType::Influence
    } else {
        NetworkType::Unknown
    }
}

fn signal_evidence(
    signal: Signal,
    pairs: &[&PairEvidence],
    inputs: &NetworkInputs<'_>,
    window_ms: i64,
    config: &NetworkConfig,
) -> (Evidence, SignalSummary) {
    let mut post_ids: BTreeSet<u32> = BTreeSet::new();
    let mut accounts: BTreeSet<u32> = BTreeSet::new();
    let mut max_gap = 0i64;
    let mut co_actions = 0usize;
    for p in pairs {
        accounts.insert(p.a);
        accounts.insert(p.b);
        co_actions += p.matches.len();
        for &(x, y) in &p.matches {
            post_ids.insert(x);
            post_ids.insert(y);
            max_gap = max_gap.max((inputs.posts.time(x) - inputs.posts.time(y)).abs());
        }
    }
    let mut times: Vec<(i64, u32)> = post_ids.iter().map(|&p| (inputs.posts.time(p), p)).collect();
    // Each post's stored fields are read once.
    let details: BTreeMap<u32, PostInfo> = post_ids.iter().map(|&p| (p, inputs.posts.get_or_placeholder(p))).collect();
    times.sort_unstable();
    // Occasions: bursts of matched posts separated by more than the window.
    let mut occasions = 0usize;
    let mut last = i64::MIN;
    let mut occasion_starts = Vec::new();
    for (t, p) in &times {
        if last == i64::MIN || *t - last > window_ms {
            occasions += 1;
            occasion_starts.push(*p);
        }
        last = *t;
    }
    let shares = inputs.descriptions.iter().find(|d| d.signal == signal).map_or(SharedItems::Values, |d| d.shares);
    let shared = shared_items(signal, shares, &details, inputs.shared_values);
    // Examples: the first post of different accounts, earliest occasions first.
    let mut examples = Vec::new();
    let mut used_accounts = BTreeSet::new();
    for (_, p) in &times {
        let post = &details[p];
        if examples.len() >= config.max_examples {
            break;
        }
        if used_accounts.insert(post.account) {
            examples.push(Example {
                record: post.id.clone(),
                account: inputs.accounts[post.account as usize].id.clone(),
                created_at: format_rfc3339(post.time),
                text: truncate(&post.text, 500),
            });
        }
    }
    let mut records: Vec<String> = details.values().map(|p| p.id.clone()).collect();
    records.sort();
    let record_count = records.len();
    records.truncate(config.max_records);
    let mut account_ids: Vec<String> = accounts.iter().map(|&a| inputs.accounts[a as usize].id.clone()).collect();
    account_ids.sort();
    let summary =
        SignalSummary { signal, accounts: accounts.len(), posts: record_count, co_actions, occasions, max_gap_ms: max_gap, shared };
    let detail = format!(
        "{} accounts, {} records, {} co-actions on {} occasions, at most {} apart",
        summary.accounts,
        summary.posts,
        summary.co_actions,
        summary.occasions,
        format_duration(max_gap)
    );
    (Evidence { signal, accounts: account_ids, records, record_count, detail, examples }, summary)
}

/// The links, hashtags, target posts or values the network shared, most shared first.
fn shared_items(
    signal: Signal,
    shares: SharedItems,
    posts: &BTreeMap<u32, PostInfo>,
    shared_values: &HashMap<u32, Vec<(Signal, String)>>,
) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (record, post) in posts {
        for (s, value) in shared_values.get(record).into_iter().flatten() {
            if *s == signal {
                *counts.entry(value.as_str()).or_default() += 1;
            }
        }
        match shares {
            SharedItems::Links => post.urls.iter().for_each(|u| *counts.entry(u.as_str()).or_default() += 1),
            SharedItems::Hashtags => post.hashtags.iter().for_each(|h| *counts.entry(h.as_str()).or_default() += 1),
            SharedItems::RepostTargets => post.repost_of.iter().for_each(|r| *counts.entry(r.as_str()).or_default() += 1),
            SharedItems::ReplyTargets => post.reply_to.iter().for_each(|r| *counts.entry(r.as_str()).or_default() += 1),
            SharedItems::Objects => post.objects.iter().for_each(|o| *counts.entry(o.as_str()).or_default() += 1),
            SharedItems::Values => {}
        }
    }
    let mut items: Vec<(String, usize)> = counts.into_iter().filter(|(_, c)| *c >= 2).map(|(k, c)| (k.to_string(), c)).collect();
    items.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    items
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max_chars).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clique(members: std::ops::Range<u32>, edges: &mut FxHashMap<(u32, u32), f64>, every: u32) {
        for a in members.clone() {
            for b in a + 1..members.end {
                if (a + b) % every == 0 {
                    edges.insert((a, b), 1.0);
                }
            }
        }
    }

    #[test]
    fn one_sparse_group_cut_in_two_is_merged_back() {
        let mut edges = FxHashMap::default();
        clique(0..20, &mut edges, 3);
        let merged = merge_split_communities(vec![(0..10).collect(), (10..20).collect()], &edges);
        assert_eq!(merged, vec![(0..20).collect::<Vec<u32>>()]);
    }

    #[test]
    fn separate_groups_stay_apart() {
        let mut edges = FxHashMap::default();
        clique(0..10, &mut edges, 1);
        clique(10..20, &mut edges, 1);
        edges.insert((0, 10), 1.0);
        let merged = merge_split_communities(vec![(0..10).collect(), (10..20).collect()], &edges);
        assert_eq!(merged.len(), 2);
    }

    #[test]
    fn ids_are_stable_and_member_derived() {
        let a = network_id(&["x:1".to_string(), "x:2".to_string()]);
        assert_eq!(a, network_id(&["x:1".to_string(), "x:2".to_string()]));
        assert_ne!(a, network_id(&["x:1".to_string(), "x:3".to_string()]));
        assert!(a.starts_with("n-") && a.len() == 10);
    }
}
