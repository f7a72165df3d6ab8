//! Scam funnels, message by message: each message of a conversation is staged **ping**
//! (ads, first contact), **zing** (emotional manipulation), **sting** (payment requests:
//! "VIP upgrade", "verification deposit") or **other**, and what moves money or people is
//! pulled out of it: amounts and currencies (`Rp 250.000`, `1,5jt`, `500rb`, `$50`, `100
//! USDT`, `2k`), bank accounts, e-wallets, crypto addresses, phone numbers, and links or
//! handles that move a target to another app.
//!
//! Cue lists (`data/cues.tsv`: Indonesian, English, German, French, Hindi) and extraction
//! patterns (`data/patterns.tsv`) are data: users add lines in their own files
//! ([`Stager::with_extra`]) without recompiling. The same cues score a message as a
//! *payment or credential lure* (prizes, account verification, urgent links, payment
//! requests), which is measured on public SMS spam and smishing corpora (BENCHMARKS.md).

#![forbid(unsafe_code)]

pub mod evidence;
pub mod networks;
pub mod operators;
pub mod roles;
pub mod shared_values;
pub mod signals;

use rayon::prelude::*;
use regex::{Regex, RegexBuilder};
use serde::Serialize;

/// Why a cue list or pattern file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CueError {
    /// A file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a cue or pattern (the message names the file and line).
    #[error("{0}")]
    Invalid(String),
}

const DEFAULT_CUES: &str = include_str!("../data/cues.tsv");
const DEFAULT_PATTERNS: &str = include_str!("../data/patterns.tsv");

pub use disrupt_model::{Amount, Detail, Stage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CueKind {
    Stage(Stage),
    Lure,
}

#[derive(Debug, Clone)]
struct Cue {
    kind: CueKind,
    phrase: String,
    /// Whether a match must start (end) at a word boundary: phrases that start (end) with a
    /// letter or digit are whole words.
    word_start: bool,
    word_end: bool,
}

#[derive(Debug, Clone)]
struct Pattern {
    kind: String,
    regex: Regex,
}

/// One message staged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staged {
    /// The stage.
    pub stage: Stage,
    /// The cues that decided it, as `stage:phrase`.
    pub cues: Vec<String>,
    /// Amounts named.
    pub amounts: Vec<Amount>,
    /// Payment and contact details named.
    pub details: Vec<Detail>,
    /// Payment or credential lure score (sum of cue and detail weights).
    pub lure_score: f64,
}

/// Cue lists and patterns, compiled.
#[derive(Debug, Clone)]
pub struct Stager {
    cues: Vec<Cue>,
    /// Every cue phrase in one automaton: a message is read once, whatever the list's length.
    automaton: aho_corasick::AhoCorasick,
    patterns: Vec<Pattern>,
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r'))).filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

fn parse_cues(text: &str, origin: &str) -> Result<Vec<Cue>, CueError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(text) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != 3 {
            return Err(CueError::Invalid(format!("{origin} line {n}: expected `stage<TAB>language<TAB>phrase`")));
        }
        let kind = match fields[0].trim() {
            "lure" => CueKind::Lure,
            s => CueKind::Stage(Stage::parse(s).ok_or_else(|| CueError::Invalid(format!("{origin} line {n}: unknown stage `{s}`")))?),
        };
        let phrase = fields[2].split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if phrase.is_empty() {
            return Err(CueError::Invalid(format!("{origin} line {n}: empty phrase")));
        }
        // Whole words where the phrase starts or ends with a letter or digit; the marks that
        // end Devanagari words are not letters, so those phrases match as written.
        let word_start = phrase.chars().next().is_some_and(|c| c.is_alphanumeric());
        let word_end = phrase.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
        out.push(Cue { kind, phrase, word_start, word_end });
    }
    Ok(out)
}

fn parse_patterns(text: &str, origin: &str) -> Result<Vec<Pattern>, CueError> {
    let mut out = Vec::new();
    for (n, line) in data_lines(text) {
        let (kind, pattern) =
            line.split_once('\t').ok_or_else(|| CueError::Invalid(format!("{origin} line {n}: expected `kind<TAB>regex`")))?;
        let regex = RegexBuilder::new(pattern.trim())
            .case_insensitive(true)
            .build()
            .map_err(|e| CueError::Invalid(format!("{origin} line {n}: {e}")))?;
        out.push(Pattern { kind: kind.trim().to_string(), regex });
    }
    Ok(out)
}

impl Default for Stager {
    fn default() -> Self {
        // The shipped files are tested to parse.
        Stager::from_texts(DEFAULT_CUES, DEFAULT_PATTERNS).unwrap_or_else(|_| Stager::build(Vec::new(), Vec::new()).expect("empty lists"))
    }
}

/// Lower case with every run of whitespace made one space (how cue phrases are stored).
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Parses a number written with `.` or `,` as thousands or decimal separators
/// (`250.000`, `1,5`, `1.250,50`, `1,250.50`).
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let (dots, commas) = (s.matches('.').count(), s.matches(',').count());
    let normal: String = match (dots, commas) {
        (0, 0) => s.to_string(),
        // One separator kind: thousands when every group after it has three digits.
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            let groups: Vec<&str> = s.split(sep).collect();
            if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) {
                groups.concat()
            } else {
                s.replace(',', ".")
            }
        }
        // Both: the last one is the decimal separator.
        _ => {
            let last = s.rfind(['.', ',']).unwrap_or(0);
            let (int, frac) = s.split_at(last);
            format!("{}.{}", int.replace(['.', ','], ""), &frac[1..])
        }
    };
    normal.parse().ok()
}

/// Value and currency of an amount's text.
pub fn parse_amount(text: &str) -> Option<Amount> {
    let lower = text.to_lowercase();
    let digits_start = lower.find(|c: char| c.is_ascii_digit())?;
    let digits_end =
        lower[digits_start..].find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).map_or(lower.len(), |i| digits_start + i);
    let number = lower[digits_start..digits_end].trim_end_matches(['.', ',']);
    let mut value = parse_number(number)?;
    let rest = &lower[digits_end..];
    let rest = rest.trim_start();
    let multiplier = [("juta", 1e6), ("jt", 1e6), ("ribu", 1e3), ("rb", 1e3), ("k", 1e3)]
        .iter()
        .find(|(w, _)| rest.starts_with(w) && !rest[w.len()..].starts_with(|c: char| c.is_alphanumeric()))
        .map(|(_, m)| *m);
    if let Some(m) = multiplier {
        value *= m;
    }
    let currency = if lower.contains("usdt") {
        Some("USDT")
    } else if lower.contains("rp")
        || lower.contains("idr")
        || lower.contains("rupiah")
        || multiplier.is_some_and(|m| m >= 1e3) && !rest.starts_with('k')
    {
        Some("IDR")
    } else if lower.contains('$') || lower.contains("usd") || lower.contains("dollar") {
        Some("USD")
    } else if lower.contains('€') || lower.contains("eur") {
        Some("EUR")
    } else if lower.contains('£') || lower.contains("gbp") || lower.contains("pound") {
        Some("GBP")
    } else if lower.contains('₹') || lower.contains("inr") || lower.contains("rs") || lower.contains("rupee") {
        Some("INR")
    } else {
        None
    };
    Some(Amount { text: text.trim().to_string(), value, currency: currency.map(String::from) })
}

/// Weights of the lure score.
const LURE_CUE: f64 = 1.0;
const STING_CUE: f64 = 0.7;
const DETAIL: f64 = 1.0;
const AMOUNT: f64 = 0.8;

impl Stager {
    /// Cue lists and patterns from the texts of `cues.tsv` and `patterns.tsv`.
    pub fn from_texts(cues: &str, patterns: &str) -> Result<Self, CueError> {
        Stager::build(parse_cues(cues, "cues")?, parse_patterns(patterns, "patterns")?)
    }

    fn build(cues: Vec<Cue>, patterns: Vec<Pattern>) -> Result<Self, CueError> {
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(cues.iter().map(|c| c.phrase.as_str()))
            .map_err(|e| CueError::Invalid(format!("cue lists: {e}")))?;
        Ok(Stager { cues, automaton, patterns })
    }

    /// The shipped lists plus a user's `cues.tsv` and `patterns.tsv` in `dir` (either may be
    /// missing).
    pub fn with_extra(dir: &std::path::Path) -> Result<Self, CueError> {
        let read = |name: &str| -> Result<String, CueError> {
            let p = dir.join(name);
            if p.exists() {
                std::fs::read_to_string(&p).map_err(|source| CueError::Read { path: p.clone(), source })
            } else {
                Ok(String::new())
            }
        };
        Stager::from_texts(&format!("{DEFAULT_CUES}\n{}", read("cues.tsv")?), &format!("{DEFAULT_PATTERNS}\n{}", read("patterns.tsv")?))
    }

    /// Stages every message; the first message of each conversation is its first contact.
    pub fn stage_messages(&self, messages: &[disrupt_records::Message]) -> Vec<Staged> {
        let mut first: rustc_hash::FxHashMap<&str, (i64, usize)> = rustc_hash::FxHashMap::default();
        for (i, m) in messages.iter().enumerate() {
            let e = first.entry(m.conversation.as_str()).or_insert((m.created_at, i));
            if (m.created_at, i) < *e {
                *e = (m.created_at, i);
            }
        }
        let inputs: Vec<(&str, bool)> =
            messages.iter().enumerate().map(|(i, m)| (m.text.as_str(), first[m.conversation.as_str()].1 == i)).collect();
        self.stage_all(&inputs)
    }

    /// Stages one message. `first_contact` says the message opens its conversation (or is an
    /// ad), where a greeting is a ping rather than small talk.
    pub fn stage(&self, text: &str, first_contact: bool) -> Staged {
        let lower = fold(text);
        let mut hits: Vec<(CueKind, &str)> = Vec::new();
        let is_word = |c: char| c.is_alphanumeric();
        for m in self.automaton.find_overlapping_iter(&lower) {
            let cue = &self.cues[m.pattern().as_usize()];
            if cue.word_start && lower[..m.start()].chars().next_back().is_some_and(is_word) {
                continue;
            }
            if cue.word_end && lower[m.end()..].chars().next().is_some_and(is_word) {
                continue;
            }
            // The same phrase may be listed under several languages: it counts once.
            if !hits.iter().any(|(k, p)| *k == cue.kind && *p == cue.phrase) {
                hits.push((cue.kind, cue.phrase.as_str()));
            }
        }
        let mut amounts = Vec::new();
        let mut details = Vec::new();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for p in &self.patterns {
            for c in p.regex.captures_iter(text) {
                let Some(whole) = c.get(0) else { continue };
                if spans.iter().any(|(s, e)| whole.start() < *e && *s < whole.end()) {
                    continue;
                }
                spans.push((whole.start(), whole.end()));
                let value = c.get(1).unwrap_or(whole).as_str().trim().to_string();
                if p.kind == "amount" {
                    if let Some(a) = parse_amount(&value) {
                        amounts.push(a);
                    }
                } else {
                    details.push(Detail { kind: p.kind.clone(), value });
                }
            }
        }
        let count = |s: Stage| hits.iter().filter(|(k, _)| *k == CueKind::Stage(s)).count();
        let (ping, zing, sting) = (count(Stage::Ping), count(Stage::Zing), count(Stage::Sting));
        let payment_detail = details.iter().any(|d| matches!(d.kind.as_str(), "bank_account" | "ewallet" | "crypto"));
        // A payment request: a payment cue, or an amount or payment detail with one.
        let stage = if sting > 0 && (sting >= 2 || !amounts.is_empty() || payment_detail || sting >= zing)
            || (payment_detail && !amounts.is_empty())
        {
            Stage::Sting
        } else if zing > 0 {
            Stage::Zing
        } else if ping > 0 || (first_contact && details.iter().any(|d| d.kind == "off_platform")) {
            Stage::Ping
        } else {
            Stage::Other
        };
        let lure_cues = hits.iter().filter(|(k, _)| *k == CueKind::Lure).count();
        let lure_score = lure_cues as f64 * LURE_CUE
            + sting as f64 * STING_CUE
            + details.len() as f64 * DETAIL
            + amounts.len().min(2) as f64 * AMOUNT
            + if lower.contains("http") || lower.contains("www.") { DETAIL } else { 0.0 };
        let cues = hits
            .iter()
            .map(|(k, p)| match k {
                CueKind::Stage(s) => format!("{}:{p}", s.as_str()),
                CueKind::Lure => format!("lure:{p}"),
            })
            .collect();
        Staged { stage, cues, amounts, details, lure_score: (lure_score * 100.0).round() / 100.0 }
    }

    /// Stages many messages in parallel (`first_contact` per message).
    pub fn stage_all(&self, messages: &[(&str, bool)]) -> Vec<Staged> {
        messages.par_iter().map(|(t, first)| self.stage(t, *first)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_lists_parse() {
        let s = Stager::from_texts(DEFAULT_CUES, DEFAULT_PATTERNS).unwrap();
        assert!(s.cues.len() > 100 && s.patterns.len() >= 8);
        assert_eq!(s.stage("a TRANSFER   fee", false).cues, vec!["sting:transfer", "sting:fee"]);
        // Whole words only: `transferred` is not `transfer`, `pay` is not in `payday`.
        assert!(s.stage("payday transferred", false).cues.is_empty());
    }

    #[test]
    fn amounts_in_the_ways_they_are_written() {
        let v = |t: &str| parse_amount(t).map(|a| (a.value, a.currency));
        assert_eq!(v("Rp 250.000"), Some((250_000.0, Some("IDR".into()))));
        assert_eq!(v("1,5jt"), Some((1_500_000.0, Some("IDR".into()))));
        assert_eq!(v("500rb"), Some((500_000.0, Some("IDR".into()))));
        assert_eq!(v("$50"), Some((50.0, Some("USD".into()))));
        assert_eq!(v("100 USDT"), Some((100.0, Some("USDT".into()))));
        assert_eq!(v("2k"), Some((2000.0, None)));
        assert_eq!(v("1.250,50 EUR"), Some((1250.5, Some("EUR".into()))));
    }

    #[test]
    fn the_three_stages_and_their_details() {
        let s = Stager::default();
        let ping = s.stage("Halo kak, salam kenal ya. Aku lihat profilmu di aplikasi kencan", true);
        assert_eq!(ping.stage, Stage::Ping);
        let zing = s.stage("Sayang, aku kangen banget. Percayalah, hanya kamu masa depan kita", false);
        assert_eq!(zing.stage, Stage::Zing);
        let sting = s.stage("Untuk upgrade VIP transfer Rp 250.000 ke BCA 1234567890 a.n. Rina ya sayang", false);
        assert_eq!(sting.stage, Stage::Sting);
        assert_eq!(sting.amounts[0].value, 250_000.0);
        assert!(sting.details.iter().any(|d| d.kind == "bank_account" && d.value == "1234567890"), "{:?}", sting.details);
        let crypto = s.stage("Send the verification deposit of 100 USDT to TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE now", false);
        assert_eq!(crypto.stage, Stage::Sting);
        assert!(crypto.details.iter().any(|d| d.kind == "crypto"));
        let moving = s.stage("Chat aku di WA aja ya, wa.me/6281234567890", true);
        assert!(moving.details.iter().any(|d| d.kind == "off_platform"));
        assert_eq!(s.stage("Ok, see you at the office tomorrow", false).stage, Stage::Other);
    }

    #[test]
    fn users_extend_the_cues() {
        let s = Stager::from_texts("zing\tid\tbebebku\n", "").unwrap();
        assert_eq!(s.stage("Bebebku lagi apa?", false).stage, Stage::Zing);
        assert!(Stager::from_texts("nonsense line\n", "").is_err());
    }
}
