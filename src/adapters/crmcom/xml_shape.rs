//! The shape every CRM.COM XML request must have: one document element holding child
//! elements only (the XML form of the JSON object), and object-valued children (the
//! identifier objects) holding elements only too. serde's XML reader would otherwise take the
//! first of several root elements, or an element holding only text (`<request>null</request>`,
//! `<subscription_identifier>SUB-0001</subscription_identifier>`), as an empty object; those
//! are unreadable bodies, as the same shapes are in JSON.

use quick_xml::events::Event;
use quick_xml::Reader;

/// `objects` names the root's children that are objects. `Err` carries the HTTP 400 message.
pub fn check(raw: &[u8], objects: &[&str]) -> Result<(), String> {
    let mut reader = Reader::from_reader(raw);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut roots = 0usize;
    // The object child being read, if any (text directly inside it is refused).
    let mut object: Option<String> = None;
    let text_in = |object: &Option<String>, depth: usize| match (depth, object) {
        (1, _) => Some("the root element must hold elements, not text".to_owned()),
        (2, Some(name)) => Some(format!("{name} must hold elements, not text")),
        _ => None,
    };
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
                if let Event::Start(start) = &event {
                    depth += 1;
                    let name = AsRef::<str>::as_ref(&start.local_name()).to_owned();
                    if depth == 2 && objects.contains(&name.as_str()) {
                        object = Some(name);
                    }
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    object = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) if !AsRef::<str>::as_ref(&text).trim().is_empty() => {
                if let Some(message) = text_in(&object, depth) {
                    return Err(message);
                }
            }
            Event::GeneralRef(_) => {
                if let Some(message) = text_in(&object, depth) {
                    return Err(message);
                }
            }
            Event::CData(text) if !text.is_empty() => {
                if let Some(message) = text_in(&object, depth) {
                    return Err(message);
                }
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
    const OBJECTS: &[&str] = &["subscription_identifier"];

    fn check(raw: &[u8]) -> Result<(), String> {
        super::check(raw, OBJECTS)
    }

    #[test]
    fn object_children_hold_elements_only() {
        assert!(check(
            b"<r><subscription_identifier><number>S</number></subscription_identifier></r>"
        )
        .is_ok());
        assert!(check(b"<r><subscription_identifier/><token>t</token></r>").is_ok());
        assert_eq!(
            check(b"<r><subscription_identifier>AAA</subscription_identifier></r>"),
            Err("subscription_identifier must hold elements, not text".into())
        );
        assert!(check(b"<r><subscription_identifier>null</subscription_identifier></r>").is_err());
        assert!(check(b"<r><token>AAA</token></r>").is_ok());
    }

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
