//! Provenance evidence for the network stage: model batches' fan-outs and shared
//! infrastructure join the evidence the graph is built from, and each fan-out gets the
//! sentence its network's explanation will carry.

use crate::ProvenanceFindings;
use disrupt_evidence::{format_duration, AccountInfo, Detection, NetworkNote, PostStore, Signal};
use disrupt_records::Generation;
use std::collections::BTreeSet;

/// Adds provenance and shared-infrastructure evidence to detection: per signal, and
/// provenance's (deterministic) pairs to the fused evidence the graph is built from.
pub fn add_to_detection(
    detection: &mut Detection,
    linkage: &ProvenanceFindings,
    posts: &impl crate::fanout::PostOwners,
    distribution_seconds: f64,
    provenance_enabled: bool,
    infrastructure_enabled: bool,
) {
    if provenance_enabled && !linkage.provenance.pairs.is_empty() {
        detection.add_deterministic(Signal::PROVENANCE, &linkage.provenance);
        // The group test weighs fan-outs too: a distributor of a few of an operation's
        // batches joins the network its other distributors made.
        let signal = detection.nulls.len() as u32;
        let (null, matched) =
            crate::fanout::provenance_null(&linkage.fan_outs, posts, (distribution_seconds * 1000.0) as i64, posts.account_count(), signal);
        detection.nulls.push(null);
        detection.periphery.extend(matched);
    }
    if infrastructure_enabled && !linkage.infrastructure.pairs.is_empty() {
        detection.signals.push((Signal::SHARED_INFRASTRUCTURE, linkage.infrastructure.clone()));
    }
}

/// "7 outputs of generation g-123 by ai:org-17, in 4 languages, were posted by 7 x accounts
/// within 40 min."
///
/// Languages of fan-out posts that give none are detected here, in parallel, and kept in
/// `detected` (by post) so the scan's languages stage does not detect them again.
pub fn fan_out_notes(
    linkage: &ProvenanceFindings,
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
                None => disrupt_normalize::post_language(None, info.repost_of.is_some(), &info.text),
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
                format_duration(f.last_post - f.first_post)
            );
            let mut members = f.accounts.clone();
            members.push(f.operator);
            members.sort_unstable();
            NetworkNote { accounts: members, text }
        })
        .collect()
}
