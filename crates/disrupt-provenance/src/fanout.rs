//! Batch fan-out: the outputs of one generation, or of one operator's session, posted by
//! two or more social accounts.
//!
//! An operator asks the model for a batch ("seven posts from different people, in four
//! languages") and hands each output to a different account. No two accounts share text,
//! so behaviour alone can miss them; provenance ties them together and to the operator.
//!
//! Only an output's *distribution* counts: the posts of it made within
//! the provenance signal's window (`--window provenance=SECONDS`) of its first post. Someone who copies it later (a
//! fact-checker quoting the operation, a journalist) is linked to the output in
//! `provenance.jsonl` but is not a distributor and never joins the network. One person who
//! posts the model's text from their own single account distributes to one account only,
//! which is not a fan-out.

use crate::provenance::{IndexedOutput, ProvenanceMatch};
use crate::{ProvenanceConfig, SignalWindows};
use disrupt_evidence::PairEvidence;
use std::collections::{BTreeMap, BTreeSet};

/// What fan-out needs of a post.
pub trait PostOwners {
    /// Author of `post` (account number).
    fn account(&self, post: u32) -> u32;
    /// Time of `post` (Unix ms).
    fn time(&self, post: u32) -> i64;
    /// Accounts numbered (account numbers are below this).
    fn account_count(&self) -> usize;
}

/// The post store as fan-out reads it, with the number of accounts.
pub struct StoreOwners<'a> {
    /// The records, with their accounts and times attached.
    pub posts: &'a disrupt_evidence::PostStore,
    /// Accounts numbered.
    pub accounts: usize,
}

impl PostOwners for StoreOwners<'_> {
    fn account(&self, post: u32) -> u32 {
        self.posts.account(post)
    }
    fn time(&self, post: u32) -> i64 {
        self.posts.time(post)
    }
    fn account_count(&self) -> usize {
        self.accounts
    }
}

impl PostOwners for disrupt_detect::DetectInput {
    fn account_count(&self) -> usize {
        self.account_count
    }
    fn account(&self, post: u32) -> u32 {
        disrupt_detect::DetectInput::account(self, post)
    }
    fn time(&self, post: u32) -> i64 {
        disrupt_detect::DetectInput::time(self, post)
    }
}

/// A generation as fan-out sees it.
#[derive(Debug, Clone, Copy)]
pub struct GenerationInfo {
    /// Its account (number).
    pub account: u32,
    /// When it was made (Unix ms).
    pub time: i64,
}

/// One operator session whose outputs reached two or more social accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct FanOut {
    /// The AI-provider account.
    pub operator: u32,
    /// Generations of the session (indices), in time order.
    pub generations: Vec<u32>,
    /// Distributed posts: (post, output index in the provenance index).
    pub posts: Vec<(u32, u32)>,
    /// Distinct social accounts that distributed them.
    pub accounts: Vec<u32>,
    /// Time of its first distributed post.
    pub first_post: i64,
    /// Time of its last distributed post.
    pub last_post: i64,
}

/// Whether each match is part of its output's distribution (`true`) or a later copy.
pub fn distribution_roles(matches: &[ProvenanceMatch], posts: &impl PostOwners, windows: &SignalWindows) -> Vec<bool> {
    let window = (windows.distribution_seconds * 1000.0) as i64;
    let mut first: BTreeMap<u32, i64> = BTreeMap::new();
    for m in matches {
        let t = posts.time(m.post);
        first.entry(m.output).and_modify(|f| *f = (*f).min(t)).or_insert(t);
    }
    matches.iter().map(|m| posts.time(m.post) - first[&m.output] <= window).collect()
}

/// Session of each generation: an AI account's generations less than `session_gap_seconds`
/// apart are one session. Returns, per generation, its session's first generation.
pub fn sessions(generations: &[GenerationInfo], config: &ProvenanceConfig) -> Vec<u32> {
    let gap = (config.session_gap_seconds * 1000.0) as i64;
    let mut order: Vec<u32> = (0..generations.len() as u32).collect();
    order.sort_by_key(|&g| (generations[g as usize].account, generations[g as usize].time, g));
    let mut session = vec![0u32; generations.len()];
    let mut current: Option<(u32, i64, u32)> = None;
    for g in order {
        let info = generations[g as usize];
        let start = match current {
            Some((account, last, start)) if account == info.account && info.time - last <= gap => start,
            _ => g,
        };
        session[g as usize] = start;
        current = Some((info.account, info.time, start));
    }
    session
}

/// The fan-outs: sessions whose distributed outputs reached two or more social accounts.
pub fn fan_outs(
    matches: &[ProvenanceMatch],
    roles: &[bool],
    outputs: &[IndexedOutput],
    generations: &[GenerationInfo],
    posts: &impl PostOwners,
    config: &ProvenanceConfig,
) -> Vec<FanOut> {
    let session_of = sessions(generations, config);
    // A post that matches outputs of two or more AI-provider accounts is text any of them
    // could have been asked for (a bakery's offer, a pet to adopt): it distributes nobody's.
    let mut operators_of: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for m in matches {
        operators_of.entry(m.post).or_default().insert(outputs[m.output as usize].account);
    }
    let mut by_session: BTreeMap<u32, Vec<&ProvenanceMatch>> = BTreeMap::new();
    for (m, &distributed) in matches.iter().zip(roles) {
        if distributed && operators_of.get(&m.post).is_none_or(|o| o.len() == 1) {
            let g = outputs[m.output as usize].generation;
            by_session.entry(session_of[g as usize]).or_default().push(m);
        }
    }
    let mut out = Vec::new();
    for (session, ms) in by_session {
        let operator = generations[session as usize].account;
        let accounts: BTreeSet<u32> = ms.iter().map(|m| posts.account(m.post)).filter(|&a| a != operator).collect();
        if accounts.len() < 2 {
            continue;
        }
        let generation_set: BTreeSet<u32> = ms.iter().map(|m| outputs[m.output as usize].generation).collect();
        let mut generations_in: Vec<u32> = generation_set.into_iter().collect();
        generations_in.sort_by_key(|&g| (generations[g as usize].time, g));
        let times = ms.iter().map(|m| posts.time(m.post));
        let (first_post, last_post) = times.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
        let mut post_list: Vec<(u32, u32)> = ms.iter().map(|m| (m.post, m.output)).collect();
        post_list.sort_unstable();
        out.push(FanOut {
            operator,
            generations: generations_in,
            posts: post_list,
            accounts: accounts.into_iter().collect(),
            first_post,
            last_post,
        });
    }
    out
}

/// How fan-out links are tested against chance (see [`fan_out_pairs`]).
pub struct FanOutNull {
    /// The distribution window, milliseconds.
    pub window_ms: i64,
    /// The family-wise error rate.
    pub alpha: f64,
}

/// Account-pair evidence of the fan-outs: distributors with each other (matched on their
/// posts of one session) and the operator with each distributor (matched on the output and
/// the post). `output_post` turns an output index into its record's post index.
///
/// The null is the participation null of the behavioural signals
/// ([`disrupt_evidence::null`]) among the posts that copy a model output: sessions are the
/// keys, each distributor's distributed posts its units. The chance that account `B` is
/// among the `d` accounts that distributed a session is `min(1, posts(B) * (d - 1) /
/// posts)`, counting distributed posts, times `2W / 1 day` for landing within the
/// distribution window `W` of the others (a session's outputs are rare text). A pair's
/// p-value is the tail of its shared sessions over one side's sessions (both directions
/// for two distributors, the operator's side for an operator: it made every session it
/// holds). Every pair of the accounts that distributed an output or made one could have
/// been linked, so that is the family of the Bonferroni correction. A distributor is also
/// tested against the other distributors of its operator's sessions as a group (below);
/// one linked neither way can still join its network by the network stage's group test
/// ([`provenance_null`]).
pub fn fan_out_pairs(
    fan_outs: &[FanOut],
    posts: &impl PostOwners,
    output_post: impl Fn(u32) -> u32,
    operator_time: impl Fn(u32) -> i64,
    null: &FanOutNull,
) -> Vec<PairEvidence> {
    let mut pairs: BTreeMap<(u32, u32), PairEvidence> = BTreeMap::new();
    // Sessions each pair shares, and each account's sessions (with their distributors).
    let mut shared: BTreeMap<(u32, u32), BTreeSet<usize>> = BTreeMap::new();
    let mut sessions_of: BTreeMap<u32, BTreeSet<usize>> = BTreeMap::new();
    let mut add = |x: u32, y: u32, post_x: u32, post_y: u32, tx: i64, ty: i64, session: usize| {
        let (a, b, pa, pb) = if x < y { (x, y, post_x, post_y) } else { (y, x, post_y, post_x) };
        let e = pairs.entry((a, b)).or_insert_with(|| PairEvidence::deterministic(a, b));
        if !e.matches.contains(&(pa, pb)) {
            e.matches.push((pa, pb));
            e.weight += 1.0;
        }
        e.first_seen = e.first_seen.min(tx.min(ty));
        e.last_seen = e.last_seen.max(tx.max(ty));
        shared.entry((a, b)).or_default().insert(session);
    };
    for (session, f) in fan_outs.iter().enumerate() {
        sessions_of.entry(f.operator).or_default().insert(session);
        // Each distributor's first post of the session stands for it.
        let mut first_post: BTreeMap<u32, u32> = BTreeMap::new();
        for &(post, output) in &f.posts {
            let account = posts.account(post);
            if account == f.operator {
                continue;
            }
            sessions_of.entry(account).or_default().insert(session);
            first_post.entry(account).or_insert(post);
            let out_post = output_post(output);
            add(f.operator, account, out_post, post, operator_time(output), posts.time(post), session);
        }
        let members: Vec<(u32, u32)> = first_post.into_iter().collect();
        for (i, &(x, px)) in members.iter().enumerate() {
            for &(y, py) in &members[i + 1..] {
                add(x, y, px, py, posts.time(px), posts.time(py), session);
            }
        }
    }
    let operators: BTreeSet<u32> = fan_outs.iter().map(|f| f.operator).collect();
    let timing = (2.0 * null.window_ms as f64 / disrupt_evidence::null::DAY_MS as f64).min(1.0);
    let (degree, total) = distributed_posts(fan_outs, posts);
    let chance = |other: u32, session: usize| -> f64 {
        let d = fan_outs[session].accounts.len() as f64;
        let deg = degree.get(&other).copied().unwrap_or(1).max(1) as f64;
        (deg * (d - 1.0).max(1.0) / total.max(1) as f64).min(1.0) * timing
    };
    let tail = |side: u32, other: u32, k: u32| -> (f64, f64) {
        let chances: Vec<f64> = sessions_of.get(&side).into_iter().flatten().map(|&s| chance(other, s)).collect();
        (disrupt_evidence::significance::poisson_binomial_upper_tail(&chances, k as u64), chances.iter().sum())
    };
    let population = degree.len() + operators.iter().filter(|o| !degree.contains_key(o)).count();
    let threshold = disrupt_evidence::null::pair_threshold(null.alpha, population);
    let mut out: Vec<PairEvidence> = pairs.into_values().collect();
    for p in &mut out {
        p.matches.sort_unstable();
        let k = shared.get(&(p.a, p.b)).map_or(0, |s| s.len() as u32);
        p.co_actions = k;
        let (value, expected) = match (operators.contains(&p.a), operators.contains(&p.b)) {
            (true, false) => tail(p.a, p.b, k),
            (false, true) => tail(p.b, p.a, k),
            _ => {
                let (x, ex) = tail(p.a, p.b, k);
                let (y, ey) = tail(p.b, p.a, k);
                if x >= y {
                    (x, ex)
                } else {
                    (y, ey)
                }
            }
        };
        p.p_value = value;
        p.rarity_p_value = value;
        p.expected = expected;
        p.significant = value <= threshold;
    }
    // The operator-anchored group test: each distributor against the other distributors of
    // the operator's sessions. Under the null every other distributor of a session is a
    // draw of its own, so the statistic counts them (as the network stage's group test
    // does): an account that posted one output of each of two batches, each handed to six
    // other accounts of the operator, drew twelve of them where chance expects a fraction
    // of one. Bonferroni over every (distributor, operator) pair tested.
    let mut group_p: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    let tested: usize = operators.iter().map(|&op| distributors_of(fan_outs, posts, op).len()).sum();
    let group_threshold = null.alpha / tested.max(1) as f64;
    for &op in &operators {
        let all = distributors_of(fan_outs, posts, op);
        for &x in &all {
            let mut observed = 0u64;
            let mut expected = 0.0;
            for (s, f) in fan_outs.iter().enumerate().filter(|(_, f)| f.operator == op) {
                if !f.accounts.contains(&x) {
                    continue;
                }
                observed += f.accounts.iter().filter(|&&m| m != x).count() as u64;
                expected += all.iter().filter(|&&m| m != x).map(|&m| chance(m, s)).sum::<f64>();
            }
            let p =
                if (observed as f64) <= expected { 1.0 } else { disrupt_evidence::significance::poisson_upper_tail(observed, expected) };
            group_p.insert((op.min(x), op.max(x)), p);
        }
    }
    for p in &mut out {
        if let Some(&g) = group_p.get(&(p.a, p.b)) {
            if g <= group_threshold && !p.significant {
                p.significant = true;
                p.p_value = g;
                p.rarity_p_value = g;
            }
        }
    }
    out
}

/// Every account that distributed an output of `operator`'s sessions.
fn distributors_of(fan_outs: &[FanOut], posts: &impl PostOwners, operator: u32) -> BTreeSet<u32> {
    fan_outs
        .iter()
        .filter(|f| f.operator == operator)
        .flat_map(|f| f.posts.iter().map(|&(post, _)| posts.account(post)))
        .filter(|&a| a != operator)
        .collect()
}

/// Distributed posts per distributor, and in all.
fn distributed_posts(fan_outs: &[FanOut], posts: &impl PostOwners) -> (BTreeMap<u32, u32>, u64) {
    let mut degree: BTreeMap<u32, u32> = BTreeMap::new();
    let mut total = 0u64;
    for f in fan_outs {
        for &(post, _) in &f.posts {
            let account = posts.account(post);
            if account != f.operator {
                *degree.entry(account).or_insert(0) += 1;
                total += 1;
            }
        }
    }
    (degree, total)
}

/// The fan-outs as the group test reads them: a participation null whose keys are the
/// sessions and whose units are distributed posts, and every pair of distributors' posts
/// of one session as a co-action (`signal` is the null's index in the detection's nulls).
/// An account whose few sessions were each shared with the network's members joins it, as
/// a member of some of an operation's bursts does.
pub fn provenance_null(
    fan_outs: &[FanOut],
    posts: &impl PostOwners,
    window_ms: i64,
    accounts: usize,
    signal: u32,
) -> (disrupt_evidence::ParticipationNull, Vec<disrupt_evidence::MatchedPosts>) {
    let (degree_of, total) = distributed_posts(fan_outs, posts);
    let mut degree = vec![0u32; accounts];
    for (&a, &d) in &degree_of {
        if let Some(slot) = degree.get_mut(a as usize) {
            *slot = d;
        }
    }
    let mut trials: Vec<disrupt_evidence::Trials> = Vec::new();
    let mut matched = Vec::new();
    for (session, f) in fan_outs.iter().enumerate() {
        let popularity = f.accounts.len() as u32;
        let mut first_post: BTreeMap<u32, u32> = BTreeMap::new();
        for &(post, _) in &f.posts {
            let account = posts.account(post);
            if account != f.operator {
                first_post.entry(account).or_insert(post);
            }
        }
        for &account in first_post.keys() {
            trials.push(disrupt_evidence::Trials { account, stratum: 0, popularity, count: 1 });
        }
        let members: Vec<(u32, u32)> = first_post.into_iter().collect();
        for (i, &(_, px)) in members.iter().enumerate() {
            for &(_, py) in &members[i + 1..] {
                matched.push(disrupt_evidence::MatchedPosts {
                    signal,
                    a: px,
                    b: py,
                    unit_a: session as u64,
                    unit_b: session as u64,
                    popularity: (popularity, popularity),
                    strata: (0, 0),
                });
            }
        }
    }
    trials.sort_unstable();
    let null = disrupt_evidence::ParticipationNull {
        signal: disrupt_evidence::Signal::PROVENANCE,
        window_ms,
        scales: vec![1.0],
        rare_key_accounts: u32::MAX,
        max_chance: 1.0,
        span_ms: disrupt_evidence::null::DAY_MS,
        degree,
        site_degree: Default::default(),
        totals: vec![total],
        trials,
        active_accounts: degree_of.len(),
        text_units: false,
        by_site: false,
        post_popularity: Vec::new(),
    };
    (null, matched)
}
