//! The XML safety gate every XML adapter goes through (docs/design.md §7): any DOCTYPE (and so any
//! entity declaration) is refused before parsing goes further; element depth, attributes
//! per element, namespace declarations and text length are capped. No entity is ever
//! expanded except the five predefined ones and character references.
//!
//! [`GatedReader`] enforces the limits while the caller parses (one pass, used by SOAP);
//! [`check`] runs the same limits as a pre-pass for decoders that own their reader
//! (the serde-based REST XML decoder).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

#[derive(Clone, Copy, Debug)]
pub struct XmlLimits {
    pub max_depth: usize,
    pub max_attributes: usize,
    pub max_text_bytes: usize,
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_depth: 32,
            max_attributes: 32,
            max_text_bytes: 64 * 1024,
            max_elements: 10_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlGateError {
    #[error("DOCTYPE declarations are not allowed")]
    Doctype,
    #[error("elements nest deeper than {0} levels")]
    TooDeep(usize),
    #[error("an element has more than {0} attributes")]
    TooManyAttributes(usize),
    #[error("a text node is longer than {0} bytes")]
    TextTooLong(usize),
    #[error("the document has more than {0} elements")]
    TooManyElements(usize),
    #[error("the document is not well-formed XML: {0}")]
    Malformed(String),
    #[error("the document is empty")]
    Empty,
}

/// Event-by-event enforcement of [`XmlLimits`] over a namespace-aware reader.
pub struct GatedReader<'a> {
    reader: NsReader<&'a [u8]>,
    limits: XmlLimits,
    depth: usize,
    elements: usize,
    seen_root: bool,
}

impl<'a> GatedReader<'a> {
    pub fn new(bytes: &'a [u8], limits: XmlLimits) -> Self {
        let mut reader = NsReader::from_reader(bytes);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = true;
        config.trim_text(false);
        Self {
            reader,
            limits,
            depth: 0,
            elements: 0,
            seen_root: false,
        }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The next event with its namespace resolved; `Eof` only after the root closed.
    pub fn next_event(&mut self) -> Result<(ResolveResult<'_>, Event<'a>), XmlGateError> {
        let (ns, event) = self
            .reader
            .read_resolved_event()
            .map_err(|e| XmlGateError::Malformed(e.to_string()))?;
        match &event {
            Event::DocType(_) => return Err(XmlGateError::Doctype),
            Event::Start(start) => {
                self.depth += 1;
                self.elements += 1;
                self.seen_root = true;
                if self.depth > self.limits.max_depth {
                    return Err(XmlGateError::TooDeep(self.limits.max_depth));
                }
                if self.elements > self.limits.max_elements {
                    return Err(XmlGateError::TooManyElements(self.limits.max_elements));
                }
                // Each attribute takes at least four bytes (`a=""`): a shorter attribute
                // list cannot exceed the cap, so only longer ones are counted (the parser
                // still reads every attribute; this pass only enforces the limit).
                let raw = start.attributes_raw();
                if raw.len() >= 4 * (self.limits.max_attributes + 1) {
                    let mut count = 0;
                    for attribute in start.attributes() {
                        attribute.map_err(|e| XmlGateError::Malformed(e.to_string()))?;
                        count += 1;
                        if count > self.limits.max_attributes {
                            return Err(XmlGateError::TooManyAttributes(
                                self.limits.max_attributes,
                            ));
                        }
                    }
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Text(text) if text.len() > self.limits.max_text_bytes => {
                return Err(XmlGateError::TextTooLong(self.limits.max_text_bytes))
            }
            Event::CData(text) if text.len() > self.limits.max_text_bytes => {
                return Err(XmlGateError::TextTooLong(self.limits.max_text_bytes))
            }
            Event::Eof if !self.seen_root => return Err(XmlGateError::Empty),
            Event::Eof if self.depth > 0 => {
                return Err(XmlGateError::Malformed("unexpected end of document".into()))
            }
            _ => {}
        }
        Ok((ns, event))
    }

    /// The reader, for resolving attribute namespaces and decoding text.
    pub fn inner(&self) -> &NsReader<&'a [u8]> {
        &self.reader
    }
}

/// Runs the whole document through the gate without building anything.
pub fn check(bytes: &[u8], limits: XmlLimits) -> Result<(), XmlGateError> {
    let mut gate = GatedReader::new(bytes, limits);
    loop {
        let (_, event) = gate.next_event()?;
        if let Event::Eof = event {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> XmlLimits {
        XmlLimits::default()
    }

    #[test]
    fn accepts_ordinary_documents() {
        assert_eq!(
            check(
                br#"<?xml version="1.0"?><a x="1"><b>t &amp; u</b><!-- c --></a>"#,
                limits()
            ),
            Ok(())
        );
    }

    #[test]
    fn refuses_any_doctype_before_reading_on() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        assert_eq!(check(xxe, limits()), Err(XmlGateError::Doctype));
        let laughs = br#"<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>"#;
        assert_eq!(check(laughs, limits()), Err(XmlGateError::Doctype));
        assert_eq!(
            check(b"<!DOCTYPE html><a/>", limits()),
            Err(XmlGateError::Doctype)
        );
    }

    #[test]
    fn caps_depth_attributes_text_and_count() {
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        assert_eq!(
            check(deep.as_bytes(), limits()),
            Err(XmlGateError::TooDeep(32))
        );
        let attrs: String = (0..100).map(|i| format!(" a{i}=\"1\"")).collect();
        assert_eq!(
            check(format!("<a{attrs}/>").as_bytes(), limits()),
            Err(XmlGateError::TooManyAttributes(32))
        );
        let long = format!("<a>{}</a>", "x".repeat(70 * 1024));
        assert_eq!(
            check(long.as_bytes(), limits()),
            Err(XmlGateError::TextTooLong(64 * 1024))
        );
        let many = format!("<a>{}</a>", "<b/>".repeat(10_001));
        assert_eq!(
            check(many.as_bytes(), limits()),
            Err(XmlGateError::TooManyElements(10_000))
        );
    }

    #[test]
    fn refuses_malformed_and_empty_input() {
        assert!(matches!(
            check(b"<a><b></a>", limits()),
            Err(XmlGateError::Malformed(_))
        ));
        assert!(matches!(
            check(b"<a>", limits()),
            Err(XmlGateError::Malformed(_))
        ));
        assert_eq!(check(b"   ", limits()), Err(XmlGateError::Empty));
    }

    #[test]
    fn undefined_entities_are_errors_not_expansions() {
        // Without a DTD no custom entity can exist; quick-xml leaves `&x;` unexpanded in
        // the raw event and the decoders refuse to unescape it.
        assert_eq!(check(b"<a>&x;</a>", limits()), Ok(()));
    }
}
