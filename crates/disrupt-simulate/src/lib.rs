//! `disrupt simulate`: a week of synthetic posts from organic accounts, with planted
//! coordinated operations and the organic situations that fool naive detectors.
//!
//! Operations (at least 3, 5 to 60 accounts each) post batches of one message in bursts
//! with timing jitter; every member copies in one style (its `perturbation` label): exact
//! copies, 1-3 edited words, homoglyphs, invisible characters, emoji and hashtags added or
//! removed, tracking parameters on the links, or translations that keep links and hashtags.
//! Organic traps (their `trap` label): a viral link shared by 600 accounts over hours, a
//! trending hashtag used by 1,200 accounts in a day, stock phrases every morning, 100
//! accounts posting the same chant within a minute, a copypasta spreading over two days,
//! and groups of friends reposting each other.
//!
//! Output: `records.jsonl` (accounts and posts, shuffled: inputs are not sorted) and
//! `labels.jsonl` (one `label` per account) in canonical JSONL.

#![forbid(unsafe_code)]

mod text;
mod world;

pub use world::{simulate, SimulateConfig, SimulationSummary};
