//! What every stage's evidence has in common, so that the detectors, the provenance and
//! funnel stages and the network stage speak one language without depending on each other:
//!
//! - [`PairEvidence`], [`SignalReport`], [`Detection`]: account-pair evidence per signal,
//!   and the set of all of it that networks are built from;
//! - [`SignalConfig`], [`SignalDescription`], [`LinkSignal`], [`SignalSummary`]: what a
//!   signal declares about itself, and how its evidence is put into words;
//! - [`PostStore`], [`PostInfo`], [`AccountInfo`]: the records evidence cites, kept off the
//!   heap, and the account table;
//! - [`ParticipationNull`]: the null model every behavioural test shares ([`null`]);
//! - [`NetworkNote`]: a sentence a stage wrote about a group of accounts.

#![forbid(unsafe_code)]

mod account;
mod note;
pub mod null;
mod pair;
mod signal;
pub mod significance;
pub mod store;

pub use account::AccountInfo;
pub use disrupt_model::Signal;
pub use note::{network_id, NetworkNote};
pub use null::{MatchedPosts, ParticipationNull, Trials};
pub use pair::{closest_gap, Detection, PairEvidence, SignalReport};
pub use signal::{
    clip_words, format_duration, plural, EvidenceKind, LinkSignal, SharedItems, SignalConfig, SignalDescription, SignalSummary,
};
pub use store::{Engagement, GenerationRecords, PostInfo, PostStore};
