//! "Payment or credential lure" detection on public corpora, where spam and smishing count
//! as lures and ham does not. Every corpus is split by row (even rows tune, odd rows report);
//! each corpus's score threshold is chosen on its tuning rows (best F1; the phishing corpus,
//! which has no ham, takes the threshold chosen on all SMS tuning rows together), and
//! precision and recall are reported on the other rows.
//!
//! Usage: cargo run --release -p disrupt-funnel --example lure_eval -- ../shared/data

use disrupt_funnel::Stager;
use std::path::Path;

struct Row {
    corpus: String,
    text: String,
    lure: bool,
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader.records().filter_map(Result::ok).collect()
}

fn main() {
    let data = std::env::args().nth(1).unwrap_or_else(|| "../shared/data".into());
    let data = Path::new(&data);
    let mut rows = Vec::new();
    let spam = std::fs::read(data.join("sms-spam-collection/SMSSpamCollection")).expect("sms-spam-collection");
    for line in String::from_utf8_lossy(&spam).lines() {
        if let Some((label, text)) = line.split_once('\t') {
            rows.push(Row { corpus: "sms-spam-collection".into(), text: text.into(), lure: label == "spam" });
        }
    }
    for r in read_csv(&data.join("sms-smishing-mishra-soni/Dataset_5971.csv")) {
        let label = r.get(0).unwrap_or("").to_ascii_lowercase();
        rows.push(Row { corpus: "sms-smishing-mishra-soni".into(), text: r.get(1).unwrap_or("").into(), lure: label != "ham" });
    }
    for r in read_csv(&data.join("sms-spam-multilingual/data-en-hi-de-fr.csv")) {
        let lure = r.get(0) == Some("spam");
        for (i, lang) in [(2, "hi"), (3, "de"), (4, "fr")] {
            rows.push(Row {
                corpus: format!("sms-spam-multilingual ({lang}, machine-translated)"),
                text: r.get(i).unwrap_or("").into(),
                lure,
            });
        }
    }
    for r in read_csv(&data.join("phishing-email-nazario/Nazario.csv")) {
        let text = format!("{} {}", r.get(3).unwrap_or(""), r.get(4).unwrap_or(""));
        rows.push(Row { corpus: "phishing-email-nazario (all phishing)".into(), text, lure: true });
    }
    let stager = Stager::default();
    let started = std::time::Instant::now();
    let texts: Vec<(&str, bool)> = rows.iter().map(|r| (r.text.as_str(), true)).collect();
    let scores: Vec<f64> = stager.stage_all(&texts).iter().map(|s| s.lure_score).collect();
    eprintln!("scored {} texts in {:.2} s", rows.len(), started.elapsed().as_secs_f64());
    // Row parity within each corpus decides tune or report.
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    let tune: Vec<bool> = rows
        .iter()
        .map(|r| {
            let n = seen.entry(r.corpus.as_str()).or_default();
            *n += 1;
            (*n).is_multiple_of(2)
        })
        .collect();
    let f1_at = |t: f64, corpus: Option<&str>| {
        let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
        for ((r, s), &k) in rows.iter().zip(&scores).zip(&tune) {
            if !k || r.corpus.starts_with("phishing") || corpus.is_some_and(|c| c != r.corpus) {
                continue;
            }
            match (*s >= t, r.lure) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
                _ => {}
            }
        }
        2.0 * tp as f64 / (2 * tp + fp + fneg).max(1) as f64
    };
    let candidates: Vec<f64> = (1..=40).map(|i| i as f64 * 0.25).collect();
    let best =
        |corpus: Option<&str>| candidates.iter().copied().max_by(|a, b| f1_at(*a, corpus).total_cmp(&f1_at(*b, corpus))).unwrap_or(2.0);
    let pooled = best(None);
    println!("| corpus | threshold (tuning F1) | rows reported | lures | precision | recall |");
    println!("|---|---|---|---|---|---|");
    let mut corpora: Vec<&str> = Vec::new();
    for r in &rows {
        if !corpora.contains(&r.corpus.as_str()) {
            corpora.push(r.corpus.as_str());
        }
    }
    for c in corpora {
        let threshold = if c.starts_with("phishing") { pooled } else { best(Some(c)) };
        let tuning_f1 = if c.starts_with("phishing") { f1_at(pooled, None) } else { f1_at(threshold, Some(c)) };
        let (mut tp, mut fp, mut fneg, mut n, mut lures) = (0usize, 0usize, 0usize, 0usize, 0usize);
        for ((r, s), &k) in rows.iter().zip(&scores).zip(&tune) {
            if k || r.corpus != c {
                continue;
            }
            n += 1;
            lures += r.lure as usize;
            match (*s >= threshold, r.lure) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
                _ => {}
            }
        }
        let precision =
            if c.starts_with("phishing") { "n/a (no ham)".to_string() } else { format!("{:.3}", tp as f64 / (tp + fp).max(1) as f64) };
        println!(
            "| {c} | >= {threshold:.2} ({tuning_f1:.3}) | {n} | {lures} | {precision} | {:.3} |",
            tp as f64 / (tp + fneg).max(1) as f64
        );
    }
}
