//! The five record kinds of the contract.

use crate::time::Timestamp;
use serde_json::{Map, Value};

/// Which kind a record is (`kind` in canonical JSONL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// An account's profile (`account`).
    Account,
    /// A public post, ad or channel message (`post`).
    Post,
    /// A request to an AI model and its outputs, from the provider's logs (`generation`).
    Generation,
    /// A message in a private conversation (`message`).
    Message,
    /// Ground truth or an analyst's verdict, for evaluation only (`label`).
    Label,
}

impl RecordKind {
    /// Every kind, in the contract's order.
    pub const ALL: [RecordKind; 5] =
        [RecordKind::Account, RecordKind::Post, RecordKind::Generation, RecordKind::Message, RecordKind::Label];

    /// The `kind` value that names it.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Account => "account",
            RecordKind::Post => "post",
            RecordKind::Generation => "generation",
            RecordKind::Message => "message",
            RecordKind::Label => "label",
        }
    }

    /// The kind a `kind` value names.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Fields a record carries that the contract does not name: kept, never used for detection.
pub type Attributes = Option<Box<Map<String, Value>>>;

/// An account (`kind: account`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    /// Identifier, unique across platforms (`platform:local_id`).
    pub id: String,
    /// Platform (`x`, `telegram`, `facebook`, `ai`, ...).
    pub platform: String,
    /// Handle, without `@`.
    pub handle: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Profile text.
    pub bio: Option<String>,
    /// Language (BCP 47).
    pub lang: Option<String>,
    /// When it was created.
    pub created_at: Option<Timestamp>,
    /// Followers when observed.
    pub followers: Option<u64>,
    /// Accounts it follows when observed.
    pub following: Option<u64>,
    /// Fields the contract does not name, kept as they were.
    pub attributes: Attributes,
}

/// Engagement counts of a post when observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Views.
    pub views: Option<u64>,
    /// Likes.
    pub likes: Option<u64>,
    /// Shares (reposts, retweets).
    pub shares: Option<u64>,
    /// Comments (replies).
    pub comments: Option<u64>,
}

/// A public post, ad or channel message (`kind: post`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Post {
    /// Identifier, unique within the input set.
    pub id: String,
    /// Its author.
    pub account: String,
    /// Platform.
    pub platform: String,
    /// When it was posted.
    pub created_at: Timestamp,
    /// Text (empty for a pure repost).
    pub text: String,
    /// Language (BCP 47), when known; otherwise detected.
    pub lang: Option<String>,
    /// Hashtags without `#` (extracted from the text when absent).
    pub hashtags: Option<Vec<String>>,
    /// Links (extracted from the text when absent).
    pub urls: Option<Vec<String>>,
    /// Mentioned handles without `@` (extracted from the text when absent).
    pub mentions: Option<Vec<String>>,
    /// The post it replies to.
    pub reply_to: Option<String>,
    /// The post it reposts.
    pub repost_of: Option<String>,
    /// The post it quotes.
    pub quote_of: Option<String>,
    /// Engagement counts.
    pub metrics: Option<Metrics>,
    /// A paid placement (the "Ping" stage of a scam).
    pub is_ad: Option<bool>,
    /// Other shared items (an image hash, a domain, a video id), for `co_object`.
    pub objects: Option<Vec<SharedObject>>,
    /// Fields the contract does not name, kept as they were.
    pub attributes: Attributes,
}

/// A shared item other than a link, hashtag or post (`{"type": "phash", "value": "..."}`):
/// two accounts posting the same one within the window co-act on it (`co_object`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedObject {
    /// What kind of item (`phash`, `domain`, `video`, ...), lower case.
    #[serde(rename = "type")]
    pub kind: String,
    /// The item.
    pub value: String,
}

impl SharedObject {
    /// The item with its kind trimmed and lower-cased and its value trimmed; `None` when
    /// either is empty.
    pub fn new(kind: &str, value: &str) -> Option<Self> {
        let (kind, value) = (kind.trim().to_lowercase(), value.trim());
        (!kind.is_empty() && !value.is_empty()).then(|| SharedObject { kind, value: value.to_string() })
    }

    /// `kind:value`, as evidence names it and `co_object` keys it.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.value)
    }
}

/// One request to an AI model and its outputs (`kind: generation`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generation {
    /// Identifier.
    pub id: String,
    /// The provider's customer account.
    pub account: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// The prompt.
    pub prompt: String,
    /// The completions (when refused: the refusal text, or nothing).
    pub outputs: Vec<String>,
    /// The model.
    pub model: Option<String>,
    /// The model refused (a safeguard fired).
    pub refused: Option<bool>,
    /// Client IP address (hashed or raw).
    pub ip: Option<String>,
    /// Device identifier.
    pub device: Option<String>,
    /// Payment instrument.
    pub payment: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// API key.
    pub api_key: Option<String>,
    /// Fields the contract does not name, kept as they were.
    pub attributes: Attributes,
}

/// The side of a conversation a record says a sender is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageRole {
    /// Works the conversation (a scammer).
    Operator,
    /// Is worked (a target).
    Target,
}

/// One message in a private conversation (`kind: message`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    /// Identifier.
    pub id: String,
    /// Conversation identifier.
    pub conversation: String,
    /// Sender.
    pub account: String,
    /// Platform.
    pub platform: String,
    /// When it was sent.
    pub created_at: Timestamp,
    /// Text.
    pub text: String,
    /// The sender's side, when known.
    pub role: Option<MessageRole>,
    /// Fields the contract does not name, kept as they were.
    pub attributes: Attributes,
}

/// What kind of operation a label says an account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelType {
    /// A covert influence operation.
    Influence,
    /// A scam.
    Scam,
    /// Spam.
    Spam,
    /// No operation.
    Organic,
}

impl LabelType {
    /// The `type` value that names it.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Influence => "influence",
            LabelType::Scam => "scam",
            LabelType::Spam => "spam",
            LabelType::Organic => "organic",
        }
    }

    /// The type a `type` value names.
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

/// Ground truth or an analyst's verdict about one account (`kind: label`).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The account.
    pub account: String,
    /// Operation name; `organic` for none.
    pub operation: String,
    /// What kind of operation.
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

/// Any record of the contract.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// An account.
    Account(Account),
    /// A post.
    Post(Post),
    /// A generation.
    Generation(Generation),
    /// A message.
    Message(Message),
    /// A label.
    Label(Label),
}

impl Record {
    /// Its kind.
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
