//! Client-controlled text as it may appear in a log line (issue 13, item 5): cut to a few
//! bytes, and escaped so a client can neither start a new line, colour the terminal
//! (`ESC[…m`), hide text (bidi overrides, zero-width characters) nor forge a `key=value`
//! field (quotes, spaces). A 7 KB path used to put 7.35 KB into every refusal's log line.

use std::fmt;

/// How much of a request path the request span keeps.
pub const PATH_BYTES: usize = 128;

/// `text` cut to at most `max` bytes (on a character boundary), then `…(+N bytes)` when
/// something was cut; every character that is not plainly printable is escaped.
pub struct LogText<'a> {
    text: &'a str,
    max: usize,
}

impl<'a> LogText<'a> {
    pub fn new(text: &'a str, max: usize) -> Self {
        Self { text, max }
    }
}

impl fmt::Display for LogText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut cut = self.text.len().min(self.max);
        while !self.text.is_char_boundary(cut) {
            cut -= 1;
        }
        for c in self.text[..cut].chars() {
            match c {
                // `escape_debug` leaves the space alone; a field value must not hold one.
                ' ' => f.write_str("\\u{20}")?,
                // Control characters, quotes, backslashes and every character Rust does not
                // count as printable (format, private-use, unassigned…) come out as escapes.
                c => write!(f, "{}", c.escape_debug())?,
            }
        }
        if cut < self.text.len() {
            write!(f, "…(+{} bytes)", self.text.len() - cut)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(text: &str, max: usize) -> String {
        LogText::new(text, max).to_string()
    }

    #[test]
    fn long_text_is_cut_and_says_how_much_was_left_out() {
        let path = format!("/api/v2/{}", "a".repeat(7_000));
        let logged = log(&path, PATH_BYTES);
        assert_eq!(logged, format!("{}…(+{} bytes)", &path[..128], 7_008 - 128));
        assert_eq!(log("/healthz", PATH_BYTES), "/healthz");
        assert_eq!(log("", 4), "");
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        // "é" is two bytes: a cut after 2 bytes would split the second one.
        assert_eq!(log("aéé", 2), "a…(+4 bytes)");
    }

    #[test]
    fn line_breaks_colours_quotes_spaces_and_invisible_characters_are_escaped() {
        let forged =
            "/x\n2026-01-01 INFO forged\r\u{1b}[31mred\u{1b}[0m \"q\" \\ \u{202e}\u{200b}\u{7f}";
        let logged = log(forged, 1_000);
        assert_eq!(
            logged,
            "/x\\n2026-01-01\\u{20}INFO\\u{20}forged\\r\\u{1b}[31mred\\u{1b}[0m\\u{20}\\\"q\\\"\\u{20}\\\\\\u{20}\\u{202e}\\u{200b}\\u{7f}"
        );
        assert!(logged.chars().all(|c| c.is_ascii_graphic()), "{logged}");
        // Ordinary text, non-ASCII letters included, is kept as it is.
        assert_eq!(log("/bcws/café", 100), "/bcws/café");
    }
}
