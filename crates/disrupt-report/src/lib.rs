//! Assess: what a network achieved, after detection has said what it is.
//!
//! [`impact`] measures reach the way the public threat reports do: engagement as
//! distributions (median, p90, p99, max), the posts that broke out past a threshold, the
//! same over the input's organic posts, and reactions by members (self-amplification) apart
//! from reactions by outsiders. Inputs are plain counts; the pipeline gathers them from its
//! post store, so this crate depends on the output model only. [`disarm`] tags each network
//! with the DISARM techniques its evidence shows, by rules in a data file.

#![forbid(unsafe_code)]

pub mod disarm;
pub mod impact;

pub use disarm::{DisarmRules, RuleError};
pub use impact::{impact, ImpactSettings, OrganicSample};
