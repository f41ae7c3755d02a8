//! The shape every CRM.COM XML request must have: one document element holding child
//! elements only (the XML form of the JSON object). serde's XML reader would otherwise take
//! the first of several root elements, or a root holding only text (`<request>null</request>`,
//! the XML spelling of a `null` body), as an empty request; those are unreadable bodies.

use quick_xml::events::Event;
use quick_xml::Reader;

/// `Err` carries the HTTP 400 message.
pub fn check(raw: &[u8]) -> Result<(), String> {
    let mut reader = Reader::from_reader(raw);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("the body is not valid XML: {e}"))?;
        match event {
            Event::Start(_) | Event::Empty(_) => {
                if depth == 0 {
                    roots += 1;
                    if roots > 1 {
                        return Err("the body must have exactly one root element".into());
                    }
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(text) if depth == 1 && !AsRef::<str>::as_ref(&text).trim().is_empty() => {
                return Err("the root element must hold elements, not text".into());
            }
            Event::GeneralRef(_) if depth == 1 => {
                return Err("the root element must hold elements, not text".into());
            }
            Event::CData(text) if depth == 1 && !text.is_empty() => {
                return Err("the root element must hold elements, not text".into());
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if roots == 0 {
        return Err("the body has no root element".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn one_root_of_elements_passes() {
        assert!(
            check(b"<?xml version=\"1.0\"?>\n<request>\n  <token>t</token>\n</request>\n").is_ok()
        );
        assert!(check(b"<request/>").is_ok());
        assert!(check(b"<r><a><b>x</b></a></r>").is_ok());
    }

    #[test]
    fn several_roots_text_roots_and_empty_documents_fail() {
        assert!(check(b"<request>null</request><request>null</request>").is_err());
        assert!(check(b"<request>null</request>").is_err());
        assert!(check(b"<request><![CDATA[x]]></request>").is_err());
        assert!(check(b"<request><a/>text</request>").is_err());
        assert!(check(b"<request>&amp;</request>").is_err());
        assert!(check(b"   ").is_err());
    }
}
