//! A hot key (a hashtag used 300 times a minute for more than three hours) is worked in
//! memory and time near-linear in its events, and a ring hidden in it is still found by
//! what it does besides (under the participation null a key twenty thousand accounts used
//! is weak evidence about any two of them, however often they used it together).

use disrupt_detect::{detect, DetectConfig, DetectInput, PostFeatures, Signal};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TREND: u64 = 1;
const RING: std::ops::Range<u32> = 20_000..20_008;

/// 60,000 posts of the trend over 200 minutes by 20,000 accounts of heavy-tailed activity
/// (the busiest post hundreds of times), and 8 accounts posting it together 12 times, each
/// time with a campaign tag of their own besides.
fn trend_with_ring(seed: u64) -> Vec<PostFeatures> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let span_ms = 200 * 60_000;
    let weights: Vec<f64> = (0..20_000).map(|i| 1.0 / (i as f64 + 1.0).powf(0.8)).collect();
    let total: f64 = weights.iter().sum();
    let mut cumulative = Vec::with_capacity(weights.len());
    let mut sum = 0.0;
    for w in &weights {
        sum += w / total;
        cumulative.push(sum);
    }
    let mut posts = Vec::new();
    for _ in 0..60_000 {
        let draw: f64 = rng.gen();
        let account = cumulative.partition_point(|&c| c < draw).min(19_999) as u32;
        posts.push(PostFeatures { account, time: rng.gen_range(0..span_ms), hashtags: vec![TREND].into(), ..Default::default() });
    }
    for burst in 0..12u64 {
        let at = rng.gen_range(0..span_ms - 60_000);
        for account in RING {
            let hashtags = vec![TREND, 1_000 + burst].into();
            posts.push(PostFeatures { account, time: at + rng.gen_range(0..20_000), hashtags, ..Default::default() });
        }
    }
    posts
}

#[test]
fn a_ring_hidden_in_a_trend_is_found_and_nothing_else() {
    let config = DetectConfig::default();
    let input = DetectInput::from_posts(trend_with_ring(3), RING.end as usize, &config);
    let started = std::time::Instant::now();
    let detection = detect(&input, &config).unwrap();
    let report = detection.signal(Signal::CO_HASHTAG).unwrap();
    let significant: Vec<(u32, u32)> = detection.fused.pairs.iter().filter(|p| p.significant).map(|p| (p.a, p.b)).collect();
    let ring: Vec<(u32, u32)> = RING.flat_map(|a| (a + 1..RING.end).map(move |b| (a, b))).collect();
    assert_eq!(significant, ring);
    // Evidence is materialised for candidate pairs only, one post pair per matched post
    // (enumerating the key would be 36 million pairs within 60 s and 1.4 billion within
    // the hour of the baseline).
    let kept: usize = report.pairs.iter().map(|p| p.matches.len()).sum();
    assert!(kept < 2_000_000, "{kept} post pairs kept");
    // Seconds in an optimised build; an unoptimised `cargo test` is some ten times slower.
    let limit = if cfg!(debug_assertions) { 900 } else { 120 };
    assert!(started.elapsed().as_secs() < limit, "took {:?}", started.elapsed());
}
