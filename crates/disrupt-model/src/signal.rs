//! [`Signal`]: the name of a kind of evidence (the `signal` column of `edges.csv`).
//!
//! A signal is its name. The names the data contract documents are listed here, in the
//! contract's order, which is also the order `edges.csv` gives a pair's rows in; a signal
//! added by a detector module is one more name, and needs no change to this crate. Names
//! read from files are matched to those known and otherwise interned (a few hundred at most),
//! so a file written by a newer disrupt still reads.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Mutex;

/// A kind of evidence, by its name (`co_post`, `provenance`, ...). Cheap to copy and compare.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signal(&'static str);

impl Signal {
    /// Identical texts within the window.
    pub const CO_POST: Signal = Signal("co_post");
    /// Near-identical texts (word-set Jaccard) within the window.
    pub const NEAR_DUPLICATE: Signal = Signal("near_duplicate");
    /// The same canonical link within the window.
    pub const CO_LINK: Signal = Signal("co_link");
    /// The same hashtag, or combination of hashtags, within the window.
    pub const CO_HASHTAG: Signal = Signal("co_hashtag");
    /// Reposts of the same post within the window.
    pub const CO_REPOST: Signal = Signal("co_repost");
    /// Replies to the same post within the window.
    pub const CO_REPLY: Signal = Signal("co_reply");
    /// The same shared item of another kind (an image hash, a domain) within the window.
    pub const CO_OBJECT: Signal = Signal("co_object");
    /// Outputs of one model batch (or operator session) posted by several accounts.
    pub const PROVENANCE: Signal = Signal("provenance");
    /// AI-provider accounts sharing rare infrastructure.
    pub const SHARED_INFRASTRUCTURE: Signal = Signal("shared_infrastructure");
    /// Operator-side accounts (and ads) sending one scam script, with variations.
    pub const SHARED_SCRIPT: Signal = Signal("shared_script");
    /// Operator-side accounts naming the same bank account, e-wallet or crypto address.
    pub const SHARED_PAYMENT: Signal = Signal("shared_payment");
    /// Ads and operator-side accounts naming the same phone, handle or landing page.
    pub const SHARED_CONTACT: Signal = Signal("shared_contact");

    /// The signals the data contract names, in its order.
    pub const CONTRACT: [Signal; 12] = [
        Signal::CO_POST,
        Signal::NEAR_DUPLICATE,
        Signal::CO_LINK,
        Signal::CO_HASHTAG,
        Signal::CO_REPOST,
        Signal::CO_REPLY,
        Signal::CO_OBJECT,
        Signal::PROVENANCE,
        Signal::SHARED_INFRASTRUCTURE,
        Signal::SHARED_SCRIPT,
        Signal::SHARED_PAYMENT,
        Signal::SHARED_CONTACT,
    ];

    /// A signal of this name; for a detector module's constant (`Signal::named("co_toy")`).
    pub const fn named(name: &'static str) -> Signal {
        Signal(name)
    }

    /// The signal's name, as files write it.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Position in the contract's list (signals it does not name come after, by name):
    /// the order `edges.csv` lists one pair's rows in.
    pub fn contract_rank(self) -> usize {
        Signal::CONTRACT.iter().position(|s| *s == self).unwrap_or(Signal::CONTRACT.len())
    }

    /// The signal of a name read from a file: one of the contract's, or interned.
    ///
    /// Fails only when more than [`MAX_INTERNED`] names outside the contract were read in
    /// this process (a hostile file cannot grow memory without bound).
    pub fn from_name(name: &str) -> Result<Signal, crate::ModelError> {
        if let Some(s) = Signal::CONTRACT.iter().find(|s| s.0 == name) {
            return Ok(*s);
        }
        let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = interned.iter().find(|s| **s == name) {
            return Ok(Signal(s));
        }
        if interned.len() >= MAX_INTERNED || name.len() > 64 || name.is_empty() {
            return Err(crate::ModelError::UnknownSignal(name.chars().take(80).collect()));
        }
        let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
        interned.push(leaked);
        Ok(Signal(leaked))
    }
}

/// Names outside the contract a process reads before it refuses more.
pub const MAX_INTERNED: usize = 256;

static INTERNED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}

impl Serialize for Signal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Signal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Signal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a signal name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Signal, E> {
                Signal::from_name(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_names_read_back_as_themselves() {
        for s in Signal::CONTRACT {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Signal>(&json).unwrap(), s);
        }
        assert_eq!(Signal::CO_LINK.contract_rank(), 2);
    }

    #[test]
    fn other_names_are_interned_once_and_bounded() {
        let a = Signal::from_name("co_toy_test").unwrap();
        let b = Signal::from_name("co_toy_test").unwrap();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a.contract_rank(), Signal::CONTRACT.len());
        assert!(Signal::from_name("").is_err());
        assert!(Signal::from_name(&"x".repeat(65)).is_err());
    }
}
