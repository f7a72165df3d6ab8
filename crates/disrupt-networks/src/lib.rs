//! Networks: fuse every signal's significant evidence into one weighted account graph,
//! find communities (Leiden), and describe each as a network an analyst can act on: a
//! stable id, a score, a type guess, signal counts, actor traits, evidence records with a
//! bounded sample of texts, and a plain-language explanation.

#![forbid(unsafe_code)]

pub mod assemble;
pub mod attach;
pub mod narrative;
pub mod posts;
pub mod traits;

pub mod leiden;

pub use assemble::{assemble_networks, form_networks, network_score, Formed, NetworkConfig, NetworkInputs};
pub use disrupt_evidence::network_id;
pub use leiden::{leiden, modularity, Graph, LeidenConfig};
pub use posts::count_posts_and_languages;
