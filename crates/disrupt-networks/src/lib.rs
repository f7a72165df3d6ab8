//! Networks: fuse every signal's significant evidence into one weighted account graph,
//! find communities (Leiden), and describe each as a network an analyst can act on: a
//! stable id, a score, a type guess, signal counts, actor traits, evidence records with a
//! bounded sample of texts, and a plain-language explanation.

mod assemble_placeholder {}

pub mod leiden;



pub use leiden::{leiden, modularity, Graph, LeidenConfig};
