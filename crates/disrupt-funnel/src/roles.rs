//! Who works the funnel and who is worked: when messages carry no `role`, the scammer side
//! and the target side are told apart by behaviour.
//!
//! An account is on the operator side when it is the first in a conversation to ask for
//! money (a sting message with an amount or payment details: a target who then confirms a
//! transfer to the account named does not count) or talks in more conversations than `min_conversations`
//! (an operator works hundreds of targets with one script) while sending sting or zing
//! messages; the other participants of a conversation that has an operator are its
//! targets. A conversation with no such account has no inferred roles. Given roles win.

use crate::{Stage, Staged};
use rustc_hash::{FxHashMap, FxHashSet};

pub use disrupt_model::Role;

/// A message as role inference reads it.
pub struct RoleInput<'a> {
    /// Its conversation.
    pub conversation: &'a str,
    /// Its sender.
    pub account: &'a str,
    /// When (Unix ms).
    pub time_ms: i64,
    /// The side the record gives, if any.
    pub given: Option<Role>,
}

/// Each message's role and whether it was given (`true`) or inferred.
pub fn infer_roles(messages: &[RoleInput<'_>], staged: &[Staged], min_conversations: usize) -> Vec<Option<(Role, bool)>> {
    let mut conversations_of: FxHashMap<&str, FxHashSet<&str>> = FxHashMap::default();
    // Per conversation, the first message asking for money: (time, position, account).
    let mut first_ask: FxHashMap<&str, (i64, usize, &str)> = FxHashMap::default();
    let mut pushes: FxHashSet<&str> = FxHashSet::default();
    let mut given: FxHashMap<&str, Role> = FxHashMap::default();
    for (i, (m, s)) in messages.iter().zip(staged).enumerate() {
        conversations_of.entry(m.account).or_default().insert(m.conversation);
        let payment = !s.amounts.is_empty() || s.details.iter().any(|d| matches!(d.kind.as_str(), "bank_account" | "ewallet" | "crypto"));
        if s.stage == Stage::Sting && payment {
            let e = first_ask.entry(m.conversation).or_insert((m.time_ms, i, m.account));
            if (m.time_ms, i) < (e.0, e.1) {
                *e = (m.time_ms, i, m.account);
            }
        }
        if matches!(s.stage, Stage::Sting | Stage::Zing) {
            pushes.insert(m.account);
        }
        if let Some(r) = m.given {
            given.insert(m.account, r);
        }
    }
    let asks_money: FxHashSet<&str> = first_ask.values().map(|(_, _, a)| *a).collect();
    let operator = |a: &str| match given.get(a) {
        Some(r) => *r == Role::Operator,
        None => asks_money.contains(a) || (pushes.contains(a) && conversations_of.get(a).map_or(0, FxHashSet::len) >= min_conversations),
    };
    let mut has_operator: FxHashSet<&str> = FxHashSet::default();
    for m in messages {
        if operator(m.account) {
            has_operator.insert(m.conversation);
        }
    }
    messages
        .iter()
        .map(|m| {
            if let Some(r) = m.given {
                return Some((r, true));
            }
            if operator(m.account) {
                Some((Role::Operator, false))
            } else if has_operator.contains(m.conversation) {
                Some((Role::Target, false))
            } else {
                None
            }
        })
        .collect()
}

/// Operator and target sides of every message's sender (given roles win), and whether the
/// record gave it.
pub fn message_roles(messages: &[disrupt_records::Message], stages: &[Staged]) -> Vec<Option<(Role, bool)>> {
    use disrupt_records::MessageRole;
    let inputs: Vec<RoleInput<'_>> = messages
        .iter()
        .map(|m| RoleInput {
            conversation: &m.conversation,
            account: &m.account,
            time_ms: m.created_at,
            given: m.role.map(|r| match r {
                MessageRole::Operator => Role::Operator,
                MessageRole::Target => Role::Target,
            }),
        })
        .collect();
    // An operator works many targets at once: three conversations is "many" for a sender.
    infer_roles(&inputs, stages, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stager;

    #[test]
    fn the_side_that_asks_for_money_is_the_operator_and_the_other_the_target() {
        let stager = Stager::default();
        let chat = [
            ("c1", "s", "Halo kak, salam kenal ya"),
            ("c1", "t", "Halo juga"),
            ("c1", "s", "Sayang aku kangen"),
            ("c1", "s", "Untuk upgrade VIP transfer Rp 250.000 ke DANA 081234567890"),
            ("c1", "t", "Kenapa harus bayar dulu?"),
            ("c1", "t", "Sudah aku transfer Rp 250.000 ke DANA 081234567890 ya"),
            ("c2", "a", "Besok rapat jam berapa?"),
            ("c2", "b", "Jam sembilan"),
        ];
        let staged: Vec<Staged> = chat.iter().map(|(_, _, t)| stager.stage(t, false)).collect();
        let inputs: Vec<RoleInput<'_>> = chat
            .iter()
            .enumerate()
            .map(|(i, (c, a, _))| RoleInput { conversation: c, account: a, time_ms: i as i64, given: None })
            .collect();
        let roles = infer_roles(&inputs, &staged, 3);
        assert_eq!(roles[0], Some((Role::Operator, false)));
        assert_eq!(roles[1], Some((Role::Target, false)));
        assert_eq!(roles[4], Some((Role::Target, false)), "asking why one must pay is not asking for money");
        assert_eq!(roles[5], Some((Role::Target, false)), "confirming a transfer is not asking for money");
        assert_eq!(roles[6], None);
        let mut given = inputs;
        given[1].given = Some(Role::Operator);
        assert_eq!(infer_roles(&given, &staged, 3)[1], Some((Role::Operator, true)));
    }
}
