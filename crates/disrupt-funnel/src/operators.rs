//! Operator networks of scam funnels: the operator-side accounts of many conversations tied
//! together by what one operation shares, and the funnel each network runs.
//!
//! Two operator accounts are linked when they send the same script (the same matching text,
//! of five words or more, in different conversations) or name the same payment details (a
//! bank account, e-wallet number or crypto address). Linked accounts form a network; the
//! other sides of its conversations are its `targets`, never members. Per network the funnel
//! says how many conversations and targets it worked, what share reached zing and sting,
//! the median time from first contact to the first payment request, the amounts asked per
//! step, and how many conversations each operator account kept going at once.

use crate::roles::Role;
use crate::{Stage, Staged};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A message as operator linking reads it.
pub struct FunnelMessage<'a> {
    pub conversation: &'a str,
    pub account: &'a str,
    pub time_ms: i64,
    /// The matching text (normalized), for scripts.
    pub script: &'a str,
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub conversations: usize,
    pub targets: usize,
    pub reached_zing: f64,
    pub reached_sting: f64,
    /// Median seconds from a conversation's first message to its first payment request.
    pub median_seconds_to_first_payment_request: Option<f64>,
    /// Amounts asked, in order of request, per conversation step (first request, second, ...):
    /// the median value of each step and its most common currency.
    pub amounts_by_step: Vec<StepAmount>,
    /// Most conversations one operator account had open at once (first to last message).
    pub max_concurrent_conversations: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepAmount {
    pub step: usize,
    pub median_value: f64,
    pub currency: Option<String>,
    pub requests: usize,
}

/// A scam operator network.
#[derive(Debug, Clone, PartialEq)]
pub struct ScamNetwork {
    pub accounts: Vec<String>,
    pub targets: Vec<String>,
    /// What links them: (`shared_script` or `shared_payment`, the shared value, accounts).
    pub links: Vec<(&'static str, String, Vec<String>)>,
    pub funnel: Funnel,
}

fn find(parent: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while parent[r] != r {
        r = parent[r];
    }
    let mut y = x;
    while parent[y] != r {
        let next = parent[y];
        parent[y] = r;
        y = next;
    }
    r
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Operator accounts (indices) that used a shared value, and in which conversations.
type Sharers<'a> = (BTreeSet<usize>, BTreeSet<&'a str>);

/// A payment request: time, value, currency.
type Ask = (i64, f64, Option<String>);

/// The operator networks of the messages (`staged` and `messages` in the same order).
pub fn scam_networks(messages: &[FunnelMessage<'_>], staged: &[Staged]) -> Vec<ScamNetwork> {
    let operators: Vec<&str> =
        messages.iter().filter(|m| m.role == Some(Role::Operator)).map(|m| m.account).collect::<BTreeSet<_>>().into_iter().collect();
    let index: BTreeMap<&str, usize> = operators.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    let mut parent: Vec<usize> = (0..operators.len()).collect();
    // Shared values: script or payment detail -> operator accounts (and conversations).
    let mut shared: BTreeMap<(&'static str, String), Sharers<'_>> = BTreeMap::new();
    for (m, s) in messages.iter().zip(staged) {
        let Some(&i) = index.get(m.account) else { continue };
        if m.script.split(' ').filter(|w| !w.is_empty()).count() >= 5 {
            let e = shared.entry(("shared_script", m.script.to_string())).or_default();
            e.0.insert(i);
            e.1.insert(m.conversation);
        }
        for d in &s.details {
            if matches!(d.kind.as_str(), "bank_account" | "ewallet" | "crypto") {
                let value: String = d.value.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
                let e = shared.entry(("shared_payment", format!("{} {value}", d.kind))).or_default();
                e.0.insert(i);
                e.1.insert(m.conversation);
            }
        }
    }
    let mut links = Vec::new();
    for ((kind, value), (accounts, conversations)) in &shared {
        // A script counts when sent by two accounts in different conversations.
        if accounts.len() >= 2 && (*kind == "shared_payment" || conversations.len() >= 2) {
            let list: Vec<usize> = accounts.iter().copied().collect();
            for w in list.windows(2) {
                let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
            links.push((*kind, value.clone(), list));
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..operators.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out = Vec::new();
    for (root, members) in groups {
        if members.len() < 2 {
            continue;
        }
        let member_set: BTreeSet<&str> = members.iter().map(|&i| operators[i]).collect();
        let conversations: BTreeSet<&str> = messages.iter().filter(|m| member_set.contains(m.account)).map(|m| m.conversation).collect();
        let targets: BTreeSet<&str> = messages
            .iter()
            .filter(|m| conversations.contains(m.conversation) && !member_set.contains(m.account) && m.role != Some(Role::Operator))
            .map(|m| m.account)
            .collect();
        // Per conversation: stages reached, time to first sting, amounts asked in order.
        let mut first_time: BTreeMap<&str, i64> = BTreeMap::new();
        let mut first_sting: BTreeMap<&str, i64> = BTreeMap::new();
        let mut zing: BTreeSet<&str> = BTreeSet::new();
        let mut asks: BTreeMap<&str, Vec<Ask>> = BTreeMap::new();
        let mut spans: BTreeMap<&str, BTreeMap<&str, (i64, i64)>> = BTreeMap::new();
        for (m, s) in messages.iter().zip(staged) {
            if !conversations.contains(m.conversation) {
                continue;
            }
            let t = first_time.entry(m.conversation).or_insert(m.time_ms);
            *t = (*t).min(m.time_ms);
            if !member_set.contains(m.account) {
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
        let n = conversations.len().max(1) as f64;
        let reached_sting = first_sting.len() as f64 / n;
        let reached_zing = conversations.iter().filter(|c| zing.contains(*c) || first_sting.contains_key(*c)).count() as f64 / n;
        let to_payment = median(first_sting.iter().map(|(c, t)| (t - first_time[c]) as f64 / 1000.0).collect());
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
        let member_links: Vec<(&'static str, String, Vec<String>)> = links
            .iter()
            .filter(|(_, _, list)| find(&mut parent.clone(), list[0]) == root)
            .map(|(k, v, list)| (*k, v.clone(), list.iter().map(|&i| operators[i].to_string()).collect()))
            .collect();
        out.push(ScamNetwork {
            accounts: member_set.iter().map(|s| s.to_string()).collect(),
            targets: targets.iter().map(|s| s.to_string()).collect(),
            links: member_links,
            funnel: Funnel {
                conversations: conversations.len(),
                targets: targets.len(),
                reached_zing: round(reached_zing),
                reached_sting: round(reached_sting),
                median_seconds_to_first_payment_request: to_payment,
                amounts_by_step,
                max_concurrent_conversations: max_concurrent,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stager;

    #[test]
    fn two_operators_with_one_script_and_one_wallet_are_one_network_and_their_victims_targets() {
        let stager = Stager::default();
        let script = "halo kak salam kenal aku rina dari bandung";
        let rows = vec![
            ("c1", "op1", 0, script, Some(Role::Operator), "Halo kak, salam kenal, aku Rina dari Bandung"),
            ("c1", "v1", 60_000, "", None, "halo"),
            ("c1", "op1", 3_600_000, "", Some(Role::Operator), "Sayang aku kangen kamu"),
            ("c1", "op1", 7_200_000, "", Some(Role::Operator), "Transfer Rp 250.000 ke DANA 081234567890 untuk VIP"),
            ("c2", "op2", 10, script, Some(Role::Operator), "Halo kak, salam kenal, aku Rina dari Bandung"),
            ("c2", "v2", 70_000, "", None, "siapa ini?"),
            ("c2", "op2", 9_000_000, "", Some(Role::Operator), "Deposit verifikasi 500rb ke DANA 0812-3456-7890"),
            ("c3", "friend", 0, "", Some(Role::Operator), "pinjam uang 100rb ya"),
            ("c3", "me", 10, "", None, "oke"),
        ];
        let staged: Vec<Staged> = rows.iter().map(|r| stager.stage(r.5, false)).collect();
        let messages: Vec<FunnelMessage<'_>> =
            rows.iter().map(|r| FunnelMessage { conversation: r.0, account: r.1, time_ms: r.2, script: r.3, role: r.4 }).collect();
        let nets = scam_networks(&messages, &staged);
        assert_eq!(nets.len(), 1, "the friend borrowing once is no network");
        let n = &nets[0];
        assert_eq!(n.accounts, vec!["op1", "op2"]);
        assert_eq!(n.targets, vec!["v1", "v2"]);
        assert!(n.links.iter().any(|l| l.0 == "shared_payment") && n.links.iter().any(|l| l.0 == "shared_script"));
        assert_eq!(n.funnel.conversations, 2);
        assert_eq!(n.funnel.reached_sting, 1.0);
        assert_eq!(n.funnel.amounts_by_step[0].requests, 2);
        assert_eq!(n.funnel.amounts_by_step[0].currency.as_deref(), Some("IDR"));
        assert_eq!(n.funnel.median_seconds_to_first_payment_request, Some(8999.99));
    }
}
