//! Where normalization's time goes: reads a file's posts into memory, then runs each step of
//! `normalize_post` over all of them on one thread and prints the time per post of each, so
//! a change to one step can be measured on real data without the rest of a scan.
//!
//! `cargo run --release -p disrupt-pipeline --example normalize_speed -- FILE`

use disrupt_ingest::{ingest_file, IngestEvent, IngestOptions};
use disrupt_normalize::{canonical_url, extract_hashtags, extract_urls, fold_hashtag, matching_text, with_word_set_and_sketch, UrlPolicy};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: normalize_speed FILE");
        std::process::exit(2);
    };
    let mut posts = Vec::new();
    let result = ingest_file(std::path::Path::new(&file), &file, &IngestOptions::default(), &mut |event| {
        if let IngestEvent::Record { record: disrupt_records::Record::Post(p), .. } = event {
            posts.push(p);
        }
    });
    if let Err(e) = result {
        eprintln!("{file}: {e}");
        std::process::exit(1);
    }
    let policy = UrlPolicy::default();
    let n = posts.len() as f64;
    let time = |label: &str, f: &mut dyn FnMut()| {
        let started = Instant::now();
        f();
        println!("{label:<24} {:>8.0} ns/post", started.elapsed().as_secs_f64() * 1e9 / n);
    };
    println!("{} posts from {file}", posts.len());
    // Two rounds: the first warms caches, the fold cache and the allocator.
    for round in 1..=2 {
        println!("round {round}");
        let mut texts: Vec<String> = Vec::with_capacity(posts.len());
        time("matching_text", &mut || {
            texts = posts.iter().map(|p| if p.repost_of.is_some() { String::new() } else { matching_text(&p.text) }).collect();
        });
        time("word_set_and_sketch", &mut || {
            // As the scan keeps them: copied from the per-thread buffers into inline storage.
            use disrupt_detect::input::{Sketch, WordHashes, SKETCH_LEN};
            for t in &texts {
                black_box(with_word_set_and_sketch(t, SKETCH_LEN, |words, sketch| {
                    (WordHashes::from_slice(words), Sketch::from_slice(sketch))
                }));
            }
        });
        time("urls", &mut || {
            for p in &posts {
                let raw = match &p.urls {
                    Some(u) => u.clone(),
                    None => extract_urls(&p.text),
                };
                let mut urls: Vec<String> = raw.iter().filter_map(|u| canonical_url(u, &policy)).collect();
                urls.sort();
                urls.dedup();
                black_box(urls);
            }
        });
        time("hashtags", &mut || {
            for p in &posts {
                let raw = match &p.hashtags {
                    Some(h) => h.clone(),
                    None => extract_hashtags(&p.text),
                };
                let mut tags: Vec<String> = raw.iter().map(|h| fold_hashtag(h)).filter(|h| !h.is_empty()).collect();
                tags.sort();
                tags.dedup();
                black_box(tags);
            }
        });
        let copies: Vec<_> = posts.iter().map(|p| (p.clone(), p.account.len() as u32)).collect();
        let mut normalized = Vec::with_capacity(copies.len());
        time("normalize_post (whole)", &mut || {
            normalized = copies.iter().map(|(p, a)| disrupt_pipeline::prepare::normalize_post(p.clone(), *a, &policy)).collect();
        });
        time("  of which clone", &mut || {
            black_box(copies.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>());
        });
        time("encode_fields", &mut || {
            let mut out = Vec::new();
            for n in &normalized {
                out.clear();
                disrupt_evidence::store::encode_fields(&n.info, &mut out);
                black_box(&out);
            }
        });
    }
}
