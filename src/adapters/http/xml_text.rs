//! Escaping for the XML (and HTML) written by hand, every adapter's: one module, one
//! function per context, so a renderer never picks an escaper of its own.
//!
//! - [`markup`] is quick-xml's `escape` (`&`, `<`, `>`, `'`, `"` and CR): text and quoted
//!   attribute values of the RFC 9457 problems, Oracle's XML errors, the Conax request text
//!   and the HTML pages.
//! - [`text`] and [`attribute`] are written here because no quick-xml function gives their
//!   bytes, and the Debitsuccess replies, faults and WSDL pinned those bytes first: quick-xml's
//!   text escapers also turn CR into `&#13;` (`partial_escape`) or `'` into `&apos;` (`escape`;
//!   every Debitsuccess note quotes with `'`), and its attribute escaper is private to the
//!   crate. Changing them would change what clients of those replies receive.

use std::borrow::Cow;

/// `&`, `<`, `>`, `'`, `"` and CR escaped (quick-xml's `escape`): safe in text and in
/// quoted attributes.
pub fn markup(value: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(value)
}

/// Character data: `&`, `<` and `>` escaped.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_text(&mut out, value);
    out
}

/// [`text`] appended to `out`; values without markup characters (nearly all) are copied
/// as they are.
pub fn push_text(out: &mut String, value: &str) {
    if !value.bytes().any(|b| matches!(b, b'&' | b'<' | b'>')) {
        out.push_str(value);
        return;
    }
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// A double-quoted attribute value: also `"` and the whitespace that would be normalised away.
pub fn attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::text("a<b>&c\"'"), "a&lt;b&gt;&amp;c\"'");
        assert_eq!(super::text("plain é"), "plain é");
        let mut out = String::from("<x>");
        super::push_text(&mut out, "1 < 2");
        assert_eq!(out, "<x>1 &lt; 2");
        assert_eq!(super::attribute("x\"y\n"), "x&quot;y&#10;");
    }

    #[test]
    fn markup_also_escapes_quotes_and_carriage_returns() {
        assert_eq!(
            super::markup("a<b>&c\"'\r"),
            "a&lt;b&gt;&amp;c&quot;&apos;&#13;"
        );
        assert_eq!(super::text("'\r"), "'\r");
    }
}
