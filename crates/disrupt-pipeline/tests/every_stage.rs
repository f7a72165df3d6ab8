//! No valid input panics any stage: random mixes of accounts, posts (copies, reposts,
//! replies, links, hashtags, ads, Telegram channel posts), model generations (some outputs
//! posted, some refused, shared devices) and chats (scam phrases, amounts, payment numbers)
//! go through the whole scan and every output file, in memory and with a tiny memory budget.
//! Small pools of ids, words and times make the detectors, provenance, the funnel, Leiden
//! and group attachment all fire.

use disrupt_output::{write_scan_outputs, OutputOptions};
use disrupt_pipeline::{scan, Findings, ScanObserver, ScanSettings};
use proptest::prelude::*;
use serde_json::{json, Value};

struct Quiet;
impl ScanObserver for Quiet {
    fn reject(&mut self, _reject: &disrupt_ingest::Reject) {}
}

const WORDS: [&str; 16] = [
    "vote",
    "harbour",
    "plan",
    "today",
    "deposit",
    "rekening",
    "sayang",
    "transfer",
    "rp",
    "500.000",
    "join",
    "rally",
    "the",
    "for",
    "vip",
    "verifikasi",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(0..WORDS.len(), 0..9).prop_map(|w| w.into_iter().map(|i| WORDS[i]).collect::<Vec<_>>().join(" "))
}

fn account() -> impl Strategy<Value = String> {
    (0..3usize, 0..12u32).prop_map(|(p, n)| format!("{}:{n}", ["x", "telegram", "facebook"][p]))
}

fn time() -> impl Strategy<Value = i64> {
    // A few bursts a few minutes wide across two days, and some scattered.
    prop_oneof![(0..4i64, 0..120i64).prop_map(|(b, s)| 1_767_225_600 + b * 36_000 + s), 1_767_225_600..1_767_398_400i64]
}

fn record() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (0..40u32, account(), time(), text(), prop::option::of(0..40u32), prop::option::of(0..40u32), any::<bool>(), prop::option::of(0..3u32)).prop_map(
            |(id, account, t, text, repost, reply, ad, tag)| {
                let platform = account.split(':').next().unwrap().to_string();
                let mut v = json!({"kind": "post", "id": format!("p{id}"), "account": account, "platform": platform, "created_at": t, "text": text});
                if let Some(r) = repost { v["repost_of"] = json!(format!("p{r}")); }
                if let Some(r) = reply { v["reply_to"] = json!(format!("p{r}")); }
                if ad { v["is_ad"] = json!(true); }
                if let Some(t) = tag {
                    v["hashtags"] = json!([format!("tag{t}")]);
                    v["urls"] = json!([format!("https://site{t}.example/offer?utm_source=x")]);
                }
                v
            }
        ),
        2 => (0..10u32, 0..3u32, time(), text(), prop::collection::vec(text(), 0..4), any::<bool>(), prop::option::of(0..2u32)).prop_map(
            |(id, who, t, prompt, outputs, refused, device)| {
                let mut v = json!({"kind": "generation", "id": format!("g{id}"), "account": format!("ai:org/{who}"), "created_at": t - 600,
                    "prompt": prompt, "outputs": outputs, "refused": refused});
                if let Some(d) = device { v["device"] = json!(format!("dev{d}")); }
                v
            }
        ),
        3 => (0..60u32, 0..6u32, account(), time(), text(), prop::option::of(any::<bool>())).prop_map(|(id, conv, account, t, text, operator)| {
            let mut v = json!({"kind": "message", "id": format!("m{id}"), "conversation": format!("c{conv}"), "account": account,
                "platform": "telegram", "created_at": t, "text": format!("{text} 0812345678{}", id % 3)});
            if let Some(o) = operator { v["role"] = json!(if o { "operator" } else { "target" }); }
            v
        }),
        1 => (account(), prop::option::of(0..5000u64), prop::option::of(0..5000u64), prop::option::of(0..3i64)).prop_map(|(id, followers, following, day)| {
            let platform = id.split(':').next().unwrap().to_string();
            let mut v = json!({"kind": "account", "id": id, "platform": platform, "handle": format!("anna_k{}", followers.unwrap_or(7) % 10)});
            if let Some(f) = followers { v["followers"] = json!(f); }
            if let Some(f) = following { v["following"] = json!(f); }
            if let Some(d) = day { v["created_at"] = json!(1_700_000_000 + d * 86_400); }
            v
        }),
    ]
}

/// A copying group: `members` accounts post one text per burst within seconds, on
/// `bursts` occasions; an outsider joins some bursts and chats (the group test looks at it,
/// and its messages sit in the store after the posts).
fn campaign() -> impl Strategy<Value = Vec<Value>> {
    (3..7u32, 2..9i64, prop::collection::vec(any::<bool>(), 8), 0..4usize).prop_map(|(members, bursts, joins, chat)| {
        let mut out = Vec::new();
        for b in 0..bursts {
            let t = 1_767_225_600 + b * 7_200;
            let text = format!("rally at the harbour for the plan now number {b}");
            for m in 0..members {
                out.push(json!({"kind": "post", "id": format!("c{m}-{b}"), "account": format!("x:crew{m}"), "platform": "x",
                    "created_at": t + i64::from(m) * 5, "text": text}));
            }
            if joins[b as usize] {
                out.push(json!({"kind": "post", "id": format!("o-{b}"), "account": "x:outsider", "platform": "x", "created_at": t + 40, "text": text}));
            }
        }
        for k in 0..chat {
            out.push(json!({"kind": "message", "id": format!("om{k}"), "conversation": "oc", "account": if k % 2 == 0 { "x:outsider" } else { "x:friend" },
                "platform": "x", "created_at": 1_767_225_600 + k as i64 * 60, "text": "hi how are you"}));
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_valid_input_panics_any_stage(noise in prop::collection::vec(record(), 0..160), groups in prop::collection::vec(campaign(), 0..2), spill in any::<bool>()) {
        let records: Vec<Value> = groups.into_iter().flatten().chain(noise).collect();
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("records.jsonl");
        std::fs::write(&input, records.iter().map(Value::to_string).collect::<Vec<_>>().join("\n")).unwrap();
        let mut settings = ScanSettings { memory_budget_bytes: disrupt_pipeline::MemoryBudget::Unlimited, ..ScanSettings::default() };
        if spill {
            settings.memory_budget_bytes = disrupt_pipeline::MemoryBudget::Bytes(1024);
        }
        settings.detect.min_co_actions = 1;
        let config = settings.validate().unwrap();
        let result = scan(&[input], &config, &mut Quiet).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        write_scan_outputs(&out, &Findings::new(&result), "2026-01-01T00:00:00Z", OutputOptions::default()).unwrap();
        // What was written reads back typed.
        let doc = disrupt_model::read_networks(&out).unwrap();
        for n in &doc.networks {
            prop_assert!(n.accounts.len() >= 2);
            prop_assert!(n.targets.iter().all(|t| !n.accounts.contains(t)), "a target is never a member");
        }
        disrupt_model::read_edges(&out.join("edges.csv")).unwrap();
    }
}
