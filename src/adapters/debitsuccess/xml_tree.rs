//! A small element tree read through the XML safety gate (docs/design.md §7), with every element
//! and attribute name resolved to its namespace URI. SOAP messages are a few kilobytes and
//! the gate caps their size, depth and element count, so reading them into a tree first
//! lets the decoders look fields up by qualified name, in any order, whatever the prefixes
//! and wherever the declarations sit (docs/design.md §6.1).
//!
//! The tree borrows from the request body: names and text point into it (text is copied
//! only when line ends must be normalised or it arrives in pieces), the namespaces the
//! service knows are shared constants, and any other namespace URI is copied once per
//! declaration and shared by every name in its scope. Decoding is on every request's path
//! (issue 9), before the credentials are known, so its cost must stay linear in the body
//! (issue 13, item 2): a copy of the URI per element let one 900 KB declaration and 10 000
//! elements using it cost 9 GB.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{PrefixDeclaration, ResolveResult};
use quick_xml::XmlVersion;

use crate::adapters::http::xml_gate::{GatedReader, XmlGateError, XmlLimits};

use super::fields::{CORE_NS, CORE_REQUESTS_NS};
use super::soap::decode::{SERVICE_NS, WSA_NS};
use super::soap::envelope::{SOAP11_NS, SOAP12_NS};

pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The namespaces our messages use, kept as constants instead of a copy per element.
const KNOWN_NAMESPACES: [&str; 7] = [
    SOAP11_NS,
    SOAP12_NS,
    SERVICE_NS,
    CORE_NS,
    CORE_REQUESTS_NS,
    XSI,
    WSA_NS,
];

/// A namespace URI: one the service knows, or another one read from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Namespace {
    Known(&'static str),
    Other(Arc<str>),
}

impl Deref for Namespace {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Namespace::Known(uri) => uri,
            Namespace::Other(uri) => uri,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element<'a> {
    /// The namespace URI, `None` when the name is in no namespace.
    pub ns: Option<Namespace>,
    pub local: Cow<'a, str>,
    /// Attributes other than namespace declarations.
    pub attributes: Vec<Attribute>,
    pub children: Vec<Element<'a>>,
    /// The element's own character data (text, CDATA and references), concatenated.
    pub text: Cow<'a, str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub ns: Option<Namespace>,
    pub local: String,
    pub value: String,
}

impl Element<'_> {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.local == local
    }

    pub fn attribute(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.ns.as_deref() == ns && a.local == local)
            .map(|a| a.value.as_str())
    }

    /// `xsi:nil="true"` (or `"1"`), any prefix.
    pub fn is_nil(&self) -> bool {
        self.attribute(Some(XSI), "nil")
            .is_some_and(|v| matches!(v.trim(), "true" | "1"))
    }

    /// `{ns}local` for messages.
    pub fn qualified_name(&self) -> String {
        match &self.ns {
            Some(ns) => format!("{{{}}}{}", &**ns, self.local),
            None => self.local.clone().into_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error(transparent)]
    Gate(#[from] XmlGateError),
    #[error("the prefix '{0}' is not declared")]
    UndeclaredPrefix(String),
    #[error("the entity reference '&{0};' is not defined (only the five predefined entities and character references are)")]
    UnknownEntity(String),
}

/// A URI as a [`Namespace`]: a known one by its constant (comparing slices checks their
/// lengths first, so a long URI costs no more than a short one here).
fn intern(uri: &str) -> Namespace {
    match KNOWN_NAMESPACES.iter().find(|known| **known == uri) {
        Some(known) => Namespace::Known(known),
        None => Namespace::Other(Arc::from(uri)),
    }
}

/// The namespace declarations in scope, each URI read once when declared. The reader
/// resolves names (and reports undeclared prefixes); this only hands out the declaration's
/// shared URI for what the reader resolved. quick-xml caps the declarations in scope (128),
/// which bounds the scan in [`Scope::namespace`].
#[derive(Default)]
struct Scope {
    declared: Vec<Declared>,
}

struct Declared {
    /// The element depth of the declaration.
    depth: usize,
    /// `None` for the default namespace (`xmlns="…"`).
    prefix: Option<Box<str>>,
    uri: Namespace,
}

impl Scope {
    /// Records the declarations of the element opened at `depth`.
    fn enter(&mut self, depth: usize, start: &BytesStart<'_>) {
        if start.attributes_raw().trim_ascii().is_empty() {
            return;
        }
        // Malformed attributes are reported by `attributes` below; quick-xml's resolver
        // stops at the first one too.
        for attribute in start.attributes().with_checks(false).map_while(Result::ok) {
            let prefix = match attribute.key.as_namespace_binding() {
                None => continue,
                Some(PrefixDeclaration::Default) => None,
                Some(PrefixDeclaration::Named(prefix)) => Some(prefix.into()),
            };
            // The raw value, as quick-xml's resolver binds it.
            let uri = intern(&attribute.value);
            self.declared.push(Declared { depth, prefix, uri });
        }
    }

    /// Forgets the declarations of the element closed at `depth` (and any deeper).
    fn leave(&mut self, depth: usize) {
        while self.declared.last().is_some_and(|d| d.depth >= depth) {
            self.declared.pop();
        }
    }

    /// The namespace of a name whose prefix is `prefix`, as the reader resolved it.
    fn namespace(
        &self,
        resolved: ResolveResult<'_>,
        prefix: Option<&str>,
    ) -> Result<Option<Namespace>, TreeError> {
        let uri = match resolved {
            ResolveResult::Bound(ns) => ns.into_inner(),
            ResolveResult::Unbound => return Ok(None),
            ResolveResult::Unknown(prefix) => return Err(TreeError::UndeclaredPrefix(prefix)),
        };
        let declared = self
            .declared
            .iter()
            .rev()
            .find(|d| d.prefix.as_deref() == prefix)
            .map(|d| &d.uri)
            .filter(|shared| shared.len() == uri.len());
        Ok(Some(match declared {
            Some(shared) => shared.clone(),
            // The predefined `xml` prefix: short, never declared in the document.
            None => intern(uri),
        }))
    }
}

/// A processing instruction met while reading (SOAP forbids them: SOAP 1.1 §3, SOAP 1.2
/// Part 1 §5), and where it stood. An XML declaration anywhere but at the very start is
/// one too: its target `xml` is reserved (XML 1.0 §2.6) and a declaration is only allowed
/// first (XML 1.0 §2.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub target: String,
    pub place: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// Before the root element.
    Prolog,
    /// Directly inside the element with this qualified name (`{ns}local`).
    Inside(String),
    /// After the root element.
    Epilog,
}

/// The root element and what the tree otherwise leaves out but a caller must be able to
/// refuse: the first processing instruction, if any (only the first is kept, so reading
/// stays linear whatever the body holds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub root: Element<'a>,
    pub instruction: Option<Instruction>,
}

/// Reads the whole document; the root element comes back.
pub fn parse(bytes: &[u8], limits: XmlLimits) -> Result<Element<'_>, TreeError> {
    parse_document(bytes, limits).map(|document| document.root)
}

/// Reads the whole document, keeping the first processing instruction seen.
pub fn parse_document(bytes: &[u8], limits: XmlLimits) -> Result<Document<'_>, TreeError> {
    let mut gate = GatedReader::new(bytes, limits);
    // Checked once here, so names can be re-borrowed without checking each again; a body
    // that is not UTF-8 fails in the reader with its position.
    let input = std::str::from_utf8(bytes).ok();
    let mut stack: Vec<Element> = Vec::with_capacity(8);
    let mut root: Option<Element> = None;
    let mut scope = Scope::default();
    let mut instruction: Option<Instruction> = None;
    // Whether anything was read yet: an XML declaration is only one when it comes first.
    let mut started = false;
    loop {
        let (resolved, event) = gate.next_event()?;
        let first = !std::mem::replace(&mut started, true);
        match event {
            Event::Start(start) => {
                scope.enter(stack.len(), &start);
                let ns = scope.namespace(resolved, start.name().prefix().map(|p| p.into_inner()));
                let element = open(&gate, &scope, input, ns?, &start)?;
                stack.push(element);
            }
            Event::End(_) => {
                let Some(done) = stack.pop() else {
                    return Err(malformed("an end tag without a start tag"));
                };
                scope.leave(stack.len());
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => append(&mut stack, text.xml10_content())?,
            Event::CData(data) => append(&mut stack, data.xml10_content())?,
            Event::GeneralRef(reference) => {
                let text = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => predefined(&reference)
                        .ok_or_else(|| TreeError::UnknownEntity(reference.to_string()))?
                        .to_owned(),
                    Err(e) => return Err(malformed(&e.to_string())),
                };
                append(&mut stack, Cow::Owned(text))?;
            }
            Event::Eof => {
                let root = root.ok_or(TreeError::Gate(XmlGateError::Empty))?;
                return Ok(Document { root, instruction });
            }
            Event::Decl(_) if first => {}
            Event::PI(_) | Event::Decl(_) if instruction.is_none() => {
                let target = match &event {
                    // Capped: the name is echoed in a fault reason.
                    Event::PI(pi) => pi.target().chars().take(64).collect(),
                    _ => "xml".to_owned(),
                };
                let place = match (stack.last(), &root) {
                    (Some(parent), _) => Place::Inside(parent.qualified_name()),
                    (None, None) => Place::Prolog,
                    (None, Some(_)) => Place::Epilog,
                };
                instruction = Some(Instruction { target, place });
            }
            // Comments carry no data; the gate has already refused any DOCTYPE.
            _ => {}
        }
    }
}

fn malformed(message: &str) -> TreeError {
    TreeError::Gate(XmlGateError::Malformed(message.to_owned()))
}

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// Character data outside the root is whitespace only (anything else is malformed).
fn append<'a>(stack: &mut [Element<'a>], text: Cow<'a, str>) -> Result<(), TreeError> {
    match stack.last_mut() {
        Some(element) if element.text.is_empty() => {
            element.text = text;
            Ok(())
        }
        Some(element) => {
            element.text.to_mut().push_str(&text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(malformed("text outside the root element")),
    }
}

fn open<'a>(
    gate: &GatedReader<'a>,
    scope: &Scope,
    input: Option<&'a str>,
    ns: Option<Namespace>,
    start: &BytesStart<'a>,
) -> Result<Element<'a>, TreeError> {
    Ok(Element {
        ns,
        local: reborrow(input, start.name().local_name().into_inner()),
        attributes: attributes(gate, scope, start)?,
        children: Vec::new(),
        text: Cow::Borrowed(""),
    })
}

/// The element's attributes other than namespace declarations, names resolved.
fn attributes(
    gate: &GatedReader<'_>,
    scope: &Scope,
    start: &BytesStart<'_>,
) -> Result<Vec<Attribute>, TreeError> {
    let mut attributes = Vec::new();
    // Most elements have none: skip the attribute parser for them.
    if start.attributes_raw().trim_ascii().is_empty() {
        return Ok(attributes);
    }
    let resolver = gate.inner().resolver();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| malformed(&e.to_string()))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = resolver.resolve_attribute(attribute.key);
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| malformed(&e.to_string()))?;
        let prefix = attribute.key.prefix().map(|p| p.into_inner());
        attributes.push(Attribute {
            ns: scope.namespace(resolved, prefix)?,
            local: local.into_inner().to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(attributes)
}

/// `part` as a slice of `input` when it lies inside it, else a copy. Reading from a slice,
/// quick-xml's names point into the input, but its API ties them to the event's lifetime;
/// this finds them in the input again instead of copying each name.
fn reborrow<'a>(input: Option<&'a str>, part: &str) -> Cow<'a, str> {
    let inside = input.and_then(|input| {
        let offset = (part.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
        input
            .get(offset..offset.checked_add(part.len())?)
            .filter(|slice| slice.as_ptr() == part.as_ptr())
    });
    match inside {
        Some(borrowed) => Cow::Borrowed(borrowed),
        None => Cow::Owned(part.to_owned()),
    }
}

#[cfg(test)]
#[path = "xml_tree_tests.rs"]
mod tests;
