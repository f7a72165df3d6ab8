//! Text generation: sentences from a fixed vocabulary, pseudo-translations, and the
//! disguises operators use.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const WORDS: &[&str] = &[
    "people",
    "city",
    "council",
    "water",
    "price",
    "school",
    "road",
    "market",
    "election",
    "vote",
    "bridge",
    "family",
    "job",
    "tax",
    "energy",
    "farm",
    "weather",
    "river",
    "team",
    "game",
    "music",
    "film",
    "book",
    "health",
    "hospital",
    "doctor",
    "police",
    "street",
    "train",
    "bus",
    "airport",
    "news",
    "story",
    "report",
    "plan",
    "law",
    "court",
    "judge",
    "minister",
    "party",
    "leader",
    "campaign",
    "rally",
    "protest",
    "union",
    "worker",
    "company",
    "bank",
    "money",
    "budget",
    "debt",
    "border",
    "army",
    "peace",
    "war",
    "border",
    "village",
    "coast",
    "island",
    "forest",
    "garden",
    "kitchen",
    "coffee",
    "dinner",
    "weekend",
    "holiday",
    "morning",
    "evening",
    "night",
    "summer",
    "winter",
    "festival",
    "concert",
    "match",
    "season",
    "player",
    "coach",
    "fan",
    "ticket",
    "station",
    "phone",
    "internet",
    "app",
    "data",
    "science",
    "research",
    "climate",
    "rain",
    "storm",
    "flood",
    "fire",
    "power",
    "fuel",
    "oil",
    "gas",
    "food",
    "bread",
    "rice",
    "milk",
    "child",
    "teacher",
    "student",
    "exam",
    "university",
    "library",
    "museum",
    "art",
    "history",
    "friend",
    "neighbor",
    "community",
    "church",
    "mosque",
    "temple",
    "market",
    "shop",
    "store",
    "owner",
    "customer",
    "service",
    "truth",
    "lie",
    "media",
    "reporter",
    "channel",
    "video",
    "photo",
    "picture",
    "post",
    "comment",
    "reply",
    "message",
    "question",
    "answer",
    "problem",
    "solution",
    "idea",
    "future",
    "past",
    "change",
    "reform",
    "crisis",
    "growth",
    "decline",
    "success",
    "failure",
    "victory",
    "defeat",
    "hope",
    "fear",
    "anger",
    "joy",
    "love",
    "hate",
    "trust",
    "doubt",
    "freedom",
    "justice",
    "great",
    "terrible",
    "new",
    "old",
    "big",
    "small",
    "strong",
    "weak",
    "honest",
    "corrupt",
    "fair",
    "unfair",
    "local",
    "national",
    "foreign",
    "cheap",
    "expensive",
    "safe",
    "dangerous",
    "clean",
    "dirty",
    "quiet",
    "loud",
    "happy",
    "sad",
    "angry",
    "tired",
    "busy",
    "free",
    "real",
    "fake",
    "true",
    "false",
    "early",
    "late",
    "long",
    "short",
    "best",
    "worst",
    "better",
    "worse",
    "support",
    "oppose",
    "build",
    "destroy",
    "open",
    "close",
    "start",
    "stop",
    "win",
    "lose",
    "buy",
    "sell",
    "pay",
    "cost",
    "help",
    "hurt",
    "save",
    "spend",
    "watch",
    "read",
    "write",
    "share",
    "follow",
    "join",
    "leave",
    "meet",
    "call",
    "visit",
    "believe",
    "know",
    "think",
    "feel",
    "want",
    "need",
    "love",
    "like",
    "hate",
    "fight",
    "protect",
    "defend",
    "attack",
    "blame",
    "today",
    "tomorrow",
    "yesterday",
    "again",
    "never",
    "always",
    "finally",
    "really",
    "clearly",
    "simply",
    "still",
    "already",
    "everyone",
    "nobody",
    "someone",
    "we",
    "they",
    "our",
    "their",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
    "all",
    "every",
    "more",
    "less",
    "most",
    "least",
    "many",
    "few",
    "much",
    "little",
    "very",
    "too",
    "so",
    "just",
    "only",
    "even",
    "also",
];

pub const FUNCTION_WORDS: &[&str] =
    &["the", "a", "and", "to", "of", "in", "for", "is", "on", "with", "at", "it", "be", "not", "are", "was", "by", "from"];

/// A sentence of `len` words, roughly a third of them function words.
pub fn sentence(rng: &mut ChaCha8Rng, len: usize) -> String {
    let mut words = Vec::with_capacity(len);
    for i in 0..len {
        if i % 3 == 1 && rng.gen_bool(0.7) {
            words.push(*FUNCTION_WORDS.choose(rng).unwrap_or(&"the"));
        } else {
            // Zipf-like: earlier words are more common.
            let idx = ((rng.gen::<f64>().powf(1.6)) * WORDS.len() as f64) as usize;
            words.push(WORDS[idx.min(WORDS.len() - 1)]);
        }
    }
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s.replace_range(..1, &first.to_uppercase());
    }
    s.push(if rng.gen_bool(0.2) { '!' } else { '.' });
    s
}

/// Syllables of the pseudo-languages used for translated copies.
fn syllables(lang: &str) -> &'static [&'static str] {
    match lang {
        "es" => &["ra", "lo", "ción", "de", "la", "mos", "ter", "pa", "ble", "cia", "gue", "ño", "men", "tes", "dad"],
        "de" => &["ung", "ber", "schaft", "ein", "zu", "gen", "lich", "keit", "stadt", "wer", "ach", "ten", "über", "heit"],
        "id" => &["ka", "kan", "nya", "ber", "ang", "meng", "ra", "si", "ta", "lah", "ini", "pe", "ru", "da", "pun"],
        "fr" => &["eau", "ment", "que", "tion", "re", "les", "oir", "ai", "té", "eur", "ille", "on", "par", "nous"],
        "ru" => &["ов", "ра", "ст", "ни", "ко", "ть", "ли", "про", "на", "ве", "го", "мы", "да", "ет"],
        _ => &["xa", "zo", "qi"],
    }
}

/// Word-by-word pseudo-translation: the same word always becomes the same foreign word,
/// and no word is shared with the original, like a real translation's word set.
pub fn translate(text: &str, lang: &str) -> String {
    let syl = syllables(lang);
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let core: String = word.chars().filter(|c| c.is_alphanumeric()).collect();
        let trailing: String = word.chars().rev().take_while(|c| !c.is_alphanumeric()).collect();
        if core.is_empty() {
            out.push(word.to_string());
            continue;
        }
        let h = xxhash_rust::xxh3::xxh3_64_with_seed(core.to_lowercase().as_bytes(), lang.len() as u64 * 7919 + lang.as_bytes()[0] as u64);
        let n = 2 + (h % 2) as usize;
        let mut w = String::new();
        for k in 0..n {
            w.push_str(syl[((h >> (8 * k)) % syl.len() as u64) as usize]);
        }
        out.push(w + &trailing);
    }
    out.join(" ")
}

const HOMOGLYPHS: &[(char, char)] =
    &[('a', 'а'), ('e', 'е'), ('o', 'о'), ('p', 'р'), ('c', 'с'), ('x', 'х'), ('y', 'у'), ('i', 'і'), ('o', 'ο'), ('v', 'ν'), ('s', 'ѕ')];

/// Swaps a share of letters for Cyrillic or Greek lookalikes.
pub fn homoglyphs(rng: &mut ChaCha8Rng, text: &str) -> String {
    text.chars()
        .map(|c| {
            let options: Vec<char> = HOMOGLYPHS.iter().filter(|(l, _)| *l == c).map(|(_, g)| *g).collect();
            if !options.is_empty() && rng.gen_bool(0.4) {
                *options.choose(rng).unwrap_or(&c)
            } else {
                c
            }
        })
        .collect()
}

const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}'];

/// Inserts zero-width and other invisible characters inside words.
pub fn invisible(rng: &mut ChaCha8Rng, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for c in text.chars() {
        out.push(c);
        if c.is_alphabetic() && rng.gen_bool(0.12) {
            out.push(*INVISIBLE.choose(rng).unwrap_or(&'\u{200B}'));
        }
    }
    out
}

/// Replaces 1 to 3 content words.
pub fn edit_words(rng: &mut ChaCha8Rng, text: &str) -> String {
    let mut words: Vec<String> = text.split(' ').map(String::from).collect();
    let edits = rng.gen_range(1..=3).min(words.len());
    let mut positions: Vec<usize> = (0..words.len()).collect();
    positions.shuffle(rng);
    for &p in positions.iter().take(edits) {
        let trailing: String = words[p].chars().rev().take_while(|c| !c.is_alphanumeric()).collect();
        words[p] = format!("{}{}", WORDS.choose(rng).unwrap_or(&"news"), trailing);
    }
    words.join(" ")
}

pub const EMOJI: &[&str] = &["🔥", "👉", "‼️", "🇺🇸", "💯", "😡", "🙏", "✅", "📢", "👇"];

/// Everyday words in scripts other than Latin, for organic chatter that looks like the
/// multilingual feeds investigators hold: Arabic, Russian, Chinese, Hindi, Persian.
const NATIVE_WORDS: &[(&str, &[&str])] = &[
    (
        "ar",
        &[
            "اليوم",
            "الجو",
            "جميل",
            "في",
            "المدينة",
            "مع",
            "العائلة",
            "القهوة",
            "الصباح",
            "المباراة",
            "الأخبار",
            "السوق",
            "الأسعار",
            "الطريق",
            "المدرسة",
            "الحمد",
            "لله",
            "شكرا",
            "يا",
            "جماعة",
            "هذا",
            "الأسبوع",
            "طويل",
            "جدا",
            "عندي",
            "سؤال",
        ],
    ),
    (
        "ru",
        &[
            "сегодня",
            "погода",
            "отличная",
            "в",
            "городе",
            "с",
            "семьёй",
            "кофе",
            "утром",
            "матч",
            "новости",
            "рынок",
            "цены",
            "дорога",
            "школа",
            "спасибо",
            "друзья",
            "эта",
            "неделя",
            "очень",
            "длинная",
            "у",
            "меня",
            "вопрос",
            "опять",
            "пробки",
        ],
    ),
    (
        "zh",
        &[
            "今天",
            "天气",
            "很好",
            "在",
            "城市里",
            "和",
            "家人",
            "咖啡",
            "早上",
            "比赛",
            "新闻",
            "市场",
            "价格",
            "路上",
            "学校",
            "谢谢",
            "朋友们",
            "这周",
            "太长了",
            "我",
            "有个",
            "问题",
            "又",
            "堵车",
            "真的",
            "哈哈",
        ],
    ),
    (
        "hi",
        &[
            "आज",
            "मौसम",
            "अच्छा",
            "है",
            "शहर",
            "में",
            "परिवार",
            "के",
            "साथ",
            "चाय",
            "सुबह",
            "मैच",
            "खबर",
            "बाजार",
            "दाम",
            "सड़क",
            "स्कूल",
            "धन्यवाद",
            "दोस्तों",
            "यह",
            "हफ्ता",
            "बहुत",
            "लंबा",
            "मेरा",
            "सवाल",
            "फिर",
        ],
    ),
    (
        "fa",
        &[
            "امروز",
            "هوا",
            "خوب",
            "است",
            "در",
            "شهر",
            "با",
            "خانواده",
            "چای",
            "صبح",
            "بازی",
            "خبر",
            "بازار",
            "قیمت",
            "راه",
            "مدرسه",
            "ممنون",
            "دوستان",
            "این",
            "هفته",
            "خیلی",
            "طولانی",
            "من",
            "سوال",
            "دارم",
            "دوباره",
        ],
    ),
];

/// The languages [`native_sentence`] writes.
pub fn native_languages() -> impl Iterator<Item = &'static str> {
    NATIVE_WORDS.iter().map(|(lang, _)| *lang)
}

/// A short post in `lang`'s own script (one of [`native_languages`]; English otherwise),
/// sometimes with an emoji, and now and then with the invisible characters that real
/// feeds carry (a zero-width joiner from a keyboard, a right-to-left mark pasted along).
pub fn native_sentence(rng: &mut ChaCha8Rng, lang: &str, len: usize) -> String {
    let Some((_, words)) = NATIVE_WORDS.iter().find(|(l, _)| *l == lang) else { return sentence(rng, len) };
    let sep = if lang == "zh" { "" } else { " " };
    let mut s = (0..len.max(2))
        .map(|_| {
            let idx = (rng.gen::<f64>().powf(1.4) * words.len() as f64) as usize;
            words[idx.min(words.len() - 1)]
        })
        .collect::<Vec<_>>()
        .join(sep);
    if rng.gen_bool(0.4) {
        s.push(' ');
        s.push_str(EMOJI.choose(rng).copied().unwrap_or("🙏"));
    }
    if rng.gen_bool(0.1) {
        let mark = ['\u{200d}', '\u{200f}', '\u{200b}', '\u{feff}'].choose(rng).copied().unwrap_or('\u{200b}');
        let at = s.char_indices().map(|(i, _)| i).nth(rng.gen_range(0..s.chars().count().max(1))).unwrap_or(0);
        s.insert(at, mark);
    }
    s
}
