//! MinHash signatures and LSH banding for near-duplicate candidates.
//!
//! MinHash with `BANDS * ROWS` hash functions over a post's word set (seeded 32-bit
//! multiply-xorshift mixes of the word hashes); each band of `ROWS` values hashes to one LSH key. With 21 bands of 3 rows, two
//! texts of Jaccard similarity 0.5 share a band with probability 0.94, at 0.6 with 0.99,
//! at 0.2 with 0.15; candidates are then checked with the exact Jaccard similarity of
//! their word sets, so the sketch decides only what is compared, never what matches.

/// LSH bands.
pub const BANDS: usize = 21;
/// Rows (hash functions) per band.
pub const ROWS: usize = 3;
/// Hash functions in all.
pub const SIGNATURE_LEN: usize = BANDS * ROWS;

/// Seeds and multipliers of the hash family, derived once from a fixed seed so that
/// signatures are stable across runs and machines.
struct HashFamily {
    seed: [u32; SIGNATURE_LEN],
    mul: [u32; SIGNATURE_LEN],
}

static FAMILY: std::sync::LazyLock<HashFamily> = std::sync::LazyLock::new(|| {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut seed = [0u32; SIGNATURE_LEN];
    let mut mul = [0u32; SIGNATURE_LEN];
    for (s, m) in seed.iter_mut().zip(mul.iter_mut()) {
        *s = next() as u32;
        *m = (next() as u32) | 1;
    }
    HashFamily { seed, mul }
});

/// One member of the family: the token xor-ed with the member's seed, then a 32-bit
/// multiply-xorshift mix (each step a bijection, so distinct tokens never collide within a
/// member). 32-bit lanes let the compiler compute eight members per instruction.
#[inline(always)]
fn member(token: u32, seed: u32, mul: u32) -> u32 {
    let mut h = (token ^ seed).wrapping_mul(mul);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^ (h >> 12)
}

#[inline(always)]
fn signature_into(tokens: &[u32], family: &HashFamily, sig: &mut [u32; SIGNATURE_LEN]) {
    for &t in tokens {
        for ((slot, s), m) in sig.iter_mut().zip(&family.seed).zip(&family.mul) {
            *slot = (*slot).min(member(t, *s, *m));
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn signature_avx2(tokens: &[u32], family: &HashFamily, sig: &mut [u32; SIGNATURE_LEN]) {
    signature_into(tokens, family, sig)
}

/// MinHash signature of a set of 32-bit token hashes (the same values on every machine; AVX2
/// only makes it faster where the processor has it).
pub fn signature(tokens: &[u32]) -> [u32; SIGNATURE_LEN] {
    let family = &*FAMILY;
    let mut sig = [u32::MAX; SIGNATURE_LEN];
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor was just checked to support AVX2.
            unsafe { signature_avx2(tokens, family, &mut sig) };
            return sig;
        }
    }
    signature_into(tokens, family, &mut sig);
    sig
}

/// LSH keys of a signature, one per band (the band index is mixed in). A band's rows are
/// folded into 64 bits by multiply-xorshift steps: keys only need to be distinct, and this
/// is several times cheaper than hashing the band's bytes.
pub fn band_keys(sig: &[u32; SIGNATURE_LEN]) -> [u64; BANDS] {
    let mut keys = [0u64; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let mut k = (band as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for pair in sig[band * ROWS..(band + 1) * ROWS].chunks(2) {
            let word = pair[0] as u64 | (pair.get(1).copied().unwrap_or(0) as u64) << 32;
            k = (k ^ word).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            k ^= k >> 31;
        }
        k = k.wrapping_mul(0x94D0_49BB_1331_11EB);
        *key = k ^ (k >> 29);
    }
    keys
}

/// Fraction of equal signature positions: an unbiased estimate of Jaccard similarity.
pub fn estimate_jaccard(x: &[u32; SIGNATURE_LEN], y: &[u32; SIGNATURE_LEN]) -> f64 {
    x.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / SIGNATURE_LEN as f64
}

/// Number of values two sorted, distinct lists share.
pub fn intersection_size(x: &[u32], y: &[u32]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// Exact Jaccard similarity of two sorted, distinct token lists.
pub fn jaccard_sorted(x: &[u32], y: &[u32]) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 0.0;
    }
    let common = intersection_size(x, y);
    common as f64 / (x.len() + y.len() - common) as f64
}

/// Probability that two sets of similarity `s` share at least one band.
pub fn candidate_probability(s: f64) -> f64 {
    1.0 - (1.0 - s.powi(ROWS as i32)).powi(BANDS as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxhash_rust::xxh3::xxh3_64;

    fn set(range: std::ops::Range<u32>) -> Vec<u32> {
        range.map(|i| (xxh3_64(&i.to_le_bytes()) >> 32) as u32).collect::<std::collections::BTreeSet<_>>().into_iter().collect()
    }

    #[test]
    fn estimates_track_true_similarity() {
        // |A ∩ B| = 60, |A ∪ B| = 140: J = 0.4286
        let a = set(0..100);
        let b = set(40..140);
        let truth = jaccard_sorted(&a, &b);
        assert!((truth - 60.0 / 140.0).abs() < 1e-9);
        let est = estimate_jaccard(&signature(&a), &signature(&b));
        assert!((est - truth).abs() < 0.2, "estimate {est} truth {truth}");
        assert_eq!(estimate_jaccard(&signature(&a), &signature(&a)), 1.0);
    }

    #[test]
    fn the_vectorised_and_plain_paths_agree() {
        let tokens = set(0..37);
        let mut plain = [u32::MAX; SIGNATURE_LEN];
        signature_into(&tokens, &FAMILY, &mut plain);
        assert_eq!(signature(&tokens), plain);
    }

    #[test]
    fn estimates_are_unbiased_over_many_pairs() {
        // Mean estimate over 200 pairs of J = 0.5 sets: close to 0.5 when the members are
        // independent enough.
        let mut total = 0.0;
        for k in 0..200u32 {
            let a = set(k * 1000..k * 1000 + 30);
            let b = set(k * 1000 + 10..k * 1000 + 40);
            total += estimate_jaccard(&signature(&a), &signature(&b));
        }
        let mean = total / 200.0;
        assert!((mean - 0.5).abs() < 0.02, "mean estimate {mean}");
    }

    #[test]
    fn banding_curve() {
        assert!(candidate_probability(0.6) > 0.99);
        assert!(candidate_probability(0.5) > 0.93);
        assert!(candidate_probability(0.2) < 0.16);
    }
}
