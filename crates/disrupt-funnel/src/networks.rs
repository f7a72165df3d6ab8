//! Funnels on networks: each network that worked conversations on the operator side gets
//! its targets (never members) and its funnel, and a network that scam links alone made is
//! kept only when its conversations look like a scam.

use crate::evidence::FunnelRecords;
use crate::operators::{looks_like_scam, network_funnel, FunnelMessage};
use crate::signals::SCAM_SIGNALS;
use crate::Staged;
use disrupt_evidence::{format_duration, network_id};
use disrupt_model::{Funnel, Network, NetworkType};
use std::collections::BTreeSet;

/// Each network that worked conversations on the operator side gets its targets and
/// funnel; a network that scam links alone made is kept only when its conversations look
/// like a scam funnel (a shop's staff sharing the shop's bank account are not an operation).
pub fn attach_funnels(networks: Vec<Network>, records: &FunnelRecords<'_>) -> Vec<Network> {
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
    let mut out = Vec::new();
    for mut n in networks {
        let scam_only = !n.signals.is_empty() && n.signals.keys().all(|s| SCAM_SIGNALS.contains(s));
        let members: BTreeSet<&str> = n.accounts.iter().map(String::as_str).collect();
        let conversations: BTreeSet<&str> =
            members.iter().filter_map(|a| by_account.get(a)).flatten().map(|&i| inputs[i as usize].conversation).collect();
        let mut own: Vec<u32> = conversations.iter().flat_map(|c| by_conversation[c].iter().copied()).collect();
        own.sort_unstable();
        let own_messages: Vec<FunnelMessage<'_>> = own.iter().map(|&i| inputs[i as usize]).collect();
        let own_stages: Vec<&Staged> = own.iter().map(|&i| &records.stages[i as usize]).collect();
        match network_funnel(&members, &own_messages, &own_stages) {
            Some((targets, funnel)) => {
                if scam_only && !looks_like_scam(&funnel) {
                    continue;
                }
                if looks_like_scam(&funnel) {
                    n.network_type = NetworkType::Scam;
                }
                // Targets are never members (a victim can reach a network only through
                // evidence of another kind; the funnel says which side it is on).
                let before = n.accounts.len();
                n.accounts.retain(|a| targets.binary_search(a).is_err());
                if n.accounts.len() < 2 {
                    continue;
                }
                if n.accounts.len() != before {
                    n.id = network_id(&n.accounts);
                }
                n.explanation.push(' ');
                n.explanation.push_str(&funnel_sentence(&funnel));
                n.targets = targets;
                n.funnel = Some(funnel);
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
pub fn funnel_sentence(f: &Funnel) -> String {
    let mut text = format!(
        "They worked {} conversations with {} targets: {:.0}% reached emotional manipulation and {:.0}% a payment request",
        f.conversations,
        f.targets,
        f.reached_zing * 100.0,
        f.reached_sting * 100.0
    );
    if let Some(s) = f.median_seconds_to_first_payment_request {
        text.push_str(&format!(", a median {} after first contact", format_duration((s * 1000.0) as i64)));
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
