//! The null model keeps coordination and drops popularity.

use disrupt_detect::{detect, DetectConfig, DetectInput, PostFeatures, Signal};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TRENDING: u64 = 1;
const RARE: u64 = 2;
const DAY_MS: i64 = 86_400_000;

fn post(account: u32, time: i64, hashtags: Vec<u64>) -> PostFeatures {
    PostFeatures { account, time, hashtags: hashtags.into(), ..Default::default() }
}

/// 500 organic accounts use a trending hashtag at random times in one day (some twice);
/// each also posts other, private hashtags.
fn organic_day(rng: &mut ChaCha8Rng) -> Vec<PostFeatures> {
    let mut posts = Vec::new();
    for account in 0..500u32 {
        let uses = rng.gen_range(1..=3);
        for _ in 0..uses {
            posts.push(post(account, rng.gen_range(0..DAY_MS), vec![TRENDING]));
        }
        posts.push(post(account, rng.gen_range(0..DAY_MS), vec![1000 + account as u64]));
    }
    posts
}

#[test]
fn a_hashtag_500_organic_accounts_use_in_a_day_yields_no_edge() {
    for seed in 0..5 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let input = DetectInput::from_posts(organic_day(&mut rng), 500, &DetectConfig::default());
        let detection = detect(&input, &DetectConfig::default()).unwrap();
        let report = detection.signal(Signal::CO_HASHTAG).unwrap();
        assert!(report.pairs_examined > 50, "the tag does co-occur by chance ({} pairs)", report.pairs_examined);
        let significant: Vec<_> = report.pairs.iter().filter(|p| p.significant).collect();
        assert!(significant.is_empty(), "seed {seed}: {significant:?}");
        assert!(detection.fused.pairs.iter().all(|p| !p.significant));
    }
}

#[test]
fn five_accounts_sharing_a_rare_hashtag_within_60s_on_3_occasions_are_linked() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut posts = organic_day(&mut rng);
    let operators: Vec<u32> = (500..505).collect();
    for occasion in 0..3 {
        let start = 3 * 3_600_000 + occasion * 5 * 3_600_000;
        for &account in &operators {
            posts.push(post(account, start + rng.gen_range(0..60_000), vec![RARE]));
        }
    }
    let input = DetectInput::from_posts(posts, 505, &DetectConfig::default());
    let detection = detect(&input, &DetectConfig::default()).unwrap();
    let report = detection.signal(Signal::CO_HASHTAG).unwrap();
    let significant: Vec<(u32, u32)> = report.pairs.iter().filter(|p| p.significant).map(|p| (p.a, p.b)).collect();
    let expected: Vec<(u32, u32)> = (500..505).flat_map(|a| (a + 1..505).map(move |b| (a, b))).collect();
    assert_eq!(significant, expected);
    for p in report.pairs.iter().filter(|p| p.significant) {
        assert_eq!(p.co_actions, 3);
        assert!(p.p_value < 1e-3);
    }
}

#[test]
fn one_burst_is_not_enough_however_large() {
    // A chant: 100 accounts post the same text within a minute, once.
    let posts: Vec<PostFeatures> = (0..100u32)
        .map(|a| PostFeatures {
            account: a,
            time: a as i64 * 500,
            text_hash: Some(42),
            tokens: [1, 2, 3, 4, 5].into_iter().collect(),
            ..Default::default()
        })
        .collect();
    let detection = detect(&DetectInput::from_posts(posts, 100, &DetectConfig::default()), &DetectConfig::default()).unwrap();
    assert!(detection.fused.pairs.iter().all(|p| !p.significant));
    assert_eq!(detection.signal(Signal::CO_POST).unwrap().pairs_examined, 4950);
}
