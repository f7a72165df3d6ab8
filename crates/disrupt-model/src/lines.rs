//! The per-record and per-account files: one type per line (or row) of `edges.csv`,
//! `evidence.jsonl`, `records.jsonl`, `provenance.jsonl`, `accounts.jsonl`, `stages.jsonl`
//! and `rejects.jsonl`.
//!
//! The bulky ones (edges, evidence, cited records) borrow their strings (`Cow`), so a writer
//! can format millions of rows from the scan's own tables without copying them first; read
//! back they own them (`'static`).

use crate::float::nan_or;
use crate::signal::Signal;
use crate::ModelError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// The columns of `edges.csv`, in order.
pub const EDGE_COLUMNS: [&str; 13] = [
    "source",
    "target",
    "signal",
    "weight",
    "first_seen",
    "last_seen",
    "co_actions",
    "expected",
    "p_value",
    "rarity_p_value",
    "pair_p_value",
    "records",
    "records_total",
];

/// The columns of `accounts.csv`, in order.
pub const ACCOUNT_COLUMNS: [&str; 11] =
    ["account", "network", "role", "platform", "handle", "followers", "posts", "first_seen", "last_seen", "signals", "strongest_p_value"];

/// The part an account plays in a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    /// A member the evidence joined.
    Member,
    /// A member that is an AI-provider account (in `operator_accounts`).
    Operator,
    /// Worked on by the network (in `targets`): a scam's victim, not flagged.
    Target,
}

impl AccountRole {
    /// The name files write.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Member => "member",
            AccountRole::Operator => "operator",
            AccountRole::Target => "target",
        }
    }
}

/// One row of `accounts.csv`: an account a network names, with what the input says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedAccount {
    /// The account.
    pub account: String,
    /// The network that names it.
    pub network: String,
    /// Its part in the network.
    pub role: AccountRole,
    /// Its platform.
    pub platform: String,
    /// Its handle, when an account record gave one.
    pub handle: Option<String>,
    /// Its followers, when an account record gave them.
    pub followers: Option<u64>,
    /// Its posts in the input.
    pub posts: u64,
    /// Its first record's time (a post, message or AI request), RFC 3339.
    pub first_seen: Option<String>,
    /// Its last record's time.
    pub last_seen: Option<String>,
    /// The signals of its edges, in the contract's order.
    pub signals: Vec<Signal>,
    /// The smallest p-value of a pair it is in (all signals fused, or a link signal's own
    /// when smaller: 0 for deterministic links).
    pub strongest_p_value: Option<f64>,
}

impl NamedAccount {
    /// Writes the row (columns as [`ACCOUNT_COLUMNS`]); `signals` are `;`-separated.
    pub fn write_csv<W: std::io::Write>(&self, csv: &mut csv::Writer<W>, spreadsheet_safe: bool) -> csv::Result<()> {
        let text = |s: &str| -> String {
            if spreadsheet_safe {
                self::spreadsheet_safe(s).into_owned()
            } else {
                s.to_string()
            }
        };
        let signals: Vec<&str> = self.signals.iter().map(|s| s.as_str()).collect();
        csv.write_record([
            &text(&self.account),
            &text(&self.network),
            self.role.as_str(),
            &text(&self.platform),
            &text(self.handle.as_deref().unwrap_or("")),
            &self.followers.map(|f| f.to_string()).unwrap_or_default(),
            &self.posts.to_string(),
            self.first_seen.as_deref().unwrap_or(""),
            self.last_seen.as_deref().unwrap_or(""),
            &signals.join(";"),
            &self.strongest_p_value.map(sci).unwrap_or_default(),
        ])
    }
}

/// A network member and a target it worked on (they share private conversations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLink {
    /// The member.
    pub account: String,
    /// The target.
    pub target: String,
    /// Messages the two exchanged.
    pub messages: u64,
}

/// Record ids listed in one `records` cell of `edges.csv` (every matched pair is in
/// `evidence.jsonl`, up to [`MATCHES_IN_EVIDENCE`]).
pub const RECORDS_IN_CSV: usize = 20;

/// Matched record pairs listed per edge in `evidence.jsonl`.
pub const MATCHES_IN_EVIDENCE: usize = 50;

/// One row of `edges.csv`: an account pair's evidence on one signal. Undirected,
/// `source < target`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge<'a> {
    /// The smaller account id.
    pub source: Cow<'a, str>,
    /// The larger account id.
    pub target: Cow<'a, str>,
    /// The signal.
    pub signal: Signal,
    /// Co-actions weighted by rarity.
    pub weight: f64,
    /// First matched record's time (RFC 3339).
    pub first_seen: String,
    /// Last matched record's time (RFC 3339).
    pub last_seen: String,
    /// Co-actions: the smaller of the two accounts' numbers of matched posts.
    pub co_actions: u32,
    /// Co-actions expected by chance.
    pub expected: f64,
    /// Tail probability of the synchrony test (0 for deterministic links).
    pub p_value: f64,
    /// Tail probability of the rarity test.
    pub rarity_p_value: f64,
    /// The pair's p-value with every signal fused.
    pub pair_p_value: f64,
    /// Matched record ids, sorted; the cell lists the first [`RECORDS_IN_CSV`] as a JSON
    /// array, so an id holding any separator stays unambiguous.
    pub records: Vec<Cow<'a, str>>,
    /// How many matched records there are in all.
    pub records_total: usize,
}

/// A p-value as `edges.csv` writes it: three significant digits, `0` for zero.
fn sci(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else {
        format!("{p:.3e}")
    }
}

/// A cell as a spreadsheet may read it: one that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be taken as a formula (and run), so it gets a leading `'`, which
/// spreadsheets show as text. Only with `--spreadsheet-safe`: the ids then no longer join
/// back to the source byte for byte.
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

impl Edge<'_> {
    /// Writes the row (no header) through a CSV writer; `cell` is a reused buffer. With
    /// `spreadsheet_safe`, text cells that a spreadsheet would run as formulas are
    /// neutralised ([`spreadsheet_safe`]).
    pub fn write_csv<W: std::io::Write>(&self, csv: &mut csv::Writer<W>, cell: &mut String, spreadsheet_safe: bool) -> csv::Result<()> {
        cell.clear();
        let shown = self.records.len().min(RECORDS_IN_CSV);
        let listed: Vec<&str> = self.records.iter().take(shown).map(|r| r.as_ref()).collect();
        cell.push_str(&serde_json::to_string(&listed).map_err(|e| csv::Error::from(std::io::Error::other(e)))?);
        let text = |s: &str| -> String {
            if spreadsheet_safe {
                self::spreadsheet_safe(s).into_owned()
            } else {
                s.to_string()
            }
        };
        csv.write_record([
            &text(&self.source),
            &text(&self.target),
            self.signal.as_str(),
            &format!("{:.4}", self.weight),
            &self.first_seen,
            &self.last_seen,
            &self.co_actions.to_string(),
            &format!("{:.4}", self.expected),
            &sci(self.p_value),
            &sci(self.rarity_p_value),
            &sci(self.pair_p_value),
            &text(cell),
            &self.records_total.to_string(),
        ])
    }

    /// Reads a row of `edges.csv` (columns as [`EDGE_COLUMNS`]).
    pub fn from_csv(row: &csv::StringRecord) -> Result<Edge<'static>, ModelError> {
        if row.len() < EDGE_COLUMNS.len() {
            return Err(ModelError::Row(format!("{} columns where edges.csv has {}", row.len(), EDGE_COLUMNS.len())));
        }
        let number = |i: usize| -> Result<f64, ModelError> {
            row[i].trim().parse::<f64>().map_err(|_| ModelError::Row(format!("{}: `{}` is not a number", EDGE_COLUMNS[i], &row[i])))
        };
        let count = |i: usize| -> Result<u64, ModelError> {
            row[i].trim().parse::<u64>().map_err(|_| ModelError::Row(format!("{}: `{}` is not a count", EDGE_COLUMNS[i], &row[i])))
        };
        let records: Vec<String> =
            serde_json::from_str(&row[11]).map_err(|e| ModelError::Row(format!("records: not a JSON array of record ids ({e})")))?;
        Ok(Edge {
            source: Cow::Owned(row[0].to_string()),
            target: Cow::Owned(row[1].to_string()),
            signal: Signal::from_name(&row[2])?,
            weight: number(3)?,
            first_seen: row[4].to_string(),
            last_seen: row[5].to_string(),
            co_actions: count(6)?.min(u64::from(u32::MAX)) as u32,
            expected: number(7)?,
            p_value: number(8)?,
            rarity_p_value: number(9)?,
            pair_p_value: number(10)?,
            records: records.into_iter().map(Cow::Owned).collect(),
            records_total: count(12)? as usize,
        })
    }
}

/// A matched record pair of an edge: `[source's record, target's record, seconds from the
/// first to the second]`.
pub type MatchedPair<'a> = (Cow<'a, str>, Cow<'a, str>, f64);

/// One line of `evidence.jsonl`: an edge with its matched record pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceEdge<'a> {
    /// The smaller account id.
    pub source: Cow<'a, str>,
    /// The larger account id.
    pub target: Cow<'a, str>,
    /// The signal.
    pub signal: Signal,
    /// Co-actions.
    pub co_actions: u32,
    /// Co-actions expected by chance.
    #[serde(deserialize_with = "nan_or")]
    pub expected: f64,
    /// Synchrony test's tail probability.
    #[serde(deserialize_with = "nan_or")]
    pub p_value: f64,
    /// Rarity test's tail probability.
    #[serde(deserialize_with = "nan_or")]
    pub rarity_p_value: f64,
    /// The pair's p-value with every signal fused.
    #[serde(deserialize_with = "nan_or")]
    pub pair_p_value: f64,
    /// Whether this signal alone beat chance.
    pub significant: bool,
    /// Matched pairs in all.
    pub matches_total: usize,
    /// The first [`MATCHES_IN_EVIDENCE`] matched pairs.
    pub matches: Vec<MatchedPair<'a>>,
    /// What those pairs shared (the link, `#hashtag`, reposted or answered post, or
    /// `type:value` item the signal keys on), most shared first; empty for texts, whose
    /// records say it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared: Vec<SharedItem>,
}

/// An item the matched pairs of an edge shared, and in how many of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedItem {
    /// The item: a canonical link, `#hashtag`, a post id, or `type:value`.
    pub item: String,
    /// Matched pairs (of those listed) that shared it.
    pub pairs: usize,
}

/// One line of `records.jsonl`: a record that evidence cites, with its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitedRecord<'a> {
    /// Record id.
    pub id: Cow<'a, str>,
    /// Its author.
    pub account: Cow<'a, str>,
    /// RFC 3339.
    pub created_at: String,
    /// The text, cut at 500 characters.
    pub text: Cow<'a, str>,
    /// Its links, canonical.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Its hashtags, folded, without `#`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashtags: Vec<String>,
    /// Its other shared items, as `type:value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<String>,
    /// The post it reposts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repost_of: Option<String>,
    /// The post it replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The post it quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_of: Option<String>,
}

impl CitedRecord<'_> {
    /// Everything the record shares with others, as evidence names it (`#` before a
    /// hashtag), sorted.
    pub fn shared_items(&self) -> Vec<String> {
        let mut items: Vec<String> = self
            .urls
            .iter()
            .cloned()
            .chain(self.hashtags.iter().map(|h| format!("#{h}")))
            .chain(self.objects.iter().cloned())
            .chain(self.repost_of.iter().map(|r| format!("repost of {r}")))
            .chain(self.reply_to.iter().map(|r| format!("reply to {r}")))
            .chain(self.quote_of.iter().map(|r| format!("quote of {r}")))
            .collect();
        items.sort();
        items.dedup();
        items
    }
}

/// Whether a post linked to a model output spread it or copied it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProvenanceRole {
    /// Part of the output's distribution (posted within the distribution window of its first post).
    Distribution,
    /// A later copy (a quote, a fact-check).
    Copy,
}

/// One line of `provenance.jsonl`: a post matched to the model output it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceLink {
    /// The post's id.
    pub post: Option<String>,
    /// Its author.
    pub account: String,
    /// The generation whose output it is.
    pub generation: String,
    /// The output's position in the generation.
    pub output: u32,
    /// The generation's AI-provider account.
    pub operator: String,
    /// Word-set Jaccard similarity, three decimals.
    #[serde(deserialize_with = "nan_or")]
    pub similarity: f64,
    /// Share of the post's words in the output.
    #[serde(deserialize_with = "nan_or")]
    pub post_containment: f64,
    /// Share of the output's words in the post.
    #[serde(deserialize_with = "nan_or")]
    pub output_containment: f64,
    /// Seconds from the generation to the post.
    #[serde(deserialize_with = "nan_or")]
    pub delay_seconds: f64,
    /// Distribution or later copy.
    pub role: ProvenanceRole,
}

/// A prompt kept as evidence, with the cue it showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptExcerpt {
    /// The generation.
    pub generation: String,
    /// The cue.
    pub cue: String,
    /// The prompt, cut at 240 characters.
    pub excerpt: String,
}

/// One line of `accounts.jsonl`: the risk summary of one AI-provider account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRisk {
    /// The AI-provider account.
    pub account: String,
    /// Requests it made.
    pub generations: usize,
    /// Requests the model refused.
    pub refused: usize,
    /// Requests for batches of posts as if from different people.
    pub batch_requests: usize,
    /// Languages of its outputs.
    pub languages: Vec<String>,
    /// Public figures its prompts name.
    pub public_figures: Vec<String>,
    /// Operational-planning terms in its prompts.
    pub planning_terms: Vec<String>,
    /// 0 to 1: how many cues, how strongly.
    #[serde(deserialize_with = "nan_or")]
    pub risk: f64,
    /// The cues, in words.
    pub cues: Vec<String>,
    /// Prompt excerpts with the cue each shows.
    pub evidence: Vec<PromptExcerpt>,
    /// The network it is a member of.
    #[serde(default)]
    pub network: Option<String>,
}

/// A message's stage in a scam funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Ads and first contact.
    Ping,
    /// Emotional manipulation.
    Zing,
    /// Payment requests.
    Sting,
    /// Anything else.
    Other,
}

impl Stage {
    /// The name files write.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Ping => "ping",
            Stage::Zing => "zing",
            Stage::Sting => "sting",
            Stage::Other => "other",
        }
    }

    /// Reads a stage name, in any case.
    pub fn parse(s: &str) -> Option<Stage> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ping" => Some(Stage::Ping),
            "zing" => Some(Stage::Zing),
            "sting" => Some(Stage::Sting),
            "other" => Some(Stage::Other),
            _ => None,
        }
    }
}

/// The side of a conversation an account is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Works the funnel.
    Operator,
    /// Is worked.
    Target,
}

/// An amount asked or named, with its currency when the text gives or implies one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    /// As written.
    pub text: String,
    /// Its value.
    #[serde(deserialize_with = "nan_or")]
    pub value: f64,
    /// ISO 4217 code (or a crypto ticker).
    pub currency: Option<String>,
}

/// A payment or contact detail (`bank_account`, `ewallet`, `crypto`, `phone`, `off_platform`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detail {
    /// What it is.
    pub kind: String,
    /// As written.
    pub value: String,
}

/// One line of `stages.jsonl`: a message staged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageStage {
    /// Message id.
    pub message: String,
    /// Its conversation.
    pub conversation: String,
    /// Its sender.
    pub account: String,
    /// RFC 3339.
    pub created_at: String,
    /// The stage.
    pub stage: Stage,
    /// The cues that decided it, as `stage:phrase`.
    pub cues: Vec<String>,
    /// Amounts it names.
    pub amounts: Vec<Amount>,
    /// Payment and contact details it names.
    pub details: Vec<Detail>,
    /// Payment or credential lure score.
    #[serde(deserialize_with = "nan_or")]
    pub lure_score: f64,
    /// The sender's side, when known or inferred.
    pub role: Option<Role>,
    /// Whether the record gave the role (else it was inferred).
    pub role_given: Option<bool>,
}

/// One line of `rejects.jsonl`: an input record that broke the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// The file.
    pub file: String,
    /// Its line (or CSV row); 0 for the whole file.
    pub line: u64,
    /// What was wrong.
    pub error: String,
    /// The record as read (cut).
    pub record: String,
}
