//! A column mapping for any CSV (`--columns account=user_name,text=text,...`): which column
//! holds which field of the contract.

use std::collections::BTreeMap;

/// Why a column mapping could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column mapping: {0}")]
pub struct ColumnMapError(pub String);

/// Contract field -> CSV column name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMap {
    /// Field -> column.
    pub fields: BTreeMap<String, String>,
}

/// The post and account fields a column can be mapped to.
pub const MAPPABLE_FIELDS: &[&str] = &[
    "id",
    "account",
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
];

impl ColumnMap {
    /// Parses `field=column,field=column`.
    pub fn parse(spec: &str) -> Result<Self, ColumnMapError> {
        let mut fields = BTreeMap::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, column) = part.split_once('=').ok_or_else(|| ColumnMapError(format!("`{part}` is not field=column")))?;
            let field = field.trim().to_ascii_lowercase();
            if !MAPPABLE_FIELDS.contains(&field.as_str()) {
                return Err(ColumnMapError(format!("unknown field `{field}` (known: {})", MAPPABLE_FIELDS.join(", "))));
            }
            fields.insert(field, column.trim().to_ascii_lowercase());
        }
        // Text may be absent: share data (CooRTweet's object/account/content/time) has none.
        for required in ["account", "created_at"] {
            if !fields.contains_key(required) {
                return Err(ColumnMapError(format!("the mapping must name `{required}`")));
            }
        }
        Ok(Self { fields })
    }

    pub(crate) fn column(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }
}
