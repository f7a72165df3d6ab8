//! Community detection on planted-partition graphs the size of large scans' evidence graphs.
//! `cargo bench -p disrupt-networks`.
// criterion_group! makes public functions that cannot carry docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use disrupt_networks::{leiden, Graph, LeidenConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn planted(groups: u32, size: u32, p_in: f64, p_out_edges: usize, seed: u64) -> Graph {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = groups * size;
    let mut g = Graph::new(n as usize);
    for group in 0..groups {
        let base = group * size;
        for a in 0..size {
            for b in a + 1..size {
                if rng.gen_bool(p_in) {
                    g.add_edge(base + a, base + b, rng.gen_range(1.0..5.0));
                }
            }
        }
    }
    for _ in 0..p_out_edges {
        let (a, b) = (rng.gen_range(0..n), rng.gen_range(0..n));
        if a != b {
            g.add_edge(a, b, 1.0);
        }
    }
    g
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("leiden");
    group.sample_size(10);
    for (groups, size) in [(50u32, 30u32), (200, 40)] {
        let g = planted(groups, size, 0.3, (groups * size) as usize, 1);
        group.bench_function(format!("{groups}x{size}_nodes"), |b| b.iter(|| leiden(black_box(&g), &LeidenConfig::default())));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
