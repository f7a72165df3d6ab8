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
/// the trials with the count capped at `k`. Falls back to the Poisson tail with the same
/// mean when the table would be large.
pub fn poisson_binomial_upper_tail(ps: &[f64], k: u64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k as usize > ps.len() {
        return 0.0;
    }
    let k = k as usize;
    if ps.len().saturating_mul(k + 1) > 50_000_000 {
        return poisson_upper_tail(k as u64, ps.iter().sum());
    }
    // dist[j] = P(j successes so far), j < k; `at_least` = P(k or more so far).
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
