//! Sentences about groups of accounts that a stage found (a model batch's fan-out, a script
//! a model wrote) and that go into the explanation of the network holding them.

/// A sentence about some accounts, for the explanation of their network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkNote {
    /// The accounts, by number, sorted.
    pub accounts: Vec<u32>,
    /// The sentence.
    pub text: String,
}

/// Stable network id from the sorted member list.
pub fn network_id(sorted_members: &[String]) -> String {
    let joined = sorted_members.join("\n");
    format!("n-{:08x}", xxhash_rust::xxh3::xxh3_64(joined.as_bytes()) >> 32)
}
