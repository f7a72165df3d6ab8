//! Glue between the link stage and the network stage: link evidence joins detection's,
//! and each fan-out gets the sentence its network's explanation will carry.

use disrupt_detect::{DetectConfig, Detection, Signal};
use disrupt_link::Linkage;
use disrupt_networks::{AccountInfo, NetworkNote, PostStore};
use disrupt_records::Generation;
use std::collections::BTreeSet;

/// Adds provenance and shared-infrastructure evidence to detection: per signal, and
/// provenance's (deterministic) pairs to the fused evidence the graph is built from.
pub fn add_to_detection(detection: &mut Detection, linkage: &Linkage, config: &DetectConfig) {
    if config.provenance.enabled && !linkage.provenance.pairs.is_empty() {
        for p in &linkage.provenance.pairs {
            match detection.fused.pairs.iter_mut().find(|f| f.a == p.a && f.b == p.b) {
                Some(f) => f.significant = true,
                None => detection.fused.pairs.push(p.clone()),
            }
        }
        detection.fused.pairs.sort_unstable_by_key(|p| (p.a, p.b));
        detection.signals.push((Signal::Provenance, linkage.provenance.clone()));
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
pub fn fan_out_notes(linkage: &Linkage, generations: &[Generation], accounts: &[AccountInfo], posts: &PostStore) -> Vec<NetworkNote> {
    linkage
        .fan_outs
        .iter()
        .map(|f| {
            let operator = &accounts[f.operator as usize].id;
            let mut langs = BTreeSet::new();
            let mut platforms = BTreeSet::new();
            for &(post, _) in &f.posts {
                if let Ok(info) = posts.get(post) {
                    if let Some(l) = info.lang.or_else(|| disrupt_normalize::detect_language(&info.text)) {
                        langs.insert(l);
                    }
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
