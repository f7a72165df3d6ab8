//! Write, read, write: the same bytes, for every file the scan writes. Numbers include
//! NaN and infinities (JSON writes them as null), texts include quotes, separators,
//! newlines and non-ASCII.

use disrupt_model::*;
use proptest::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9:_/ -]{0,12}", "[\"',\\n\\r\\t a-zé東🙂\u{202e}]{0,10}",]
}

/// Record ids, with the separators and quotes a cell could confuse.
fn id() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z0-9:_/#.-]{1,14}", r#"[a-z;,"\\\n\[\] =+@-]{1,10}"#]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(0.0),
        2 => 0.0f64..1.0,
    ]
}

fn signal() -> impl Strategy<Value = Signal> {
    prop_oneof![(0..Signal::CONTRACT.len()).prop_map(|i| Signal::CONTRACT[i]), Just(Signal::named("co_toy")),]
}

prop_compose! {
    fn example()(record in id(), account in id(), created_at in text(), t in text()) -> Example {
        Example { record, account, created_at, text: t }
    }
}

prop_compose! {
    fn evidence()(signal in signal(), accounts in prop::collection::vec(id(), 0..4), records in prop::collection::vec(id(), 0..4),
                  record_count in 0usize..100, detail in text(), examples in prop::collection::vec(example(), 0..3)) -> Evidence {
        Evidence { signal, accounts, records, record_count, detail, examples }
    }
}

prop_compose! {
    fn funnel()(conversations in 0usize..500, targets in 0usize..500, f in prop::collection::vec(float(), 4),
                median in prop::option::of(float()), steps in prop::collection::vec((1usize..4, float(), prop::option::of(text()), 0usize..9), 0..3),
                concurrent in 0usize..40) -> Funnel {
        Funnel {
            conversations, targets, operator_initiated: f[0], reached_zing: f[1], reached_sting: f[2], manipulated: f[3],
            median_seconds_to_first_payment_request: median,
            amounts_by_step: steps.into_iter().map(|(step, median_value, currency, requests)| StepAmount { step, median_value, currency, requests }).collect(),
            max_concurrent_conversations: concurrent,
        }
    }
}

prop_compose! {
    fn network()(id in id(), kind in 0..4usize, score in float(), accounts in prop::collection::vec(id(), 2..5),
                 signals in prop::collection::btree_map(signal(), 0usize..999, 0..4), evidence in prop::collection::vec(evidence(), 0..3),
                 explanation in text(), f in prop::collection::vec(float(), 4), counts in prop::collection::vec(0usize..50, 6),
                 ratio in prop::option::of(float()), examples in prop::collection::vec(id(), 0..3),
                 attachments in prop::collection::vec((id(), float(), 0u32..9, prop::collection::vec(id(), 0..3)), 0..2),
                 targets in prop::collection::vec(id(), 0..3), funnel in prop::option::of(funnel()),
                 languages in prop::collection::btree_map("[a-z]{2}", 0usize..99, 0..3)) -> Network {
        Network {
            id,
            network_type: [NetworkType::Influence, NetworkType::Scam, NetworkType::Spam, NetworkType::Unknown][kind],
            score,
            operator_accounts: accounts.iter().filter(|a| a.starts_with('a')).cloned().collect(),
            platforms: vec!["x".into()],
            accounts,
            signals,
            evidence,
            explanation,
            features: NetworkFeatures {
                evidence_strength: f[0],
                density: f[1],
                signals_present: counts[0],
                traits: ActorTraits {
                    created_known: counts[1], created_in_burst: counts[2], burst_span_days: f[2], lookalike_handles: counts[3],
                    lookalike_examples: examples, ratio_known: counts[4], median_follower_ratio: ratio, low_follower_ratio: counts[5],
                },
                traits_strength: f[3],
            },
            edges: counts[0] * 2,
            attachments: attachments.into_iter().map(|(account, group_p_value, matched_posts, partners)| Attachment { account, group_p_value, matched_posts, partners }).collect(),
            targets,
            funnel,
            impact: (counts[2] % 2 == 1).then(|| {
                let d = Distribution { posts: counts[0], total: counts[1] as u64 * 7, median: 1, p90: 3, p99: 9, max: counts[1] as u64 * 7 };
                Impact {
                    posts: counts[0] + 1, posts_with_metrics: counts[0], engagement: [("likes".to_string(), d)].into(), breakout_threshold: 300,
                    posts_over_threshold: counts[3], share_over_threshold: f[1],
                    baseline: Some(Baseline { organic_posts: 9, sampled: 9, posts_with_metrics: 3, engagement: Default::default(), share_over_threshold: f[2] }),
                    reactions: Reactions { by_members: ReactionCounts { reposts: 4, replies: 0, quotes: 1 }, by_outsiders: ReactionCounts::default(), outside_accounts: 0 },
                    summary: "a line".into(),
                }
            }),
            disarm: if counts[4] % 2 == 1 { vec![DisarmTag { id: "T0049".into(), name: "Flood Information Space".into(), evidence: "a line".into() }] } else { Vec::new() },
            posts: counts[1] * 3,
            languages,
        }
    }
}

prop_compose! {
    fn document()(networks in prop::collection::vec(network(), 0..3), by_kind in prop::collection::btree_map("[a-z]{3,8}", 0u64..99, 0..3),
                  stats in prop::collection::vec((signal(), 0usize..99, float()), 0..3), fused in prop::option::of((0usize..99, float())),
                  path in text(), version in "[0-9]\\.[0-9]") -> NetworksDocument {
        let stat = |n: usize, p: f64| SignalStats { events: n, shared_keys: n as u64, crowd_events_skipped: 0, pairs_examined: n, pairs_tested: n, pairs_significant: n / 2, p_value_threshold: p };
        NetworksDocument {
            tool: "disrupt".into(),
            version,
            schema_version: SCHEMA_VERSION.into(),
            generated_at: "2026-01-01T00:00:00Z".into(),
            inputs: Inputs { records: 3, rejected: 1, duplicates: 0, by_kind, files: vec![InputFile { path, sha256: "ab".repeat(32), format: "jsonl".into(), records: 3, rejected: 1 }] },
            parameters: serde_json::json!({"detect": {"alpha": 0.01}}),
            detection: DetectionStats { signals: stats.into_iter().map(|(s, n, p)| (s, stat(n, p))).collect(), fused: fused.map(|(n, p)| stat(n, p)) },
            // Averages of counts: always finite.
            calibration: fused.map(|(n, p)| disrupt_model::Calibration {
                runs: n as u32,
                expected_false_accounts: if p.is_finite() { p.abs() } else { 0.0 },
                expected_false_networks: n as f64 / 2.0,
                by_signal: [("co_post".to_string(), n as f64)].into_iter().collect(),
                method: "shift".into(),
                weak: n % 2 == 0,
                notes: vec!["a note".into()],
            }),
            networks,
        }
    }
}

prop_compose! {
    fn edge()(source in id(), target in id(), signal in signal(), f in prop::collection::vec(float(), 5), co_actions in any::<u32>(),
              seen in prop::collection::vec(text(), 2), records in prop::collection::vec(id(), 0..25), extra in 0usize..5) -> Edge<'static> {
        let shown = records.len().min(RECORDS_IN_CSV);
        let records_total = records.len() + extra;
        Edge {
            source: source.into(), target: target.into(), signal, weight: f[0], first_seen: seen[0].clone(), last_seen: seen[1].clone(),
            co_actions, expected: f[1], p_value: f[2], rarity_p_value: f[3], pair_p_value: f[4],
            records: records.into_iter().take(shown).map(Cow::Owned).collect(), records_total,
        }
    }
}

fn json_line<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

fn edges_csv(edges: &[Edge<'_>]) -> Vec<u8> {
    let mut csv = csv::WriterBuilder::new().from_writer(Vec::new());
    csv.write_record(EDGE_COLUMNS).unwrap();
    let mut cell = String::new();
    for e in edges {
        e.write_csv(&mut csv, &mut cell, false).unwrap();
    }
    csv.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn networks_json_round_trips(doc in document()) {
        let first = serde_json::to_string_pretty(&doc).unwrap();
        let read = read::parse_networks(&first).unwrap();
        prop_assert_eq!(serde_json::to_string_pretty(&read).unwrap(), first);
    }

    #[test]
    fn edges_csv_round_trips(edges in prop::collection::vec(edge(), 0..6)) {
        let first = edges_csv(&edges);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edges.csv");
        std::fs::write(&path, &first).unwrap();
        let read = read_edges(&path).unwrap();
        prop_assert_eq!(read.len(), edges.len());
        prop_assert_eq!(edges_csv(&read), first);
    }

    #[test]
    fn line_files_round_trip(source in id(), target in id(), signal in signal(), f in prop::collection::vec(float(), 8),
                             t in text(), ids in prop::collection::vec(id(), 1..4), n in 0usize..60, flag in any::<bool>(), gap in -1e6f64..1e6) {
        let evidence = EvidenceEdge {
            source: source.clone().into(), target: target.clone().into(), signal, co_actions: n as u32, expected: f[0], p_value: f[1],
            rarity_p_value: f[2], pair_p_value: f[3], significant: flag, matches_total: n,
            matches: ids.iter().map(|i| (Cow::Owned(i.clone()), Cow::Owned(source.clone()), gap)).collect(),
            shared: if flag { ids.iter().map(|i| SharedItem { item: i.clone(), pairs: n }).collect() } else { Vec::new() },
        };
        let record = CitedRecord {
            id: ids[0].clone().into(), account: target.clone().into(), created_at: t.clone(), text: t.clone().into(),
            urls: if flag { ids.clone() } else { Vec::new() }, hashtags: vec![t.clone()], objects: Vec::new(),
            repost_of: flag.then(|| target.clone()), reply_to: None, quote_of: Some(source.clone()),
        };
        let link = ProvenanceLink {
            post: if flag { Some(ids[0].clone()) } else { None }, account: source.clone(), generation: target.clone(), output: n as u32,
            operator: t.clone(), similarity: f[5], post_containment: f[6], output_containment: f[7], delay_seconds: f[0],
            role: if flag { ProvenanceRole::Distribution } else { ProvenanceRole::Copy },
        };
        let risk = AccountRisk {
            account: source.clone(), generations: n, refused: n / 2, batch_requests: 1, languages: ids.clone(), public_figures: vec![t.clone()],
            planning_terms: vec![], risk: f[1], cues: ids.clone(), evidence: vec![PromptExcerpt { generation: target.clone(), cue: t.clone(), excerpt: t.clone() }],
            network: if flag { None } else { Some(target.clone()) },
        };
        let stage = MessageStage {
            message: ids[0].clone(), conversation: source.clone(), account: target.clone(), created_at: t.clone(),
            stage: [Stage::Ping, Stage::Zing, Stage::Sting, Stage::Other][n % 4], cues: ids.clone(),
            amounts: vec![Amount { text: t.clone(), value: f[2], currency: if flag { Some("IDR".into()) } else { None } }],
            details: vec![Detail { kind: "bank_account".into(), value: t.clone() }], lure_score: f[3],
            role: if flag { Some(Role::Operator) } else { None }, role_given: if n % 3 == 0 { None } else { Some(flag) },
        };
        let reject = Reject { file: source.clone(), line: n as u64, error: t.clone(), record: t.clone() };
        fn again<T: serde::Serialize + serde::de::DeserializeOwned>(line: &str) -> String {
            json_line(&serde_json::from_str::<T>(line).unwrap())
        }
        let l = json_line(&evidence); prop_assert_eq!(again::<EvidenceEdge<'static>>(&l), l);
        let l = json_line(&record); prop_assert_eq!(again::<CitedRecord<'static>>(&l), l);
        let l = json_line(&link); prop_assert_eq!(again::<ProvenanceLink>(&l), l);
        let l = json_line(&risk); prop_assert_eq!(again::<AccountRisk>(&l), l);
        let l = json_line(&stage); prop_assert_eq!(again::<MessageStage>(&l), l);
        let l = json_line(&reject); prop_assert_eq!(again::<Reject>(&l), l);
    }
}

#[test]
fn a_major_version_this_build_does_not_know_is_refused() {
    let mut doc: serde_json::Value = serde_json::from_str(
        &serde_json::to_string(&NetworksDocument {
            tool: "disrupt".into(),
            version: "9".into(),
            schema_version: "2.0".into(),
            generated_at: String::new(),
            inputs: Inputs { records: 0, rejected: 0, duplicates: 0, by_kind: BTreeMap::new(), files: vec![] },
            parameters: serde_json::Value::Null,
            detection: DetectionStats::default(),
            calibration: None,
            networks: vec![],
        })
        .unwrap(),
    )
    .unwrap();
    let err = read::parse_networks(&doc.to_string()).unwrap_err();
    assert!(matches!(err, ModelError::Schema { .. }), "{err}");
    // A newer minor version with a field this build does not know reads.
    doc["schema_version"] = "1.7".into();
    doc["calibration_v9"] = serde_json::json!({"x": 1});
    assert!(read::parse_networks(&doc.to_string()).is_ok());
    doc.as_object_mut().unwrap().remove("schema_version");
    assert!(matches!(read::parse_networks(&doc.to_string()).unwrap_err(), ModelError::NoSchema { .. }));
    // The shape of another major version is not even looked at.
    let other = r#"{"schema_version": "3.1", "networks": "not a list"}"#;
    assert!(matches!(read::parse_networks(other).unwrap_err(), ModelError::Schema { .. }));
}

#[test]
fn an_unknown_network_type_reads_as_unknown() {
    let t: NetworkType = serde_json::from_str("\"harassment\"").unwrap();
    assert_eq!(t, NetworkType::Unknown);
}
