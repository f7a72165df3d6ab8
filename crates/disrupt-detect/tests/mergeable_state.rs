//! The operators' state is keyed and mergeable: splitting the input by key or by time
//! chunk, processing the parts separately and merging gives exactly the single-run output,
//! and so does state spilled to disk in key partitions as posts stream in.

use disrupt_detect::{
    detect_consuming_events, detect_with_layout, DetectConfig, DetectInput, DetectInputBuilder, Layout, PostFeatures, SpillPolicy,
};
use proptest::prelude::*;

fn arb_post(accounts: u32) -> impl Strategy<Value = PostFeatures> {
    (
        0..accounts,
        0i64..4 * 3_600_000,
        proptest::option::of(0u64..6),
        proptest::collection::btree_set(0u32..12, 0..8),
        proptest::collection::btree_set(0u64..5, 0..3),
        proptest::collection::btree_set(100u64..104, 0..3),
        proptest::option::weighted(0.2, 0u64..4),
        proptest::option::weighted(0.2, 0u64..4),
        (0u64..6, 0u64..3, proptest::collection::btree_set(200u64..203, 0..2)),
    )
        .prop_map(|(account, time, text, tokens, urls, tags, repost, reply, (id, site, objects))| PostFeatures {
            account,
            // Ids that reposts and replies name, so friends are found; a few sites.
            id,
            site,
            // Bursts: many posts land in the same minutes.
            time: (time / 90_000) * 90_000 + time % 40_000,
            text_hash: text,
            tokens: tokens.into_iter().collect(),
            urls: urls.into_iter().collect(),
            hashtags: tags.into_iter().collect(),
            objects: objects.into_iter().collect(),
            repost_of: repost,
            reply_to: reply,
            sketch: Default::default(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn split_by_key_or_time_and_merged_equals_single_run(
        posts in proptest::collection::vec(arb_post(12), 0..160),
        parts in 2usize..6,
        batch in 1usize..50,
    ) {
        // Sites linked by two accounts are strata, so both kinds of unit are exercised.
        let config = DetectConfig { min_text_tokens: 2, popular_site_accounts: 2, ..DetectConfig::default() };
        // A budget of nothing: every event and word hash goes to disk as batches stream in.
        let mut builder = DetectInputBuilder::new(&config, SpillPolicy { memory_budget: Some(0), expected_posts: posts.len(), temp_dir: None });
        for chunk in posts.chunks(batch) {
            builder.push_batch(chunk).unwrap();
        }
        let spilled = builder.finish(12).unwrap();
        let mut consumed = DetectInput::from_posts(posts.clone(), 12, &config);
        let input = DetectInput::from_posts(posts, 12, &config);
        let single = detect_with_layout(&input, &config, Layout::Single).unwrap();
        let by_key = detect_with_layout(&input, &config, Layout::ByKey(parts)).unwrap();
        let by_time = detect_with_layout(&input, &config, Layout::ByTimeChunk(parts)).unwrap();
        let from_disk = detect_with_layout(&spilled, &config, Layout::Single).unwrap();
        prop_assert_eq!(&single, &by_key);
        prop_assert_eq!(&single, &by_time);
        prop_assert_eq!(&single, &from_disk);
        // Moving the events into the state instead of copying them changes nothing.
        prop_assert_eq!(&single, &detect_consuming_events(&mut consumed, &config).unwrap());
    }
}

#[test]
fn the_property_test_sees_real_co_actions() {
    // Guard against a vacuous property: the same generator shape does produce evidence.
    let posts: Vec<PostFeatures> = (0..40u32)
        .map(|i| PostFeatures {
            account: i % 4,
            // Ten occasions three hours apart: over a day, the span the null spreads rare keys over.
            time: (i / 4) as i64 * 10_800_000 + (i % 4) as i64 * 1000,
            urls: [i as u64 / 4].into_iter().collect(),
            ..Default::default()
        })
        .collect();
    let config = DetectConfig::default();
    let mut builder = DetectInputBuilder::new(&config, SpillPolicy { memory_budget: Some(0), ..SpillPolicy::default() });
    builder.push_batch(&posts).unwrap();
    let spilled = builder.finish(4).unwrap();
    assert!(spilled.spilled());
    // Matched pairs then go to account-pair files too, two or more of them.
    assert!(spilled.pair_spill().is_some_and(|(parts, _)| parts >= 2));
    let input = DetectInput::from_posts(posts, 4, &config);
    let d = detect_with_layout(&input, &config, Layout::ByKey(3)).unwrap();
    assert!(d.fused.pairs.iter().any(|p| p.significant));
    assert_eq!(d, detect_with_layout(&input, &config, Layout::Single).unwrap());
    assert_eq!(d, detect_with_layout(&spilled, &config, Layout::Single).unwrap());
}
