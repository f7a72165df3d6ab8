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
//! Candidates come from a join on word pairs (adjacent words): each output is indexed by all
//! its word pairs, each post probes with the few smallest of its own (a bottom-k sketch);
//! a copy shares most of its pairs with its output, so it shares several of those, and an
//! output is a candidate only when it holds two of them (`min_shared_sketch_pairs`): a post
//! that merely uses a phrase common in the outputs shares one, and with it the outputs to
//! check would grow with the square of the data. The join is two sorts and a merge, then per
//! post a count of the outputs its sampled pairs name; every candidate is then checked
//! against the word-set tests above. [`ProvenanceIndex::search`] is the exact search (prefix
//! filtering: a post sharing at least `k` words with an output shares one among its
//! `|post| - k + 1` rarest words), for checking the join and for single posts.

use crate::ProvenanceConfig;
use disrupt_normalize::minhash::intersection_size as overlap;
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
    /// Sorted, distinct word-pair hashes.
    pub pairs: Vec<u32>,
}

/// A post matched to the output it was copied from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProvenanceMatch {
    /// The post (store number).
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
    /// Posts held.
    fn post_count(&self) -> usize;
    /// Word hashes of `post`, sorted.
    fn words(&self, post: u32) -> &[u32];
    /// Time of `post` (Unix ms).
    fn time(&self, post: u32) -> i64;
    /// A few of the post's smallest word-pair hashes.
    fn sketch(&self, post: u32) -> &[u32];
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
    fn sketch(&self, post: u32) -> &[u32] {
        disrupt_detect::DetectInput::sketch(self, post)
    }
}

/// A word pair used by more outputs than this is a stock phrase: it proposes no candidates.
const MAX_PAIR_OUTPUTS: usize = 256;

/// Posts matched together (see `match_posts`).
const MATCH_RANGE_POSTS: u32 = 1 << 18;

/// Every output, and per word the outputs that use it.
#[derive(Debug, Default)]
pub struct ProvenanceIndex {
    /// Every output indexed.
    pub outputs: Vec<IndexedOutput>,
    postings: FxHashMap<u32, Vec<u32>>,
    /// `(pair << 32) | output`, sorted.
    pair_index: Vec<u64>,
}

impl ProvenanceIndex {
    /// Indexes the outputs (those with fewer than `min_words` words are left out: stock
    /// phrases match everywhere and prove nothing).
    pub fn build(outputs: Vec<IndexedOutput>, config: &ProvenanceConfig) -> Self {
        let outputs: Vec<IndexedOutput> = outputs.into_iter().filter(|o| o.words.len() >= config.min_words).collect();
        let mut pair_index: Vec<u64> =
            outputs.par_iter().enumerate().flat_map_iter(|(i, o)| o.pairs.iter().map(move |&p| ((p as u64) << 32) | i as u64)).collect();
        pair_index.par_sort_unstable();
        ProvenanceIndex { outputs, postings: FxHashMap::default(), pair_index }
    }

    /// Adds the word postings the exact [`ProvenanceIndex::search`] reads.
    pub fn with_word_postings(mut self) -> Self {
        let mut postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (i, o) in self.outputs.iter().enumerate() {
            for &w in &o.words {
                postings.entry(w).or_default().push(i as u32);
            }
        }
        self.postings = postings;
        self
    }

    /// The tests of the module doc for one candidate output.
    fn verify(&self, post: u32, words: &[u32], time: i64, candidate: u32, config: &ProvenanceConfig) -> Option<ProvenanceMatch> {
        let o = &self.outputs[candidate as usize];
        let delay = time - o.time;
        // A post can only come after its generation.
        if delay < 0 || delay > (config.max_delay_seconds * 1000.0) as i64 {
            return None;
        }
        let needed = words_needed(words.len(), config.post_containment);
        if !sizes_allow(words.len(), o.words.len(), needed, config.output_containment) {
            return None;
        }
        let shared = overlap(words, &o.words);
        let output_containment = shared as f64 / o.words.len() as f64;
        if shared < needed || output_containment < config.output_containment {
            return None;
        }
        Some(ProvenanceMatch {
            post,
            output: candidate,
            similarity: shared as f64 / (words.len() + o.words.len() - shared) as f64,
            post_containment: shared as f64 / words.len() as f64,
            output_containment,
            delay_ms: delay,
        })
    }

    /// Outputs indexed.
    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    /// Whether no output is indexed.
    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    fn frequency(&self, word: u32) -> usize {
        self.postings.get(&word).map_or(0, Vec::len)
    }

    /// The best output for one post, if any passes every test: exact (every output that
    /// passes is considered), given [`ProvenanceIndex::with_word_postings`].
    pub fn search(&self, post: u32, words: &[u32], time: i64, config: &ProvenanceConfig) -> Option<ProvenanceMatch> {
        if words.len() < config.min_words || self.outputs.is_empty() {
            return None;
        }
        let needed = words_needed(words.len(), config.post_containment);
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
        best_of(candidates.into_iter().filter_map(|c| self.verify(post, words, time, c, config)))
    }

    /// Matches every post; results in post order. Candidates come from the word-pair join
    /// (see the module doc), in parallel.
    pub fn match_posts(&self, posts: &impl PostWords, config: &ProvenanceConfig) -> Vec<ProvenanceMatch> {
        if self.outputs.is_empty() {
            return Vec::new();
        }
        // Posts are matched a range at a time: the candidate (post, output) pairs of a word
        // pair grow with the posts that carry it, and over ten million posts they outgrew
        // memory. A post's matches depend on its own candidates only, so the ranges give the
        // same matches, in the same (post) order.
        let n = posts.post_count() as u32;
        let mut matches = Vec::new();
        let mut start = 0u32;
        while start < n {
            let end = start.saturating_add(MATCH_RANGE_POSTS).min(n);
            matches.extend(self.match_range(posts, start..end, config));
            start = end;
        }
        matches
    }

    fn match_range(&self, posts: &impl PostWords, range: std::ops::Range<u32>, config: &ProvenanceConfig) -> Vec<ProvenanceMatch> {
        let mut probes: Vec<u64> = range
            .into_par_iter()
            .with_min_len(4096)
            .filter(|&p| posts.words(p).len() >= config.min_words)
            .flat_map_iter(|p| posts.sketch(p).iter().map(move |&x| ((x as u64) << 32) | p as u64).collect::<Vec<_>>())
            .collect();
        probes.par_sort_unstable();
        // Merge join on the pair hash: per probe, the run of the index holding its pair.
        let mut hits: Vec<PairHit> = Vec::new();
        let (mut i, mut j) = (0usize, 0usize);
        let index = &self.pair_index;
        while i < index.len() && j < probes.len() {
            let (a, b) = (index[i] >> 32, probes[j] >> 32);
            if a < b {
                i += 1;
            } else if a > b {
                j += 1;
            } else {
                let i_end = i + index[i..].iter().take_while(|x| *x >> 32 == a).count();
                let j_end = j + probes[j..].iter().take_while(|x| *x >> 32 == a).count();
                if i_end - i <= MAX_PAIR_OUTPUTS {
                    hits.extend(probes[j..j_end].iter().map(|p| PairHit { post: *p as u32, start: i, end: i_end }));
                }
                i = i_end;
                j = j_end;
            }
        }
        drop(probes);
        hits.par_sort_unstable_by_key(|h| h.post);
        hits.par_chunk_by(|x, y| x.post == y.post)
            .map_init(Vec::new, |outputs: &mut Vec<u32>, group| {
                let post = group[0].post;
                // A post with one pair in its sketch can share only that one.
                let shared_needed = config.min_shared_sketch_pairs.min(posts.sketch(post).len()).max(1);
                if group.len() < shared_needed {
                    return None;
                }
                outputs.clear();
                for h in group {
                    outputs.extend(index[h.start..h.end].iter().map(|x| *x as u32));
                }
                outputs.sort_unstable();
                let (words, time) = (posts.words(post), posts.time(post));
                best_of(
                    outputs
                        .chunk_by(|a, b| a == b)
                        .filter(|run| run.len() >= shared_needed)
                        .filter_map(|run| self.verify(post, words, time, run[0], config)),
                )
            })
            .flatten()
            .collect()
    }
}

/// A post's sketch pair found in the pair index: the index run `start..end` holds the
/// outputs with that pair.
#[derive(Debug, Clone, Copy)]
struct PairHit {
    post: u32,
    start: usize,
    end: usize,
}

/// Words a post of `post_words` words must share with an output to hold `post_containment`
/// of them (at least one; the small allowance keeps 0.7 of 10 at 7 despite rounding).
fn words_needed(post_words: usize, post_containment: f64) -> usize {
    ((post_containment * post_words as f64) - 1e-9).ceil().max(1.0) as usize
}

/// Whether a post of `post_words` words and an output of `output_words` could share
/// `needed` words and `output_containment` of the output: the words shared are at most the
/// smaller set. At 900k posts this rules out about a quarter of the candidates the time
/// window leaves, before their word sets are compared.
fn sizes_allow(post_words: usize, output_words: usize, needed: usize, output_containment: f64) -> bool {
    let most_shared = post_words.min(output_words);
    most_shared >= needed && most_shared as f64 / output_words as f64 >= output_containment
}

/// The most similar match; among equals, the generation closest before the post, then the
/// first output.
fn best_of(matches: impl Iterator<Item = ProvenanceMatch>) -> Option<ProvenanceMatch> {
    let mut best: Option<ProvenanceMatch> = None;
    for m in matches {
        let better = match &best {
            None => true,
            Some(b) => m.similarity > b.similarity || (m.similarity == b.similarity && m.delay_ms < b.delay_ms),
        };
        if better {
            best = Some(m);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use disrupt_normalize::{matching_text, word_pair_sketch, word_pairs, word_set};

    proptest::proptest! {
        #[test]
        fn sizes_never_rule_out_a_pair_that_shares_enough(
            post in proptest::collection::btree_set(0u32..1000, 1..30),
            keep in proptest::collection::vec(proptest::bool::weighted(0.85), 30),
            extra in proptest::collection::btree_set(1000u32..2000, 0..20),
            post_containment in 0.1f64..1.0,
            output_containment in 0.1f64..1.0,
        ) {
            // Outputs that hold most of the post, and words of their own: shared counts near
            // the thresholds, where an off-by-one in the bound would show.
            let p: Vec<u32> = post.iter().copied().collect();
            let mut o: Vec<u32> = post.iter().zip(&keep).filter(|(_, k)| **k).map(|(w, _)| *w).chain(extra).collect();
            o.sort_unstable();
            proptest::prop_assume!(!o.is_empty());
            let needed = words_needed(p.len(), post_containment);
            let shared = overlap(&p, &o);
            if shared >= needed && shared as f64 / o.len() as f64 >= output_containment {
                proptest::prop_assert!(sizes_allow(p.len(), o.len(), needed, output_containment));
            }
        }
    }

    /// Posts as text: words, pair sketch and time.
    struct Posts(Vec<(Vec<u32>, Vec<u32>, i64)>);

    impl Posts {
        fn new(texts: &[(&str, i64)]) -> Self {
            Posts(
                texts
                    .iter()
                    .map(|(t, time)| {
                        let m = matching_text(t);
                        (word_set(&m), word_pair_sketch(&m, 8), *time)
                    })
                    .collect(),
            )
        }
    }

    impl PostWords for Posts {
        fn post_count(&self) -> usize {
            self.0.len()
        }
        fn words(&self, post: u32) -> &[u32] {
            &self.0[post as usize].0
        }
        fn time(&self, post: u32) -> i64 {
            self.0[post as usize].2
        }
        fn sketch(&self, post: u32) -> &[u32] {
            &self.0[post as usize].1
        }
    }

    fn output(generation: u32, text: &str, time: i64) -> IndexedOutput {
        let m = matching_text(text);
        IndexedOutput { generation, output: 0, account: 0, time, words: word_set(&m), pairs: word_pairs(&m) }
    }

    const OUT: &str = "the council approved a new budget for the harbour bridge after months of quiet talks with the builders";

    #[test]
    fn copies_edits_truncations_and_additions_match_but_commentary_and_earlier_posts_do_not() {
        let config = ProvenanceConfig::default();
        let other = "completely different words about football scores and the weather in the mountains this weekend";
        let index = ProvenanceIndex::build(vec![output(0, OUT, 1000), output(1, other, 1000), output(2, "too short", 0)], &config)
            .with_word_postings();
        assert_eq!(index.len(), 2, "a two-word output is not indexed");
        let edited = OUT.replace("budget", "plan").replace("quiet", "secret");
        let homoglyph = OUT.replace('a', "а").replace('o', "о");
        let truncated: String = OUT.split(' ').take(13).collect::<Vec<_>>().join(" ") + "…";
        let with_prefix = format!("BREAKING: {OUT} 🔥 #news https://x.example/a?utm_source=tw");
        let commentary = format!("{OUT} — this is false, and here is a long explanation of why our reporters think the claim about the harbour deal does not hold up at all");
        let posts = Posts::new(&[
            (OUT, 5000),
            (&edited, 5000),
            (&homoglyph, 5000),
            (&truncated, 5000),
            (&with_prefix, 5000),
            (&commentary, 5000),
            (OUT, 500),
            ("a post of its own about the new cafe downtown and its excellent coffee", 5000),
        ]);
        let found: Vec<(u32, u32)> =
            index.match_posts(&posts, &config).iter().map(|m| (m.post, index.outputs[m.output as usize].generation)).collect();
        assert_eq!(found, vec![(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)]);
        for p in 0..posts.0.len() as u32 {
            let exact = index.search(p, posts.words(p), posts.time(p), &config).map(|m| m.output);
            let joined = index.match_posts(&posts, &config).iter().find(|m| m.post == p).map(|m| m.output);
            assert_eq!(exact, joined, "post {p}");
        }
    }

    #[test]
    fn an_output_must_hold_two_of_the_pairs_a_post_samples() {
        // The post has every word of the output but one, in an order that keeps a single
        // adjacent pair of it: the word sets pass, the pairs are not a copy's.
        let out = output(0, "harbour council budget bridge builders talks", 0);
        let posts = Posts::new(&[("harbour council bridge budget builders", 10), ("harbour council budget bridge talks", 10)]);
        let found = |min_shared_sketch_pairs| {
            let config = ProvenanceConfig { min_shared_sketch_pairs, ..ProvenanceConfig::default() };
            let index = ProvenanceIndex::build(vec![out.clone()], &config);
            index.match_posts(&posts, &config).iter().map(|m| m.post).collect::<Vec<_>>()
        };
        assert_eq!(found(1), vec![0, 1]);
        assert_eq!(found(2), vec![1]);
    }

    #[test]
    fn the_word_pair_join_finds_what_the_exact_search_finds() {
        use rand::seq::SliceRandom;
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let config = ProvenanceConfig::default();
        // A Zipf-like vocabulary: common words recur across unrelated texts.
        let vocab: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        let sentence = |rng: &mut rand_chacha::ChaCha8Rng| -> Vec<String> {
            (0..rng.gen_range(10..26)).map(|_| vocab[(rng.gen::<f64>().powi(3) * vocab.len() as f64) as usize].clone()).collect()
        };
        let texts: Vec<Vec<String>> = (0..400).map(|_| sentence(&mut rng)).collect();
        let outputs: Vec<IndexedOutput> = texts.iter().enumerate().map(|(i, t)| output(i as u32, &t.join(" "), 0)).collect();
        let index = ProvenanceIndex::build(outputs, &config).with_word_postings();
        let mut posts = Vec::new();
        for i in 0..800 {
            let mut words = if i % 2 == 0 { texts[i % texts.len()].clone() } else { sentence(&mut rng) };
            match i % 8 {
                0 => {
                    for _ in 0..3 {
                        let k = rng.gen_range(0..words.len());
                        words[k] = vocab.choose(&mut rng).unwrap().clone();
                    }
                }
                2 => words.truncate(words.len() * 2 / 3),
                4 => words.insert(0, "BREAKING".into()),
                _ => {}
            }
            posts.push((words.join(" "), 10));
        }
        let refs: Vec<(&str, i64)> = posts.iter().map(|(t, time)| (t.as_str(), *time)).collect();
        let posts = Posts::new(&refs);
        let joined: Vec<(u32, u32)> = index.match_posts(&posts, &config).iter().map(|m| (m.post, m.output)).collect();
        let exact: Vec<(u32, u32)> = (0..posts.post_count() as u32)
            .filter_map(|p| index.search(p, posts.words(p), posts.time(p), &config).map(|m| (p, m.output)))
            .collect();
        assert!(exact.len() >= 350, "the test must see real matches ({})", exact.len());
        let missed = exact.iter().filter(|e| !joined.contains(e)).count();
        let extra = joined.iter().filter(|j| !exact.contains(j)).count();
        assert_eq!(extra, 0, "the join proposes nothing the exact search rejects");
        assert!(missed * 100 <= exact.len(), "the join misses {missed} of {}", exact.len());
        // Matched a range of posts at a time (as ten million posts are), the matches are the same.
        let n = posts.post_count() as u32;
        let in_ranges: Vec<(u32, u32)> = [0..1, 1..333, 333..334, 334..n]
            .into_iter()
            .flat_map(|r| index.match_range(&posts, r, &config))
            .map(|m| (m.post, m.output))
            .collect();
        assert_eq!(in_ranges, joined);
    }
}
