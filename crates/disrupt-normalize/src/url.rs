//! Canonical URLs: two links to the same page compare equal.
//!
//! Scheme (`http`/`https`) and a leading `www.` are dropped, the host is lower-cased
//! (IDNA), default ports, fragments, trailing slashes and tracking parameters are
//! removed, and the remaining query parameters are sorted. An empty or unparseable
//! URL yields `None`: it never matches anything (the toolkit's empty-URL bug).

/// Which query parameters are tracking noise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPolicy {
    /// Exact parameter names to drop (lower-case).
    pub drop_params: Vec<String>,
    /// Parameter name prefixes to drop (lower-case), e.g. `utm_`.
    pub drop_prefixes: Vec<String>,
}

impl Default for UrlPolicy {
    fn default() -> Self {
        Self {
            drop_params: [
                "fbclid",
                "gclid",
                "dclid",
                "gbraid",
                "wbraid",
                "msclkid",
                "yclid",
                "twclid",
                "ttclid",
                "igshid",
                "igsh",
                "mc_cid",
                "mc_eid",
                "_ga",
                "_gl",
                "_hsenc",
                "_hsmi",
                "mkt_tok",
                "vero_id",
                "oly_anon_id",
                "oly_enc_id",
                "rb_clickid",
                "s_cid",
                "ref_src",
                "ref_url",
                "cmpid",
                "ncid",
                "ocid",
                "sr_share",
                "spm",
                "si",
                "share_id",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            drop_prefixes: ["utm_", "pk_", "mtm_", "hsa_"].into_iter().map(String::from).collect(),
        }
    }
}

impl UrlPolicy {
    fn is_tracking(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.drop_params.contains(&lower) || self.drop_prefixes.iter().any(|p| lower.starts_with(p.as_str()))
    }
}

/// `scheme://` at the very start (RFC 3986 scheme characters).
fn has_scheme(text: &str) -> bool {
    match text.find("://") {
        Some(end) if end > 0 => {
            let scheme = &text.as_bytes()[..end];
            scheme[0].is_ascii_alphabetic() && scheme.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        }
        _ => false,
    }
}

/// Whether a value without a scheme starts with a domain name: labels joined by dots, the
/// last with a letter (`example.com/x`, `t.co`), not a number or a bare word.
fn names_a_host(text: &str) -> bool {
    let host = text.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once(':').filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit())).map_or(host, |(h, _)| h);
    let host = host.trim_end_matches('.');
    let Some((_, tld)) = host.rsplit_once('.') else { return false };
    tld.bytes().any(|b| b.is_ascii_alphabetic()) && host.split('.').all(|label| !label.is_empty())
}

/// Punctuation that ends a sentence around a URL rather than the URL itself.
const TRAILING: [char; 7] = ['.', ',', ';', ')', '…', '"', '\''];

/// The canonical form of a URL, or `None` when there is nothing to match on.
pub fn canonical_url(raw: &str, policy: &UrlPolicy) -> Option<String> {
    let mut trimmed = raw;
    loop {
        let next = trimmed.trim().trim_end_matches(TRAILING).trim_start_matches(['(', '"', '\'']);
        if next == trimmed {
            break;
        }
        trimmed = next;
    }
    if trimmed.contains(char::is_whitespace) {
        return None;
    }
    if trimmed.is_empty() {
        return None;
    }
    let lower_start = trimmed.get(..8).unwrap_or(trimmed).to_ascii_lowercase();
    let with_scheme;
    let candidate = if lower_start.starts_with("http://") || lower_start.starts_with("https://") {
        trimmed
    } else if !has_scheme(trimmed) {
        if !names_a_host(trimmed) {
            // An identifier (CooRTweet's integer `url_id`), not a link: a URL parser would
            // read `26899` as the IPv4 address 0.0.105.19. Kept as it is, so that results
            // join back to the source.
            return Some(trimmed.to_string());
        }
        with_scheme = format!("http://{trimmed}");
        &with_scheme
    } else {
        return Some(trimmed.to_lowercase());
    };
    // Not a URL at all: nothing to match on.
    let Ok(parsed) = url::Url::parse(candidate) else { return None };
    let host = parsed.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    if host.is_empty()
        || !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':'))
        || !host.bytes().any(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut out = host;
    if let Some(port) = parsed.port() {
        // `Url` already drops the scheme's default port; any other port is kept.
        out.push(':');
        out.push_str(&port.to_string());
    }
    let path = parsed.path().trim_end_matches(|c| c == '/' || TRAILING.contains(&c));
    out.push_str(path);
    let mut params: Vec<(String, String)> =
        parsed.query_pairs().filter(|(k, _)| !policy.is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if !params.is_empty() {
        params.sort();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            query.append_pair(k, v);
        }
        out.push('?');
        out.push_str(&query.finish());
    }
    // Trailing punctuation would be cut from the output if it were read again.
    let kept = out.trim_end_matches(|c| c == '/' || TRAILING.contains(&c)).len();
    out.truncate(kept);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(u: &str) -> Option<String> {
        canonical_url(u, &UrlPolicy::default())
    }

    #[test]
    fn variants_of_one_page_are_equal() {
        let base = canon("https://news.example.com/story/42").unwrap();
        assert_eq!(base, "news.example.com/story/42");
        for variant in [
            "http://News.Example.COM/story/42/",
            "https://www.news.example.com/story/42#comments",
            "https://news.example.com:443/story/42?utm_source=tw&utm_medium=social&fbclid=abc",
            "https://news.example.com/story/42?gclid=1",
            "news.example.com/story/42",
        ] {
            assert_eq!(canon(variant).unwrap(), base, "{variant}");
        }
    }

    #[test]
    fn meaningful_differences_stay() {
        assert_ne!(canon("https://example.com/watch?v=1"), canon("https://example.com/watch?v=2"));
        assert_eq!(canon("https://example.com/p?b=2&a=1").unwrap(), "example.com/p?a=1&b=2");
        assert_eq!(canon("https://example.com/p?q=a+b").unwrap(), "example.com/p?q=a+b");
        assert_eq!(canon("https://example.com:8080/").unwrap(), "example.com:8080");
    }

    #[test]
    fn identifiers_that_are_not_links_are_kept_as_they_are() {
        // CooRTweet's integer url_id once became "0.0.105.19".
        assert_eq!(canon("26899").unwrap(), "26899");
        assert_eq!(canon("obj_A7f3").unwrap(), "obj_A7f3");
        assert_eq!(canon("10.0.0.1").unwrap(), "10.0.0.1");
        // Links without a scheme are still links.
        assert_eq!(canon("t.co/AbC").unwrap(), "t.co/AbC");
        assert_eq!(canon("Example.com:8080/x").unwrap(), "example.com:8080/x");
    }

    proptest::proptest! {
        #[test]
        fn canonical_urls_never_panic_and_are_stable(s in "\\PC{0,80}") {
            if let Some(c) = canon(&s) {
                proptest::prop_assert!(!c.is_empty());
                proptest::prop_assert_eq!(canon(&c), Some(c.clone()));
            }
        }
    }

    #[test]
    fn empty_urls_never_match() {
        assert_eq!(canon(""), None);
        assert_eq!(canon("   "), None);
        assert_eq!(canon("http://"), None);
    }
}
