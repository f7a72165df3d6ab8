//! Matching text: the form of a post's text under which disguised copies are equal.
//!
//! Steps, in order: Unicode NFKC; removal of invisible characters (format characters,
//! variation selectors, fillers) without splitting words; removal of URLs and mentions
//! (they are matched by their own signals) and of leading or trailing runs of hashtags
//! and emoji (operators add and remove them), while an inline hashtag keeps its word;
//! case folding; confusable folding (UTS #39 skeletons, so Cyrillic and Greek
//! lookalikes fold to Latin); punctuation and symbols (emoji included) become spaces;
//! whitespace collapses.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use xxhash_rust::xxh3::xxh3_64;

/// True for characters that render as nothing: they are removed, not turned into spaces,
/// so `vo\u{200B}te` still reads `vote`.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E0FFF}')
        || (!c.is_ascii() && c.general_category() == GeneralCategory::Format)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokenClass {
    Word,
    Hashtag,
    Mention,
    Url,
    /// Only symbols or punctuation (emoji, `|`, `-`): decoration around a post.
    Decoration,
}

/// ASCII case-insensitive prefix test, without allocating.
pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn classify(token: &str) -> TokenClass {
    if starts_with_ignore_case(token, "http://") || starts_with_ignore_case(token, "https://") || starts_with_ignore_case(token, "www.") {
        return TokenClass::Url;
    }
    let mut chars = token.chars();
    match chars.next() {
        Some('#') | Some('＃') if chars.clone().next().is_some_and(|c| c.is_alphanumeric() || c == '_') => TokenClass::Hashtag,
        Some('@') | Some('＠') if chars.clone().next().is_some_and(|c| c.is_alphanumeric() || c == '_') => TokenClass::Mention,
        _ => {
            if token.chars().any(is_word_char) {
                TokenClass::Word
            } else {
                TokenClass::Decoration
            }
        }
    }
}

thread_local! {
    static SKELETON_CACHE: RefCell<FxHashMap<char, Box<str>>> = RefCell::new(FxHashMap::default());
    /// Working buffers reused from post to post: normalization runs once a post on every
    /// parsing thread, and allocating them anew was a tenth of its cost.
    static ASCII_SPANS: RefCell<Vec<Span>> = const { RefCell::new(Vec::new()) };
    static MATCHING_TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    static WORD_HASHES: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static WORD_SET: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static WORD_PAIRS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static GENERAL_SCRATCH: RefCell<(String, Vec<Span>)> = const { RefCell::new((String::new(), Vec::new())) };
    /// [`char_contribution`] of every non-ASCII character met so far.
    static CHAR_CONTRIBUTIONS: RefCell<FxHashMap<char, Box<str>>> = RefCell::new(FxHashMap::default());
}

/// Folds one (already lower-cased) character to its confusable prototype, lower-cased.
fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(ASCII_FOLD[c as usize] as char);
        return;
    }
    SKELETON_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let folded = cache.entry(c).or_insert_with(|| fold_char_slow(c).into_boxed_str());
        out.push_str(folded);
    });
}

/// Folding until nothing changes, so that matching text is a fixed point (a prototype
/// can itself fold again once lower-cased, e.g. `δ`).
fn fold_char_slow(c: char) -> String {
    let mut current = fold_once(c);
    for _ in 0..4 {
        let next: String =
            current.chars().map(|k| if k.is_ascii() { (ASCII_FOLD[k as usize] as char).to_string() } else { fold_once(k) }).collect();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn fold_once(c: char) -> String {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    let skeleton: String = unicode_security::skeleton(s).collect();
    // The skeleton of a letter with a diacritic is its base letter plus a combining mark;
    // keep the precomposed letter so that accented words in other languages stay words.
    let recomposed: String = skeleton.nfc().collect::<String>().to_lowercase();
    let all_word = recomposed.chars().all(is_word_char);
    if all_word
        && !recomposed.is_empty()
        && (recomposed.is_ascii() || recomposed.chars().count() == 1)
        && !recomposed.bytes().any(|b| b.is_ascii_digit())
    {
        recomposed
    } else {
        c.to_string()
    }
}

/// ASCII folding table built from the same rule as the slow path, so both agree.
static ASCII_FOLD: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        table[i] = if b.is_ascii_uppercase() { b + 32 } else { b };
        i += 1;
    }
    // Digits are not folded onto letters (UTS #39 would map `0` to `o`): numbers in
    // posts (amounts, years) must stay readable in evidence and rarely carry disguise.
    table
};

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        c.general_category(),
        GeneralCategory::UppercaseLetter
            | GeneralCategory::LowercaseLetter
            | GeneralCategory::TitlecaseLetter
            | GeneralCategory::ModifierLetter
            | GeneralCategory::OtherLetter
            | GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
            | GeneralCategory::DecimalNumber
            | GeneralCategory::LetterNumber
            | GeneralCategory::OtherNumber
    )
}

/// The text under which disguised copies compare equal (see the module doc).
pub fn matching_text(raw: &str) -> String {
    let mut out = String::new();
    matching_text_into(raw, &mut out);
    out
}

/// The matching text of `raw`, lent to `f` from a per-thread buffer: a caller that only
/// derives keys from it (hash, word set, sketch) allocates nothing a text.
pub fn with_matching_text<T>(raw: &str, f: impl FnOnce(&str) -> T) -> T {
    MATCHING_TEXT.with_borrow_mut(|matching| {
        matching_text_into(raw, matching);
        f(matching)
    })
}

/// [`matching_text`] written into `out` (cleared first), so a caller normalizing many
/// texts reuses one buffer.
pub fn matching_text_into(raw: &str, out: &mut String) {
    out.clear();
    if raw.is_ascii() {
        matching_text_ascii(raw, out);
    } else {
        matching_text_general(raw, out);
    }
}

/// What one character of a word contributes to matching text: its lower-case form's
/// characters, each folded to its confusable prototype when part of a word, or `' '` when
/// not (a separator). Cached per character: the three lookups (case, category, skeleton)
/// are made once a character rather than once a character of every post.
fn char_contribution(c: char) -> Box<str> {
    let mut out = String::new();
    for lower in c.to_lowercase() {
        if is_word_char(lower) {
            push_folded(lower, &mut out);
        } else {
            out.push(' ');
        }
    }
    out.into_boxed_str()
}

/// Appends a character of a word, after the space a separator before it left pending.
fn push_word_char(c: char, pending_space: &mut bool, out: &mut String) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    out.push(c);
}

/// A token of a text: its byte range and class.
type Span = (usize, usize, TokenClass);

/// The tokens of a text that carry its content: a retweet prefix `RT @user:` belongs to
/// the platform, and leading or trailing hashtags, mentions, links and decoration are the
/// frame operators change from copy to copy.
fn content_range(spans: &[Span], text: &[u8]) -> std::ops::Range<usize> {
    let mut start = 0;
    if spans.len() >= 2 && &text[spans[0].0..spans[0].1] == b"RT" && spans[1].2 == TokenClass::Mention {
        start = 2;
    }
    let is_frame = |c: TokenClass| matches!(c, TokenClass::Hashtag | TokenClass::Mention | TokenClass::Url | TokenClass::Decoration);
    while start < spans.len() && is_frame(spans[start].2) {
        start += 1;
    }
    let mut end = spans.len();
    while end > start && is_frame(spans[end - 1].2) {
        end -= 1;
    }
    start..end
}

fn matching_text_general(raw: &str, out: &mut String) {
    GENERAL_SCRATCH.with_borrow_mut(|(cleaned, spans)| {
        cleaned.clear();
        spans.clear();
        if unicode_normalization::is_nfkc_quick(raw.chars()) == unicode_normalization::IsNormalized::Yes {
            // Most non-ASCII text (accented letters, other scripts) is already in NFKC: the
            // quick check costs a table lookup a character, normalizing far more.
            cleaned.extend(raw.chars().filter(|c| !is_invisible(*c)));
        } else {
            cleaned.extend(raw.nfkc().filter(|c| !is_invisible(*c)));
        }
        let base = cleaned.as_ptr() as usize;
        spans.extend(cleaned.split_whitespace().map(|t| {
            let start = t.as_ptr() as usize - base;
            (start, start + t.len(), classify(t))
        }));
        out.reserve(cleaned.len());
        let mut pending_space = false;
        CHAR_CONTRIBUTIONS.with_borrow_mut(|contributions| {
            for &(start, end, class) in &spans[content_range(spans, cleaned.as_bytes())] {
                let text = &cleaned[start..end];
                let text = match class {
                    TokenClass::Url | TokenClass::Mention => continue,
                    TokenClass::Hashtag => &text[text.chars().next().map_or(1, char::len_utf8)..],
                    TokenClass::Word | TokenClass::Decoration => text,
                };
                for c in text.chars() {
                    if c.is_ascii() {
                        let b = c as u8;
                        if b.is_ascii_alphanumeric() || b == b'_' {
                            push_word_char(ASCII_FOLD[b as usize] as char, &mut pending_space, out);
                        } else {
                            pending_space = true;
                        }
                    } else {
                        for part in contributions.entry(c).or_insert_with(|| char_contribution(c)).chars() {
                            if part == ' ' {
                                pending_space = true;
                            } else {
                                push_word_char(part, &mut pending_space, out);
                            }
                        }
                    }
                }
                pending_space = true;
            }
        });
    });
    if !out.is_ascii() && unicode_normalization::is_nfc_quick(out.chars()) != unicode_normalization::IsNormalized::Yes {
        // Folding can leave a combining mark after a base letter; compose them so the
        // result is a fixed point of this function.
        *out = out.nfc().collect();
    }
}

fn classify_ascii(token: &[u8]) -> TokenClass {
    let starts = |p: &[u8]| token.len() >= p.len() && token[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"http://") || starts(b"https://") || starts(b"www.") {
        return TokenClass::Url;
    }
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    match token.first() {
        Some(b'#') if token.get(1).is_some_and(word) => TokenClass::Hashtag,
        Some(b'@') if token.get(1).is_some_and(word) => TokenClass::Mention,
        _ if token.iter().any(word) => TokenClass::Word,
        _ => TokenClass::Decoration,
    }
}

/// The same rules as [`matching_text`] for ASCII text (most posts), on bytes and without
/// intermediate allocations: ASCII needs no NFKC, has no invisible characters, and folds
/// only by case.
fn matching_text_ascii(raw: &str, out: &mut String) {
    ASCII_SPANS.with_borrow_mut(|spans| {
        spans.clear();
        matching_text_ascii_with(raw, spans, out);
    })
}

fn matching_text_ascii_with(raw: &str, spans: &mut Vec<Span>, out: &mut String) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i > start {
            spans.push((start, i, classify_ascii(&bytes[start..i])));
        }
    }
    out.reserve(raw.len());
    let mut pending_space = false;
    for &(start, end, class) in &spans[content_range(spans, bytes)] {
        let token = match class {
            TokenClass::Url | TokenClass::Mention => continue,
            TokenClass::Hashtag => &bytes[start + 1..end],
            TokenClass::Word | TokenClass::Decoration => &bytes[start..end],
        };
        for &b in token {
            if b.is_ascii_alphanumeric() || b == b'_' {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(ASCII_FOLD[b as usize] as char);
            } else {
                pending_space = true;
            }
        }
        pending_space = true;
    }
}

/// Tokens of the matching text (words), for set similarity.
pub fn matching_tokens(matching: &str) -> impl Iterator<Item = &str> {
    matching.split(' ').filter(|t| !t.is_empty())
}

/// The sorted, distinct 32-bit hashes of a matching text's words: the word set that
/// near-duplicate detection and provenance matching compare.
pub fn word_set(matching: &str) -> Vec<u32> {
    with_token_hashes(matching, set_of_words)
}

/// Calls `f` with the hashes of the matching text's words, in order (in a reused buffer).
fn with_token_hashes<T>(matching: &str, f: impl FnOnce(&[u64]) -> T) -> T {
    WORD_HASHES.with_borrow_mut(|hashes| {
        hashes.clear();
        hashes.extend(matching_tokens(matching).map(|t| xxh3_64(t.as_bytes())));
        f(hashes)
    })
}

fn set_of_words(hashes: &[u64]) -> Vec<u32> {
    let mut words = Vec::with_capacity(hashes.len());
    set_of_words_into(hashes, &mut words);
    words
}

fn set_of_words_into(hashes: &[u64], words: &mut Vec<u32>) {
    words.clear();
    words.extend(hashes.iter().map(|h| (h >> 32) as u32));
    words.sort_unstable();
    words.dedup();
}

fn pairs_of_words(hashes: &[u64]) -> Vec<u32> {
    let mut pairs = Vec::with_capacity(hashes.len());
    pairs_of_words_into(hashes, &mut pairs);
    pairs
}

fn pairs_of_words_into(hashes: &[u64], pairs: &mut Vec<u32>) {
    pairs.clear();
    pairs.extend(hashes.windows(2).map(|w| {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&w[0].to_le_bytes());
        b[8..].copy_from_slice(&w[1].to_le_bytes());
        (xxh3_64(&b) >> 32) as u32
    }));
    pairs.sort_unstable();
    pairs.dedup();
}

/// [`word_set`] and [`word_pair_sketch`] at once (the text is split and its words hashed
/// once for both: every post needs both), lent to `f` from per-thread buffers for a caller
/// that keeps them in storage of its own (no vector is allocated a text).
pub fn with_word_set_and_sketch<T>(matching: &str, k: usize, f: impl FnOnce(&[u32], &[u32]) -> T) -> T {
    with_token_hashes(matching, |hashes| {
        WORD_SET.with_borrow_mut(|words| {
            WORD_PAIRS.with_borrow_mut(|pairs| {
                set_of_words_into(hashes, words);
                pairs_of_words_into(hashes, pairs);
                f(words, &pairs[..pairs.len().min(k)])
            })
        })
    })
}

/// Hashes of a matching text's word pairs (bigrams), sorted and distinct: what provenance
/// matching joins posts and model outputs on (a pair of adjacent words is far rarer than
/// either word, and an edited word breaks only the two pairs it is in).
pub fn word_pairs(matching: &str) -> Vec<u32> {
    with_token_hashes(matching, pairs_of_words)
}

/// The `k` smallest word-pair hashes of a text: a bottom-k sketch. A post copied from an
/// output shares most of its word pairs with it, so some of its smallest are the output's.
pub fn word_pair_sketch(matching: &str, k: usize) -> Vec<u32> {
    let mut pairs = word_pairs(matching);
    pairs.truncate(k);
    pairs
}

/// 64-bit hash of a matching text; empty text has no hash (it never matches).
pub fn text_hash(matching: &str) -> Option<u64> {
    if matching.is_empty() {
        None
    } else {
        Some(xxh3_64(matching.as_bytes()))
    }
}

/// The matching form of a hashtag: `#Vote2024`, `vote2024` and `ѵоте2024` are one tag.
pub fn fold_hashtag(tag: &str) -> String {
    let t = tag.trim().trim_start_matches(['#', '＃']);
    let mut out = String::with_capacity(t.len());
    if t.is_ascii() {
        // ASCII is its own NFKC form and holds no invisible characters.
        out.extend(t.bytes().filter(|b| b.is_ascii_alphanumeric() || *b == b'_').map(|b| ASCII_FOLD[b as usize] as char));
        return out;
    }
    for c in t.nfkc().filter(|c| !is_invisible(*c)).flat_map(char::to_lowercase) {
        if is_word_char(c) {
            push_folded(c, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// `fold_hashtag` without its ASCII shortcut.
    fn fold_hashtag_general(tag: &str) -> String {
        let t = tag.trim().trim_start_matches(['#', '＃']);
        let mut out = String::new();
        for c in t.nfkc().filter(|c| !is_invisible(*c)).flat_map(char::to_lowercase) {
            if is_word_char(c) {
                push_folded(c, &mut out);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn ascii_hashtags_fold_as_the_general_path_folds_them(tag in "[ -~]{0,24}") {
            proptest::prop_assert_eq!(fold_hashtag(&tag), fold_hashtag_general(&tag));
        }
    }

    use super::*;

    #[test]
    fn words_and_sketch_at_once_equal_each_apart() {
        for text in ["", "one", "the city council voted to double the bridge budget again", "a b a b c"] {
            let m = matching_text(text);
            let at_once = with_word_set_and_sketch(&m, 8, |words, sketch| (words.to_vec(), sketch.to_vec()));
            assert_eq!(at_once, (word_set(&m), word_pair_sketch(&m, 8)), "{text}");
        }
    }
    use proptest::prelude::*;

    #[test]
    fn disguises_fold_away() {
        let base = matching_text("Vote for change in the city council, friends!");
        assert_eq!(base, "vote for change in the city council friends");
        // Cyrillic о and е, a zero-width space, fullwidth letters, an emoji, a trailing hashtag.
        assert_eq!(matching_text("Vоtе for ch\u{200B}ange in the city council, friends!! 🔥 #Vote"), base);
        assert_eq!(matching_text("ＶＯＴＥ for change in the city council friends"), base);
        // Greek omicron and a soft hyphen.
        assert_eq!(matching_text("#Vote Vote fοr chan\u{00AD}ge in the city council friends https://x.co/a?utm_source=t"), base);
        assert_eq!(matching_text("RT @someone: Vote for change in the city council, friends!"), base);
    }

    #[test]
    fn inline_hashtags_keep_their_word_and_mentions_go() {
        assert_eq!(matching_text("I love #Paris in @bob spring"), "i love paris in spring");
    }

    #[test]
    fn other_scripts_stay_words() {
        assert_eq!(matching_text("Привет, мир!"), matching_text("привет мир"));
        assert!(!matching_text("नमस्ते दुनिया").is_empty());
        assert_eq!(matching_text("Café crème"), "café crème");
        assert_eq!(matching_text("😀 🔥 !!!"), "");
        assert_eq!(text_hash(""), None);
    }

    #[test]
    fn hashtags_fold() {
        assert_eq!(fold_hashtag("#Vote2024"), "vote2024");
        assert_eq!(fold_hashtag("ＶＯＴＥ2024"), "vote2024");
        assert_eq!(fold_hashtag("#Vоte2024"), fold_hashtag("vote2024"));
    }

    /// The module doc's steps, one after another on whole strings (no fast path, no cache).
    fn rules_spelled_out(raw: &str) -> String {
        use TokenClass::*;
        let cleaned: String = raw.nfkc().filter(|c| !is_invisible(*c)).collect();
        let mut tokens: Vec<(&str, TokenClass)> = cleaned.split_whitespace().map(|t| (t, classify(t))).collect();
        if tokens.len() >= 2 && tokens[0].0 == "RT" && tokens[1].1 == Mention {
            tokens.drain(..2);
        }
        let framing = |c: &TokenClass| matches!(c, Hashtag | Mention | Url | Decoration);
        let first = tokens.iter().position(|(_, c)| !framing(c)).unwrap_or(tokens.len());
        let last = tokens.iter().rposition(|(_, c)| !framing(c)).map_or(first, |i| i + 1);
        let mut words: Vec<String> = Vec::new();
        for (token, class) in &tokens[first..last] {
            let kept: String = match class {
                Url | Mention => continue,
                Hashtag => token.chars().skip(1).collect(),
                Word | Decoration => token.to_string(),
            };
            let spaced: String = kept.chars().flat_map(char::to_lowercase).map(|c| if is_word_char(c) { c } else { ' ' }).collect();
            for word in spaced.split(' ').filter(|w| !w.is_empty()) {
                let mut folded = String::new();
                word.chars().for_each(|c| push_folded(c, &mut folded));
                words.push(folded);
            }
        }
        words.join(" ").nfc().collect()
    }

    proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_the_general_path(s in "[ -~\t\n]{0,100}") {
            // Into a buffer still holding an earlier text, as a parsing thread's is.
            let mut reused = String::from("an earlier post's text");
            matching_text_into(&s, &mut reused);
            let mut general = String::new();
            matching_text_general(&s, &mut general);
            prop_assert_eq!(reused, general);
        }

        #[test]
        fn cached_character_folding_agrees_with_the_rules_spelled_out(
            s in "([ -~]|\\PC|[АаВЕеКМНОоРрСсТХхуіѕјԁ]|[\u{200B}\u{FE0F}\u{0301}İẞﬁ①＃])*"
        ) {
            let mut reused = String::from("an earlier post's text");
            matching_text_into(&s, &mut reused);
            prop_assert_eq!(reused, rules_spelled_out(&s));
        }

        #[test]
        fn matching_never_panics(s in "\\PC{0,80}") {
            let _ = matching_text(&s);
        }

        // Idempotence holds for text without free-standing combining marks (a lone mark can
        // recompose with a folded letter differently on a second pass).
        #[test]
        fn matching_is_idempotent(s in "[\\p{L}\\p{N}\\p{P}\\p{S}\\p{Zs}]{0,80}") {
            let once = matching_text(&s);
            prop_assert_eq!(matching_text(&once), once.clone());
        }

        #[test]
        fn invisible_characters_never_change_the_match(words in proptest::collection::vec("[a-z]{1,8}", 1..8), at in 0usize..40) {
            let text = words.join(" ");
            let mut disguised = text.clone();
            let cut = (at % (text.len() + 1)).min(text.len());
            if text.is_char_boundary(cut) {
                disguised.insert(cut, '\u{200B}');
                prop_assert_eq!(matching_text(&disguised), matching_text(&text));
            }
        }
    }
}
