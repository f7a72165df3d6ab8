//! Text for standard output and standard error, made safe to print: identifiers, handles,
//! file names and texts come from the input, and an adversary's control sequences (ESC
//! sequences that rewrite the screen, OSC 52 that writes the clipboard, BEL, NUL) or bidi
//! overrides (U+202E, which makes `gpj.exe` read `exe.jpg`) must not reach a terminal, or
//! a log a terminal later shows.
//!
//! Escaped, as `\x1b` or `\u{202e}`: the C0 controls but newline and tab, DEL, the C1
//! controls, and the bidi controls U+061C, U+200E, U+200F, U+202A-U+202E and U+2066-U+2069.
//! Joiners (U+200C, U+200D) and right-to-left scripts stay as they are. Files keep every
//! value raw, so results still join back to the source.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is escaped on a terminal.
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character escaped (borrowed when there is none).
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// A writer that escapes what passes through it (for loggers that write to a terminal).
/// Each write is taken as text on its own; bytes that are not UTF-8 are replaced.
pub struct EscapingWriter<W: std::io::Write>(pub W);

impl<W: std::io::Write> std::io::Write for EscapingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(escape(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_sequences_and_overrides_are_escaped_joiners_and_scripts_kept() {
        assert_eq!(escape("x:\u{1b}]52;c;ZXZpbA==\u{7}"), "x:\\x1b]52;c;ZXZpbA==\\x07");
        assert_eq!(escape("a\u{0}b\u{9b}c"), "a\\x00b\\u{9b}c");
        assert_eq!(escape("gpj.\u{202e}exe"), "gpj.\\u{202e}exe");
        assert_eq!(escape("line one\n\tline two"), "line one\n\tline two");
        let kept = "مرحبا بالعالم שלום 👩\u{200d}💻 क्\u{200c}ष";
        assert!(matches!(escape(kept), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn nothing_unsafe_is_left_and_safe_text_is_untouched(s in "\\PC*|[\\u{0}-\\u{9f}\\u{200e}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a-z]{0,30}") {
            let e = escape(&s);
            prop_assert!(!e.chars().any(is_unsafe));
            if !s.chars().any(is_unsafe) {
                prop_assert_eq!(e.as_ref(), s.as_str());
            }
        }
    }
}
