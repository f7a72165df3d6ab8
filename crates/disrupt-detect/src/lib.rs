//! Detect behaviour: windowed co-action detectors over posts.
//!
//! A co-action is two accounts doing the same thing (posting the same or a near-same text,
//! sharing a link or a hashtag, reposting or replying to the same post) within a signal's
//! time window. Each detector ([`signals`]) only says which *keys* a post acts on; the one
//! engine in [`window`] turns keyed events into co-actions. Its state is keyed and
//! mergeable, so the same code runs on one machine or partitioned by key over a log.
//!
//! Popular things are organic, so raw co-action counts are not evidence. [`score`] tests
//! every account pair against the participation null ([`disrupt_evidence::null`], built
//! by [`participation`]): accounts act independently, each with its own volume, and each
//! key keeps its popularity. A pair is kept only when it co-acted in more distinct bursts
//! than that null explains, after a correction over every pair of active accounts
//! ([`significance`]).

// Unsafe code here is confined to a few audited spots (SIMD, memory maps, prefetch and
// allocator hints), each with a SAFETY comment.
#![deny(unsafe_op_in_unsafe_fn)]

pub mod compat;
pub mod input;
pub mod post;
pub use disrupt_normalize::minhash;
pub mod pairs;
pub mod participation;
pub mod score;
pub mod signals;
pub use disrupt_evidence::significance;
pub mod spill;
pub mod text_check;
pub mod window;

pub use input::{DetectInput, DetectInputBuilder, Placebo, SpillPolicy};
pub use post::PostFeatures;
pub use score::{detect, detect_consuming_events, detect_with_layout, Detection, Layout, PairEvidence, SignalReport};
pub use signals::{DetectConfig, Signal, SignalConfig, SignalSpec, REGISTRY};
