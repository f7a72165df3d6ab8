//! Language detection for records that do not say their language.

/// Text beyond this many bytes adds little to the guess and costs time linearly.
const SAMPLE_BYTES: usize = 200;

/// BCP 47 primary tag of the text's language, or `None` when the detector is unsure (or
/// The language of a post: the one it gives, else the one its text is detected in.
/// Reposts carry the original's text and say nothing new, so they have none of their own.
pub fn post_language(given: Option<&str>, is_repost: bool, text: &str) -> Option<String> {
    match given {
        Some(l) => Some(l.to_string()),
        None if !is_repost && !text.is_empty() => detect_language(text),
        None => None,
    }
}

/// the text is too short to say: fewer than three words).
pub fn detect_language(text: &str) -> Option<String> {
    if text.split_whitespace().take(3).count() < 3 {
        return None;
    }
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    if info.confidence() < 0.2 {
        return None;
    }
    Some(iso639_1(info.lang()).to_string())
}

fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        #[allow(unreachable_patterns)]
        _ => "und",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_languages() {
        assert_eq!(detect_language("I am going to the store today to buy some bread and milk for breakfast").as_deref(), Some("en"));
        assert_eq!(detect_language("Saya sangat senang bertemu dengan kamu hari ini di rumah").as_deref(), Some("id"));
        assert_eq!(detect_language("Der schnelle braune Fuchs springt über den faulen Hund").as_deref(), Some("de"));
    }
}
