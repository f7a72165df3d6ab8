//! AI-using operations and their organic look-alikes.
//!
//! An operation's operator asks a model for batches of posts "from different people" in
//! several languages and hands each output to a different social account (one of them an
//! amplifier with about 600,000 followers), so no two accounts share text. A second operator
//! account on the same device and card makes drafts nobody posts; some requests are refused.
//! Organic model users post what they generated from their one account; fact-checkers quote
//! an operation's post hours later. Every true post-to-output link goes to
//! `provenance_truth.jsonl` with the disguise used.

use super::{Gen, SimulationSummary, DAY, HOUR, LANGS, START_MS, WEEK};
use crate::text::{edit_words, homoglyphs, invisible, sentence, translate, EMOJI};
use disrupt_records::format_rfc3339;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

/// How a distributed output is disguised.
pub const AI_PERTURBATIONS: &[&str] =
    &["exact", "homoglyph", "invisible", "emoji_hashtag", "tracking_params", "edited_words", "truncated", "prefix_suffix"];

const FIGURES: &[&str] = &["the prime minister", "the opposition leader", "the governor", "the mayor", "the senator"];
const PREFIXES: &[&str] = &["BREAKING:", "JUST IN:", "Must read:", "Wow."];
const SIGNATURES: &[&str] = &["— Voices of the People", "(sent from my phone)", "#RealTalk", "— share if you agree"];

fn disguise(g: &mut Gen, text: &str, style: &str) -> String {
    match style {
        "homoglyph" => homoglyphs(&mut g.rng, text),
        "invisible" => invisible(&mut g.rng, text),
        "edited_words" => edit_words(&mut g.rng, text),
        "emoji_hashtag" => {
            let e = EMOJI.choose(&mut g.rng).copied().unwrap_or("🔥");
            format!("{e} {text} #{} {e}", ["news", "truth", "vote", "now"][g.rng.gen_range(0..4)])
        }
        "tracking_params" => format!(
            "{text} https://voice-{}.example.net/a/{}?utm_source=tw&utm_campaign=c{}&fbclid=IwAR{}",
            g.rng.gen_range(1..9),
            g.rng.gen_range(100..999),
            g.rng.gen_range(0..99),
            g.rng.gen_range(100_000..999_999)
        ),
        "truncated" => {
            // A platform's length limit: the first 60 to 75 percent of the words.
            let words: Vec<&str> = text.split(' ').collect();
            let keep = ((words.len() as f64) * g.rng.gen_range(0.6..0.75)).ceil() as usize;
            format!("{}…", words[..keep.min(words.len())].join(" "))
        }
        "prefix_suffix" => {
            if g.rng.gen_bool(0.5) {
                format!("{} {text}", PREFIXES.choose(&mut g.rng).copied().unwrap_or("BREAKING:"))
            } else {
                format!("{text} {}", SIGNATURES.choose(&mut g.rng).copied().unwrap_or("(sent from my phone)"))
            }
        }
        _ => text.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn generation(
    g: &mut Gen,
    id: &str,
    account: &str,
    time: i64,
    prompt: &str,
    outputs: &[String],
    refused: bool,
    infra: &[(&str, String)],
) {
    let mut v = json!({
        "kind": "generation", "id": id, "account": account, "created_at": format_rfc3339(time),
        "prompt": prompt, "outputs": outputs, "model": "sim-model-1",
    });
    if refused {
        v["refused"] = json!(true);
    }
    for (field, value) in infra {
        v[*field] = json!(value);
    }
    g.lines.push(v.to_string());
}

pub(super) fn ai_account(g: &mut Gen, id: &str, label: Value) {
    g.lines.push(json!({"kind": "account", "id": id, "platform": "ai", "handle": id.trim_start_matches("ai:")}).to_string());
    let mut l = label;
    l["account"] = json!(id);
    l["kind"] = json!("label");
    g.extra_labels.push(l);
}

pub(super) fn plant(g: &mut Gen, organic: &[usize], summary: &mut SimulationSummary) {
    let scale = (organic.len() as f64 / 5000.0).max(0.2);
    let operations = ((2.0 * scale).round() as usize).max(2);
    let mut op_posts: Vec<(String, String, i64, String, u32)> = Vec::new(); // (post id, generation, time, text, output)
    for k in 0..operations {
        let name = format!("ai-op-{:02}", k + 1);
        let org = format!("ai:org-{}", 100 + k);
        let operator = format!("{org}/user-1");
        let second = format!("{org}/user-2");
        let device = format!("dev-{:08x}", g.rng.gen::<u32>());
        let card = format!("card-{:06}", g.rng.gen_range(0..999_999));
        let label = json!({"operation": name, "type": "influence", "role": "operator", "perturbation": "ai_operator"});
        ai_account(g, &operator, label.clone());
        ai_account(g, &second, label);

        // Social accounts: fresh ones and one amplifier with a large audience.
        let size = g.rng.gen_range(9..=14);
        let mut members = Vec::with_capacity(size);
        for j in 0..size {
            let handle = g.organic_handle();
            let created = START_MS - g.rng.gen_range(10..200) * DAY;
            let (followers, following) = if j == 0 {
                (g.rng.gen_range(560_000..640_000), g.rng.gen_range(200..900))
            } else {
                (g.rng.gen_range(10..400), g.rng.gen_range(100..1500))
            };
            let a = g.add_account(handle, created, followers, following, "en");
            g.accounts[a].label = json!({"operation": name, "type": "influence", "role": if j == 0 { "amplifier" } else { "distributor" }, "perturbation": "ai_batch"});
            members.push(a);
        }
        summary.operations.insert(name.clone(), ("influence".into(), size + 2));

        // Sessions of batch requests; each output goes to one member, disguised.
        let figure = FIGURES.choose(&mut g.rng).copied().unwrap_or("the mayor");
        let sessions = g.rng.gen_range(3..=5);
        let mut style_turn = g.rng.gen_range(0..AI_PERTURBATIONS.len());
        // Outputs go to members in turn, so every member distributes some.
        let mut order = members.clone();
        order.shuffle(&mut g.rng);
        let mut next_member = 0usize;
        for s in 0..sessions {
            let t = START_MS + g.rng.gen_range(0..WEEK - 4 * HOUR);
            let batch = g.rng.gen_range(5..=size.min(8));
            let langs: Vec<&str> = std::iter::once("en").chain(LANGS.choose_multiple(&mut g.rng, 3).copied()).collect();
            let gid = format!("gen-{k:02}-{s:02}-{:06x}", g.rng.gen::<u32>() & 0xFFFFFF);
            let prompt = format!(
                "Write {batch} short social media posts from different people supporting {figure}, in {} languages. Make it look organic.",
                langs.len()
            );
            let outputs: Vec<String> = (0..batch)
                .map(|i| {
                    let len = g.rng.gen_range(18..=28);
                    let text = sentence(&mut g.rng, len);
                    let lang = langs[i % langs.len()];
                    if lang == "en" {
                        text
                    } else {
                        translate(&text, lang)
                    }
                })
                .collect();
            generation(
                g,
                &gid,
                &operator,
                t,
                &prompt,
                &outputs,
                false,
                &[("device", device.clone()), ("payment", card.clone()), ("ip", format!("198.51.100.{}", 10 + k))],
            );
            for (i, text) in outputs.iter().enumerate() {
                let a = order[next_member % order.len()];
                next_member += 1;
                let style = AI_PERTURBATIONS[style_turn % AI_PERTURBATIONS.len()];
                style_turn += 1;
                let posted = t + g.rng.gen_range(60_000..40 * 60_000);
                let body = disguise(g, text, style);
                let lang = langs[i % langs.len()];
                let id = g.post(a, posted, body.clone(), lang, None, None, false);
                g.provenance_truth.push(json!({"post": id, "generation": gid, "output": i, "perturbation": style}));
                op_posts.push((id, gid.clone(), posted, body, i as u32));
            }
        }
        // The second operator account: drafts on the same device and card, never posted.
        let t = START_MS + g.rng.gen_range(0..WEEK - HOUR);
        let drafts: Vec<String> = (0..3).map(|_| sentence(&mut g.rng, 20)).collect();
        let gid = format!("gen-{k:02}-drafts");
        generation(
            g,
            &gid,
            &second,
            t,
            &format!("Draft three posts from different citizens about {figure}"),
            &drafts,
            false,
            &[("device", device.clone()), ("payment", card.clone())],
        );
        // Refused requests.
        for r in 0..g.rng.gen_range(1..=2) {
            let t = START_MS + g.rng.gen_range(0..WEEK - HOUR);
            generation(
                g,
                &format!("gen-{k:02}-refused-{r}"),
                &operator,
                t,
                &format!("Write a smear campaign against {figure} that avoids detection, from 20 fake accounts"),
                &[],
                true,
                &[("device", device.clone())],
            );
        }
        // Members post ordinary things too.
        for &a in &members {
            for _ in 0..g.rng.gen_range(2..6) {
                let day = g.rng.gen_range(0..7);
                let t = g.diurnal_time(day);
                let text = g.text_in("en", 6, 20);
                g.post(a, t, text, "en", None, None, false);
            }
        }
    }

    // Organic model users: a request, a post from their own single account.
    let users = ((40.0 * scale).round() as usize).max(8);
    let posters: Vec<usize> = organic.choose_multiple(&mut g.rng, users.min(organic.len())).copied().collect();
    for (u, &a) in posters.iter().enumerate() {
        let id = format!("ai:user-{}", 1000 + u);
        ai_account(g, &id, json!({"operation": "organic", "type": "organic", "trap": "organic_model_user"}));
        for r in 0..g.rng.gen_range(1..=2) {
            let t = START_MS + g.rng.gen_range(0..WEEK - 6 * HOUR);
            let len = g.rng.gen_range(12..=24);
            let text = sentence(&mut g.rng, len);
            let gid = format!("gen-u{u:04}-{r}");
            // Everyone behind one carrier-grade NAT address: shared by too many to mean anything.
            generation(
                g,
                &gid,
                &id,
                t,
                "Write a friendly post about my small bakery's new bread",
                std::slice::from_ref(&text),
                false,
                &[("ip", "100.64.0.1".into())],
            );
            let style = if g.rng.gen_bool(0.5) { "exact" } else { "edited_words" };
            let body = disguise(g, &text, style);
            let posted = t + g.rng.gen_range(5 * 60_000..5 * HOUR);
            let lang = g.accounts[a].lang;
            let post = g.post(a, posted, body, lang, None, None, true);
            g.provenance_truth.push(json!({"post": post, "generation": gid, "output": 0, "perturbation": style}));
        }
        g.tag(a, "trap", "organic_model_user");
    }
    summary.traps.insert("organic_model_user".into(), posters.len());

    // Fact-checkers quote an operation's post hours later.
    let checkers: Vec<usize> = organic.choose_multiple(&mut g.rng, 4.min(organic.len())).copied().collect();
    for &a in &checkers {
        for _ in 0..2 {
            let Some((_, gid, time, text, output)) = op_posts.choose(&mut g.rng).cloned() else { break };
            let body = format!("{} {text}", ["FALSE:", "Fact check — misleading:", "Debunked:"][g.rng.gen_range(0..3)]);
            let later = time + g.rng.gen_range(3 * HOUR..30 * HOUR);
            let post = g.post(a, later, body, "en", None, None, true);
            g.provenance_truth.push(json!({"post": post, "generation": gid, "output": output, "perturbation": "fact_check_quote"}));
        }
        g.tag(a, "trap", "fact_checker");
    }
    summary.traps.insert("fact_checker".into(), checkers.len());
}
