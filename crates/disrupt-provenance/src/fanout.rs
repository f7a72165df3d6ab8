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
}

impl PostOwners for disrupt_detect::DetectInput {
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
    let mut by_session: BTreeMap<u32, Vec<&ProvenanceMatch>> = BTreeMap::new();
    for (m, &distributed) in matches.iter().zip(roles) {
        if distributed {
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

/// Account-pair evidence of the fan-outs: distributors with each other (matched on their
/// posts of one session) and the operator with each distributor (matched on the output and
/// the post). `output_post` turns an output index into its record's post index.
pub fn fan_out_pairs(
    fan_outs: &[FanOut],
    posts: &impl PostOwners,
    output_post: impl Fn(u32) -> u32,
    operator_time: impl Fn(u32) -> i64,
) -> Vec<PairEvidence> {
    let mut pairs: BTreeMap<(u32, u32), PairEvidence> = BTreeMap::new();
    let mut add = |x: u32, y: u32, post_x: u32, post_y: u32, tx: i64, ty: i64| {
        let (a, b, pa, pb) = if x < y { (x, y, post_x, post_y) } else { (y, x, post_y, post_x) };
        // Chance cannot make two accounts post outputs of one model batch.
        let e = pairs.entry((a, b)).or_insert_with(|| PairEvidence::deterministic(a, b));
        if !e.matches.contains(&(pa, pb)) {
            e.matches.push((pa, pb));
            e.co_actions += 1;
            e.weight += 1.0;
        }
        e.first_seen = e.first_seen.min(tx.min(ty));
        e.last_seen = e.last_seen.max(tx.max(ty));
    };
    for f in fan_outs {
        // Each distributor's first post of the session stands for it.
        let mut first_post: BTreeMap<u32, u32> = BTreeMap::new();
        for &(post, output) in &f.posts {
            let account = posts.account(post);
            if account == f.operator {
                continue;
            }
            first_post.entry(account).or_insert(post);
            let out_post = output_post(output);
            add(f.operator, account, out_post, post, operator_time(output), posts.time(post));
        }
        let members: Vec<(u32, u32)> = first_post.into_iter().collect();
        for (i, &(x, px)) in members.iter().enumerate() {
            for &(y, py) in &members[i + 1..] {
                add(x, y, px, py, posts.time(px), posts.time(py));
            }
        }
    }
    let mut out: Vec<PairEvidence> = pairs.into_values().collect();
    for p in &mut out {
        p.matches.sort_unstable();
    }
    out
}
