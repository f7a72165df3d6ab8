//! The five record kinds of the contract.

use crate::time::Timestamp;
use serde_json::{Map, Value};

/// Which kind a record is (`kind` in canonical JSONL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Account,
    Post,
    Generation,
    Message,
    Label,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] =
        [RecordKind::Account, RecordKind::Post, RecordKind::Generation, RecordKind::Message, RecordKind::Label];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::Post => "post",
            RecordKind::Generation => "generation",
            RecordKind::Message => "message",
            RecordKind::Label => "label",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Fields a record carries that the contract does not name: kept, never used for detection.
pub type Attributes = Option<Box<Map<String, Value>>>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    pub id: String,
    pub platform: String,
    pub handle: Option<String>,
    pub display_name: Option<String>,
    pub bio: Option<String>,
    pub lang: Option<String>,
    pub created_at: Option<Timestamp>,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub shares: Option<u64>,
    pub comments: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Post {
    pub id: String,
    pub account: String,
    pub platform: String,
    pub created_at: Timestamp,
    pub text: String,
    pub lang: Option<String>,
    pub hashtags: Option<Vec<String>>,
    pub urls: Option<Vec<String>>,
    pub mentions: Option<Vec<String>>,
    pub reply_to: Option<String>,
    pub repost_of: Option<String>,
    pub quote_of: Option<String>,
    pub metrics: Option<Metrics>,
    pub is_ad: Option<bool>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generation {
    pub id: String,
    pub account: String,
    pub created_at: Timestamp,
    pub prompt: String,
    pub outputs: Vec<String>,
    pub model: Option<String>,
    pub refused: Option<bool>,
    pub ip: Option<String>,
    pub device: Option<String>,
    pub payment: Option<String>,
    pub email: Option<String>,
    pub api_key: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageRole {
    Operator,
    Target,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub id: String,
    pub conversation: String,
    pub account: String,
    pub platform: String,
    pub created_at: Timestamp,
    pub text: String,
    pub role: Option<MessageRole>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelType {
    Influence,
    Scam,
    Spam,
    Organic,
}

impl LabelType {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Influence => "influence",
            LabelType::Scam => "scam",
            LabelType::Spam => "spam",
            LabelType::Organic => "organic",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "influence" => Some(LabelType::Influence),
            "scam" => Some(LabelType::Scam),
            "spam" => Some(LabelType::Spam),
            "organic" => Some(LabelType::Organic),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub account: String,
    pub operation: String,
    pub label_type: LabelType,
    /// Evaluation extras (`trap`, `perturbation`, `role`, ...).
    pub attributes: Attributes,
}

impl Label {
    /// A string-valued extra field, e.g. `trap` or `perturbation`.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.attributes.as_ref().and_then(|m| m.get(name)).and_then(Value::as_str)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Account(Account),
    Post(Post),
    Generation(Generation),
    Message(Message),
    Label(Label),
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        match self {
            Record::Account(_) => RecordKind::Account,
            Record::Post(_) => RecordKind::Post,
            Record::Generation(_) => RecordKind::Generation,
            Record::Message(_) => RecordKind::Message,
            Record::Label(_) => RecordKind::Label,
        }
    }

    /// The identity used for duplicate detection (`kind` + `id`). Labels have no id of
    /// their own; an account's label is identified by the account.
    pub fn identity(&self) -> &str {
        match self {
            Record::Account(a) => &a.id,
            Record::Post(p) => &p.id,
            Record::Generation(g) => &g.id,
            Record::Message(m) => &m.id,
            Record::Label(l) => &l.account,
        }
    }
}
