//! End-to-end: the `disrupt` binary on real files, as a user runs it.

use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

mod common;
use common::{disrupt, fixture, python_with, repo, run, shared};

/// `accounts` organic accounts posting ordinary, different texts over a day from `start`
/// (Unix seconds): the background an operation stands out against. Data that is only an
/// operation explains itself under the participation null: everybody is in every crowd.
fn background(accounts: usize, start: i64) -> Vec<Value> {
    const WORDS: [&str; 32] = [
        "coffee", "train", "late", "again", "weekend", "garden", "match", "rain", "sunny", "market", "bread", "school", "music", "dinner",
        "friends", "movie", "traffic", "bike", "beach", "work", "sleep", "book", "city", "river", "park", "lunch", "phone", "dog", "cat",
        "shop", "walk", "tea",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut lines = Vec::new();
    for a in 0..accounts {
        for k in 0..5 {
            let words: Vec<&str> = (0..8).map(|_| WORDS[(next() % 32) as usize]).collect();
            lines.push(serde_json::json!({"kind": "post", "id": format!("bg{a}-{k}"), "account": format!("x:bg{a}"), "platform": "x",
                "created_at": start + (next() % 86_400) as i64, "text": format!("{} {a} {k}", words.join(" "))}));
        }
    }
    lines
}

/// [`background`] as JSON Lines.
fn background_lines(accounts: usize, start: i64) -> String {
    background(accounts, start).iter().map(|l| l.to_string() + "\n").collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("json")
}

/// The contract's invariants on a scan's output folder.
fn check_contract(dir: &Path) -> Value {
    let doc = read_json(&dir.join("networks.json"));
    for key in ["tool", "version", "generated_at", "inputs", "parameters", "networks"] {
        assert!(doc.get(key).is_some(), "networks.json lacks {key}");
    }
    for key in ["records", "rejected", "duplicates", "by_kind", "files"] {
        assert!(doc["inputs"].get(key).is_some(), "inputs lacks {key}");
    }
    for f in doc["inputs"]["files"].as_array().unwrap() {
        assert_eq!(f["sha256"].as_str().unwrap().len(), 64);
    }
    let networks = doc["networks"].as_array().unwrap();
    let mut seen = HashSet::new();
    let mut last_score = f64::INFINITY;
    for n in networks {
        let accounts: Vec<&str> = n["accounts"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        assert!(accounts.len() >= 2);
        let mut sorted = accounts.clone();
        sorted.sort();
        assert_eq!(accounts, sorted, "accounts are sorted");
        for a in &accounts {
            assert!(seen.insert(a.to_string()), "{a} is in two networks");
        }
        let score = n["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&score));
        assert!(score <= last_score, "networks are listed by descending score");
        last_score = score;
        assert!(n["id"].as_str().unwrap().starts_with("n-"));
        assert!(!n["explanation"].as_str().unwrap().is_empty());
        for e in n["evidence"].as_array().unwrap() {
            assert!(!e["records"].as_array().unwrap().is_empty());
            assert!(e["examples"].as_array().unwrap().len() <= 5);
        }
    }
    let mut edges = csv::Reader::from_path(dir.join("edges.csv")).unwrap();
    let header: Vec<String> = edges.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..6], ["source", "target", "signal", "weight", "first_seen", "last_seen"]);
    for row in edges.records() {
        let row = row.unwrap();
        assert!(row[0] < row[1], "source < target");
        let p: f64 = row[8].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
    }
    assert!(dir.join("rejects.jsonl").exists());
    doc
}

#[test]
fn scans_the_bundled_example_and_explains_a_member() {
    let out = tempfile::tempdir().unwrap();
    let stdout = run(disrupt().arg("scan").arg(repo().join("examples/simulated/records.jsonl.gz")).arg("--out").arg(out.path()));
    assert!(stdout.contains("Found 6 networks"), "{stdout}");
    // The scam operation's funnel is in the summary.
    assert!(stdout.contains("funnel: 240 conversations, 240 targets"), "{stdout}");
    assert!(stdout.contains("asks 250000 IDR -> 500000 IDR -> 1500000 IDR"), "{stdout}");
    let doc = check_contract(out.path());
    assert_eq!(doc["inputs"]["by_kind"]["generation"], 25);
    // The scam script was a model's output: the writer's AI account is in the scam network.
    let scam = doc["networks"].as_array().unwrap().iter().find(|n| n["type"] == "scam").expect("a scam network");
    assert_eq!(scam["operator_accounts"], serde_json::json!(["ai:org-scam1/user-1"]));
    assert!(scam["explanation"].as_str().unwrap().contains("written by a model for ai:org-scam1/user-1"), "{}", scam["explanation"]);
    // The two AI-using operations: each network lists its two AI-provider accounts.
    let with_operators: Vec<&Value> =
        doc["networks"].as_array().unwrap().iter().filter(|n| n["operator_accounts"].as_array().is_some_and(|a| a.len() == 2)).collect();
    assert_eq!(with_operators.len(), 2);
    let operator = with_operators[0]["operator_accounts"][0].as_str().unwrap().to_string();
    let explained = run(disrupt().args(["explain", &operator, "--in"]).arg(out.path()));
    assert!(explained.contains("outputs of generation"), "{explained}");
    assert!(explained.contains("posts from the same AI-model batches"), "{explained}");
    let risk: Vec<Value> =
        std::fs::read_to_string(out.path().join("accounts.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let op_risk = risk.iter().find(|r| r["account"] == operator.as_str()).unwrap();
    assert!(op_risk["risk"].as_f64().unwrap() >= 0.5 && op_risk["refused"].as_u64().unwrap() >= 1, "{op_risk}");
    assert!(risk.iter().filter(|r| r["account"].as_str().unwrap().starts_with("ai:user-")).all(|r| r["risk"].as_f64().unwrap() < 0.3));
    let report = eval(&repo().join("examples/simulated/labels.jsonl"), out.path());
    for op in report["operations"].as_array().unwrap() {
        assert_eq!(op["type_matches"], true, "type guess: {op}");
    }
    let member = doc["networks"][0]["accounts"][0].as_str().unwrap().to_string();
    let explained = run(disrupt().args(["explain", &member, "--in"]).arg(out.path()));
    assert!(explained.contains(doc["networks"][0]["id"].as_str().unwrap()), "{explained}");
    assert!(explained.contains("co-actions where chance predicts"), "{explained}");
    let outsider = run(disrupt().args(["explain", "x:does-not-exist", "--in"]).arg(out.path()));
    assert!(outsider.contains("not flagged"));
    // Gaps read as people write them; no p-value prints as 0.
    assert!(explained.contains(" s later: ") || explained.contains(" s earlier: "), "{explained}");
    assert!(!explained.contains("0.0e0") && !explained.contains(" s  x:"), "{explained}");
    // --limit bounds the edges and the pairs shown.
    let short = run(disrupt().args(["explain", &member, "--limit", "1", "--in"]).arg(out.path()));
    assert!(short.lines().count() < explained.lines().count(), "{short}");
    assert!(short.contains("more edges (--limit shows more"), "{short}");
    // A network id shows the network.
    let network_id = doc["networks"][0]["id"].as_str().unwrap();
    let network = run(disrupt().args(["explain", network_id, "--in"]).arg(out.path()));
    assert!(network.starts_with(&format!("Network {network_id}")) && network.contains(&member), "{network}");
    // An id without its platform gets a suggestion.
    let bare = member.split_once(':').unwrap().1;
    let suggested = run(disrupt().args(["explain", bare, "--in"]).arg(out.path()));
    assert!(suggested.contains(&format!("Did you mean {member}?")), "{suggested}");
    // A scam target is the network's target, not merely "not flagged".
    let target = scam["targets"][0].as_str().unwrap();
    let as_target = run(disrupt().args(["explain", target, "--in"]).arg(out.path()));
    assert!(as_target.contains(&format!("is a target of network {}", scam["id"].as_str().unwrap())), "{as_target}");
}

#[test]
fn two_scans_of_the_same_input_give_the_same_files_in_memory_or_spilled_to_disk() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let input = repo().join("examples/simulated/records.jsonl.gz");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(a.path()).args(["-q", "--memory-budget", "none"]));
    // A budget of a kilobyte: events, word hashes, sketches and matched pairs all go to disk.
    let out = disrupt().arg("scan").arg(&input).arg("--out").arg(b.path()).args(["--verbose", "--memory-budget", "1K"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("spilled to disk"), "{}", String::from_utf8_lossy(&out.stderr));
    for file in ["edges.csv", "evidence.jsonl", "rejects.jsonl", "provenance.jsonl", "accounts.jsonl", "records.jsonl", "stages.jsonl"] {
        assert_eq!(std::fs::read(a.path().join(file)).unwrap(), std::fs::read(b.path().join(file)).unwrap(), "{file}");
    }
    let (mut x, mut y) = (read_json(&a.path().join("networks.json")), read_json(&b.path().join("networks.json")));
    // Placebos are made in memory: spilled, the calibration says it could not run them.
    assert!(x["calibration"]["runs"] == 1 && x["calibration"]["weak"] == false, "{}", x["calibration"]);
    assert!(y["calibration"]["runs"] == 0 && y["calibration"]["weak"] == true, "{}", y["calibration"]);
    for doc in [&mut x, &mut y] {
        doc["generated_at"] = Value::Null;
        doc.as_object_mut().unwrap().remove("calibration");
        // The one setting that differs between the two runs, recorded as given.
        doc["parameters"]["memory_budget_bytes"] = Value::Null;
    }
    assert!(
        x == y,
        "networks.json differs:\n{}\n{}",
        &x.to_string()[..2000.min(x.to_string().len())],
        &y.to_string()[..2000.min(y.to_string().len())]
    );
}

fn eval(labels: &Path, out: &Path) -> Value {
    serde_json::from_str(&run(disrupt().arg("eval").arg("--truth").arg(labels).arg(out).arg("--json"))).unwrap()
}

fn assert_targets(report: &Value) {
    let f1 = report["f1"].as_f64().unwrap();
    assert!(f1 >= 0.97, "F1 {f1}");
    let fp = report["organic_false_positive_rate"].as_f64().unwrap();
    assert!(fp <= 0.001, "organic false positives {fp}");
    for op in report["operations"].as_array().unwrap() {
        assert!(op["jaccard"].as_f64().unwrap() >= 0.8, "operation not recovered as one network: {op}");
        assert_eq!(op["type_matches"], true, "type guess: {op}");
    }
    for g in report["recall_by_perturbation"].as_array().unwrap() {
        assert!(g["rate"].as_f64().unwrap() >= 0.95, "perturbation recall: {g}");
    }
    // Seven disguises of copied text, the AI-using operations' distributors and operators,
    // and the scam operations' chat accounts (one script with variations) and ad accounts.
    assert_eq!(report["recall_by_perturbation"].as_array().unwrap().len(), 11);
    let p = &report["provenance"];
    assert!(p["precision"].as_f64().unwrap() >= 0.99, "provenance precision {p}");
    assert!(p["recall"].as_f64().unwrap() >= 0.98, "provenance recall {p}");
    for g in p["by_perturbation"].as_array().unwrap() {
        assert!(g["recall"].as_f64().unwrap() >= 0.98, "provenance recall by perturbation: {g}");
    }
    assert!(p["operators"].as_u64().unwrap() >= 4);
    assert_eq!(p["operators_listed"], p["operators"], "every operation's operators are its network's operator_accounts");
    assert_eq!(p["organic_ai_flagged"], 0);
    // Scam operations: every operator and ad account in one scam network, no target or
    // look-alike (sellers, a shop's staff and customers, friends, couples) in any, and the
    // message stages right.
    let scams: Vec<&Value> = report["operations"].as_array().unwrap().iter().filter(|o| o["type"] == "scam").collect();
    assert!(!scams.is_empty());
    for op in scams {
        assert_eq!(op["whole"], true, "every scam member in one network: {op}");
        assert_eq!(op["network_type"], "scam", "{op}");
    }
    for trap in ["scam_target", "legit_seller", "shop_support", "shop_customer", "friend_loan", "couple"] {
        let g =
            report["organic_by_trap"].as_array().unwrap().iter().find(|g| g["name"] == trap).unwrap_or_else(|| panic!("{trap} planted"));
        assert_eq!(g["flagged"], 0, "{g}");
    }
    let stages = &report["stages"];
    assert!(stages["accuracy"].as_f64().unwrap() >= 0.9, "stage accuracy {stages}");
}

#[test]
fn simulated_default_scale_meets_the_targets() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    run(disrupt().args(["simulate", "--seed", "11", "--out"]).arg(data.path()));
    run(disrupt().arg("scan").arg(data.path().join("records.jsonl")).arg("--out").arg(out.path()).arg("-q"));
    check_contract(out.path());
    let report = eval(&data.path().join("labels.jsonl"), out.path());
    assert_targets(&report);
    assert!(report["operations"].as_array().unwrap().len() >= 3);
    for trap in ["viral_link", "trending_hashtag", "stock_phrases", "chant", "friends", "organic_model_user", "fact_checker"] {
        assert!(report["organic_by_trap"].as_array().unwrap().iter().any(|g| g["name"] == trap), "trap {trap} planted");
    }
}

#[test]
fn simulated_ten_times_scale_meets_the_targets() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    run(disrupt().args(["simulate", "--scale", "50000", "--seed", "12", "--out"]).arg(data.path()));
    run(disrupt().arg("scan").arg(data.path().join("records.jsonl")).arg("--out").arg(out.path()).arg("-q"));
    assert_targets(&eval(&data.path().join("labels.jsonl"), out.path()));
}

#[test]
fn organic_airline_tweets_yield_no_networks() {
    let Some(tweets) = shared("organic-airline-tweets/airline_tweets.csv") else { return };
    let out = tempfile::tempdir().unwrap();
    run(disrupt()
        .arg("scan")
        .arg(tweets)
        .args(["--columns", "id=tweet_id,account=user_name,text=text,created_at=created_at", "--timezone=-08:00", "--out"])
        .arg(out.path()));
    let doc = check_contract(out.path());
    assert_eq!(doc["inputs"]["duplicates"], 155);
    assert_eq!(doc["networks"].as_array().unwrap().len(), 0);
}

#[test]
fn peer_formats_are_read_without_rejects() {
    let files = [
        (Some(fixture("coordination-network-toolkit/sample_data.csv")), 100),
        (Some(fixture("coordination-network-toolkit/coretweet_test_input.csv")), 15),
        (shared("twitter-io-archive-sample/ira_2018_tweets_2rows.csv"), 2),
    ];
    for (file, posts) in files {
        let Some(file) = file else { continue };
        let file = file.display().to_string();
        let out = tempfile::tempdir().unwrap();
        run(disrupt().arg("scan").arg(&file).arg("--out").arg(out.path()).arg("-q"));
        let doc = check_contract(out.path());
        assert_eq!(doc["inputs"]["rejected"], 0, "{file}");
        assert_eq!(doc["inputs"]["by_kind"]["post"], posts, "{file}");
    }
}

#[test]
fn bad_records_go_to_rejects_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    std::fs::write(
        &input,
        "{\"kind\":\"post\",\"id\":\"1\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"ok\"}\n\
         {\"kind\":\"post\",\"id\":\"2\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":\"later\",\"text\":\"bad time\"}\n\
         not json at all\n\
         {\"kind\":\"post\",\"id\":\"1\",\"account\":\"x:b\",\"platform\":\"x\",\"created_at\":0,\"text\":\"duplicate id\"}\n",
    )
    .unwrap();
    let unknown = dir.path().join("unknown.csv");
    std::fs::write(&unknown, "a,b,c\n1,2,3\n").unwrap();
    let out = dir.path().join("out");
    // A file that yields nothing makes the run exit with code 3, its outputs written.
    let result = disrupt().arg("scan").arg(&input).arg(&unknown).arg("--out").arg(&out).arg("-q").output().unwrap();
    assert_eq!(result.status.code(), Some(3), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(String::from_utf8_lossy(&result.stderr).contains("1 of 2 input files yielded no record"));
    let doc = check_contract(&out);
    assert_eq!(doc["inputs"]["records"], 1, "the one good post");
    assert_eq!(doc["inputs"]["duplicates"], 1);
    let rejects: Vec<Value> =
        std::fs::read_to_string(out.join("rejects.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rejects.len(), 3);
    assert_eq!(rejects[0]["line"], 2);
    assert!(rejects[0]["error"].as_str().unwrap().contains("created_at"));
    assert_eq!(rejects[1]["line"], 3);
    assert!(rejects[1]["record"].as_str().unwrap().contains("not json"));
    assert!(rejects[2]["error"].as_str().unwrap().contains("--columns"));
    assert!(rejects[2]["file"].as_str().unwrap().ends_with("unknown.csv"));
}

#[test]
fn a_missing_input_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let result = disrupt().args(["scan", "no/such/file.jsonl", "--out"]).arg(out.path()).output().unwrap();
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("no such file"));
}

#[test]
fn members_joined_by_the_group_test_are_explained() {
    // Three messages per operation: many members co-act too rarely for any single pair.
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    run(disrupt().args(["simulate", "--scale", "2000", "--seed", "3", "--messages", "3-3", "--out"]).arg(data.path()));
    run(disrupt().arg("scan").arg(data.path().join("records.jsonl")).arg("--out").arg(out.path()).arg("-q"));
    let doc = check_contract(out.path());
    let attached = doc["networks"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|n| n["attachments"].as_array().and_then(|a| a.first()).map(|a| a["account"].as_str().unwrap().to_string()))
        .expect("some member joins by the group test");
    let report = eval(&data.path().join("labels.jsonl"), out.path());
    assert_eq!(report["false_positives"], 0, "the group test adds no organic account here");
    let text = run(disrupt().args(["explain", &attached, "--in"]).arg(out.path()));
    assert!(text.contains("joined by the group test"), "{text}");
    assert!(text.contains("part of the group attachment") || text.contains("each too thin alone"), "{text}");
}

#[test]
fn a_telegram_export_is_read_and_its_messages_staged() {
    let out = tempfile::tempdir().unwrap();
    let input = repo().join("crates/disrupt-ingest/tests/data/telegram_account_export.json");
    run(disrupt().arg("scan").arg(&input).arg("--timezone=+07:00").arg("--out").arg(out.path()).arg("-q"));
    let doc = read_json(&out.path().join("networks.json"));
    assert_eq!(doc["inputs"]["by_kind"]["message"], 4);
    assert_eq!(doc["inputs"]["rejected"], 1);
    let stages: Vec<Value> =
        std::fs::read_to_string(out.path().join("stages.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(stages.len(), 4);
    let vip = &stages[0];
    assert_eq!(vip["stage"], "sting");
    assert_eq!(vip["amounts"][0]["value"], 250000.0);
    assert_eq!(vip["amounts"][0]["currency"], "IDR");
    assert_eq!(stages[2]["amounts"][0]["value"], 500000.0);
    assert_eq!(stages[3]["stage"], "other");
    // The admin asks for money: the operator side; the member who asks why is the target.
    assert_eq!(vip["role"], "operator");
    assert_eq!(stages[1]["role"], "target");
    assert_eq!(stages[1]["role_given"], false);
}

#[test]
fn scam_operators_sharing_a_script_and_a_wallet_form_a_scam_network_with_targets_and_a_funnel() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    let mut msg = |id: &str, conv: &str, account: &str, minute: i64, text: &str| {
        lines.push(
            serde_json::json!({"kind": "message", "id": id, "conversation": conv, "account": account, "platform": "telegram",
                "created_at": 1_772_442_000 + minute * 60, "text": text})
            .to_string(),
        );
    };
    for (k, (op, victim)) in
        [("telegram:op1", "telegram:v1"), ("telegram:op2", "telegram:v2"), ("telegram:op1", "telegram:v3"), ("telegram:op2", "telegram:v4")]
            .iter()
            .enumerate()
    {
        let c = format!("telegram:c{k}");
        msg(&format!("{c}/1"), &c, op, 0, "Halo kak, salam kenal ya, aku Rina dari Bandung, boleh kenalan?");
        msg(&format!("{c}/2"), &c, victim, 5, "Halo juga");
        msg(&format!("{c}/3"), &c, op, 120, "Sayang aku kangen kamu, percayalah hanya kamu");
        msg(&format!("{c}/4"), &c, op, 600, "Untuk upgrade VIP transfer Rp 250.000 ke DANA 081234567890 ya sayang");
        msg(&format!("{c}/5"), &c, victim, 610, "Kenapa harus bayar dulu?");
    }
    msg("telegram:f/1", "telegram:f", "telegram:friend", 0, "Bro, pinjam uang 100rb dulu ya, besok aku ganti");
    msg("telegram:f/2", "telegram:f", "telegram:me", 3, "Oke");
    // A shop: two staff accounts give the shop's one bank account to customers who wrote first.
    for k in 0..4 {
        let c = format!("telegram:shop{k}");
        let staff = if k % 2 == 0 { "telegram:tokomaju_cs1" } else { "telegram:tokomaju_cs2" };
        msg(&format!("{c}/1"), &c, &format!("telegram:buyer{k}"), 0, "Kak, kaos hitam ukuran L masih ada?");
        msg(&format!("{c}/2"), &c, staff, 2, "Masih ada kak, total Rp 150.000 ya, silakan transfer ke BCA 8123456789 a.n. Toko Maju");
        msg(&format!("{c}/3"), &c, &format!("telegram:buyer{k}"), 30, "Sudah transfer kak");
    }
    // An ad pointing to an operator's handle, and its author's account.
    lines.push(
        serde_json::json!({"kind": "post", "id": "fb:ad1", "account": "facebook:klubromantis_ads", "platform": "facebook", "is_ad": true,
            "created_at": 1_772_440_000, "text": "Cari pasangan serius? Gabung KlubRomantis, chat admin kami @op1 sekarang juga"})
        .to_string(),
    );
    // A Telegram channel post (no ad) promoting the other operator's handle.
    lines.push(
        serde_json::json!({"kind": "post", "id": "telegram:klubromantis/5", "account": "telegram:klubromantis", "platform": "telegram",
            "created_at": 1_772_440_500, "text": "Member baru? Langsung chat t.me/op2 ya, dijamin dapat teman kencan"})
        .to_string(),
    );
    // The people around them: the chance that two accounts share a script line, a wallet
    // and a handle is measured against everyone in the data.
    lines.extend(background(300, 1_772_442_000).iter().map(|v| v.to_string()));
    let input = dir.path().join("chats.jsonl");
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).args(["-q", "--graph-targets"]));
    let doc = read_json(&out.join("networks.json"));
    let nets = doc["networks"].as_array().unwrap();
    assert_eq!(nets.len(), 1, "{doc}");
    let n = &nets[0];
    assert_eq!(n["type"], "scam");
    // accounts.csv names members and targets, each with its role; the graph joins each
    // target to the operator who wrote to it.
    let accounts = std::fs::read_to_string(out.join("accounts.csv")).unwrap();
    let rows: Vec<Vec<&str>> = accounts.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8, "{accounts}");
    let role = |account: &str| rows.iter().find(|r| r[0] == account).map(|r| r[2]);
    assert_eq!(role("telegram:op1"), Some("member"));
    assert_eq!(role("telegram:v3"), Some("target"));
    let op1 = rows.iter().find(|r| r[0] == "telegram:op1").unwrap();
    assert!(op1[9].contains("shared_script") && op1[9].contains("shared_payment"), "signals: {op1:?}");
    assert!(!op1[7].is_empty() && !op1[10].is_empty(), "first seen and strongest p-value: {op1:?}");
    let victim = rows.iter().find(|r| r[0] == "telegram:v1").unwrap();
    assert_eq!((victim[9], victim[10]), ("", ""), "a target has no evidence of its own: {victim:?}");
    let graph = std::fs::read_to_string(out.join("graph.graphml")).unwrap();
    assert!(graph.contains(r#"<edge source="telegram:op1" target="telegram:v1">"#), "{graph}");
    assert!(graph.contains(r#"<data key="signals">conversation</data>"#));
    assert_eq!(
        n["accounts"],
        serde_json::json!(["facebook:klubromantis_ads", "telegram:klubromantis", "telegram:op1", "telegram:op2"]),
        "the ad and the channel join, the shop's staff do not: {doc}"
    );
    assert_eq!(n["targets"], serde_json::json!(["telegram:v1", "telegram:v2", "telegram:v3", "telegram:v4"]));
    for signal in ["shared_script", "shared_payment", "shared_contact"] {
        assert!(n["signals"][signal].as_u64().unwrap_or(0) > 0, "{signal}: {}", n["signals"]);
    }
    // Every claim cites records: the script edge names the messages it rests on.
    let edges = std::fs::read_to_string(out.join("edges.csv")).unwrap();
    let script_edge = edges.lines().find(|l| l.contains("shared_script")).expect("a shared_script edge");
    assert!(script_edge.contains("telegram:c0/1") && script_edge.contains("telegram:c1/1"), "{script_edge}");
    assert!(edges.lines().any(|l| l.contains("shared_contact") && l.contains("fb:ad1")), "{edges}");
    assert_eq!(n["funnel"]["conversations"], 4);
    assert_eq!(n["funnel"]["reached_sting"], 1.0);
    assert_eq!(n["funnel"]["amounts_by_step"][0]["median_value"], 250000.0);
    assert_eq!(n["funnel"]["max_concurrent_conversations"], 2);
    let explanation = n["explanation"].as_str().unwrap();
    assert!(explanation.contains("4 targets") && explanation.contains("@op1"), "{explanation}");
}

#[test]
fn a_settings_file_is_read_flags_beat_it_and_unknown_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("scan.toml");
    std::fs::write(
        &config,
        "memory_budget_bytes = \"none\"\n[detect]\nalpha = 0.05\n[detect.co_post]\nwindow_seconds = 300\n[detect.co_hashtag]\nenabled = false\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let input = repo().join("examples/simulated/records.jsonl.gz");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).arg("--config").arg(&config).args(["-q", "--window", "co_post=90"]));
    let doc = read_json(&out.join("networks.json"));
    let detect = &doc["parameters"]["detect"];
    assert_eq!(detect["alpha"], 0.05, "the file beats the default");
    assert_eq!(detect["co_post"]["window_seconds"], 90.0, "the flag beats the file");
    assert_eq!(detect["co_hashtag"]["enabled"], false);
    assert_eq!(detect["co_link"]["window_seconds"], 3600.0, "what the file leaves out keeps its default");
    assert_eq!(doc["parameters"]["memory_budget_bytes"], Value::Null);
    assert_eq!(doc["schema_version"], "1.1");

    // A scan's networks.json is a settings file too: scan again with the same settings.
    let out2 = dir.path().join("out2");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out2).arg("--config").arg(out.join("networks.json")).arg("-q"));
    assert_eq!(read_json(&out2.join("networks.json"))["parameters"], doc["parameters"]);

    std::fs::write(&config, "[detect]\nalpah = 0.05\n").unwrap();
    let refused = disrupt().arg("scan").arg(&input).arg("--out").arg(&out).arg("--config").arg(&config).output().unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("unknown key `alpah`") && stderr.contains("scan.toml"), "{stderr}");
    std::fs::write(&config, "[detect]\nalpha = 2.0\n").unwrap();
    let refused = disrupt().arg("scan").arg(&input).arg("--out").arg(&out).arg("--config").arg(&config).output().unwrap();
    assert!(String::from_utf8_lossy(&refused.stderr).contains("detect.alpha"), "{}", String::from_utf8_lossy(&refused.stderr));
}

/// Issue 17's panic: an account the group test considers, with a private chat, made the
/// scan index the per-post chances with a message's store number (messages follow the
/// posts in the store). The scan must finish and the chat's sender stay explainable.
#[test]
fn an_account_with_a_chat_beside_a_copying_group_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    let mut seed = 7u64;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    let t0 = 1_767_225_600i64; // 2026-01-01
    for a in 0..300 {
        for k in 0..10 {
            let words: Vec<String> = (0..8).map(|_| format!("w{}", next() % 5000)).collect();
            lines.push(serde_json::json!({"kind": "post", "id": format!("b{a}-{k}"), "account": format!("x:b{a}"), "platform": "x",
                "created_at": t0 + (next() % (7 * 86_400)) as i64, "text": words.join(" ")}));
        }
    }
    for burst in 0..12i64 {
        let start = t0 + 3_600 + burst * 40_000;
        let text = format!("join the rally for the new harbour plan today number {burst}");
        for member in 0..6i64 {
            lines.push(serde_json::json!({"kind": "post", "id": format!("op{member}-{burst}"), "account": format!("x:op{member}"),
                "platform": "x", "created_at": start + member * 20, "text": text}));
        }
        if burst < 2 {
            lines.push(serde_json::json!({"kind": "post", "id": format!("late-{burst}"), "account": "x:late", "platform": "x",
                "created_at": start + 30, "text": text}));
        }
    }
    for k in 0..6i64 {
        let (from, text) = if k % 2 == 0 { ("x:late", "hi, how are you") } else { ("x:friend", "fine, and you?") };
        lines.push(serde_json::json!({"kind": "message", "id": format!("m{k}"), "conversation": "c1", "account": from,
            "platform": "x", "created_at": t0 + 100 + k * 60, "text": text}));
    }
    let input = dir.path().join("records.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")).unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).arg("-q"));
    let doc = check_contract(&out);
    let members: Vec<&str> =
        doc["networks"].as_array().unwrap().iter().flat_map(|n| n["accounts"].as_array().unwrap()).filter_map(Value::as_str).collect();
    assert!((0..6).all(|m| members.contains(&format!("x:op{m}").as_str())), "the copying group is found: {members:?}");
    run(disrupt().args(["explain", "x:late", "--in"]).arg(&out));
}

/// Hostile identifiers, handles and texts (an OSC 52 clipboard write, BEL, NUL, a bidi
/// override) reach neither standard output nor standard error raw; the files keep them raw.
#[test]
fn control_sequences_in_the_input_are_escaped_on_the_terminal_and_kept_in_files() {
    let dir = tempfile::tempdir().unwrap();
    // No NUL in ids: a command line cannot carry one (the texts do).
    let evil = |m: usize| format!("x:op{m}\u{1b}]52;c;ZXZpbA==\u{7}\u{202e}");
    let mut lines = Vec::new();
    for m in 0..6 {
        lines.push(serde_json::json!({"kind": "account", "id": evil(m), "platform": "x", "handle": format!("evil\u{1b}[2Jhandle{m}")}));
    }
    for burst in 0..8i64 {
        for m in 0..6usize {
            lines.push(serde_json::json!({"kind": "post", "id": format!("p{m}-{burst}\u{1b}[31m"), "account": evil(m), "platform": "x",
                "created_at": 1_767_225_600 + burst * 7_200 + m as i64 * 10,
                "text": format!("vote\u{1b}[8m\u{0} for the harbour plan at the town hall meeting number {burst}")}));
        }
    }
    lines.extend(background(300, 1_767_225_600));
    let input = dir.path().join("evil.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")).unwrap();
    let out = dir.path().join("out");
    let scan = disrupt().arg("scan").arg(&input).arg("--out").arg(&out).output().unwrap();
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let explain = disrupt().args(["explain", &evil(0), "--in"]).arg(&out).output().unwrap();
    let missing = disrupt().args(["scan", "missing\u{1b}]0;title\u{7}.jsonl", "--out"]).arg(&out).output().unwrap();
    for (what, bytes) in [
        ("scan stdout", &scan.stdout),
        ("scan stderr", &scan.stderr),
        ("explain stdout", &explain.stdout),
        ("explain stderr", &explain.stderr),
        ("error", &missing.stderr),
    ] {
        let text = String::from_utf8_lossy(bytes);
        for raw in ['\u{1b}', '\u{7}', '\u{0}', '\u{202e}'] {
            assert!(!text.contains(raw), "{what} holds {raw:?} raw: {text}");
        }
    }
    let summary = String::from_utf8_lossy(&scan.stdout);
    assert!(summary.contains("Found 1 networks"), "{summary}");
    assert!(String::from_utf8_lossy(&explain.stdout).contains("x:op0\\x1b]52;c;ZXZpbA==\\x07\\u{202e} is a member"));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing\\x1b]0;title\\x07.jsonl"));
    // The files keep the ids as they were, so they join back to the source.
    let edges = std::fs::read_to_string(out.join("edges.csv")).unwrap();
    assert!(edges.contains(&evil(0)));
}

/// An id a spreadsheet would run as a formula is neutralised with --spreadsheet-safe, and
/// kept raw without it; the records cell is a JSON array, whatever the ids hold.
#[test]
fn spreadsheet_safe_cells_and_unambiguous_record_lists() {
    let dir = tempfile::tempdir().unwrap();
    let id = |m: usize| if m.is_multiple_of(2) { format!("=HYPERLINK(\"http://evil.example\";\"x{m}\")") } else { format!("@SUM(1+{m})") };
    let mut lines = Vec::new();
    for burst in 0..8i64 {
        for m in 0..4usize {
            lines.push(serde_json::json!({"kind": "post", "id": format!("p;{m},{burst}"), "account": id(m), "platform": "x",
                "created_at": 1_767_225_600 + burst * 7_200 + m as i64 * 10,
                "text": format!("join us at the harbour meeting tonight, gathering number {burst}")}));
        }
    }
    lines.extend(background(300, 1_767_225_600));
    let input = dir.path().join("cells.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")).unwrap();
    let (raw, safe) = (dir.path().join("raw"), dir.path().join("safe"));
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&raw).arg("-q"));
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&safe).args(["-q", "--spreadsheet-safe"]));
    let rows = |dir: &Path| -> Vec<csv::StringRecord> {
        csv::Reader::from_path(dir.join("edges.csv")).unwrap().records().map(Result::unwrap).collect()
    };
    let (raw_rows, safe_rows) = (rows(&raw), rows(&safe));
    assert!(!raw_rows.is_empty());
    assert!(raw_rows.iter().all(|r| r[0].starts_with(['=', '@']) && r[1].starts_with(['=', '@'])), "raw ids join back to the source");
    assert!(safe_rows.iter().all(|r| r[0].starts_with('\'') && r[1].starts_with('\'')), "{:?}", safe_rows[0]);
    for r in &raw_rows {
        let ids: Vec<String> = serde_json::from_str(&r[11]).expect("the records cell is a JSON array");
        assert!(ids.iter().all(|i| i.starts_with("p;")), "ids holding ; and , stay whole: {ids:?}");
        assert_eq!(r[12].parse::<usize>().unwrap(), ids.len());
    }
}

/// A symlink loop in an input folder is walked once (it hung the scan at 100% CPU), a file
/// reached through two links is read once, and an output folder inside the input folder is
/// not read back.
#[cfg(unix)]
#[test]
fn input_folders_with_loops_links_and_the_output_inside() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::copy(repo().join("examples/simulated/records.jsonl.gz"), data.join("sub/records.jsonl.gz")).unwrap();
    std::os::unix::fs::symlink(&data, data.join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(data.join("sub/records.jsonl.gz"), data.join("again.jsonl.gz")).unwrap();
    let out = data.join("out");
    let started = std::time::Instant::now();
    run(disrupt().arg("scan").arg(&data).arg("--out").arg(&out).arg("-q"));
    let doc = read_json(&out.join("networks.json"));
    assert_eq!(doc["inputs"]["files"].as_array().unwrap().len(), 1, "{}", doc["inputs"]["files"]);
    assert_eq!(doc["inputs"]["duplicates"], 0);
    // A second scan into the same folder does not read the first one's outputs.
    run(disrupt().arg("scan").arg(&data).arg("--out").arg(&out).arg("-q"));
    let again = read_json(&out.join("networks.json"));
    assert_eq!(again["inputs"]["files"].as_array().unwrap().len(), 1, "{}", again["inputs"]["files"]);
    assert_eq!(again["inputs"]["records"], doc["inputs"]["records"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(120));
}

/// Killed after any rename of its output files, a scan leaves the previous set or its own,
/// never a mix: the next reader finds one consistent set (its manifest holds), and the next
/// scan finishes cleanly. A second scan of the same folder waits for none: it is refused.
#[test]
fn a_scan_killed_at_any_rename_leaves_one_consistent_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(repo().join("examples/simulated/records.jsonl.gz")).arg("--out").arg(&out).arg("-q"));
    let scan_id = |out: &Path| read_json(&out.join("manifest.json"))["scan_id"].as_str().unwrap().to_string();
    let first = scan_id(&out);
    // A second input: a copying group the example does not hold.
    let mut lines = Vec::new();
    for burst in 0..8i64 {
        for m in 0..5 {
            lines.push(serde_json::json!({"kind": "post", "id": format!("k{m}-{burst}"), "account": format!("x:k{m}"), "platform": "x",
                "created_at": 1_767_225_600 + burst * 7_200 + m * 10, "text": format!("meet at the north gate before the vote, call {burst}")}));
        }
    }
    lines.extend(background(300, 1_767_225_600));
    let input = dir.path().join("b.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join("\n")).unwrap();
    let mut finished = false;
    for kill_after in 1..=20 {
        let status = disrupt()
            .arg("scan")
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .env("DISRUPT_FAIL_AFTER_RENAMES", kill_after.to_string())
            .status()
            .unwrap();
        // Whatever was left, a reader sees one whole set: the example's or the new one.
        let explained = run(disrupt().args(["explain", "x:k0", "--in"]).arg(&out));
        let id = scan_id(&out);
        if id == first {
            assert!(explained.contains("not a member"), "kill after rename {kill_after}: the old set, whole\n{explained}");
        } else {
            assert!(explained.contains("is a member of network"), "kill after rename {kill_after}: the new set, whole\n{explained}");
        }
        let beside: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(beside.iter().all(|n| !n.contains("staging") && !n.ends_with(".old")), "kill after rename {kill_after}: {beside:?}");
        if status.success() {
            assert_ne!(id, first);
            finished = true;
            break;
        }
    }
    assert!(finished, "the scan finishes once it is let through every rename");
}

#[test]
fn the_automatic_budget_respects_an_address_space_limit() {
    // `ulimit -v` of 2 GiB: a quarter of it is the detector budget, whatever the machine has.
    if !Path::new("/bin/sh").exists() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let input = fixture("coortweet/russian_coord_tweets.csv.gz");
    let script = format!(
        "ulimit -v 2097152 && exec \"{}\" scan \"{}\" --columns account=account_id,created_at=timestamp_share,id=content_id,urls=object_id --out \"{}\" --verbose",
        env!("CARGO_BIN_EXE_disrupt"),
        input.display(),
        out.path().join("o").display()
    );
    let output = Command::new("/bin/sh").arg("-c").arg(&script).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    // At most a quarter of the limit (less if a container allows less still).
    let budget: f64 = said
        .split("memory budget ")
        .nth(1)
        .and_then(|rest| rest.split(" MiB").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no budget in {said}"));
    assert!(budget > 0.0 && budget <= 512.0, "{said}");
}

/// A placebo of a canonical JSON Lines file (as bench/placebo.py makes): each account's
/// posts moved by its own whole number of days, wrapping inside the data's span, so habits,
/// texts and each key's popularity stay and coordination between accounts is gone;
/// messages and generations are dropped.
fn placebo(records: &str, days: i64) -> String {
    const DAY_MS: i64 = 86_400_000;
    let posts: Vec<Value> = records.lines().filter_map(|l| serde_json::from_str::<Value>(l).ok()).collect();
    let time = |p: &Value| -> i64 {
        let text = p["created_at"].as_str().unwrap_or_default();
        chrono::DateTime::parse_from_rfc3339(text).map(|t| t.timestamp_millis()).unwrap_or(0)
    };
    let first = posts.iter().filter(|p| p["kind"] == "post").map(time).min().unwrap_or(0);
    let mut out = String::new();
    for mut p in posts {
        match p["kind"].as_str() {
            Some("account") => {}
            Some("post") => {
                // The account's own shift, from its id (deterministic, independent of order).
                let id = p["account"].as_str().unwrap_or_default();
                let shift = id.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64)) as i64 % days;
                let moved = first + (time(&p) - first + shift * DAY_MS).rem_euclid(days * DAY_MS);
                p["created_at"] = Value::String(chrono::DateTime::from_timestamp_millis(moved).unwrap().to_rfc3339());
            }
            _ => continue,
        }
        out.push_str(&p.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn the_placebo_of_the_bundled_example_flags_no_organic_account() {
    // Before script and contact linking was kept to the ads that lead to private
    // conversations, seven look-alike shops were one "network" here.
    use std::io::Read;
    let mut records = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(repo().join("examples/simulated/records.jsonl.gz")).unwrap())
        .read_to_string(&mut records)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("placebo.jsonl");
    std::fs::write(&input, placebo(&records, 7)).unwrap();
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(dir.path().join("out")).arg("-q"));
    let report = eval(&repo().join("examples/simulated/labels.jsonl"), &dir.path().join("out"));
    assert_eq!(report["false_positives"], 0, "organic accounts flagged on a placebo: {report}");
    assert_eq!(report["unlabelled_flagged"], 0);
}

#[test]
fn shared_identifiers_that_are_not_links_are_kept_as_they_are() {
    // CooRTweet's exports name shared URLs by integer ids (`url_id`); a URL parser reads
    // 26899 as the IPv4 address 0.0.105.19. Four accounts share the same ids within
    // seconds on eight occasions, beside an ordinary background.
    let dir = tempfile::tempdir().unwrap();
    let start = 1_767_225_600; // 2026-01-01
    let mut lines = background(300, start);
    for occasion in 0..8i64 {
        for member in 0..4i64 {
            lines.push(serde_json::json!({"kind": "post", "id": format!("op{occasion}-{member}"), "account": format!("x:op{member}"),
                "platform": "x", "created_at": start + occasion * 10_000 + member * 7, "text": "",
                "urls": [format!("{}", 26_899 + occasion)]}));
        }
    }
    let input = dir.path().join("ids.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).arg("-q"));
    let networks = std::fs::read_to_string(out.join("networks.json")).unwrap();
    let doc: Value = serde_json::from_str(&networks).unwrap();
    let members: HashSet<&str> =
        doc["networks"].as_array().unwrap().iter().flat_map(|n| n["accounts"].as_array().unwrap()).filter_map(|a| a.as_str()).collect();
    assert_eq!(members, ["x:op0", "x:op1", "x:op2", "x:op3"].into_iter().collect::<HashSet<_>>());
    assert!(networks.contains("26899"), "the shared id is named as it was given");
    assert!(!networks.contains("0.0.105.19"), "not read as an IPv4 address");
    // What was shared is named where the pairs are: evidence.jsonl per edge, the cited
    // records' own links, and `explain`, whose records have no text to show.
    let evidence = std::fs::read_to_string(out.join("evidence.jsonl")).unwrap();
    let edge: Value = serde_json::from_str(evidence.lines().find(|l| l.contains("\"co_link\"")).unwrap()).unwrap();
    let shared: Vec<&str> = edge["shared"].as_array().unwrap().iter().map(|s| s["item"].as_str().unwrap()).collect();
    assert_eq!(shared.len(), 8, "{edge}");
    assert!(shared.contains(&"26899") && shared.contains(&"26906"), "{shared:?}");
    let records = std::fs::read_to_string(out.join("records.jsonl")).unwrap();
    let record: Value = serde_json::from_str(records.lines().find(|l| l.contains("\"op0-0\"")).unwrap()).unwrap();
    assert_eq!(record["urls"], serde_json::json!(["26899"]), "{record}");
    let explained = run(disrupt().arg("explain").arg("x:op0").arg("--in").arg(&out));
    assert!(explained.contains("shared: 26899 (1 pair)"), "{explained}");
    assert!(explained.contains("both: 26899"), "{explained}");
    assert!(!explained.contains("\"\""), "no empty quotes: {explained}");
}

#[test]
fn each_input_file_is_reported_and_files_that_yield_nothing_exit_with_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let stix = dir.path().join("bundle.json");
    std::fs::write(&stix, "{\n  \"type\": \"bundle\",\n  \"id\": \"bundle--1\",\n  \"objects\": [\n    {\"type\": \"campaign\"}\n  ]\n}\n")
        .unwrap();
    let binary = dir.path().join("photo.jpg");
    std::fs::write(&binary, [0xFFu8, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01]).unwrap();
    let all_bad = dir.path().join("bad.jsonl");
    std::fs::write(&all_bad, "{\"kind\":\"post\",\"id\":\"1\"}\n{broken\n").unwrap();
    let example = repo().join("examples/simulated/records.jsonl.gz");
    let out = dir.path().join("out");
    let result = disrupt()
        .arg("scan")
        .args([&example, &stix, &binary, &all_bad])
        .arg("--out")
        .arg(&out)
        .args(["--calibrate", "0"])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    // Per file: what was read and rejected, with the first error.
    assert!(stdout.contains("records.jsonl.gz: jsonl, 20478 records, 0 rejected"), "{stdout}");
    assert!(stdout.contains("bad.jsonl: jsonl, 0 records, 2 rejected (first: line 1:"), "{stdout}");
    // One clear reject for a document and a binary file, not one per line.
    assert!(stderr.contains("3 of 4 input files yielded no record"), "{stderr}");
    assert!(stderr.contains("bundle.json: not read (first: this is not a format I read: a STIX bundle"), "{stderr}");
    assert!(stderr.contains("photo.jpg: not read (first: this is not a format I read: binary data"), "{stderr}");
    let rejects = std::fs::read_to_string(out.join("rejects.jsonl")).unwrap();
    assert_eq!(rejects.lines().count(), 4, "{rejects}");
    // The outputs are written all the same.
    assert!(!check_contract(&out)["networks"].as_array().unwrap().is_empty());
}

#[test]
fn strict_fails_on_any_reject_and_the_default_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one-bad.jsonl");
    let good =
        "{\"kind\":\"post\",\"id\":\"1\",\"account\":\"x:a\",\"platform\":\"x\",\"created_at\":\"2026-01-01T00:00:00Z\",\"text\":\"ok\"}";
    std::fs::write(&input, format!("{good}\nnot json\n")).unwrap();
    let scan = |strict: bool| {
        let mut cmd = disrupt();
        cmd.arg("scan").arg(&input).arg("--out").arg(dir.path().join("out")).args(["-q", "--calibrate", "0"]);
        if strict {
            cmd.arg("--strict");
        }
        cmd.output().unwrap()
    };
    assert_eq!(scan(false).status.code(), Some(0));
    let strict = scan(true);
    assert_eq!(strict.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict: 1 records rejected"));
}

#[test]
fn epochs_in_milliseconds_are_read_as_milliseconds() {
    // Exports from JavaScript and Kafka write milliseconds; 1767225600000 as seconds is out
    // of range, and was rejected. Four accounts post the same texts, their times in
    // milliseconds, beside a background written in seconds.
    let dir = tempfile::tempdir().unwrap();
    let start = 1_767_225_600; // 2026-01-01T00:00:00Z
    let mut lines = background(300, start);
    for occasion in 0..8i64 {
        for member in 0..4i64 {
            lines.push(serde_json::json!({"kind": "post", "id": format!("op{occasion}-{member}"), "account": format!("x:op{member}"),
                "platform": "x", "created_at": (start + 3600 + occasion * 10_000) * 1000 + member * 1500,
                "text": format!("the same words again and again number {occasion}")}));
        }
    }
    let input = dir.path().join("ms.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).args(["-q", "--calibrate", "0"]));
    let doc = check_contract(&out);
    assert_eq!(doc["inputs"]["rejected"], 0);
    let edges = std::fs::read_to_string(out.join("edges.csv")).unwrap();
    assert!(edges.contains("x:op0,x:op1,co_post") && edges.contains("2026-01-01T01:00:00Z"), "{edges}");
}

#[test]
fn help_shows_defaults_and_an_unknown_signal_lists_the_signals() {
    let help = run(disrupt().args(["scan", "--help"]));
    assert!(help.contains("default 0.01") && help.contains("co_post 3600"), "{help}");
    let out = tempfile::tempdir().unwrap();
    let result = disrupt()
        .arg("scan")
        .arg(repo().join("examples/simulated/records.jsonl.gz"))
        .arg("--out")
        .arg(out.path())
        .args(["--disable", "co_posts"])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let said = String::from_utf8_lossy(&result.stderr);
    assert!(said.contains("unknown signal `co_posts`") && said.contains("co_post, near_duplicate"), "{said}");
}

#[test]
fn standard_input_is_read_like_a_file() {
    use std::io::Write;
    let out = tempfile::tempdir().unwrap();
    let mut child = disrupt()
        .args(["scan", "-", "--calibrate", "0", "-q", "--out"])
        .arg(out.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The gzip bytes as stored: standard input is opened by its magic bytes like a file.
    let bytes = std::fs::read(repo().join("examples/simulated/records.jsonl.gz")).unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    assert!(child.wait().unwrap().success());
    let doc = check_contract(out.path());
    assert_eq!(doc["inputs"]["records"], 20478);
    assert_eq!(doc["inputs"]["files"][0]["path"], "-");
    assert_eq!(doc["networks"].as_array().unwrap().len(), 6);
}

#[test]
fn errors_name_the_path_and_say_the_cause_once() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-such-settings.toml");
    let result = disrupt()
        .arg("scan")
        .arg(repo().join("examples/simulated/records.jsonl.gz"))
        .arg("--config")
        .arg(&missing)
        .arg("--out")
        .arg(out.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let said = String::from_utf8_lossy(&result.stderr);
    assert!(said.contains(&*missing.to_string_lossy()), "{said}");
    assert_eq!(said.matches("No such file or directory").count(), 1, "{said}");
}

/// A CSV cell, quoted.
fn cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[test]
fn long_format_rows_add_their_shared_objects_to_the_post() {
    // One row per (post, shared object), as CooRTweet and many exports write: four accounts
    // post the same image (by perceptual hash) within seconds on eight occasions, but each
    // post's first row names only a picture of its own. Kept as duplicates, the later rows
    // were lost, and so was the operation.
    let dir = tempfile::tempdir().unwrap();
    let start = 1_767_225_600i64;
    let mut csv = String::from("post_id,user,time,text,link,phash\n");
    for a in 0..300 {
        for k in 0..3 {
            let t = start + ((a * 7919 + k * 104_729) % 86_400) as i64;
            csv += &format!(
                "bg{a}-{k},bg{a},{t},{},https://news{}.example/{a}/{k},img-bg-{a}-{k}\n",
                cell("an ordinary day, nothing to see"),
                a % 40
            );
        }
    }
    for occasion in 0..8i64 {
        for member in 0..4i64 {
            let (id, t) = (format!("op{occasion}-{member}"), start + occasion * 10_000 + member * 9);
            let text = cell(&format!("look at this, post {occasion}-{member}"));
            csv += &format!("{id},op{member},{t},{text},,own-{occasion}-{member}\n");
            csv += &format!("{id},op{member},{t},{},,shared-{occasion}\n", cell("a later row's text is ignored"));
            // The same object again on a third row counts once.
            csv += &format!("{id},op{member},{t},{text},,shared-{occasion}\n");
        }
    }
    let input = dir.path().join("long.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out");
    run(disrupt()
        .arg("scan")
        .arg(&input)
        .args(["--columns", "id=post_id,account=user,created_at=time,text=text,urls=link,objects.phash=phash"])
        .arg("--out")
        .arg(&out)
        .arg("-q"));
    let doc = check_contract(&out);
    assert_eq!(doc["inputs"]["by_kind"]["post"], 900 + 32, "one post per id");
    assert_eq!(doc["inputs"]["duplicates"], 64, "the later rows are counted as repeats");
    let networks = doc["networks"].as_array().unwrap();
    assert_eq!(networks.len(), 1, "{networks:#?}");
    let members: Vec<&str> = networks[0]["accounts"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
    assert_eq!(members, ["x:op0", "x:op1", "x:op2", "x:op3"]);
    assert!(networks[0]["signals"]["co_object"].as_u64().unwrap() >= 6, "{}", networks[0]["signals"]);
    let evidence = networks[0]["evidence"].as_array().unwrap().iter().find(|e| e["signal"] == "co_object").expect("co_object evidence");
    let text = serde_json::to_string(&networks[0]).unwrap();
    assert!(text.contains("phash:shared-"), "the shared item is named: {text}");
    for example in evidence["examples"].as_array().unwrap() {
        assert!(example["text"].as_str().unwrap().starts_with("look at this"), "the first row's text: {example}");
    }
}

#[test]
fn column_mapping_takes_the_platform_and_chat_fields_from_columns() {
    let dir = tempfile::tempdir().unwrap();
    // Rows of several platforms in one file: each keeps its own, and an empty cell takes
    // `--platform`. Four Facebook pages post the same texts beside an ordinary background.
    let start = 1_767_225_600i64;
    let background = dir.path().join("background.jsonl");
    std::fs::write(&background, background_lines(300, start)).unwrap();
    let mut csv = String::from("id,network,author,when,body\n");
    for occasion in 0..8i64 {
        for member in 0..4i64 {
            let t = start + occasion * 10_000 + member * 30;
            let text = cell(&format!("the election was stolen, share before they delete it, part {occasion}"));
            csv += &format!("p{occasion}-{member},Facebook,page{member},{t},{text}\n");
        }
    }
    csv += &format!("i1,instagram,bob,{start},hi\nt1,,carol,{start},hey\n");
    let posts = dir.path().join("mixed.csv");
    std::fs::write(&posts, csv).unwrap();
    let out = dir.path().join("posts-out");
    run(disrupt()
        .arg("scan")
        .arg(&background)
        .arg(&posts)
        .args(["--columns", "id=id,platform=network,account=author,created_at=when,text=body", "--platform", "telegram"])
        .arg("--out")
        .arg(&out)
        .args(["-q", "--calibrate", "0"]));
    let doc = read_json(&out.join("networks.json"));
    assert_eq!(doc["inputs"]["by_kind"]["post"], 1500 + 32 + 2);
    let network = &doc["networks"][0];
    assert_eq!(network["platforms"], serde_json::json!(["facebook"]), "{network}");
    assert_eq!(network["accounts"][0], "facebook:page0");
    assert!(serde_json::to_string(network).unwrap().contains("facebook:p0-0"), "post ids take the row's platform");
    // A chat log in CSV: rows are messages of conversations, and are staged.
    let chat = dir.path().join("chat.csv");
    std::fs::write(
        &chat,
        "msg,chat,from,at,said,side\n\
         1,c1,op,2026-01-01T10:00:00Z,\"Hi dear, how was your day?\",operator\n\
         2,c1,victim,2026-01-01T10:05:00Z,\"Good, thanks\",target\n\
         3,c1,op,2026-01-02T10:00:00Z,\"Send 500 USDT to 0x8f3a9b2c4d5e6f708192a3b4c5d6e7f809a1b2c3 today to unlock your profit\",operator\n",
    )
    .unwrap();
    let out = dir.path().join("chat-out");
    run(disrupt()
        .arg("scan")
        .arg(&chat)
        .args(["--columns", "id=msg,conversation=chat,account=from,created_at=at,text=said,role=side", "--platform", "whatsapp"])
        .arg("--out")
        .arg(&out)
        .args(["-q", "--calibrate", "0"]));
    let doc = read_json(&out.join("networks.json"));
    assert_eq!(doc["inputs"]["by_kind"]["message"], 3);
    let stages: Vec<Value> =
        std::fs::read_to_string(out.join("stages.jsonl")).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(stages.len(), 3);
    let sting = stages.iter().find(|s| s["message"] == "whatsapp:3").expect("the payment request is staged");
    assert_eq!(sting["stage"], "sting", "{sting}");
    assert_eq!(sting["role"], "operator");
    assert_eq!(stages.iter().find(|s| s["message"] == "whatsapp:2").unwrap()["role"], "target");
    assert_eq!(sting["conversation"], "whatsapp:c1");
}

#[test]
fn parquet_files_are_read_by_row_group_under_contract_names_or_a_mapping() {
    let Some(mut python) = python_with(&["pyarrow"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    // Written by pyarrow, in row groups of 100: contract columns with native types (int
    // ids, timestamps, lists, structs), and a long-format file read through --columns.
    let script = r#"
import sys, pyarrow as pa, pyarrow.parquet as pq
from datetime import datetime, timezone, timedelta
out = sys.argv[1]
start = datetime(2026, 1, 1, tzinfo=timezone.utc)
rows = []
for a in range(300):
    for k in range(3):
        rows.append(dict(id=a * 10 + k, account=f"x:bg{a}", platform="x", created_at=start + timedelta(seconds=(a * 7919 + k * 104729) % 86400),
                         text=f"an ordinary day {a} {k}", hashtags=[f"day{a % 50}"], objects=[], metrics={"likes": a % 7}))
for occ in range(8):
    for m in range(4):
        rows.append(dict(id=100000 + occ * 10 + m, account=f"x:op{m}", platform="x", created_at=start + timedelta(seconds=occ * 10000 + m * 9),
                         text=f"look at this {occ} {m}", hashtags=None, objects=[{"type": "phash", "value": f"img-{occ}"}], metrics=None))
rows.append(dict(id=999999, account=None, platform="x", created_at=start, text="no author", hashtags=None, objects=None, metrics=None))
schema = pa.schema([("id", pa.int64()), ("account", pa.string()), ("platform", pa.string()), ("created_at", pa.timestamp("ms", tz="UTC")),
                    ("text", pa.string()), ("hashtags", pa.list_(pa.string())),
                    ("objects", pa.list_(pa.struct([("type", pa.string()), ("value", pa.string())]))),
                    ("metrics", pa.struct([("likes", pa.int64())]))])
pq.write_table(pa.Table.from_pylist(rows, schema=schema), out + "/contract.parquet", row_group_size=100)
long = dict(post=[], user=[], ts=[], url=[])
for occ in range(8):
    for m in range(4):
        for url in (f"own-{occ}-{m}", f"{26899 + occ}"):
            long["post"].append(occ * 10 + m); long["user"].append(f"op{m}"); long["ts"].append(1767225600 + occ * 10000 + m * 9); long["url"].append(url)
pq.write_table(pa.table(long), out + "/long.parquet", row_group_size=16, compression="zstd")
"#;
    run(python.args(["-c", script]).arg(dir.path()));
    let out = dir.path().join("out");
    let result = disrupt().arg("scan").arg(dir.path().join("contract.parquet")).arg("--out").arg(&out).arg("-q").output().unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let doc = check_contract(&out);
    assert_eq!(doc["inputs"]["files"][0]["format"], "parquet");
    assert_eq!(doc["inputs"]["by_kind"]["post"], 900 + 32);
    assert_eq!(doc["inputs"]["rejected"], 1);
    let rejects = std::fs::read_to_string(out.join("rejects.jsonl")).unwrap();
    let reject: Value = serde_json::from_str(rejects.lines().next().unwrap()).unwrap();
    assert_eq!(reject["line"], 933, "the row's number: {reject}");
    assert!(reject["error"].as_str().unwrap().contains("account"), "{reject}");
    let network = &doc["networks"][0];
    assert_eq!(network["accounts"], serde_json::json!(["x:op0", "x:op1", "x:op2", "x:op3"]), "{network}");
    assert!(network["signals"]["co_object"].as_u64().unwrap() > 0);
    // The long-format file, mapped: every row's link joins its post, and integer link ids
    // are kept as they are.
    let out = dir.path().join("long-out");
    let background = dir.path().join("background.jsonl");
    std::fs::write(&background, background_lines(300, 1_767_225_600)).unwrap();
    run(disrupt()
        .arg("scan")
        .arg(dir.path().join("long.parquet"))
        .arg(&background)
        .args(["--columns", "id=post,account=user,created_at=ts,urls=url"])
        .arg("--out")
        .arg(&out)
        .arg("-q"));
    let doc = read_json(&out.join("networks.json"));
    let long = doc["inputs"]["files"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with("long.parquet")).unwrap();
    assert_eq!(long["records"], 32 + 4 + 32, "32 posts, 4 accounts, 32 later rows: {long}");
    assert_eq!(doc["inputs"]["duplicates"], 32);
    let network = &doc["networks"][0];
    assert_eq!(network["accounts"], serde_json::json!(["x:op0", "x:op1", "x:op2", "x:op3"]), "{network}");
    assert!(serde_json::to_string(network).unwrap().contains("26899"));
}

#[test]
fn iana_time_zones_apply_daylight_saving_and_short_data_is_warned_of() {
    // Local Berlin times without an offset: an operation posting at noon in January (UTC+1)
    // and in July (UTC+2), beside a background written in UTC.
    let dir = tempfile::tempdir().unwrap();
    let background = dir.path().join("background.jsonl");
    let mut lines = background_lines(300, 1_767_225_600);
    lines += &background_lines(300, 1_782_864_000); // 2026-07-01
    std::fs::write(&background, lines.replace("\"id\":\"bg", "\"id\":\"b")).unwrap();
    let mut csv = String::from("id,user,local_time,text\n");
    for (month, days) in [("01", 1..5), ("07", 1..5)] {
        for day in days {
            for member in 0..4 {
                let text = format!("the same words again, day {month}-{day}, share it now");
                csv += &format!("m{month}{day}-{member},op{member},2026-{month}-0{day} 12:00:{:02},{}\n", member * 5, cell(&text));
            }
        }
    }
    let input = dir.path().join("berlin.csv");
    std::fs::write(&input, csv).unwrap();
    let out = dir.path().join("out");
    let result = disrupt()
        .arg("scan")
        .arg(&background)
        .arg(&input)
        .args(["--columns", "id=id,account=user,created_at=local_time,text=text", "--timezone", "Europe/Berlin"])
        .arg("--out")
        .arg(&out)
        .args(["-q", "--calibrate", "0"])
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(!String::from_utf8_lossy(&result.stderr).contains("warning"), "six months of data: no warning");
    let doc = read_json(&out.join("networks.json"));
    assert_eq!(doc["parameters"]["ingest"]["timezone"], "Europe/Berlin");
    let text = serde_json::to_string(&doc["networks"]).unwrap();
    assert!(text.contains("\"2026-01-01T11:00:00Z\""), "winter noon is 11:00 UTC: {text}");
    let edges = std::fs::read_to_string(out.join("edges.csv")).unwrap();
    assert!(edges.contains(",2026-07-04T10:00:"), "summer noon is 10:00 UTC (the edges' last co-action): {edges}");
    // Two hours of data: the null's one-day timing span does not hold, and the user is told.
    let short = dir.path().join("short.jsonl");
    std::fs::write(&short, background_lines(50, 1_767_225_600).lines().take(60).map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let lines: Vec<Value> = std::fs::read_to_string(&short).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut clipped = String::new();
    for (i, mut l) in lines.into_iter().enumerate() {
        l["created_at"] = Value::from(1_767_225_600 + (i as i64 * 120));
        clipped += &(l.to_string() + "\n");
    }
    std::fs::write(&short, clipped).unwrap();
    let result = disrupt().arg("scan").arg(&short).arg("--out").arg(dir.path().join("short-out")).arg("-q").output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("disrupt: warning: the posts span 118 min, less than the day"), "{stderr}");
    let refused =
        disrupt().arg("scan").arg(&short).arg("--out").arg(dir.path().join("x")).args(["--timezone", "Mars/Olympus"]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("IANA zone such as Europe/Berlin"));
}

#[test]
fn graph_files_open_in_networkx_and_match_the_networks() {
    let Some(mut python) = python_with(&["networkx"]) else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(repo().join("examples/simulated/records.jsonl.gz")).arg("--out").arg(&out).args([
        "-q",
        "--calibrate",
        "0",
    ]));
    // networkx reads both files; what it finds is compared with networks.json, edges.csv
    // and accounts.csv.
    let script = r#"
import csv, json, sys
import networkx as nx
out = sys.argv[1]
doc = json.load(open(out + "/networks.json"))
members = {a: n for n in doc["networks"] for a in n["accounts"]}
operators = {a for n in doc["networks"] for a in n.get("operator_accounts", [])}
pairs = {}
for row in csv.DictReader(open(out + "/edges.csv")):
    if row["source"] in members and row["target"] in members:
        pairs.setdefault((row["source"], row["target"]), set()).add(row["signal"])
rows = list(csv.DictReader(open(out + "/accounts.csv")))
accounts = {row["account"]: row for row in rows if row["role"] != "target"}
targets = {(row["account"], row["network"]) for row in rows if row["role"] == "target"}
assert set(accounts) == set(members), "accounts.csv names every member"
assert targets == {(t, n["id"]) for n in doc["networks"] for t in n.get("targets", [])}, "and every target"
for g in (nx.read_gexf(out + "/graph.gexf"), nx.read_graphml(out + "/graph.graphml")):
    assert set(g.nodes) == set(members), (len(g.nodes), len(members))
    assert g.number_of_edges() == len(pairs), (g.number_of_edges(), len(pairs))
    for node, data in g.nodes(data=True):
        n = members[node]
        assert data["network"] == n["id"] and abs(data["score"] - n["score"]) < 1e-9, (node, data)
        assert data["role"] == ("operator" if node in operators else "member"), (node, data)
        assert data["platform"] == accounts[node]["platform"] and int(data["posts"]) == int(accounts[node]["posts"])
        if accounts[node]["followers"]:
            assert int(data["followers"]) == int(accounts[node]["followers"])
    for s, t, data in g.edges(data=True):
        key = (s, t) if s < t else (t, s)
        assert set(data["signals"].split(";")) == pairs[key], (key, data, pairs[key])
        assert data["weight"] > 0 and 0 <= data["p_value"] <= 1
print(len(members), len(pairs))
"#;
    let printed = run(python.args(["-c", script]).arg(&out));
    let counts: Vec<usize> = printed.split_whitespace().map(|n| n.parse().unwrap()).collect();
    assert!(counts[0] >= 50 && counts[1] >= 100, "a graph worth checking: {printed}");
}

#[test]
fn the_german_election_walk_through_reads_the_long_format_file_as_it_is() {
    // README and docs/walkthroughs.md: CooRTweet's German election data, one row per (post,
    // shared object), integer ids, no text, read with one --columns mapping.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("german");
    run(disrupt()
        .arg("scan")
        .arg(fixture("coortweet/german_elections.csv.gz"))
        .args(["--columns", "id=post_id,account=account_id,created_at=timestamp,urls=url_id,hashtags=hashtag_id,objects.phash=phash_id"])
        .arg("--out")
        .arg(&out)
        .arg("-q"));
    let doc = check_contract(&out);
    assert_eq!(doc["inputs"]["by_kind"]["post"], 194_323);
    assert_eq!(doc["inputs"]["duplicates"], 24_645, "later rows of a post");
    assert_eq!(doc["inputs"]["rejected"], 3, "rows without a post id");
    let networks = doc["networks"].as_array().unwrap();
    let members: usize = networks.iter().map(|n| n["accounts"].as_array().unwrap().len()).sum();
    assert!(networks.len() >= 100 && members >= 500, "{} networks, {members} accounts", networks.len());
    let expected = doc["calibration"]["expected_false_accounts"].as_f64().unwrap();
    assert!(expected < members as f64 / 50.0, "chance alone flags {expected} of {members}");
    let signals: HashSet<&str> = networks.iter().flat_map(|n| n["signals"].as_object().unwrap().keys().map(String::as_str)).collect();
    assert!(signals.contains("co_object") && signals.contains("co_link") && signals.contains("co_hashtag"), "{signals:?}");
    let text = std::fs::read_to_string(out.join("networks.json")).unwrap();
    assert!(!text.contains("\"0.0."), "integer ids are not read as addresses");
    // The Gephi export holds every member.
    let gexf = std::fs::read_to_string(out.join("graph.gexf")).unwrap();
    assert_eq!(gexf.matches("<node id=").count(), members);
    let rows = std::fs::read_to_string(out.join("accounts.csv")).unwrap().lines().count() - 1;
    assert_eq!(rows, members);
}

#[test]
fn impact_gives_engagement_distributions_breakouts_and_who_reacted() {
    let dir = tempfile::tempdir().unwrap();
    let start = 1_767_225_600i64;
    let mut lines: Vec<Value> = background(300, start);
    for (i, l) in lines.iter_mut().enumerate() {
        l["metrics"] = serde_json::json!({"likes": i % 10, "shares": i % 3});
    }
    for occasion in 0..8i64 {
        for member in 0..4i64 {
            // One post of the operation broke out; the rest got next to nothing.
            let metrics = if occasion == 3 && member == 0 {
                serde_json::json!({"likes": 9000, "shares": 500, "comments": 20, "views": 150_000})
            } else {
                serde_json::json!({"likes": 1, "shares": 0, "comments": 0, "views": 57})
            };
            lines.push(serde_json::json!({"kind": "post", "id": format!("op{occasion}-{member}"), "account": format!("x:op{member}"),
                "platform": "x", "created_at": start + occasion * 10_000 + member * 9,
                "text": format!("the same words again, day {occasion}, share it now"), "metrics": metrics}));
        }
    }
    // Members repost their own posts three times; two outsiders reply to them.
    for k in 0..3 {
        lines.push(serde_json::json!({"kind": "post", "id": format!("rp{k}"), "account": "x:op1", "platform": "x",
            "created_at": start + 50_000 + k, "text": "", "repost_of": format!("op{k}-0")}));
    }
    for k in 1..3 {
        lines.push(serde_json::json!({"kind": "post", "id": format!("re{k}"), "account": format!("x:bg{k}"), "platform": "x",
            "created_at": start + 60_000 + k, "text": "is this true?", "reply_to": "op3-0"}));
    }
    let input = dir.path().join("metrics.jsonl");
    std::fs::write(&input, lines.iter().map(|l| l.to_string() + "\n").collect::<String>()).unwrap();
    let out = dir.path().join("out");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).args(["-q", "--calibrate", "0"]));
    let doc = check_contract(&out);
    let network = &doc["networks"][0];
    assert_eq!(network["accounts"], serde_json::json!(["x:op0", "x:op1", "x:op2", "x:op3"]), "{network}");
    let impact = &network["impact"];
    assert_eq!(impact["posts"], 35, "{impact}");
    assert_eq!(impact["posts_with_metrics"], 32);
    assert_eq!(impact["posts_over_threshold"], 1);
    assert_eq!(impact["engagement"]["views"]["max"], 150_000);
    assert_eq!(impact["engagement"]["views"]["median"], 57);
    assert_eq!(impact["engagement"]["likes"]["p90"], 1);
    assert_eq!(impact["baseline"]["organic_posts"], 1502);
    assert_eq!(impact["reactions"]["by_members"]["reposts"], 3);
    assert_eq!(impact["reactions"]["by_outsiders"]["replies"], 2);
    assert_eq!(impact["reactions"]["outside_accounts"], 2);
    let summary = impact["summary"].as_str().unwrap();
    assert!(summary.starts_with("1 of 32 posts got more than 300 shares and comments (organic posts: 0%); median 57 views"), "{summary}");
    assert!(summary.contains("members made 3 of the 5 reposts, replies and quotes"), "{summary}");
    // A threshold the user sets.
    let out = dir.path().join("low");
    run(disrupt().arg("scan").arg(&input).arg("--out").arg(&out).args(["-q", "--calibrate", "0", "--breakout-threshold", "0"]));
    let doc = read_json(&out.join("networks.json"));
    assert_eq!(doc["networks"][0]["impact"]["posts_over_threshold"], 1, "shares plus comments above 0: only the one post");
    assert_eq!(doc["parameters"]["breakout_threshold"], 0);
}

#[test]
fn networks_are_tagged_with_disarm_techniques_that_name_their_evidence() {
    let dir = tempfile::tempdir().unwrap();
    // A team's own rule: a technique DISARM has, on a condition the shipped rules leave out.
    let rules = dir.path().join("rules.tsv");
    std::fs::write(&rules, "# ours\nT0049.001\tlookalike_handles 3\nX0001\ttype scam\tRomance funnel (team taxonomy)\n").unwrap();
    let out = dir.path().join("out");
    run(disrupt()
        .arg("scan")
        .arg(repo().join("examples/simulated/records.jsonl.gz"))
        .arg("--out")
        .arg(&out)
        .args(["-q", "--calibrate", "0", "--disarm-rules"])
        .arg(&rules));
    let doc = check_contract(&out);
    let tags =
        |n: &Value| -> Vec<String> { n["disarm"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect() };
    let networks = doc["networks"].as_array().unwrap();
    let ai =
        networks.iter().find(|n| n["operator_accounts"].as_array().is_some_and(|o| !o.is_empty()) && n["type"] == "influence").unwrap();
    assert!(tags(ai).contains(&"T0085.001".to_string()), "provenance is AI-generated text: {:?}", tags(ai));
    let copy = networks.iter().find(|n| n["signals"]["co_post"].as_u64().unwrap_or(0) > 0).unwrap();
    let flood = copy["disarm"].as_array().unwrap().iter().find(|t| t["id"] == "T0049").unwrap();
    assert_eq!(flood["name"], "Flood Information Space");
    let evidence = flood["evidence"].as_str().unwrap();
    let cited = copy["evidence"].as_array().unwrap().iter().find(|e| e["signal"] == "co_post").unwrap()["records"][0].as_str().unwrap();
    assert!(evidence.contains("co_post evidence") && evidence.contains(cited), "names its records: {evidence}");
    let scam = networks.iter().find(|n| n["type"] == "scam").unwrap();
    assert!(tags(scam).contains(&"T0137.002".to_string()) && tags(scam).contains(&"X0001".to_string()), "{:?}", tags(scam));
    assert!(networks.iter().any(|n| tags(n).contains(&"T0049.001".to_string())), "the team's rule applies");
    // A rule that cannot be read stops the scan before it starts, naming its line.
    std::fs::write(&rules, "T0049\tsignal co_post\nT0049\tcolour red\n").unwrap();
    let refused = disrupt()
        .arg("scan")
        .arg(repo().join("examples/simulated/records.jsonl.gz"))
        .arg("--out")
        .arg(dir.path().join("x"))
        .arg("--disarm-rules")
        .arg(&rules)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("line 2: unknown condition `colour red`"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
