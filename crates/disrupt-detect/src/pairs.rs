//! Sets of post pairs: what the window engine emits. A set union is exact, commutative
//! and idempotent, which is what makes per-partition results mergeable.

/// A co-action between two posts of different accounts (`a < b` by post index), with the
/// number of distinct accounts that acted on the rarest key they shared, and the
/// occurrence of that key they co-acted in (0 when the signal's units are texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PostPair {
    /// The lower post number.
    pub a: u32,
    /// The higher post number.
    pub b: u32,
    /// Accounts that ever used the key the pair matched on.
    pub key_accounts: u32,
    /// The key's occurrence (see [`crate::window::occurrence_id`]).
    pub unit: u64,
}

impl PostPair {
    /// The pair of `x` and `y`, in order.
    pub fn new(x: u32, y: u32, key_accounts: u32, unit: u64) -> Self {
        if x < y {
            Self { a: x, b: y, key_accounts, unit }
        } else {
            Self { a: y, b: x, key_accounts, unit }
        }
    }
}

/// Sorted, distinct post pairs; for a pair found through several keys the rarest key is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostPairSet {
    pairs: Vec<PostPair>,
}

impl PostPairSet {
    /// A set of the pairs, sorted and deduplicated.
    pub fn from_unsorted(mut pairs: Vec<PostPair>) -> Self {
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut pairs[..]);
        // Sorted by (a, b, key_accounts, unit): the first of each (a, b) run has the rarest key.
        pairs.dedup_by(|later, first| later.a == first.a && later.b == first.b);
        Self { pairs }
    }

    /// Both sets' pairs.
    pub fn union(self, other: Self) -> Self {
        let mut all = self.pairs;
        all.extend(other.pairs);
        Self::from_unsorted(all)
    }

    /// Union of many sets at once.
    pub fn merge_all(sets: Vec<PostPairSet>) -> Self {
        let mut all = Vec::with_capacity(sets.iter().map(PostPairSet::len).sum());
        for set in sets {
            all.extend(set.pairs);
        }
        Self::from_unsorted(all)
    }

    /// The pairs, sorted.
    pub fn as_slice(&self) -> &[PostPair] {
        &self.pairs
    }

    /// Pairs held.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether no pair is held.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Packs an unordered account pair into one word (lower index in the high half).
pub fn account_pair_key(x: u32, y: u32) -> u64 {
    let (lo, hi) = if x < y { (x, y) } else { (y, x) };
    ((lo as u64) << 32) | hi as u64
}

/// The two account numbers of an [`account_pair_key`].
pub fn unpack_account_pair(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_keeps_the_rarest_key_once() {
        let a = PostPairSet::from_unsorted(vec![PostPair::new(5, 2, 30, 9), PostPair::new(1, 3, 4, 8)]);
        let b = PostPairSet::from_unsorted(vec![PostPair::new(2, 5, 7, 6), PostPair::new(1, 3, 4, 8)]);
        let u = a.clone().union(b.clone());
        assert_eq!(u.as_slice(), &[PostPair::new(1, 3, 4, 8), PostPair::new(2, 5, 7, 6)]);
        assert_eq!(u, b.union(a));
    }
}
