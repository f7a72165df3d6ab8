//! Hashtags, mentions and URLs found in raw text, for records that do not list them.

fn strip_trailing_punct(s: &str) -> &str {
    s.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '/'))
}

/// URLs written in text (`http://`, `https://`, `www.`), in order of appearance.
pub fn extract_urls(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in text.split_whitespace() {
        let lower_start = token.get(..8).map(|s| s.to_ascii_lowercase()).unwrap_or_else(|| token.to_ascii_lowercase());
        for prefix in ["http://", "https://", "www."] {
            if let Some(pos) = lower_start.find(prefix) {
                let u = strip_trailing_punct(&token[pos..]);
                if u.len() > prefix.len() {
                    out.push(u.to_string());
                }
                break;
            }
        }
    }
    out
}

fn extract_marked(text: &str, marks: &[char]) -> Vec<String> {
    let mut out = Vec::new();
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

    #[test]
    fn finds_entities() {
        let t = "RT @alice: Vote #Change2024 now, see https://ex.com/a?b=1. and www.site.org! mail me a@b.com #ok";
        assert_eq!(extract_mentions(t), vec!["alice"]);
        assert_eq!(extract_hashtags(t), vec!["Change2024", "ok"]);
        assert_eq!(extract_urls(t), vec!["https://ex.com/a?b=1", "www.site.org"]);
        assert_eq!(extract_hashtags("#इंडिया जीता"), vec!["इंडिया"]);
        assert!(extract_hashtags("# alone").is_empty());
    }
}
