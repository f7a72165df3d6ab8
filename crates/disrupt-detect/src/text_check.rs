//! The near-duplicate check: two posts sharing an LSH band key co-act only when their word
//! sets reach the near-duplicate threshold (the `SimilarText` confirmation of a signal's
//! null model). Texts are read from the detection input, or from a partition's own copy of
//! them when the input's word hashes are on disk.

use crate::input::DetectInput;
use crate::minhash::jaccard_sorted;
use crate::window::PairCheck;

/// Where the near-duplicate check reads a post's text hash and word hashes.
pub trait TextSource: Sync {
    /// Identical-text key of `post`.
    fn text_hash(&self, post: u32) -> u64;
    /// Word hashes of `post`, sorted.
    fn tokens(&self, post: u32) -> &[u32];

    /// The word hashes of two posts whose texts differ (`None` for identical texts,
    /// which are `co_post`'s). Most candidates are identical texts, so their word hashes
    /// are not looked up; a source that must find a post first finds it once.
    fn differing_texts(&self, a: u32, b: u32) -> Option<(&[u32], &[u32])> {
        (self.text_hash(a) != self.text_hash(b)).then(|| (self.tokens(a), self.tokens(b)))
    }
}

impl TextSource for DetectInput {
    fn text_hash(&self, post: u32) -> u64 {
        DetectInput::text_hash(self, post)
    }

    fn tokens(&self, post: u32) -> &[u32] {
        DetectInput::tokens(self, post)
    }
}

/// The texts of the posts one key partition may compare, copied out of the input in post
/// order. When word hashes live in a mapped file, the check's reads jump across the whole
/// file; under a tight memory limit the page cache cannot hold it and every read goes to
/// disk. Copying the few posts that share a band key, in file order, reads it once, ahead.
pub struct LocalTexts {
    posts: Vec<u32>,
    hashes: Vec<u64>,
    offsets: Vec<u32>,
    words: Vec<u32>,
    /// Where each run of post numbers sharing their high bits starts in `posts` (one run
    /// a post or so): a lookup searches a run of a few posts, not all of them. Checks
    /// look posts up millions of times a partition, and a binary search of millions of
    /// posts misses the cache at most of its twenty-odd steps.
    runs: Vec<u32>,
    /// Bits of a post number below its run's.
    run_shift: u32,
}

impl LocalTexts {
    /// Copies the texts of `posts` (sorted, distinct).
    pub fn gather(input: &DetectInput, posts: Vec<u32>) -> Self {
        let mut hashes = Vec::with_capacity(posts.len());
        let mut offsets = Vec::with_capacity(posts.len() + 1);
        let mut words = Vec::new();
        offsets.push(0);
        for &p in &posts {
            hashes.push(input.text_hash(p));
            words.extend_from_slice(input.tokens(p));
            offsets.push(words.len() as u32);
        }
        let last = posts.last().copied().unwrap_or(0);
        // About one run a post: the runs take as many bytes as the post numbers.
        let run_shift = (u32::BITS - last.leading_zeros()).saturating_sub(u32::BITS - (posts.len() as u32).leading_zeros());
        let run_count = (last >> run_shift) as usize + 1;
        let mut runs = Vec::with_capacity(run_count + 1);
        let mut at = 0usize;
        for run in 0..=run_count as u32 {
            while at < posts.len() && (posts[at] >> run_shift) < run {
                at += 1;
            }
            runs.push(at as u32);
        }
        LocalTexts { posts, hashes, offsets, words, runs, run_shift }
    }

    fn position(&self, post: u32) -> Option<usize> {
        let run = (post >> self.run_shift) as usize;
        let (start, end) = (*self.runs.get(run)? as usize, *self.runs.get(run + 1)? as usize);
        self.posts[start..end].binary_search(&post).ok().map(|i| start + i)
    }

    fn words_at(&self, i: usize) -> &[u32] {
        &self.words[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

impl TextSource for LocalTexts {
    fn text_hash(&self, post: u32) -> u64 {
        self.position(post).map_or(0, |i| self.hashes[i])
    }

    fn tokens(&self, post: u32) -> &[u32] {
        self.position(post).map_or(&[], |i| self.words_at(i))
    }

    fn differing_texts(&self, a: u32, b: u32) -> Option<(&[u32], &[u32])> {
        let text = |post| self.position(post).map_or((0, &[][..]), |i| (self.hashes[i], self.words_at(i)));
        let ((hash_a, words_a), (hash_b, words_b)) = (text(a), text(b));
        (hash_a != hash_b).then_some((words_a, words_b))
    }
}

/// Confirms an LSH candidate: similar enough, and not an exact copy.
pub struct SimilarText<'a, T: TextSource + ?Sized = DetectInput> {
    /// Where the texts are read.
    pub texts: &'a T,
    /// Jaccard similarity of word sets at or above which two texts are near-duplicates.
    pub threshold: f64,
}

impl<T: TextSource + ?Sized> PairCheck for SimilarText<'_, T> {
    fn same_action(&self, a: u32, b: u32) -> bool {
        let Some((x, y)) = self.texts.differing_texts(a, b) else {
            return false;
        };
        // Sizes alone can rule a pair out: J <= min/max.
        let (small, large) = if x.len() < y.len() { (x.len(), y.len()) } else { (y.len(), x.len()) };
        if (small as f64) < self.threshold * large as f64 {
            return false;
        }
        jaccard_sorted(x, y) >= self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::PostFeatures;
    use crate::signals::DetectConfig;

    #[test]
    fn edited_copies_pass_and_exact_copies_are_left_to_co_post() {
        let words: Vec<u32> = (0..20).collect();
        let mut edited = words.clone();
        edited[3] = 100;
        edited[11] = 101;
        edited.sort();
        let posts = vec![
            PostFeatures { text_hash: Some(1), tokens: words.clone().into(), ..Default::default() },
            PostFeatures { text_hash: Some(2), tokens: edited.into(), ..Default::default() },
            PostFeatures { text_hash: Some(1), tokens: words.into(), ..Default::default() },
            PostFeatures { text_hash: Some(3), tokens: (50..70).collect(), ..Default::default() },
        ];
        let input = DetectInput::from_posts(posts, 1, &DetectConfig::default());
        let check = SimilarText { texts: &input, threshold: 0.6 };
        assert!(check.same_action(0, 1));
        assert!(!check.same_action(0, 2));
        assert!(!check.same_action(0, 3));
        // The same answers from a partition's copy of the texts it may compare.
        let local = LocalTexts::gather(&input, vec![0, 1, 2, 3]);
        let check = SimilarText { texts: &local, threshold: 0.6 };
        assert!(check.same_action(0, 1));
        assert!(!check.same_action(0, 2));
        assert!(!check.same_action(0, 3));
        assert_eq!(local.tokens(3), input.tokens(3));
        assert!(LocalTexts::gather(&input, vec![1]).tokens(0).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn a_partition_copy_finds_exactly_the_posts_it_holds(
            mask in proptest::collection::vec(proptest::bool::weighted(0.3), 1..300),
            spread in 1u32..300,
        ) {
            // Posts numbered far apart as well as side by side (`spread`), as a partition's are.
            let count = mask.len() as u32 * spread;
            let posts: Vec<PostFeatures> = (0..count)
                .map(|p| PostFeatures { text_hash: Some(p as u64 + 1), tokens: [p, p + 1].into_iter().collect(), ..Default::default() })
                .collect();
            let input = DetectInput::from_posts(posts, 1, &DetectConfig::default());
            let held: Vec<u32> = mask.iter().enumerate().filter(|(_, &m)| m).map(|(i, _)| i as u32 * spread).collect();
            let local = LocalTexts::gather(&input, held.clone());
            let probes: Vec<u32> = (0..count + spread).step_by(((spread / 7) as usize).max(1)).chain(held.iter().copied()).collect();
            for &p in &probes {
                let expected = if held.binary_search(&p).is_ok() { (input.text_hash(p), input.tokens(p)) } else { (0, &[][..]) };
                proptest::prop_assert_eq!((local.text_hash(p), local.tokens(p)), expected);
            }
            // Pairs agree with the whole input's wherever both posts are held.
            for pair in probes.windows(2).filter(|w| held.binary_search(&w[0]).is_ok() && held.binary_search(&w[1]).is_ok()) {
                proptest::prop_assert_eq!(local.differing_texts(pair[0], pair[1]), input.differing_texts(pair[0], pair[1]));
            }
        }
    }
}
