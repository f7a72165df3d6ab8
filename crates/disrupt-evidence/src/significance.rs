//! Tail probabilities and multiple-testing control.

/// `P(X >= k)` for `X ~ Poisson(lambda)`, accurate far into the tail (tiny p-values are
/// evidence strength, so they must not round to zero).
pub fn poisson_upper_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    if (k as f64) <= lambda {
        // The body: 1 - P(X < k), summed directly.
        let mut term = (-lambda).exp();
        let mut below = term;
        for i in 1..k {
            term *= lambda / i as f64;
            below += term;
        }
        return (1.0 - below).clamp(0.0, 1.0);
    }
    // The tail: sum terms from k upward in log space.
    let log_first = k as f64 * lambda.ln() - lambda - ln_factorial(k);
    let mut sum = 1.0;
    let mut ratio = 1.0;
    let mut i = k;
    loop {
        i += 1;
        ratio *= lambda / i as f64;
        sum += ratio;
        if ratio < 1e-17 * sum || i > k + 10_000 {
            break;
        }
    }
    (log_first + sum.ln()).exp().clamp(0.0, 1.0)
}

/// `P(X >= k)` where `X` is the number of successes of independent trials with success
/// probabilities `ps` (the Poisson-binomial distribution), by dynamic programming over
/// the trials with the count capped at `k`. When `k` is past half the trials the failures
/// are counted instead (`P(X >= k) = P(failures <= n - k)`), so the table has at most
/// `n / 2 + 1` columns: a hyperactive pair on a busy key (900 posts, 850 matched) costs
/// thousands of steps, not a million. Falls back to the Poisson tail with the same mean
/// when the table would still be large.
pub fn poisson_binomial_upper_tail(ps: &[f64], k: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k as usize > ps.len() {
        return 0.0;
    }
    let k = k as usize;
    let failures_allowed = ps.len() - k;
    // (Small tables count successes either way, so their values stay what they were to
    // the last bit.)
    let by_failures = failures_allowed < k - 1 && ps.len().saturating_mul(k) > 1 << 16;
    let columns = if by_failures { failures_allowed + 1 } else { k };
    if ps.len().saturating_mul(columns + 1) > 50_000_000 {
        return poisson_upper_tail(k as u64, ps.iter().sum());
    }
    // A large table whose tail is plainly not small (a busy pair matched about as often as
    // chance says): its exact value decides nothing, since every threshold is far below.
    if ps.len().saturating_mul(columns) > LARGE_TABLE {
        if let Some(p) = refined_normal_tail(ps, k).filter(|p| *p >= PLAINLY_NOT_SMALL) {
            return p;
        }
    }
    if by_failures {
        return failures_at_most(ps, failures_allowed);
    }
    let mut dist = vec![0.0f64; k];
    dist[0] = 1.0;
    let mut at_least = 0.0f64;
    for &p in ps {
        let p = p.clamp(0.0, 1.0);
        at_least += dist[k - 1] * p;
        for j in (1..k).rev() {
            dist[j] = dist[j] * (1.0 - p) + dist[j - 1] * p;
        }
        dist[0] *= 1.0 - p;
    }
    at_least.clamp(0.0, 1.0)
}

/// `P(X >= k)` for the Poisson-binomial of trials given as `(chance, count)` groups: the
/// same value as [`poisson_binomial_upper_tail`] of the expanded list, computed per group
/// by convolving with the group's binomial (cut at `k`), so a hyperactive account's
/// thousands of trials of a few kinds cost a few groups. Falls back to the expanded list
/// when `k` is large.
pub fn grouped_upper_tail(groups: &[(f64, u32)], k: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let total: u64 = groups.iter().map(|g| u64::from(g.1)).sum();
    if k > total {
        return 0.0;
    }
    if k > 64 {
        let expanded: Vec<f64> = groups.iter().flat_map(|&(p, c)| std::iter::repeat_n(p, c as usize)).collect();
        return poisson_binomial_upper_tail(&expanded, k);
    }
    let k = k as usize;
    // dist[j]: probability of exactly j successes so far, for j < k; `at_least` the mass at
    // k or more.
    let mut dist = vec![0.0f64; k];
    dist[0] = 1.0;
    let mut at_least = 0.0f64;
    let mut next = vec![0.0f64; k];
    for &(p, count) in groups {
        let p = p.clamp(0.0, 1.0);
        if p == 0.0 || count == 0 {
            continue;
        }
        // The group's binomial, cut at k (the rest goes to `at_least`).
        let n = count as usize;
        let mut binom = vec![0.0f64; k.min(n) + 1];
        let q = 1.0 - p;
        let ln_q = q.ln();
        for (i, b) in binom.iter_mut().enumerate() {
            let ln = ln_choose(n as u64, i as u64) + i as f64 * p.ln() + (n - i) as f64 * ln_q;
            *b = if q == 0.0 {
                if i == n {
                    1.0
                } else {
                    0.0
                }
            } else {
                ln.exp()
            };
        }
        let binom_tail: f64 = (1.0 - binom.iter().sum::<f64>()).max(0.0);
        next.iter_mut().for_each(|x| *x = 0.0);
        let mut reach = at_least;
        for (j, &d) in dist.iter().enumerate() {
            if d == 0.0 {
                continue;
            }
            for (i, &b) in binom.iter().enumerate() {
                if j + i < k {
                    next[j + i] += d * b;
                } else {
                    reach += d * b;
                }
            }
            // Successes past the cut of the binomial all reach k.
            reach += d * binom_tail;
        }
        std::mem::swap(&mut dist, &mut next);
        at_least = reach;
    }
    at_least.clamp(0.0, 1.0)
}

fn ln_choose(n: u64, k: u64) -> f64 {
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

/// Tables past this many cells (a millisecond's work) may take the approximation below.
const LARGE_TABLE: usize = 1 << 20;

/// Tail values at least this large are given by the approximation: no test's threshold is
/// above it (the loosest, a false-discovery rate of 0.05, sets its threshold at or below
/// 0.05; the others are 1e-3 and far below), and the refined normal approximation errs by
/// about 1e-3 with a thousand trials.
const PLAINLY_NOT_SMALL: f64 = 0.05;

/// `P(X >= k)` by the refined normal approximation (Volkova 1996; Hong 2013, eq. 2.3): the
/// normal with a continuity and a skewness correction. `None` when the variance is 0.
fn refined_normal_tail(ps: &[f64], k: usize) -> Option<f64> {
    let (mut mean, mut variance, mut third) = (0.0f64, 0.0f64, 0.0f64);
    for &p in ps {
        let p = p.clamp(0.0, 1.0);
        mean += p;
        variance += p * (1.0 - p);
        third += p * (1.0 - p) * (1.0 - 2.0 * p);
    }
    if variance <= 0.0 {
        return None;
    }
    let sd = variance.sqrt();
    let skew = third / (sd * sd * sd);
    let x = (k as f64 - 0.5 - mean) / sd;
    let density = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let below = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) + skew * (1.0 - x * x) * density / 6.0;
    Some((1.0 - below).clamp(0.0, 1.0))
}

/// `P(at most m of the trials fail)`, each trial failing with probability `1 - p`: the
/// distribution of failures kept up to `m` (mass past it is dropped).
fn failures_at_most(ps: &[f64], m: usize) -> f64 {
    let mut dist = vec![0.0f64; m + 1];
    dist[0] = 1.0;
    for &p in ps {
        let fail = 1.0 - p.clamp(0.0, 1.0);
        for j in (1..=m).rev() {
            dist[j] = dist[j] * (1.0 - fail) + dist[j - 1] * fail;
        }
        dist[0] *= 1.0 - fail;
    }
    dist.iter().sum::<f64>().clamp(0.0, 1.0)
}

/// `ln(n!)` (exact sum for small n, Stirling series beyond).
pub fn ln_factorial(n: u64) -> f64 {
    if n < 64 {
        (2..=n).map(|i| (i as f64).ln()).sum()
    } else {
        let x = n as f64 + 1.0;
        (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x * x * x)
    }
}

/// Benjamini-Hochberg: the largest p-value threshold that keeps the expected share of false
/// discoveries at or below `q`, given `tests` hypotheses of which `p_values` are the
/// (possibly partial: untested ones count as p = 1) observed p-values.
pub fn benjamini_hochberg_threshold(p_values: &[f64], tests: usize, q: f64) -> f64 {
    if p_values.is_empty() || tests == 0 {
        return 0.0;
    }
    let mut sorted: Vec<f64> = p_values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let m = tests.max(sorted.len()) as f64;
    let mut threshold = 0.0;
    for (i, p) in sorted.iter().enumerate() {
        if *p <= q * (i + 1) as f64 / m {
            threshold = *p;
        }
    }
    threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_grouped_tail_is_the_tail_of_the_expanded_trials(
            groups in proptest::collection::vec((0.0f64..1.0, 0u32..40), 0..12),
            k in 0u64..30,
        ) {
            let expanded: Vec<f64> = groups.iter().flat_map(|&(p, c)| std::iter::repeat_n(p, c as usize)).collect();
            let want = poisson_binomial_upper_tail(&expanded, k);
            let got = grouped_upper_tail(&groups, k);
            proptest::prop_assert!((got - want).abs() <= 1e-9 * want.max(1e-300) + 1e-12, "{got} vs {want}");
        }
    }

    #[test]
    fn tail_matches_direct_sums() {
        // P(X >= 3 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125)
        let exact = 1.0 - (-0.5f64).exp() * (1.0 + 0.5 + 0.125);
        assert!((poisson_upper_tail(3, 0.5) - exact).abs() < 1e-12);
        assert!((poisson_upper_tail(1, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-12);
        assert_eq!(poisson_upper_tail(0, 3.0), 1.0);
        // Deep tail stays positive and ordered.
        let deep = poisson_upper_tail(40, 0.01);
        assert!(deep > 0.0 && deep < 1e-100);
        assert!(poisson_upper_tail(41, 0.01) < deep);
    }

    #[test]
    fn poisson_binomial_matches_hand_computed_cases() {
        let third = [1.0 / 3.0; 3];
        assert!((poisson_binomial_upper_tail(&third, 3) - 1.0 / 27.0).abs() < 1e-15);
        // P(X >= 2) for p = (0.5, 0.2, 0.1): 0.5*0.2*0.9 + 0.5*0.8*0.1 + 0.5*0.2*0.1 + 0.5*0.2*0.1
        let exact = 0.5 * 0.2 * 0.9 + 0.5 * 0.8 * 0.1 + 0.5 * 0.2 * 0.1 + 0.5 * 0.2 * 0.1;
        assert!((poisson_binomial_upper_tail(&[0.5, 0.2, 0.1], 2) - exact).abs() < 1e-15);
        assert_eq!(poisson_binomial_upper_tail(&[0.5], 2), 0.0);
        assert_eq!(poisson_binomial_upper_tail(&[0.5], 0), 1.0);
        // Never more extreme than certain, never below the Poisson bound's order for tiny p.
        let small = vec![0.01; 40];
        let pb = poisson_binomial_upper_tail(&small, 3);
        let po = poisson_upper_tail(3, 0.4);
        assert!(pb < po && pb > po / 3.0, "{pb} vs {po}");
    }

    /// `P(X >= k)` by counting successes, with no shortcut.
    fn successes_at_least(ps: &[f64], k: usize) -> f64 {
        let mut dist = vec![0.0f64; k];
        dist[0] = 1.0;
        let mut at_least = 0.0;
        for &p in ps {
            at_least += dist[k - 1] * p;
            for j in (1..k).rev() {
                dist[j] = dist[j] * (1.0 - p) + dist[j - 1] * p;
            }
            dist[0] *= 1.0 - p;
        }
        at_least
    }

    /// `P(X >= k)` by summing over every outcome of the trials.
    fn brute_force_tail(ps: &[f64], k: usize) -> f64 {
        (0u32..1 << ps.len())
            .filter(|outcome| outcome.count_ones() as usize >= k)
            .map(|outcome| ps.iter().enumerate().map(|(i, p)| if outcome >> i & 1 == 1 { *p } else { 1.0 - p }).product::<f64>())
            .sum()
    }

    proptest::proptest! {
        #[test]
        fn poisson_binomial_tail_is_exact(
            ps in proptest::collection::vec(0.0f64..=1.0, 1..12),
            k in 0usize..13,
        ) {
            let expected = if k == 0 { 1.0 } else { brute_force_tail(&ps, k) };
            let got = poisson_binomial_upper_tail(&ps, k as u64);
            proptest::prop_assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
        }

        #[test]
        fn counting_failures_gives_the_tail_of_counting_successes(
            ps in proptest::collection::vec(0.0f64..=1.0, 300..400),
            past_half in 0usize..150,
        ) {
            // Tables large enough to count failures when k is past half the trials.
            let k = ps.len() - past_half;
            let by_failures = poisson_binomial_upper_tail(&ps, k as u64);
            let by_successes = failures_at_most(&ps, ps.len() - k);
            proptest::prop_assert!((by_failures - by_successes).abs() < 1e-12);
            let at_least = successes_at_least(&ps, k);
            proptest::prop_assert!((by_failures - at_least).abs() < 1e-12, "{by_failures} vs {at_least}");
        }
    }

    #[test]
    fn large_tables_agree_with_the_exact_tail_where_approximated() {
        // 3,000 trials at mixed chances: around the mean the approximation is used, and it
        // stays within 0.01 of the exact count; in the tail the exact count is kept.
        let ps: Vec<f64> = (0..3000).map(|i| 0.05 + 0.3 * ((i * 7919) % 1000) as f64 / 1000.0).collect();
        let mean: f64 = ps.iter().sum();
        for k in [mean as usize - 40, mean as usize, mean as usize + 10, mean as usize + 60, mean as usize + 200] {
            let got = poisson_binomial_upper_tail(&ps, k as u64);
            let exact = successes_at_least(&ps, k);
            assert!((got - exact).abs() < 0.01, "k = {k}: {got} vs {exact}");
            if exact < PLAINLY_NOT_SMALL / 2.0 {
                assert!((got - exact).abs() <= exact * 1e-9, "k = {k}: the tail is exact");
            }
        }
    }

    #[test]
    fn factorials() {
        assert!((ln_factorial(10) - 3_628_800f64.ln()).abs() < 1e-9);
        assert!((ln_factorial(100) - 363.739_375_555_563_5).abs() < 1e-6);
    }

    #[test]
    fn bh_controls_by_rank() {
        let p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205];
        // Classic example: with q = 0.05 and m = 8 the first two are discoveries.
        assert_eq!(benjamini_hochberg_threshold(&p, 8, 0.05), 0.008);
        // Untested hypotheses make it stricter.
        assert_eq!(benjamini_hochberg_threshold(&p, 100, 0.05), 0.0);
    }
}
