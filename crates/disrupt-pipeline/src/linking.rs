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
        // Fused pairs by account pair, so merging is linear (there can be hundreds of
        // thousands of each).
        let at: rustc_hash::FxHashMap<(u32, u32), usize> = detection.fused.pairs.iter().enumerate().map(|(i, f)| ((f.a, f.b), i)).collect();
        for p in &linkage.provenance.pairs {
            match at.get(&(p.a, p.b)) {
                Some(&i) => detection.fused.pairs[i].significant = true,
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

/// Scam operator networks as networks of the findings: members are operator-side accounts
/// not already in a network; targets are listed apart.
pub fn scam_networks(
    messages: &[disrupt_records::Message],
    stages: &[disrupt_funnel::Staged],
    roles: &[Option<(disrupt_funnel::roles::Role, bool)>],
    taken: &std::collections::BTreeSet<String>,
) -> Vec<disrupt_networks::Network> {
    use disrupt_funnel::operators::{scam_networks, FunnelMessage};
    let scripts: Vec<String> = messages.iter().map(|m| disrupt_normalize::matching_text(&m.text)).collect();
    let inputs: Vec<FunnelMessage<'_>> = messages
        .iter()
        .zip(&scripts)
        .zip(roles)
        .map(|((m, script), role)| FunnelMessage {
            conversation: &m.conversation,
            account: &m.account,
            time_ms: m.created_at,
            script,
            role: role.map(|(r, _)| r),
        })
        .collect();
    let mut out = Vec::new();
    for n in scam_networks(&inputs, stages) {
        let accounts: Vec<String> = n.accounts.iter().filter(|a| !taken.contains(*a)).cloned().collect();
        if accounts.len() < 2 {
            continue;
        }
        let mut signals = std::collections::BTreeMap::new();
        let mut evidence = Vec::new();
        for (kind, value, members) in &n.links {
            *signals.entry(*kind).or_insert(0usize) += 1;
            let shown =
                if *kind == "shared_script" { format!("\"{}\"", value.chars().take(120).collect::<String>()) } else { value.clone() };
            evidence.push(disrupt_networks::EvidenceItem {
                signal: kind,
                accounts: members.clone(),
                records: Vec::new(),
                record_count: 0,
                detail: format!("{} accounts sent {shown}", members.len()),
                examples: Vec::new(),
            });
        }
        let f = &n.funnel;
        let scripts = n.links.iter().filter(|l| l.0 == "shared_script").count();
        let payments = n.links.iter().filter(|l| l.0 == "shared_payment").count();
        let mut explanation = format!(
            "{} operator accounts share {} script{} and {} payment detail{} across {} conversations with {} targets; {:.0}% of the conversations reached emotional manipulation and {:.0}% a payment request",
            accounts.len(),
            scripts,
            if scripts == 1 { "" } else { "s" },
            payments,
            if payments == 1 { "" } else { "s" },
            f.conversations,
            f.targets,
            f.reached_zing * 100.0,
            f.reached_sting * 100.0
        );
        if let Some(s) = f.median_seconds_to_first_payment_request {
            explanation
                .push_str(&format!(", a median {} after first contact", disrupt_networks::explain::format_duration((s * 1000.0) as i64)));
        }
        if let Some(first) = f.amounts_by_step.first() {
            explanation.push_str(&format!(
                "; first requests a median {:.0} {}",
                first.median_value,
                first.currency.as_deref().unwrap_or("")
            ));
        }
        explanation.push_str(&format!(". One account kept up to {} conversations going at once.", f.max_concurrent_conversations));
        let density = 1.0;
        let score = disrupt_networks::assemble::network_score(300.0, density, signals.len().min(3), 0.0);
        out.push(disrupt_networks::Network {
            id: disrupt_networks::network_id(&accounts),
            network_type: "scam",
            score,
            operator_accounts: Vec::new(),
            platforms: {
                let p: std::collections::BTreeSet<String> = accounts.iter().filter_map(|a| a.split(':').next()).map(String::from).collect();
                p.into_iter().collect()
            },
            signals,
            evidence,
            explanation,
            features: disrupt_networks::assemble::NetworkFeatures {
                evidence_strength: 300.0,
                density,
                signals_present: n.links.iter().map(|l| l.0).collect::<std::collections::BTreeSet<_>>().len(),
                traits: disrupt_networks::traits::ActorTraits::default(),
                traits_strength: 0.0,
            },
            edges: 0,
            attachments: Vec::new(),
            targets: n.targets.clone(),
            funnel: serde_json::to_value(&n.funnel).ok(),
            accounts,
        });
    }
    out
}
