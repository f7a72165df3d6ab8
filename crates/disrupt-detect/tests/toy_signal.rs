//! A signal is one module plus its registration. This file holds a whole one, `co_min_word`
//! (posts whose word sets share their smallest word hash: one-permutation MinHash, which
//! catches a code word slipped into otherwise different texts), registers it, and runs it.

use disrupt_detect::signals::{Confirmation, KeySink, NullModel, SignalSpec, UnitKind};
use disrupt_detect::{detect, DetectConfig, DetectInput, PostFeatures};
use disrupt_evidence::{EvidenceKind, SharedItems, Signal, SignalConfig, SignalDescription, SignalSummary};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The whole signal: its name, window, keys, null model and phrase.
mod co_min_word {
    use super::*;

    pub const SIGNAL: Signal = Signal::named("co_min_word");

    pub static SPEC: SignalSpec = SignalSpec {
        description: SignalDescription { signal: SIGNAL, phrase, shares: SharedItems::Values, kind: EvidenceKind::CopiedText },
        default: SignalConfig { enabled: true, window_seconds: 60.0 },
        keys,
        null: NullModel { unit: UnitKind::KeyOccurrence, by_site: false, reactions: false, confirmation: Confirmation::SameKey },
    };

    fn phrase(s: &SignalSummary) -> String {
        format!("slipped the same word into {} different texts {}", s.posts, s.when())
    }

    fn keys(post: &PostFeatures, config: &DetectConfig, sink: &mut KeySink<'_>) {
        if post.repost_of.is_none() && post.tokens.len() >= config.min_text_tokens {
            if let Some(&smallest) = post.tokens.iter().min() {
                sink.push(u64::from(smallest));
            }
        }
    }
}

fn text(rng: &mut ChaCha8Rng, code_word: Option<u32>) -> PostFeatures {
    let mut tokens: Vec<u32> = (0..12).map(|_| rng.gen_range(1_000..u32::MAX)).collect();
    tokens.extend(code_word);
    tokens.sort_unstable();
    tokens.dedup();
    PostFeatures { tokens: tokens.into_iter().collect(), ..Default::default() }
}

/// 300 organic accounts post random texts through a day; five operators post different
/// texts carrying one code word, together within a minute, on four occasions.
fn day() -> Vec<PostFeatures> {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut posts = Vec::new();
    for account in 0..300u32 {
        for _ in 0..4 {
            posts.push(PostFeatures { account, time: rng.gen_range(0..86_400_000), ..text(&mut rng, None) });
        }
    }
    for occasion in 0..4i64 {
        for account in 300..305u32 {
            let time = occasion * 5 * 3_600_000 + rng.gen_range(0..60_000);
            posts.push(PostFeatures { account, time, ..text(&mut rng, Some(7)) });
        }
    }
    posts
}

#[test]
fn a_registered_toy_signal_runs_like_the_built_in_ones() {
    let mut config = DetectConfig::default();
    config.register(&co_min_word::SPEC);
    assert_eq!(config.signal(co_min_word::SIGNAL), co_min_word::SPEC.default);
    // Its settings are written with the others, after the built-in detectors.
    let settings = serde_json::to_value(&config).unwrap();
    assert_eq!(settings["co_min_word"]["window_seconds"], 60.0);

    let input = DetectInput::from_posts(day(), 305, &config);
    let detection = detect(&input, &config).unwrap();
    let report = detection.signal(co_min_word::SIGNAL).expect("the toy signal ran");
    let significant: Vec<(u32, u32)> = report.pairs.iter().filter(|p| p.significant).map(|p| (p.a, p.b)).collect();
    let operators: Vec<(u32, u32)> = (300..305).flat_map(|a| (a + 1..305).map(move |b| (a, b))).collect();
    assert_eq!(significant, operators, "the five operators, and nobody else");
    // The built-in text signals see nothing: the texts are all different.
    assert!(detection.signal(Signal::CO_POST).is_none_or(|r| r.pairs.iter().all(|p| !p.significant)));
    assert!(detection.signal(Signal::NEAR_DUPLICATE).is_none_or(|r| r.pairs.iter().all(|p| !p.significant)));

    // Networks describe it in its own words.
    let summary = SignalSummary {
        signal: co_min_word::SIGNAL,
        accounts: 5,
        posts: 20,
        co_actions: 40,
        occasions: 4,
        max_gap_ms: 55_000,
        shared: vec![],
    };
    assert_eq!(
        (co_min_word::SPEC.description.phrase)(&summary),
        "slipped the same word into 20 different texts within 55 s of each other on 4 occasions"
    );

    // Not registered, it does not run.
    let plain = DetectConfig::default();
    let detection = detect(&DetectInput::from_posts(day(), 305, &plain), &plain).unwrap();
    assert!(detection.signal(co_min_word::SIGNAL).is_none());
}
