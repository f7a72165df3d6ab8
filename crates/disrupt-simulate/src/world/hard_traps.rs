//! The organic background's hard cases, written apart from the operations (which they
//! know nothing of): what flagged innocent accounts on data disrupt did not generate.
//!
//! - **News bursts with heavy sharers**: forty stories a day, each shared by a crowd within
//!   minutes, the crowd drawn with heavy-tailed activity, so the same news junkies meet in
//!   burst after burst.
//! - **Telegram news channels** reposting the stories of the outlets they follow within
//!   minutes of publication, day after day, each in its own words and script.
//! - **Morning greetings on Telegram** in five scripts, the same few phrases every day.
//! - **Multilingual chatter**: Arabic, Russian, Chinese, Hindi and Persian posts, emoji,
//!   and the invisible characters real feeds carry.

use super::{pick, Gen, DAY, HOUR, START_MS};
use crate::text::{native_languages, native_sentence};
use rand::seq::SliceRandom;
use rand::Rng;

/// Stories a day that news junkies share.
const STORIES_PER_DAY: usize = 40;

/// Greetings posted each morning on Telegram, by language.
const GREETINGS: &[(&str, &str)] = &[
    ("ru", "Доброе утро всем! Хорошего дня ☀️"),
    ("ar", "صباح الخير يا جماعة، يوم سعيد"),
    ("fa", "صبح بخیر دوستان، روز خوبی داشته باشید"),
    ("hi", "सुप्रभात दोस्तों, आपका दिन शुभ हो"),
    ("zh", "大家早上好！今天也要加油"),
];

/// Plants the hard organic cases among `organic` accounts (and new Telegram channels).
pub(super) fn plant(g: &mut Gen, organic: &[usize], summary: &mut super::SimulationSummary) {
    let scale = (organic.len() as f64 / 5000.0).max(0.2);
    let count = |base: usize| ((base as f64 * scale).round() as usize).max(10);
    let channels = news_channels(g, count(40), summary);
    news_bursts(g, organic, count(300), &channels, summary);
    telegram_greetings(g, count(150), summary);
    multilingual_chatter(g, organic, summary);
}

/// The news outlets whose stories the junkies and the channels share.
const OUTLETS: [&str; 4] = ["daily-news", "the-courier", "metro-report", "evening-post"];

fn news_bursts(g: &mut Gen, organic: &[usize], junkies: usize, channels: &[(usize, [usize; 2])], summary: &mut super::SimulationSummary) {
    let pool = pick(g, organic, junkies);
    // Heavy-tailed activity: the i-th junkie's weight falls as 1 / (i + 1).
    let weights: Vec<f64> = (0..pool.len()).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let mut used = std::collections::BTreeSet::new();
    for day in 0..7 {
        for story in 0..STORIES_PER_DAY {
            let t0 = g.diurnal_time(day);
            let outlet = story % OUTLETS.len();
            let site = OUTLETS[outlet];
            let url = format!("https://{site}.example.com/{day}/{story}-{}", g.rng.gen_range(1000..9999));
            let crowd = 5 + (g.rng.gen::<f64>().powi(3) * 40.0) as usize;
            let mut sharers = std::collections::BTreeSet::new();
            while sharers.len() < crowd.min(pool.len()) {
                let mut u = g.rng.gen::<f64>() * total;
                let mut i = 0;
                while i + 1 < weights.len() && u > weights[i] {
                    u -= weights[i];
                    i += 1;
                }
                sharers.insert(pool[i]);
            }
            for &a in &sharers {
                let delay = (-(1.0 - g.rng.gen::<f64>()).ln() * 4.0 * 60_000.0) as i64;
                let lang = g.accounts[a].lang;
                let words = g.text_in(lang, 3, 9);
                g.post(a, t0 + delay, format!("{words} {url}"), lang, None, None, true);
                used.insert(a);
            }
            // The channels that follow the outlet repost half of its stories.
            for &(a, follows) in channels {
                if follows.contains(&outlet) && g.rng.gen_bool(0.5) {
                    let lang = g.accounts[a].lang;
                    let len = g.rng.gen_range(6..16);
                    let text = native_sentence(&mut g.rng, lang, len);
                    let t = t0 + g.rng.gen_range(60_000..20 * 60_000);
                    g.post(a, t, format!("{text} {url}"), lang, None, None, true);
                }
            }
        }
    }
    for &a in &used {
        g.tag(a, "trap", "news_burst");
    }
    summary.traps.insert("news_burst".into(), used.len());
}

/// A new Telegram channel account, labelled organic with `trap`.
fn channel(g: &mut Gen, name: String, lang: &'static str, trap: &str) -> usize {
    let created = START_MS - g.rng.gen_range(60..2000) * DAY;
    let followers = (g.rng.gen::<f64>().powi(2) * 200_000.0) as u64 + 100;
    let a = g.add_account(name.clone(), created, followers, 0, lang);
    g.accounts[a].platform = "telegram";
    g.accounts[a].id = format!("telegram:{name}");
    g.tag(a, "trap", trap);
    a
}

/// News channels on Telegram, each following two of the [`OUTLETS`].
fn news_channels(g: &mut Gen, channels: usize, summary: &mut super::SimulationSummary) -> Vec<(usize, [usize; 2])> {
    let langs: Vec<&'static str> = native_languages().chain(["en"]).collect();
    let out: Vec<(usize, [usize; 2])> = (0..channels)
        .map(|i| {
            let lang = langs[i % langs.len()];
            let a = channel(g, format!("newsfeed{i:03}"), lang, "news_channel");
            let first = g.rng.gen_range(0..OUTLETS.len());
            (a, [first, (first + g.rng.gen_range(1..OUTLETS.len())) % OUTLETS.len()])
        })
        .collect();
    summary.traps.insert("news_channel".into(), out.len());
    out
}

fn telegram_greetings(g: &mut Gen, greeters: usize, summary: &mut super::SimulationSummary) {
    for i in 0..greeters {
        let (lang, phrase) = GREETINGS[i % GREETINGS.len()];
        let a = channel(g, format!("chat{i:04}"), lang, "telegram_greeting");
        for day in 0..7 {
            if g.rng.gen_bool(0.8) {
                let t = START_MS + day * DAY + 6 * HOUR + g.rng.gen_range(0..2 * HOUR);
                g.post(a, t, phrase.to_string(), lang, None, None, true);
            }
        }
    }
    summary.traps.insert("telegram_greeting".into(), greeters);
}

fn multilingual_chatter(g: &mut Gen, organic: &[usize], summary: &mut super::SimulationSummary) {
    let langs: Vec<&'static str> = native_languages().collect();
    let speakers = pick(g, organic, organic.len() / 8);
    for &a in &speakers {
        let lang = langs.choose(&mut g.rng).copied().unwrap_or("ru");
        for _ in 0..g.rng.gen_range(2..10) {
            let day = g.rng.gen_range(0..7);
            let t = g.diurnal_time(day);
            let len = g.rng.gen_range(4..14);
            let text = native_sentence(&mut g.rng, lang, len);
            g.post(a, t, text, lang, None, None, true);
        }
        g.tag(a, "trap", "multilingual");
    }
    summary.traps.insert("multilingual".into(), speakers.len());
}
