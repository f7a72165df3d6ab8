//! The provenance index: every generation output by its word set, and the search that
//! matches posts seen in the wild to the outputs they were copied from.
//!
//! A post comes from an output when most of the post's words are the output's
//! (`post_containment`: a prefix such as "BREAKING:", a signature, a few edited words or
//! added hashtags leave most of it) and a good part of the output is in the post
//! (`output_containment`: a platform's length limit may cut the output). Words are those of
//! the matching text, so homoglyphs, invisible characters, emoji, leading and trailing
//! hashtags, links (tracking parameters included) and case do not count.
//!
//! Search is exact for these thresholds, by prefix filtering: order words by how few outputs
//! use them; a post sharing at least `k` words with an output shares one among its
//! `|post| - k + 1` rarest, so only those words' posting lists are read.

use crate::LinkConfig;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// One generation output, as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedOutput {
    /// Index of the generation (in the order given to [`ProvenanceIndex::build`]).
    pub generation: u32,
    /// Position of the output in its generation's batch.
    pub output: u32,
    /// Dense account index of the AI-provider account.
    pub account: u32,
    /// Milliseconds since the epoch.
    pub time: i64,
    /// Sorted, distinct word hashes.
    pub words: Vec<u32>,
}

/// A post matched to the output it was copied from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProvenanceMatch {
    pub post: u32,
    /// Index into [`ProvenanceIndex::outputs`].
    pub output: u32,
    /// Jaccard similarity of the two word sets.
    pub similarity: f64,
    /// Share of the post's words that are the output's.
    pub post_containment: f64,
    /// Share of the output's words that are in the post.
    pub output_containment: f64,
    /// Post time minus generation time, milliseconds (never negative).
    pub delay_ms: i64,
}

/// What the index needs of the posts it searches for.
pub trait PostWords: Sync {
    fn post_count(&self) -> usize;
    fn words(&self, post: u32) -> &[u32];
    fn time(&self, post: u32) -> i64;
}

impl PostWords for disrupt_detect::DetectInput {
    fn post_count(&self) -> usize {
        self.len()
    }
    fn words(&self, post: u32) -> &[u32] {
        self.tokens(post)
    }
    fn time(&self, post: u32) -> i64 {
        disrupt_detect::DetectInput::time(self, post)
    }
}

/// Every output, and per word the outputs that use it.
#[derive(Debug, Default)]
pub struct ProvenanceIndex {
    pub outputs: Vec<IndexedOutput>,
    postings: FxHashMap<u32, Vec<u32>>,
}

fn overlap(x: &[u32], y: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl ProvenanceIndex {
    /// Indexes the outputs (those with fewer than `min_words` words are left out: stock
    /// phrases match everywhere and prove nothing).
    pub fn build(outputs: Vec<IndexedOutput>, config: &LinkConfig) -> Self {
        let outputs: Vec<IndexedOutput> = outputs.into_iter().filter(|o| o.words.len() >= config.min_words).collect();
        let mut postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (i, o) in outputs.iter().enumerate() {
            for &w in &o.words {
                postings.entry(w).or_default().push(i as u32);
            }
        }
        ProvenanceIndex { outputs, postings }
    }

    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    fn frequency(&self, word: u32) -> usize {
        self.postings.get(&word).map_or(0, Vec::len)
    }

    /// The best output for one post, if any passes every test.
    pub fn search(&self, post: u32, words: &[u32], time: i64, config: &LinkConfig) -> Option<ProvenanceMatch> {
        if words.len() < config.min_words || self.outputs.is_empty() {
            return None;
        }
        let needed = ((config.post_containment * words.len() as f64) - 1e-9).ceil().max(1.0) as usize;
        let mut order: Vec<(usize, u32)> = words.iter().map(|&w| (self.frequency(w), w)).collect();
        order.sort_unstable();
        let prefix = words.len() - needed + 1;
        let mut candidates: Vec<u32> = Vec::new();
        for &(freq, w) in order.iter().take(prefix) {
            if freq > 0 {
                candidates.extend_from_slice(&self.postings[&w]);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let max_delay = (config.max_delay_seconds * 1000.0) as i64;
        let mut best: Option<ProvenanceMatch> = None;
        for c in candidates {
            let o = &self.outputs[c as usize];
            let delay = time - o.time;
            // A post can only come after its generation.
            if delay < 0 || delay > max_delay {
                continue;
            }
            let shared = overlap(words, &o.words);
            if shared < needed {
                continue;
            }
            let output_containment = shared as f64 / o.words.len() as f64;
            if output_containment < config.output_containment {
                continue;
            }
            let similarity = shared as f64 / (words.len() + o.words.len() - shared) as f64;
            let found = ProvenanceMatch {
                post,
                output: c,
                similarity,
                post_containment: shared as f64 / words.len() as f64,
                output_containment,
                delay_ms: delay,
            };
            // The most similar output; among equals, the generation closest before the post.
            let better = match &best {
                None => true,
                Some(b) => similarity > b.similarity || (similarity == b.similarity && delay < b.delay_ms),
            };
            if better {
                best = Some(found);
            }
        }
        best
    }

    /// Matches every post, in parallel; results in post order.
    pub fn match_posts(&self, posts: &impl PostWords, config: &LinkConfig) -> Vec<ProvenanceMatch> {
        if self.outputs.is_empty() {
            return Vec::new();
        }
        (0..posts.post_count() as u32)
            .into_par_iter()
            .with_min_len(1024)
            .filter_map(|p| self.search(p, posts.words(p), posts.time(p), config))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Posts(Vec<(Vec<u32>, i64)>);

    impl PostWords for Posts {
        fn post_count(&self) -> usize {
            self.0.len()
        }
        fn words(&self, post: u32) -> &[u32] {
            &self.0[post as usize].0
        }
        fn time(&self, post: u32) -> i64 {
            self.0[post as usize].1
        }
    }

    fn output(generation: u32, words: std::ops::Range<u32>, time: i64) -> IndexedOutput {
        IndexedOutput { generation, output: 0, account: 0, time, words: words.collect() }
    }

    #[test]
    fn copies_edits_truncations_and_additions_match_but_quotes_and_earlier_posts_do_not() {
        let config = LinkConfig::default();
        let index = ProvenanceIndex::build(vec![output(0, 0..20, 1000), output(1, 100..120, 1000), output(2, 200..203, 0)], &config);
        assert_eq!(index.len(), 2, "a three-word output is not indexed");
        let mut edited: Vec<u32> = (0..20).collect();
        edited[3] = 500;
        edited[7] = 501;
        edited.sort();
        let with_prefix: Vec<u32> = (0..20).chain([900, 901, 902]).collect();
        let truncated: Vec<u32> = (0..12).collect();
        let quoted: Vec<u32> = (100..120).chain(700..725).collect();
        let posts = Posts(vec![
            ((0..20).collect(), 5000),
            (edited, 5000),
            (with_prefix, 5000),
            (truncated, 5000),
            (quoted, 5000),
            ((0..20).collect(), 500),
            ((300..320).collect(), 5000),
        ]);
        let found: Vec<(u32, u32)> =
            index.match_posts(&posts, &config).iter().map(|m| (m.post, index.outputs[m.output as usize].generation)).collect();
        assert_eq!(found, vec![(0, 0), (1, 0), (2, 0), (3, 0)]);
    }

    #[test]
    fn the_prefix_filter_finds_what_a_full_scan_finds() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let config = LinkConfig::default();
        let vocab = 300u32;
        let outputs: Vec<IndexedOutput> = (0..200)
            .map(|g| {
                let mut w: Vec<u32> = (0..rng.gen_range(5..25)).map(|_| rng.gen_range(0..vocab)).collect();
                w.sort_unstable();
                w.dedup();
                IndexedOutput { generation: g, output: 0, account: 0, time: 0, words: w }
            })
            .collect();
        let index = ProvenanceIndex::build(outputs.clone(), &config);
        let posts = Posts(
            (0..400)
                .map(|i| {
                    let mut w: Vec<u32> = if i % 2 == 0 {
                        outputs[i % outputs.len()].words.iter().copied().filter(|_| rng.gen_bool(0.85)).collect()
                    } else {
                        (0..rng.gen_range(5..25)).map(|_| rng.gen_range(0..vocab)).collect()
                    };
                    w.extend((0..rng.gen_range(0..3)).map(|_| rng.gen_range(0..vocab)));
                    w.sort_unstable();
                    w.dedup();
                    (w, 10)
                })
                .collect(),
        );
        let fast = index.match_posts(&posts, &config);
        // Brute force over every output with the same tests.
        let mut slow = Vec::new();
        for p in 0..posts.0.len() as u32 {
            let words = posts.words(p);
            if words.len() < config.min_words {
                continue;
            }
            let best = index
                .outputs
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    let s = overlap(words, &o.words);
                    let ok = s as f64 >= config.post_containment * words.len() as f64 - 1e-9
                        && s as f64 / o.words.len() as f64 >= config.output_containment;
                    ok.then(|| (s as f64 / (words.len() + o.words.len() - s) as f64, i))
                })
                .max_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
            if let Some((sim, _)) = best {
                slow.push((p, sim));
            }
        }
        let fast_sims: Vec<(u32, f64)> = fast.iter().map(|m| (m.post, m.similarity)).collect();
        assert!(slow.len() > 150, "the test must see real matches ({})", slow.len());
        assert_eq!(fast_sims, slow);
    }
}
