//! The simulated world: accounts, their week of posts, operations and traps.

mod ai_ops;
mod hard_traps;
mod scam_ops;

use crate::text::{edit_words, homoglyphs, invisible, sentence, translate, EMOJI};
use disrupt_records::format_rfc3339;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// 2026-03-02T00:00:00Z, a Monday.
const START_MS: i64 = 1_772_409_600_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateConfig {
    /// Organic accounts (`--scale`).
    pub organic_accounts: usize,
    /// Random seed: the same seed gives the same data.
    pub seed: u64,
    /// Spread of one operation burst: members post within this many seconds of its start.
    pub burst_seconds: f64,
    /// Messages (bursts) per operation, at least and at most.
    pub messages: (usize, usize),
    /// Chance that a member takes part in a burst.
    pub participation: f64,
}

impl Default for SimulateConfig {
    fn default() -> Self {
        Self { organic_accounts: 5000, seed: 1, burst_seconds: 90.0, messages: (10, 16), participation: 0.8 }
    }
}

/// What a simulation wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimulationSummary {
    /// Accounts.
    pub accounts: usize,
    /// Posts.
    pub posts: usize,
    /// Messages.
    pub messages: usize,
    /// Operation name -> (type, members).
    pub operations: BTreeMap<String, (String, usize)>,
    /// Trap name -> participating organic accounts.
    pub traps: BTreeMap<String, usize>,
}

/// How an operation member disguises its copies.
pub const PERTURBATIONS: &[&str] = &["exact", "edited_words", "homoglyph", "invisible", "emoji_hashtag", "tracking_params", "translated"];

const FIRST_NAMES: &[&str] = &[
    "anna", "maria", "john", "david", "sarah", "li", "wei", "ahmed", "fatima", "olga", "ivan", "lucas", "sofia", "mateo", "emma", "noah",
    "mia", "leo", "yuki", "hana", "omar", "layla", "ravi", "priya", "budi", "siti", "kofi", "amara", "jonas", "elin",
];
const LAST_NAMES: &[&str] = &[
    "smith",
    "garcia",
    "chen",
    "kumar",
    "novak",
    "silva",
    "mueller",
    "rossi",
    "tanaka",
    "kim",
    "haddad",
    "okafor",
    "santos",
    "johansson",
    "dubois",
    "ivanova",
    "wijaya",
    "mensah",
    "lopez",
    "nguyen",
    "brown",
    "wilson",
    "ali",
    "khan",
    "park",
];
const POPULAR_TAGS: &[&str] = &[
    "news",
    "breaking",
    "politics",
    "sports",
    "music",
    "travel",
    "food",
    "weather",
    "tech",
    "health",
    "climate",
    "football",
    "movies",
    "business",
    "science",
    "art",
    "photography",
    "books",
    "fitness",
    "education",
];
const STOCK_PHRASES: &[&str] = &[
    "Good morning everyone, have a great day!",
    "Good morning friends, coffee time now!",
    "Rise and shine everyone, new day new blessings!",
    "Good morning world, stay positive today!",
    "Wishing everyone a wonderful morning today!",
];
const LANGS: &[&str] = &["es", "de", "id", "fr", "ru"];

struct Account {
    id: String,
    handle: String,
    created_at: i64,
    followers: u64,
    following: u64,
    lang: &'static str,
    /// `x` or `telegram` (Telegram channels).
    platform: &'static str,
    label: Value,
}

#[derive(Clone)]
struct Original {
    id: String,
    account: usize,
    time: i64,
}

struct Gen {
    rng: ChaCha8Rng,
    lines: Vec<String>,
    post_counter: u64,
    accounts: Vec<Account>,
    originals: Vec<Original>,
    used_ids: std::collections::HashSet<u64>,
    posts: usize,
    /// Labels of accounts outside `accounts` (AI-provider, Telegram and ad accounts).
    extra_labels: Vec<Value>,
    /// True stage of every message, for `stages_truth.jsonl`.
    stage_truth: Vec<Value>,
    messages: usize,
    /// True provenance links, for `provenance_truth.jsonl`.
    provenance_truth: Vec<Value>,
}

impl Gen {
    fn new_account_id(&mut self) -> String {
        loop {
            let n: u64 = self.rng.gen_range(10_000_000..9_999_999_999);
            if self.used_ids.insert(n) {
                return format!("x:{n}");
            }
        }
    }

    fn new_post_id(&mut self) -> String {
        self.post_counter += 1;
        // A bijective scramble, so ids look like a platform's and carry no order.
        let x = self.post_counter.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
        format!("x:{}{:06}", x, self.post_counter % 1_000_000)
    }

    fn add_account(&mut self, handle: String, created_at: i64, followers: u64, following: u64, lang: &'static str) -> usize {
        let id = self.new_account_id();
        self.accounts.push(Account {
            id,
            handle,
            created_at,
            followers,
            following,
            lang,
            platform: "x",
            label: json!({"operation": "organic", "type": "organic"}),
        });
        self.accounts.len() - 1
    }

    fn organic_handle(&mut self) -> String {
        let f = FIRST_NAMES.choose(&mut self.rng).copied().unwrap_or("sam");
        let l = LAST_NAMES.choose(&mut self.rng).copied().unwrap_or("lee");
        match self.rng.gen_range(0..4) {
            0 => format!("{f}_{l}{}", self.rng.gen_range(1..999)),
            1 => format!("{f}{l}"),
            2 => format!("{}{}{}", &f[..1], l, self.rng.gen_range(10..99)),
            _ => format!("the_{l}_{f}"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn post(
        &mut self,
        account: usize,
        time: i64,
        text: String,
        lang: &str,
        repost_of: Option<&str>,
        reply_to: Option<&str>,
        original: bool,
    ) -> String {
        let mut id = self.new_post_id();
        if self.accounts[account].platform != "x" {
            id = format!("{}:{}", self.accounts[account].platform, id.trim_start_matches("x:"));
        }
        let likes = (self.rng.gen::<f64>().powi(6) * 400.0) as u64;
        let mut v = json!({
            "kind": "post", "id": id, "account": self.accounts[account].id, "platform": self.accounts[account].platform,
            "created_at": format_rfc3339(time.clamp(START_MS, START_MS + WEEK - 1)), "text": text, "lang": lang,
            "metrics": {"likes": likes, "shares": likes / 4, "comments": likes / 6},
        });
        if let Some(r) = repost_of {
            v["repost_of"] = json!(r);
        }
        if let Some(r) = reply_to {
            v["reply_to"] = json!(r);
        }
        self.lines.push(v.to_string());
        self.posts += 1;
        if original && repost_of.is_none() {
            self.originals.push(Original { id: id.clone(), account, time });
        }
        id
    }

    fn diurnal_time(&mut self, day: i64) -> i64 {
        // Most posting between 07:00 and 24:00.
        let hour = if self.rng.gen_bool(0.85) { self.rng.gen_range(7..24) } else { self.rng.gen_range(0..7) };
        START_MS + day * DAY + hour * HOUR + self.rng.gen_range(0..HOUR)
    }

    fn text_in(&mut self, lang: &str, min: usize, max: usize) -> String {
        let len = self.rng.gen_range(min..=max);
        let s = sentence(&mut self.rng, len);
        if lang == "en" {
            s
        } else {
            translate(&s, lang)
        }
    }

    fn tag(&mut self, account: usize, key: &str, value: &str) {
        let label = &mut self.accounts[account].label;
        if key == "trap" {
            if label.get("trap").is_none() {
                label["trap"] = json!(value);
            }
            let traps = label.as_object_mut().map(|m| m.entry("traps").or_insert_with(|| json!([])));
            if let Some(Value::Array(list)) = traps {
                if !list.iter().any(|t| t == value) {
                    list.push(json!(value));
                }
            }
        } else {
            label[key] = json!(value);
        }
    }

    fn popular_original(&mut self) -> Option<Original> {
        if self.originals.is_empty() {
            return None;
        }
        let u: f64 = self.rng.gen();
        let idx = (u.powi(3) * self.originals.len() as f64) as usize;
        self.originals.get(idx.min(self.originals.len() - 1)).cloned()
    }
}

/// Generates the data set into `out` and returns what was planted.
pub fn simulate(config: &SimulateConfig, out: &Path) -> io::Result<SimulationSummary> {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(config.seed),
        lines: Vec::new(),
        post_counter: 0,
        accounts: Vec::new(),
        originals: Vec::new(),
        used_ids: Default::default(),
        posts: 0,
        extra_labels: Vec::new(),
        provenance_truth: Vec::new(),
        stage_truth: Vec::new(),
        messages: 0,
    };
    let mut summary = SimulationSummary::default();
    let n = config.organic_accounts.max(50);

    // Organic accounts and their ordinary week.
    for _ in 0..n {
        let handle = g.organic_handle();
        let created = START_MS - g.rng.gen_range(30..4000) * DAY;
        let followers = (g.rng.gen::<f64>().powi(3) * 20_000.0) as u64 + g.rng.gen_range(5..300);
        let following = g.rng.gen_range(20..1500);
        let lang = if g.rng.gen_bool(0.8) { "en" } else { LANGS.choose(&mut g.rng).copied().unwrap_or("es") };
        g.add_account(handle, created, followers, following, lang);
    }
    let organic: Vec<usize> = (0..n).collect();
    for &a in &organic {
        let count = 1 + (g.rng.gen::<f64>().powi(2) * 20.0) as usize;
        for _ in 0..count {
            let day = g.rng.gen_range(0..7);
            let time = g.diurnal_time(day);
            let lang = g.accounts[a].lang;
            let mut text = g.text_in(lang, 6, 24);
            if g.rng.gen_bool(0.25) {
                let tag = POPULAR_TAGS[(g.rng.gen::<f64>().powi(2) * POPULAR_TAGS.len() as f64) as usize];
                text.push_str(&format!(" #{tag}"));
            }
            if g.rng.gen_bool(0.15) {
                let site = g.rng.gen_range(0..400);
                let page = g.rng.gen_range(0..30);
                text.push_str(&format!(" https://site{site}.example.org/article/{page}"));
            }
            g.post(a, time, text, lang, None, None, true);
        }
    }
    // Organic reposts and replies to earlier posts.
    for &a in &organic {
        let count = (g.rng.gen::<f64>().powi(2) * 8.0) as usize;
        for _ in 0..count {
            let Some(target) = g.popular_original() else {
                break;
            };
            if target.account == a {
                continue;
            }
            let delay = (g.rng.gen::<f64>().powi(2) * 30.0 * HOUR as f64) as i64 + g.rng.gen_range(60_000..600_000);
            if g.rng.gen_bool(0.6) {
                g.post(a, target.time + delay, String::new(), "en", Some(&target.id), None, false);
            } else {
                let lang = g.accounts[a].lang;
                let text = g.text_in(lang, 3, 12);
                g.post(a, target.time + delay, text, lang, None, Some(&target.id), false);
            }
        }
    }

    plant_traps(&mut g, &organic, &mut summary);
    hard_traps::plant(&mut g, &organic, &mut summary);
    plant_operations(&mut g, n, config, &mut summary);
    ai_ops::plant(&mut g, &organic, &mut summary);
    // One scam operation per 100,000 organic accounts, at least one.
    scam_ops::plant(&mut g, 1 + n / 100_000, &mut summary);

    // Write: accounts and posts shuffled together; labels apart.
    for a in &g.accounts {
        g.lines.push(
            json!({"kind": "account", "id": a.id, "platform": a.platform, "handle": a.handle, "created_at": format_rfc3339(a.created_at),
                   "followers": a.followers, "following": a.following, "lang": a.lang})
            .to_string(),
        );
    }
    let mut lines = std::mem::take(&mut g.lines);
    lines.shuffle(&mut g.rng);
    std::fs::create_dir_all(out)?;
    let mut w = BufWriter::new(std::fs::File::create(out.join("records.jsonl"))?);
    for l in &lines {
        w.write_all(l.as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(out.join("labels.jsonl"))?);
    for a in &g.accounts {
        let mut v = a.label.clone();
        v["kind"] = json!("label");
        v["account"] = json!(a.id);
        w.write_all(v.to_string().as_bytes())?;
        w.write_all(b"\n")?;
    }
    for v in &g.extra_labels {
        w.write_all(v.to_string().as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(out.join("provenance_truth.jsonl"))?);
    for v in &g.provenance_truth {
        w.write_all(v.to_string().as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    let mut w = BufWriter::new(std::fs::File::create(out.join("stages_truth.jsonl"))?);
    for v in &g.stage_truth {
        w.write_all(v.to_string().as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    summary.accounts = g.accounts.len();
    summary.posts = g.posts;
    summary.messages = g.messages;
    Ok(summary)
}

fn pick(g: &mut Gen, pool: &[usize], k: usize) -> Vec<usize> {
    let mut v: Vec<usize> = pool.choose_multiple(&mut g.rng, k.min(pool.len())).copied().collect();
    v.sort_unstable();
    v
}

fn plant_traps(g: &mut Gen, organic: &[usize], summary: &mut SimulationSummary) {
    let scale = (organic.len() as f64 / 5000.0).max(0.2);
    let count = |base: usize| ((base as f64 * scale.min(1.0)).round() as usize).max(10);

    // A viral news link: 600 accounts within a few hours, each once, own words.
    let viral = pick(g, organic, count(600));
    let t0 = START_MS + DAY + 10 * HOUR;
    for &a in &viral {
        let delay = (-(1.0 - g.rng.gen::<f64>()).ln() * 50.0 * 60_000.0) as i64;
        let comment = g.text_in("en", 4, 10);
        let variant = match g.rng.gen_range(0..4) {
            0 => "https://news.example-daily.com/2026/03/03/minister-resigns".to_string(),
            1 => "https://www.news.example-daily.com/2026/03/03/minister-resigns/".to_string(),
            2 => format!("https://news.example-daily.com/2026/03/03/minister-resigns?utm_source=share{}", g.rng.gen_range(0..9)),
            _ => "http://news.example-daily.com/2026/03/03/minister-resigns#comments".to_string(),
        };
        g.post(a, t0 + delay, format!("{comment} {variant}"), "en", None, None, true);
        g.tag(a, "trap", "viral_link");
    }
    summary.traps.insert("viral_link".into(), viral.len());

    // A trending hashtag: 1,200 accounts in one day, one to three times each.
    let trending = pick(g, organic, count(1200));
    let day_start = START_MS + 3 * DAY;
    for &a in &trending {
        for _ in 0..g.rng.gen_range(1..=3) {
            let offset = ((g.rng.gen::<f64>() + g.rng.gen::<f64>()) / 2.0 * DAY as f64) as i64;
            let text = g.text_in("en", 5, 14);
            g.post(a, day_start + offset, format!("{text} #MarchStorm"), "en", None, None, true);
        }
        g.tag(a, "trap", "trending_hashtag");
    }
    summary.traps.insert("trending_hashtag".into(), trending.len());

    // Stock phrases every morning.
    let greeters = pick(g, organic, count(800));
    for &a in &greeters {
        let phrase = STOCK_PHRASES.choose(&mut g.rng).copied().unwrap_or(STOCK_PHRASES[0]);
        for day in 0..7 {
            if g.rng.gen_bool(0.7) {
                let t = START_MS + day * DAY + 6 * HOUR + g.rng.gen_range(0..3 * HOUR);
                let text = if g.rng.gen_bool(0.3) {
                    format!("{phrase} {}", EMOJI.choose(&mut g.rng).copied().unwrap_or(""))
                } else {
                    phrase.to_string()
                };
                g.post(a, t, text, "en", None, None, true);
            }
        }
        g.tag(a, "trap", "stock_phrases");
    }
    summary.traps.insert("stock_phrases".into(), greeters.len());

    // A live event: 100 fans post the same chant within a minute; 300 more talk about the match.
    let fans = pick(g, organic, 400);
    let kickoff = START_MS + 4 * DAY + 20 * HOUR;
    for (i, &a) in fans.iter().enumerate() {
        if i < 100 {
            let t = kickoff + 67 * 60_000 + g.rng.gen_range(0..60_000);
            g.post(a, t, "GOAL!!! What a strike by Silva, unbelievable scenes tonight!!!".into(), "en", None, None, true);
            g.tag(a, "trap", "chant");
        } else {
            g.tag(a, "trap", "live_event");
        }
        for _ in 0..g.rng.gen_range(1..4) {
            let t = kickoff + g.rng.gen_range(0..2 * HOUR);
            let text = g.text_in("en", 4, 12);
            g.post(a, t, format!("{text} #FinalCup"), "en", None, None, true);
        }
    }
    summary.traps.insert("chant".into(), 100.min(fans.len()));
    summary.traps.insert("live_event".into(), fans.len().saturating_sub(100));

    // A copypasta spreading over two days.
    let pasta_text = "I am not saying the council is corrupt but the new bridge budget doubled twice this year and nobody explained why";
    let pasters = pick(g, organic, count(60));
    for &a in &pasters {
        let t = START_MS + 2 * DAY + g.rng.gen_range(0..2 * DAY);
        g.post(a, t, pasta_text.into(), "en", None, None, true);
        g.tag(a, "trap", "copypasta");
    }
    summary.traps.insert("copypasta".into(), pasters.len());

    // A reply storm under one celebrity post: 400 accounts within two hours.
    let celebrity = organic[0];
    let storm_post =
        g.post(celebrity, START_MS + 5 * DAY + 15 * HOUR, "Big announcement tomorrow, stay tuned everyone".into(), "en", None, None, true);
    let repliers = pick(g, &organic[1..], count(400));
    for &a in &repliers {
        let t = START_MS + 5 * DAY + 15 * HOUR + (g.rng.gen::<f64>().powi(2) * 2.0 * HOUR as f64) as i64 + 5_000;
        let text = g.text_in("en", 2, 8);
        g.post(a, t, text, "en", None, Some(&storm_post), false);
        g.tag(a, "trap", "reply_storm");
    }
    summary.traps.insert("reply_storm".into(), repliers.len());

    // Friends who repost and answer each other, at human pace.
    let groups = (organic.len() / 30).max(3);
    let mut friends_total = 0;
    for _ in 0..groups {
        let size = g.rng.gen_range(3..=6);
        let members = pick(g, organic, size);
        friends_total += members.len();
        for &author in &members {
            for _ in 0..g.rng.gen_range(3..8) {
                let day = g.rng.gen_range(0..7);
                let t = g.diurnal_time(day);
                let lang = g.accounts[author].lang;
                let text = g.text_in(lang, 6, 18);
                let post = g.post(author, t, text, lang, None, None, true);
                for &friend in &members {
                    if friend != author && g.rng.gen_bool(0.7) {
                        let delay = ((g.rng.gen::<f64>() * 3.5).exp() * 60_000.0) as i64 + 20_000;
                        if g.rng.gen_bool(0.7) {
                            g.post(friend, t + delay, String::new(), "en", Some(&post), None, false);
                        } else {
                            let reply = g.text_in("en", 2, 8);
                            g.post(friend, t + delay, reply, "en", None, Some(&post), false);
                        }
                    }
                }
            }
            g.tag(author, "trap", "friends");
        }
    }
    summary.traps.insert("friends".into(), friends_total);
}

fn plant_operations(g: &mut Gen, organic_count: usize, config: &SimulateConfig, summary: &mut SimulationSummary) {
    let operations = (5 * organic_count / 5000).max(3);
    const SIZES: &[usize] = &[40, 12, 6, 25, 60];
    for k in 0..operations {
        let size = if k < SIZES.len() { SIZES[k] } else { g.rng.gen_range(5..=60) };
        let spam = k % 5 == 1;
        let name = format!("op-{:02}", k + 1);
        let kind = if spam { "spam" } else { "influence" };
        let burst_created = g.rng.gen_bool(0.6);
        let lookalike = g.rng.gen_bool(0.5);
        let base_handle = format!(
            "{}_{}",
            FIRST_NAMES.choose(&mut g.rng).copied().unwrap_or("anna"),
            LAST_NAMES.choose(&mut g.rng).copied().unwrap_or("lee")
        );
        let created_base = START_MS - g.rng.gen_range(20..400) * DAY;
        let mut members = Vec::with_capacity(size);
        let mut styles: Vec<&str> = (0..size).map(|j| PERTURBATIONS[j % PERTURBATIONS.len()]).collect();
        styles.shuffle(&mut g.rng);
        for (j, style) in styles.iter().enumerate() {
            let handle = if lookalike { format!("{base_handle}{}", 100 + j * 7 + g.rng.gen_range(0..5)) } else { g.organic_handle() };
            let created =
                if burst_created { created_base + g.rng.gen_range(0..5 * DAY) } else { START_MS - g.rng.gen_range(30..3000) * DAY };
            let (followers, following) = if g.rng.gen_bool(0.6) {
                (g.rng.gen_range(0..150), g.rng.gen_range(300..2500))
            } else {
                (g.rng.gen_range(50..3000), g.rng.gen_range(50..1500))
            };
            let a = g.add_account(handle, created, followers, following, "en");
            g.accounts[a].label = json!({"operation": name, "type": kind, "perturbation": style});
            members.push((a, *style));
        }
        summary.operations.insert(name.clone(), (kind.to_string(), size));

        // The operation's message bank, tags and site.
        let (fewest, most) = (config.messages.0.max(1), config.messages.1.max(config.messages.0.max(1)));
        let messages = g.rng.gen_range(fewest..=most);
        let own_tag =
            format!("{}{}", ["Truth", "Wake", "Stand", "Real", "Stop"][k % 5], ["Now", "Up", "Together", "Voice", "It"][(k / 5) % 5])
                + &format!("{}", 10 + k);
        let site = format!("https://{}-{}.example.net", ["daily", "voice", "report", "today"][k % 4], k + 1);
        let langs: Vec<&str> = LANGS.choose_multiple(&mut g.rng, 3).copied().collect();
        // One operation in three works slowly: its members post over 10 to 60 minutes.
        let spread_ms = if k % 3 == 2 {
            ((config.burst_seconds * 1000.0) as i64).max(g.rng.gen_range(600..=3600) * 1000)
        } else {
            (config.burst_seconds * 1000.0) as i64
        };
        for m in 0..messages {
            let len = g.rng.gen_range(15..=24);
            let text = sentence(&mut g.rng, len);
            let with_link = spam || g.rng.gen_bool(0.7);
            let link = format!("{site}/{}/{}", if spam { "offer" } else { "story" }, 1000 + m * 13 + k);
            let extra_tag = if g.rng.gen_bool(0.5) { Some(POPULAR_TAGS.choose(&mut g.rng).copied().unwrap_or("news")) } else { None };
            let burst = START_MS + g.rng.gen_range(0..WEEK - HOUR);
            for &(a, style) in &members {
                if !g.rng.gen_bool(config.participation.clamp(0.05, 1.0)) {
                    continue;
                }
                let t = burst + g.rng.gen_range(0..spread_ms.max(1));
                let mut body = text.clone();
                let mut tags = vec![format!("#{own_tag}")];
                if let Some(t) = extra_tag {
                    tags.push(format!("#{t}"));
                }
                let mut url = with_link.then(|| link.clone());
                let mut lang = "en";
                match style {
                    "edited_words" => body = edit_words(&mut g.rng, &body),
                    "homoglyph" => body = homoglyphs(&mut g.rng, &body),
                    "invisible" => body = invisible(&mut g.rng, &body),
                    "emoji_hashtag" => {
                        if g.rng.gen_bool(0.5) {
                            tags.retain(|t| !t.contains(&own_tag));
                        }
                        if g.rng.gen_bool(0.5) {
                            tags.push(format!("#{}", POPULAR_TAGS.choose(&mut g.rng).copied().unwrap_or("news")));
                        }
                        let e = EMOJI.choose(&mut g.rng).copied().unwrap_or("🔥");
                        body = if g.rng.gen_bool(0.5) { format!("{e} {body} {e}{e}") } else { format!("{body} {e}") };
                    }
                    "tracking_params" => {
                        if let Some(u) = &mut url {
                            u.push_str(&format!(
                                "?utm_source={}&utm_medium=social&utm_campaign=c{}",
                                ["tw", "fb", "tg"][g.rng.gen_range(0..3)],
                                g.rng.gen_range(0..99)
                            ));
                            if g.rng.gen_bool(0.5) {
                                u.push_str(&format!("&fbclid=IwAR{}", g.rng.gen_range(100_000..999_999)));
                            }
                        }
                    }
                    "translated" => {
                        lang = langs[g.rng.gen_range(0..langs.len())];
                        body = translate(&body, lang);
                    }
                    _ => {}
                }
                let mut full = body;
                for t in &tags {
                    full.push(' ');
                    full.push_str(t);
                }
                if let Some(u) = url {
                    full.push(' ');
                    full.push_str(&u);
                }
                g.post(a, t, full, lang, None, None, false);
            }
        }
        // Ordinary-looking posts, so members are not pure copy machines.
        for &(a, _) in &members {
            for _ in 0..g.rng.gen_range(2..7) {
                let day = g.rng.gen_range(0..7);
                let t = g.diurnal_time(day);
                let text = g.text_in("en", 6, 20);
                g.post(a, t, text, "en", None, None, false);
            }
            if let Some(target) = g.popular_original() {
                let delay = g.rng.gen_range(60_000..20 * HOUR);
                g.post(a, target.time + delay, String::new(), "en", Some(&target.id), None, false);
            }
        }
    }
}
