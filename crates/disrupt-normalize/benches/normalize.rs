//! Normalization hot paths: matching text (ASCII, accented and disguised Unicode) and canonical
//! URLs.
//! `cargo bench -p disrupt-normalize`.
// criterion_group! makes public functions that cannot carry docs.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use disrupt_normalize::{canonical_url, detect_language, matching_text, UrlPolicy};

fn bench(c: &mut Criterion) {
    let ascii = "Breaking: the city council voted to double the bridge budget again, and nobody explained why #Council https://t.co/x?utm_source=tw";
    let disguised = "Вrеаking: the сity соuncil vоted tо dоuble the bridge budget аgаin,\u{200B} and nobody explained why 🔥🔥 #Council";
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Bytes(ascii.len() as u64));
    g.bench_function("matching_text_ascii", |b| b.iter(|| matching_text(black_box(ascii))));
    g.throughput(Throughput::Bytes(disguised.len() as u64));
    g.bench_function("matching_text_disguised", |b| b.iter(|| matching_text(black_box(disguised))));
    // Most non-ASCII posts are not disguised, only written in a language with accents.
    let accented = "Él dijo que la situación económica está mejorando rápidamente en la región según el ministro #economía";
    g.throughput(Throughput::Bytes(accented.len() as u64));
    g.bench_function("matching_text_accented", |b| b.iter(|| matching_text(black_box(accented))));
    let policy = UrlPolicy::default();
    g.throughput(Throughput::Elements(1));
    g.bench_function("canonical_url", |b| {
        b.iter(|| canonical_url(black_box("https://www.News.example.com:443/story/42/?utm_source=tw&b=2&a=1#top"), &policy))
    });
    let english = "The city council voted to double the bridge budget again and nobody explained why";
    g.bench_function("detect_language_english", |b| b.iter(|| detect_language(black_box(english))));
    let indonesian = "Saya sangat senang bertemu dengan kamu hari ini di rumah nenek";
    g.bench_function("detect_language_indonesian", |b| b.iter(|| detect_language(black_box(indonesian))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
