//! Hot paths of detection: MinHash signatures and the whole detector set on synthetic
//! bursts over an organic background. `cargo bench -p disrupt-detect`.
// criterion_group! makes public functions that cannot carry docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use disrupt_detect::{detect, DetectConfig, DetectInput, PostFeatures};
use disrupt_normalize::minhash::{band_keys, signature};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn synthetic(posts: usize, accounts: u32, seed: u64) -> DetectInput {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let week = 7 * 86_400_000i64;
    let mut out = Vec::with_capacity(posts);
    for i in 0..posts {
        let burst = i % 50 == 0;
        let text_key = if burst { rng.gen_range(0..200u64) } else { rng.gen::<u64>() };
        let mut tokens: Vec<u32> = (0..rng.gen_range(6..20)).map(|_| rng.gen_range(0..5000)).collect();
        tokens.sort_unstable();
        tokens.dedup();
        out.push(PostFeatures {
            account: rng.gen_range(0..accounts),
            id: i as u64,
            site: if rng.gen_bool(0.2) { rng.gen_range(1..40) } else { 0 },
            time: if burst { (text_key as i64) * 3_000_000 + rng.gen_range(0..90_000) } else { rng.gen_range(0..week) },
            text_hash: Some(text_key),
            tokens: tokens.into(),
            urls: if rng.gen_bool(0.2) { [rng.gen_range(0..3000)].into_iter().collect() } else { Default::default() },
            hashtags: if rng.gen_bool(0.3) { [rng.gen_range(0..300)].into_iter().collect() } else { Default::default() },
            objects: if rng.gen_bool(0.1) { [rng.gen_range(0..2000)].into_iter().collect() } else { Default::default() },
            repost_of: if rng.gen_bool(0.15) { Some(rng.gen_range(0..20_000)) } else { None },
            reply_to: if rng.gen_bool(0.1) { Some(rng.gen_range(0..20_000)) } else { None },
            sketch: Default::default(),
        });
    }
    DetectInput::from_posts(out, accounts as usize, &DetectConfig::default())
}

fn bench_minhash(c: &mut Criterion) {
    let tokens: Vec<u32> = (0..18).map(|i| i * 7919).collect();
    let mut g = c.benchmark_group("minhash");
    g.throughput(Throughput::Elements(1));
    g.bench_function("signature_18_tokens", |b| b.iter(|| signature(black_box(&tokens))));
    let sig = signature(&tokens);
    g.bench_function("band_keys", |b| b.iter(|| band_keys(black_box(&sig))));
    g.finish();
}

fn bench_detect(c: &mut Criterion) {
    let mut g = c.benchmark_group("detect");
    g.sample_size(10);
    for posts in [20_000usize, 100_000] {
        let input = synthetic(posts, (posts / 10) as u32, 7);
        g.throughput(Throughput::Elements(posts as u64));
        g.bench_function(format!("all_signals_{posts}_posts"), |b| b.iter(|| detect(black_box(&input), &DetectConfig::default())));
    }
    g.finish();
}

criterion_group!(benches, bench_minhash, bench_detect);
criterion_main!(benches);
