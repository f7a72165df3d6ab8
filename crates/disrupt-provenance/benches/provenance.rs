//! Provenance index build and post matching on synthetic word sets.
// criterion_group! makes public functions that cannot carry docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use disrupt_provenance::provenance::{IndexedOutput, PostWords, ProvenanceIndex};
use disrupt_provenance::ProvenanceConfig;
use rand::{Rng, SeedableRng};

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
    fn sketch(&self, post: u32) -> &[u32] {
        let w = &self.0[post as usize].0;
        &w[..w.len().min(8)]
    }
}

fn words(rng: &mut impl Rng) -> Vec<u32> {
    // Zipf-like vocabulary of 50,000 words.
    let mut w: Vec<u32> = (0..rng.gen_range(8..30)).map(|_| (rng.gen::<f64>().powi(3) * 50_000.0) as u32).collect();
    w.sort_unstable();
    w.dedup();
    w
}

fn bench(c: &mut Criterion) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let n = 100_000;
    let outputs: Vec<IndexedOutput> = (0..n)
        .map(|g| {
            let w = words(&mut rng);
            IndexedOutput { generation: g, output: 0, account: g % 1000, time: 0, pairs: w.clone(), words: w }
        })
        .collect();
    let posts = Posts((0..n as usize).map(|i| if i % 10 == 0 { (outputs[i].words.clone(), 10) } else { (words(&mut rng), 10) }).collect());
    let config = ProvenanceConfig::default();
    let mut g = c.benchmark_group("provenance");
    g.sample_size(10);
    g.bench_function("build_100k_outputs", |b| b.iter(|| ProvenanceIndex::build(black_box(outputs.clone()), &config)));
    let index = ProvenanceIndex::build(outputs.clone(), &config);
    g.bench_function("match_100k_posts", |b| b.iter(|| index.match_posts(black_box(&posts), &config)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
