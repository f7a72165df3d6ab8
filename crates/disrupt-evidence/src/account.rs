//! What evidence needs to know of an account: its id, platform and the profile fields
//! actor traits read.

/// An account, numbered densely by the scan (its index in the account table).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountInfo {
    /// Identifier (`platform:local_id`).
    pub id: String,
    /// Platform.
    pub platform: String,
    /// Handle, when given.
    pub handle: Option<String>,
    /// Creation time (Unix ms), when given.
    pub created_at: Option<i64>,
    /// Followers, when given.
    pub followers: Option<u64>,
    /// Accounts it follows, when given.
    pub following: Option<u64>,
}
