//! The funnel a scam network runs: given a network's accounts, the conversations they
//! worked on the operator side, their targets (the other participants, never members),
//! how many conversations reached zing and sting, the median time from first contact to
//! the first payment request, the amounts asked per step, and how many conversations one
//! account kept going at once. What links the accounts is [`crate::shared_values`]'s.

use crate::roles::Role;
use crate::{Stage, Staged};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};

/// A message as the funnel reads it.
#[derive(Debug, Clone, Copy)]
pub struct FunnelMessage<'a> {
    /// Its conversation.
    pub conversation: &'a str,
    /// Its sender.
    pub account: &'a str,
    /// When (Unix ms).
    pub time_ms: i64,
    /// The sender's side, when known.
    pub role: Option<Role>,
}

pub use disrupt_model::{Funnel, StepAmount};

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// A payment request: time, value, currency.
type Ask = (i64, f64, Option<String>);

/// A network's targets and funnel (`members`: its accounts; `staged` and `messages` in the
/// same order). `None` when no member worked a conversation on the operator side.
pub fn network_funnel<S: std::borrow::Borrow<Staged>>(
    members: &BTreeSet<&str>,
    messages: &[FunnelMessage<'_>],
    staged: &[S],
) -> Option<(Vec<String>, Funnel)> {
    let operator_side = |m: &FunnelMessage<'_>| members.contains(m.account) && m.role != Some(Role::Target);
    let conversations: FxHashSet<&str> = messages.iter().filter(|m| operator_side(m)).map(|m| m.conversation).collect();
    if conversations.is_empty() {
        return None;
    }
    let targets: BTreeSet<&str> = messages
        .iter()
        .filter(|m| conversations.contains(m.conversation) && !members.contains(m.account) && m.role != Some(Role::Operator))
        .map(|m| m.account)
        .collect();
    // Per conversation: who spoke first, stages reached, time to first sting, amounts asked.
    let mut first: FxHashMap<&str, (i64, bool)> = FxHashMap::default();
    let mut first_sting: FxHashMap<&str, i64> = FxHashMap::default();
    let mut zing: FxHashSet<&str> = FxHashSet::default();
    let mut asks: FxHashMap<&str, Vec<Ask>> = FxHashMap::default();
    let mut spans: FxHashMap<&str, FxHashMap<&str, (i64, i64)>> = FxHashMap::default();
    for (m, s) in messages.iter().zip(staged.iter().map(|s| s.borrow())) {
        if !conversations.contains(m.conversation) {
            continue;
        }
        let side = operator_side(m);
        let f = first.entry(m.conversation).or_insert((m.time_ms, side));
        if m.time_ms < f.0 {
            *f = (m.time_ms, side);
        }
        if !side {
            continue;
        }
        let span = spans.entry(m.account).or_default().entry(m.conversation).or_insert((m.time_ms, m.time_ms));
        span.0 = span.0.min(m.time_ms);
        span.1 = span.1.max(m.time_ms);
        match s.stage {
            Stage::Zing => {
                zing.insert(m.conversation);
            }
            Stage::Sting => {
                let e = first_sting.entry(m.conversation).or_insert(m.time_ms);
                *e = (*e).min(m.time_ms);
                if let Some(a) = s.amounts.first() {
                    asks.entry(m.conversation).or_default().push((m.time_ms, a.value, a.currency.clone()));
                }
            }
            _ => {}
        }
    }
    let n = conversations.len() as f64;
    let reached_sting = first_sting.len() as f64 / n;
    let reached_zing = conversations.iter().filter(|c| zing.contains(*c) || first_sting.contains_key(*c)).count() as f64 / n;
    let manipulated = zing.len() as f64 / n;
    let operator_initiated = first.values().filter(|(_, side)| *side).count() as f64 / n;
    let to_payment = median(first_sting.iter().map(|(c, t)| (t - first[c].0) as f64 / 1000.0).collect());
    let mut steps: BTreeMap<usize, (Vec<f64>, BTreeMap<String, usize>)> = BTreeMap::new();
    for list in asks.values_mut() {
        list.sort_by_key(|(t, _, _)| *t);
        for (k, (_, v, cur)) in list.iter().enumerate() {
            let e = steps.entry(k + 1).or_default();
            e.0.push(*v);
            if let Some(c) = cur {
                *e.1.entry(c.clone()).or_default() += 1;
            }
        }
    }
    let amounts_by_step = steps
        .into_iter()
        .map(|(step, (values, currencies))| StepAmount {
            step,
            requests: values.len(),
            median_value: median(values).unwrap_or(0.0),
            currency: currencies.into_iter().max_by_key(|(_, n)| *n).map(|(c, _)| c),
        })
        .collect();
    let max_concurrent = spans
        .values()
        .map(|per| {
            let mut edges: Vec<(i64, i32)> = per.values().flat_map(|(s, e)| [(*s, 1), (*e + 1, -1)]).collect();
            edges.sort();
            let (mut now, mut most) = (0i32, 0i32);
            for (_, d) in edges {
                now += d;
                most = most.max(now);
            }
            most as usize
        })
        .max()
        .unwrap_or(0);
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let funnel = Funnel {
        conversations: conversations.len(),
        targets: targets.len(),
        operator_initiated: round(operator_initiated),
        reached_zing: round(reached_zing),
        reached_sting: round(reached_sting),
        manipulated: round(manipulated),
        median_seconds_to_first_payment_request: to_payment,
        amounts_by_step,
        max_concurrent_conversations: max_concurrent,
    };
    Some((targets.iter().map(|s| s.to_string()).collect(), funnel))
}

/// Whether the conversations look like a scam funnel rather than a business taking
/// orders: the operator side works on feelings (zing in a fifth of conversations or
/// more), or it opens the conversations itself and goes on to ask for money, or its
/// requests escalate (a second, larger request in a fifth of conversations or more: a
/// shop asks once per order).
pub fn looks_like_scam(funnel: &Funnel) -> bool {
    let escalates = match (funnel.amounts_by_step.first(), funnel.amounts_by_step.get(1)) {
        (Some(first), Some(second)) => {
            second.requests as f64 >= 0.2 * funnel.conversations as f64 && second.median_value > first.median_value
        }
        _ => false,
    };
    funnel.manipulated >= 0.2 || (funnel.operator_initiated >= 0.5 && funnel.reached_sting >= 0.2) || escalates
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stager;

    #[test]
    fn a_networks_funnel_and_its_targets() {
        let stager = Stager::default();
        let rows = vec![
            ("c1", "op1", 0, Some(Role::Operator), "Halo kak, salam kenal, aku Rina dari Bandung"),
            ("c1", "v1", 60_000, None, "halo"),
            ("c1", "op1", 3_600_000, Some(Role::Operator), "Sayang aku kangen kamu"),
            ("c1", "op1", 7_200_000, Some(Role::Operator), "Transfer Rp 250.000 ke DANA 081234567890 untuk VIP"),
            ("c2", "op2", 10, Some(Role::Operator), "Halo kak, salam kenal, aku Rina dari Bandung"),
            ("c2", "v2", 70_000, None, "siapa ini?"),
            ("c2", "op2", 9_000_000, Some(Role::Operator), "Deposit verifikasi 500rb ke DANA 0812-3456-7890"),
            ("c3", "friend", 0, Some(Role::Operator), "pinjam uang 100rb ya"),
            ("c3", "me", 10, None, "oke"),
        ];
        let staged: Vec<Staged> = rows.iter().map(|r| stager.stage(r.4, false)).collect();
        let messages: Vec<FunnelMessage<'_>> =
            rows.iter().map(|r| FunnelMessage { conversation: r.0, account: r.1, time_ms: r.2, role: r.3 }).collect();
        let members = BTreeSet::from(["op1", "op2"]);
        let (targets, f) = network_funnel(&members, &messages, &staged).unwrap();
        assert_eq!(targets, vec!["v1", "v2"], "the friend's conversation is not the network's");
        assert_eq!(f.conversations, 2);
        assert_eq!(f.operator_initiated, 1.0);
        assert_eq!(f.reached_sting, 1.0);
        assert_eq!(f.amounts_by_step[0].requests, 2);
        assert_eq!(f.amounts_by_step[0].currency.as_deref(), Some("IDR"));
        assert_eq!(f.median_seconds_to_first_payment_request, Some(8999.99));
        assert!(looks_like_scam(&f));
        assert!(network_funnel(&BTreeSet::from(["v1"]), &messages[..0], &staged[..0]).is_none());
    }

    #[test]
    fn escalating_requests_in_chats_the_targets_opened_are_a_scam_funnel() {
        let stager = Stager::default();
        let mut rows = Vec::new();
        for c in ["c1", "c2", "c3"] {
            rows.push((c, format!("investor-{c}"), 0, None, "Halo, saya lihat iklan trading di Facebook"));
            rows.push((c, "mentor".to_string(), 60_000, Some(Role::Operator), "Deposit awal Rp 1.000.000 ke BCA 1234567890 ya"));
            rows.push((
                c,
                "mentor".to_string(),
                86_400_000,
                Some(Role::Operator),
                "Untuk tarik profit, bayar pajak Rp 5.000.000 ke BCA 1234567890",
            ));
        }
        let staged: Vec<Staged> = rows.iter().map(|r| stager.stage(r.4, false)).collect();
        let messages: Vec<FunnelMessage<'_>> =
            rows.iter().map(|r| FunnelMessage { conversation: r.0, account: &r.1, time_ms: r.2, role: r.3 }).collect();
        let (_, f) = network_funnel(&BTreeSet::from(["mentor"]), &messages, &staged).unwrap();
        assert_eq!((f.operator_initiated, f.manipulated), (0.0, 0.0));
        assert_eq!(f.amounts_by_step.len(), 2);
        assert!(looks_like_scam(&f));
    }

    #[test]
    fn a_shop_answering_its_customers_is_no_scam_funnel() {
        let stager = Stager::default();
        let mut rows = Vec::new();
        for c in ["c1", "c2", "c3"] {
            rows.push((c, format!("buyer-{c}"), 0, None, "Kak, kaos hitam ukuran L masih ada?"));
            rows.push((
                c,
                "shop".to_string(),
                60_000,
                Some(Role::Operator),
                "Ada kak, total Rp 150.000, silakan transfer ke BCA 1234567890",
            ));
        }
        let staged: Vec<Staged> = rows.iter().map(|r| stager.stage(r.4, false)).collect();
        let messages: Vec<FunnelMessage<'_>> =
            rows.iter().map(|r| FunnelMessage { conversation: r.0, account: &r.1, time_ms: r.2, role: r.3 }).collect();
        let (_, f) = network_funnel(&BTreeSet::from(["shop"]), &messages, &staged).unwrap();
        assert_eq!((f.operator_initiated, f.manipulated, f.reached_sting), (0.0, 0.0, 1.0));
        assert!(!looks_like_scam(&f));
    }
}
