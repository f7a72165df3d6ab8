//! A network and what `networks.json` says about it: members, evidence, features, the
//! explanation and, for scam networks, the funnel.

use crate::float::nan_or;
use crate::signal::Signal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of operation a network looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkType {
    /// Copied text, hashtags, reposts or replies: pushing a message.
    Influence,
    /// Conversations that run a scam funnel.
    Scam,
    /// Commercial-looking links pushed to a few sites.
    Spam,
    /// None of the above (a type a newer writer added also reads as this).
    #[serde(other)]
    Unknown,
}

impl NetworkType {
    /// The name files write.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkType::Influence => "influence",
            NetworkType::Scam => "scam",
            NetworkType::Spam => "spam",
            NetworkType::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for NetworkType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A record cited as evidence, with its text (a bounded sample per evidence item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Record id.
    pub record: String,
    /// Its author.
    pub account: String,
    /// RFC 3339.
    pub created_at: String,
    /// The text, cut at 500 characters.
    pub text: String,
}

/// What one signal showed inside one network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The signal.
    pub signal: Signal,
    /// Member accounts with this signal's evidence, sorted.
    pub accounts: Vec<String>,
    /// Record ids behind it, sorted (cut at the scan's `max_records`).
    pub records: Vec<String>,
    /// Records behind this signal in the network (the list above may be cut).
    pub record_count: usize,
    /// One line: accounts, records, co-actions, occasions, largest gap.
    pub detail: String,
    /// A few records with their text, earliest occasions first, one per account.
    pub examples: Vec<Example>,
}

/// What the member accounts themselves look like. They sharpen a score; they never make
/// a network on their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorTraits {
    /// Members whose creation time is known.
    pub created_known: usize,
    /// Most members created within a week of each other.
    pub created_in_burst: usize,
    /// Days spanned by that burst.
    #[serde(deserialize_with = "nan_or")]
    pub burst_span_days: f64,
    /// Members whose handle shares a stem with another member's (`anna_k1990`, `anna_k1991`).
    pub lookalike_handles: usize,
    /// A few look-alike handles, for the explanation.
    pub lookalike_examples: Vec<String>,
    /// Members with follower counts known.
    pub ratio_known: usize,
    /// Median followers / following over those members.
    pub median_follower_ratio: Option<f64>,
    /// Members following at least 5 times as many accounts as follow them.
    pub low_follower_ratio: usize,
}

/// The parts of a network's score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkFeatures {
    /// Median over members of the strongest -log10 p-value among their edges.
    #[serde(deserialize_with = "nan_or")]
    pub evidence_strength: f64,
    /// Share of member pairs joined by a significant edge.
    #[serde(deserialize_with = "nan_or")]
    pub density: f64,
    /// Signals with evidence in the network.
    pub signals_present: usize,
    /// The members' traits.
    pub traits: ActorTraits,
    /// Share of the score the traits add, 0 to 1.
    #[serde(deserialize_with = "nan_or")]
    pub traits_strength: f64,
}

/// An account that joined a network by the group test: its posts drew the network's members,
/// the network more often than chance explains, though no single pair was conclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    /// The account.
    pub account: String,
    /// The group test's p-value.
    #[serde(deserialize_with = "nan_or")]
    pub group_p_value: f64,
    /// Its posts the network matched.
    pub matched_posts: u32,
    /// Members it co-acted with (the pairs behind the attachment in `edges.csv`), sorted.
    pub partners: Vec<String>,
}

/// The amounts asked at one step of a conversation (first request, second, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepAmount {
    /// 1 for the first request of a conversation.
    pub step: usize,
    /// Median value asked at this step.
    #[serde(deserialize_with = "nan_or")]
    pub median_value: f64,
    /// Most common currency at this step.
    pub currency: Option<String>,
    /// Requests at this step.
    pub requests: usize,
}

/// The funnel a scam network runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    /// Conversations members worked on the operator side.
    pub conversations: usize,
    /// Distinct other participants.
    pub targets: usize,
    /// Share of conversations whose first message came from the operator side.
    #[serde(deserialize_with = "nan_or")]
    pub operator_initiated: f64,
    /// Share of conversations that reached zing or went on to sting.
    #[serde(deserialize_with = "nan_or")]
    pub reached_zing: f64,
    /// Share of conversations with a payment request.
    #[serde(deserialize_with = "nan_or")]
    pub reached_sting: f64,
    /// Share of conversations with an operator-side zing message.
    #[serde(deserialize_with = "nan_or")]
    pub manipulated: f64,
    /// Median seconds from a conversation's first message to its first payment request.
    pub median_seconds_to_first_payment_request: Option<f64>,
    /// Amounts asked per conversation step.
    pub amounts_by_step: Vec<StepAmount>,
    /// Most conversations one operator account had open at once.
    pub max_concurrent_conversations: usize,
}

/// One network of `networks.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// Stable: derived from the sorted member list (`n-` and 8 hex digits).
    pub id: String,
    /// What it looks like.
    #[serde(rename = "type")]
    pub network_type: NetworkType,
    /// Confidence that this is a coordinated operation, 0 to 1.
    #[serde(deserialize_with = "nan_or")]
    pub score: f64,
    /// Every member account, sorted.
    pub accounts: Vec<String>,
    /// The members that are AI-provider accounts (platform `ai`), sorted.
    pub operator_accounts: Vec<String>,
    /// Platforms of the members, sorted.
    pub platforms: Vec<String>,
    /// Co-actions per signal.
    pub signals: BTreeMap<Signal, usize>,
    /// Per signal, what it showed, strongest first.
    pub evidence: Vec<Evidence>,
    /// Plain-language summary.
    pub explanation: String,
    /// The parts of the score.
    pub features: NetworkFeatures,
    /// Account pairs joined by significant evidence inside the network.
    pub edges: usize,
    /// Accounts that joined by the group test.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Accounts the network worked on (scam targets): never members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// The funnel a scam network runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funnel: Option<Funnel>,
    /// What its posts reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<crate::Impact>,
    /// The DISARM techniques it shows, each with its evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disarm: Vec<crate::DisarmTag>,
    /// Public posts by members.
    pub posts: usize,
    /// Those posts by language (given, or detected; `und` when neither).
    pub languages: BTreeMap<String, usize>,
}

impl Network {
    /// Account pairs that are evidence only through a group attachment.
    pub fn attached_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attachments.iter().flat_map(|a| a.partners.iter().map(move |m| (a.account.as_str(), m.as_str())))
    }

    /// Whether `account` is a member.
    pub fn has_member(&self, account: &str) -> bool {
        self.accounts.binary_search_by(|a| a.as_str().cmp(account)).is_ok() || self.accounts.iter().any(|a| a == account)
    }
}
