//! A column mapping for any CSV (`--columns account=user_name,text=text,...`): which column
//! holds which field of the contract.
//!
//! Every field of a post and its author can be mapped, and `platform` from a column (a
//! file that mixes Facebook and Instagram rows). `objects.TYPE=column` maps a column of
//! shared items of that type (`objects.phash=phash_id`). Mapping `conversation` makes each
//! row a private `message` (with `role` when mapped) instead of a post.

use std::collections::BTreeMap;

/// Why a column mapping could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column mapping: {0}")]
pub struct ColumnMapError(pub String);

/// Contract field -> CSV column name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMap {
    /// Field -> column (`objects.TYPE` for shared items of a type).
    pub fields: BTreeMap<String, String>,
}

/// The fields a column can be mapped to (and `objects.TYPE`, see [`OBJECTS_PREFIX`]).
pub const MAPPABLE_FIELDS: &[&str] = &[
    "id",
    "account",
    "platform",
    "handle",
    "display_name",
    "text",
    "created_at",
    "lang",
    "hashtags",
    "urls",
    "mentions",
    "reply_to",
    "repost_of",
    "quote_of",
    "likes",
    "shares",
    "comments",
    "views",
    "followers",
    "following",
    "is_ad",
    "account_created_at",
    "conversation",
    "role",
];

/// A mapped field that starts with this names a type of shared item: `objects.phash=col`.
pub const OBJECTS_PREFIX: &str = "objects.";

impl ColumnMap {
    /// Parses `field=column,field=column`.
    pub fn parse(spec: &str) -> Result<Self, ColumnMapError> {
        let mut fields = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = part.split_once('=').ok_or_else(|| ColumnMapError(format!("`{part}` is not field=column")))?;
            let field = field.trim().to_ascii_lowercase();
            let object_type = field.strip_prefix(OBJECTS_PREFIX);
            if object_type.is_some_and(|t| t.is_empty() || !t.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')) {
                return Err(ColumnMapError(format!(
                    "`{field}`: name the type of the shared items after `objects.` in letters, digits, `_` or `-` (objects.phash=phash_id)"
                )));
            }
            if object_type.is_none() && !MAPPABLE_FIELDS.contains(&field.as_str()) {
                return Err(ColumnMapError(format!(
                    "unknown field `{field}` (known: {}, and objects.TYPE for shared items)",
                    MAPPABLE_FIELDS.join(", ")
                )));
            }
            let column = column.trim().to_ascii_lowercase();
            if column.is_empty() {
                return Err(ColumnMapError(format!("`{field}` is mapped to no column")));
            }
            fields.insert(field, column);
        }
        // Text may be absent: share data (CooRTweet's object/account/content/time) has none.
        for required in ["account", "created_at"] {
            if !fields.contains_key(required) {
                return Err(ColumnMapError(format!("the mapping must name `{required}`")));
            }
        }
        if fields.contains_key("role") && !fields.contains_key("conversation") {
            return Err(ColumnMapError("`role` belongs to chat messages: map `conversation` too".into()));
        }
        Ok(Self { fields })
    }

    pub(crate) fn column(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// The shared-item types mapped, each with its column.
    pub(crate) fn object_columns(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().filter_map(|(f, c)| f.strip_prefix(OBJECTS_PREFIX).map(|t| (t, c.as_str())))
    }

    /// Whether each row is a chat message (`conversation` is mapped).
    pub(crate) fn rows_are_messages(&self) -> bool {
        self.fields.contains_key("conversation")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mappings() {
        let m = ColumnMap::parse("account=user_name, text=text,created_at=Created_At,id=tweet_id").unwrap();
        assert_eq!(m.column("created_at"), Some("created_at"));
        assert!(ColumnMap::parse("text=t,created_at=c").unwrap_err().0.contains("account"));
        assert!(ColumnMap::parse("account=a,created_at=c,repost_of=o").is_ok());
        assert!(ColumnMap::parse("account=a,text=t,created_at=c,colour=x").unwrap_err().0.contains("colour"));
    }

    #[test]
    fn object_types_platform_and_chat_fields() {
        let m = ColumnMap::parse("account=a,created_at=c,objects.phash=Phash_ID,objects.domain=d,platform=site").unwrap();
        assert_eq!(m.object_columns().collect::<Vec<_>>(), vec![("domain", "d"), ("phash", "phash_id")]);
        assert_eq!(m.column("platform"), Some("site"));
        assert!(!m.rows_are_messages());
        assert!(ColumnMap::parse("account=a,created_at=c,objects.=x").unwrap_err().0.contains("type"));
        assert!(ColumnMap::parse("account=a,created_at=c,objects.a b=x").is_err());
        assert!(ColumnMap::parse("account=a,created_at=c,role=r").unwrap_err().0.contains("conversation"));
        let chat = ColumnMap::parse("account=a,created_at=c,conversation=chat,role=side,text=t").unwrap();
        assert!(chat.rows_are_messages());
    }
}
