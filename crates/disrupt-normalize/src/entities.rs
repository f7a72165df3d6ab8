//! Hashtags, mentions and URLs found in raw text, for records that do not list them.

fn strip_trailing_punct(s: &str) -> &str {
    s.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/'))
}

/// URLs written in text (`http://`, `https://`, `www.`), in order of appearance.
pub fn extract_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Most posts have no link: every link form contains `://` or `ww.`, found with a
    // vectorized search for `:` and `.` rather than a look at every byte.
    if !may_hold_link(text.as_bytes()) {
        return out;
    }
    for token in text.split_whitespace() {
        let bytes = token.as_bytes();
        // A link may follow punctuation inside the token, e.g. `(https://...`.
        let start = (0..bytes.len().min(8)).filter(|&i| token.is_char_boundary(i)).find(|&i| {
            let rest = &token[i..];
            crate::text::starts_with_ignore_case(rest, "http://")
                || crate::text::starts_with_ignore_case(rest, "https://")
                || crate::text::starts_with_ignore_case(rest, "www.")
        });
        if let Some(pos) = start {
            let prefix_len = if crate::text::starts_with_ignore_case(&token[pos..], "www.") { 4 } else { 7 };
            let u = strip_trailing_punct(&token[pos..]);
            if u.len() > prefix_len {
                out.push(u.to_string());
            }
        }
    }
    out
}

/// Whether `text` has `://` or `ww.` (any case) in it: true of every link
/// [`extract_urls`] finds.
fn may_hold_link(text: &[u8]) -> bool {
    memchr::memchr2_iter(b':', b'.', text).any(|i| {
        if text[i] == b':' {
            text[i + 1..].starts_with(b"//")
        } else {
            i >= 2 && text[i - 2..i].eq_ignore_ascii_case(b"ww")
        }
    })
}

fn extract_marked(text: &str, marks: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    // Most posts carry no mark at all: a vectorized search rules them out.
    if !marks.iter().any(|&m| if m.is_ascii() { memchr::memchr(m as u8, text.as_bytes()).is_some() } else { text.contains(m) }) {
        return out;
    }
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if marks.contains(&c) && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '/') {
            let start = i + c.len_utf8();
            let mut end = start;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' || unicode_mark(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if end > start {
                out.push(text[start..end].to_string());
            }
            prev = None;
            continue;
        }
        prev = Some(c);
    }
    out
}

fn unicode_mark(c: char) -> bool {
    // Combining marks occur inside words in Indic scripts.
    ('\u{0300}'..='\u{036F}').contains(&c) || ('\u{0900}'..='\u{0DFF}').contains(&c) && !c.is_alphanumeric()
}

/// Hashtags (without `#`), in order of appearance.
pub fn extract_hashtags(text: &str) -> Vec<String> {
    extract_marked(text, &['#', '＃'])
}

/// Mentions (without `@`), in order of appearance; e-mail addresses are not mentions.
pub fn extract_mentions(text: &str) -> Vec<String> {
    extract_marked(text, &['@', '＠'])
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn extraction_never_panics(s in "\\PC{0,60}", prefix in "(https?://|www\\.|#|@)?") {
            let text = format!("{s} {prefix}{s}");
            let _ = (extract_urls(&text), extract_hashtags(&text), extract_mentions(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_link_prefilter_passes_every_text_with_a_link(s in "\\PC{0,40}", link in "([hH][tT][tT][pP][sS]?://|[wW][wW][wW]\\.)[a-z]{1,5}", t in "\\PC{0,40}") {
            let text = format!("{s} {link} {t}");
            proptest::prop_assert!(may_hold_link(text.as_bytes()));
            proptest::prop_assert!(!extract_urls(&text).is_empty());
        }
    }

    #[test]
    fn finds_entities() {
        let t = "RT @alice: Vote #Change2024 now, see https://ex.com/a?b=1. and www.site.org! mail me a@b.com #ok";
        assert_eq!(extract_mentions(t), vec!["alice"]);
        assert_eq!(extract_hashtags(t), vec!["Change2024", "ok"]);
        assert_eq!(extract_urls(t), vec!["https://ex.com/a?b=1", "www.site.org"]);
        assert_eq!(extract_hashtags("#इंडिया जीता"), vec!["इंडिया"]);
        assert!(extract_urls("dadcióngue wwwó.x (https://ó.com/é)").contains(&"https://ó.com/é".to_string()));
        assert!(extract_hashtags("# alone").is_empty());
    }
}
