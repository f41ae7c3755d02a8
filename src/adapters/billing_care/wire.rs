//! One value model for both request formats (docs/design.md §6.4: "XML: any root element,
//! children named as the JSON fields"). A JSON body and an XML body become the same
//! [`Wire`] tree, and the cancel-bundle reader works on that, so both formats obey the
//! same rules and give the same error details.
//!
//! XML mapping (documented in docs/billing-care.md):
//! - the root element's name is ignored; its child elements are the fields;
//! - an element with child elements is an object; an element repeated under the same
//!   parent is an array (in document order);
//! - an element without child elements is its text, trimmed; an empty element, or one with
//!   `xsi:nil="true"`, is `null`;
//! - names are local names (prefixes and namespaces are ignored), other attributes are
//!   ignored, text mixed with child elements is refused.
//!
//! Objects keep their keys in the order received, so `extension` is stored as sent.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::BuildHasher;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::XmlVersion;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

use crate::adapters::http::xml_gate::{GatedReader, XmlGateError, XmlLimits};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Wire {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    Array(Vec<Wire>),
    /// Keys in the order received; never duplicated.
    Object(Vec<(String, Wire)>),
}

impl Wire {
    /// A field of an object; `None` when absent (or when this is not an object).
    pub fn get(&self, key: &str) -> Option<&Wire> {
        match self {
            Wire::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What kind of value this is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Wire::Null => "null",
            Wire::Bool(_) => "a boolean",
            Wire::Number(_) => "a number",
            Wire::Text(_) => "a string",
            Wire::Array(_) => "an array",
            Wire::Object(_) => "an object",
        }
    }

    /// Compact JSON text, object keys in the order received.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Wire::Null => out.push_str("null"),
            Wire::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Wire::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Wire::Text(s) => out.push_str(&json_string(s)),
            Wire::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Wire::Object(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&json_string(key));
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// JSON → [`Wire`]; serde_json's own recursion limit bounds the depth.
impl<'de> Deserialize<'de> for Wire {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WireVisitor)
    }
}

struct WireVisitor;

impl<'de> Visitor<'de> for WireVisitor {
    type Value = Wire;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Wire, E> {
        Ok(Wire::Null)
    }
    fn visit_none<E>(self) -> Result<Wire, E> {
        Ok(Wire::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Wire, D::Error> {
        Wire::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Wire, E> {
        Ok(Wire::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Wire, E> {
        Ok(Wire::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Wire, E> {
        Ok(Wire::Number(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Wire, E> {
        serde_json::Number::from_f64(v)
            .map(Wire::Number)
            .ok_or_else(|| E::custom("numbers must be finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Wire, E> {
        Ok(Wire::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Wire, E> {
        Ok(Wire::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Wire, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Wire>()? {
            items.push(item);
        }
        Ok(Wire::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Wire, A::Error> {
        let mut fields: Vec<(String, Wire)> = Vec::new();
        // Issue 13 (item 2): the hashes of the keys seen so far, so the duplicate check
        // costs the same for every key. Scanning `fields` instead made a 1 MiB body of
        // 131 000 keys cost 26 s of CPU before the credentials were even looked at. std's
        // hasher is keyed per process, so a client cannot choose keys whose hashes collide;
        // only a hash already seen is confirmed by comparing keys (a chance collision costs
        // one scan, a real duplicate ends the request). Hashes rather than copies of the
        // keys: no allocation per key.
        let hasher = RandomState::new();
        let mut seen: HashSet<u64> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key is ambiguous (which one counts?): refuse it.
            if !seen.insert(hasher.hash_one(&key)) && fields.iter().any(|(k, _)| *k == key) {
                return Err(A::Error::custom(format!("duplicate key '{key}'")));
            }
            let value = map.next_value::<Wire>()?;
            fields.push((key, value));
        }
        Ok(Wire::Object(fields))
    }
}

/// Why an XML body could not become a [`Wire`].
#[derive(Debug, PartialEq, Eq)]
pub(super) enum XmlError {
    /// The safety gate refused it (DOCTYPE, depth, size…).
    Gate(XmlGateError),
    /// Well-formed, but not something the mapping above can read.
    Shape(String),
}

/// An element being read: its local name, child fields so far and text.
struct Open {
    name: String,
    children: Vec<(String, Wire)>,
    text: String,
    nil: bool,
}

/// XML → [`Wire`] through the safety gate (docs/design.md §7): the root's children are the fields.
pub(super) fn from_xml(bytes: &[u8], limits: XmlLimits) -> Result<Wire, XmlError> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(XmlError::Shape("the body is not UTF-8".into()));
    }
    let mut gate = GatedReader::new(bytes, limits);
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let (_, event) = gate.next_event().map_err(XmlError::Gate)?;
        match event {
            Event::Start(start) => {
                let name = start.local_name().as_ref().to_owned();
                let mut nil = false;
                for attribute in start.attributes().flatten() {
                    let (ns, local) = gate.inner().resolver().resolve_attribute(attribute.key);
                    let is_xsi = matches!(ns, ResolveResult::Bound(n) if n.as_ref() == XSI);
                    if is_xsi && local.as_ref() == "nil" {
                        let value = attribute
                            .normalized_value(XmlVersion::Implicit1_0)
                            .unwrap_or_default();
                        nil = matches!(value.trim(), "true" | "1");
                    }
                }
                stack.push(Open {
                    name,
                    children: Vec::new(),
                    text: String::new(),
                    nil,
                });
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else {
                    return Err(XmlError::Shape("unbalanced end tag".into()));
                };
                let is_root = stack.is_empty();
                let (name, value) = close(open, is_root)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push((name, value)),
                    None => return Ok(value),
                }
            }
            Event::Text(text) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => resolve_predefined_entity(&reference)
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            XmlError::Shape(format!("undefined entity &{};", &*reference))
                        })?,
                    Err(e) => return Err(XmlError::Shape(e.to_string())),
                };
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&resolved);
                }
            }
            Event::Eof => return Err(XmlError::Shape("the document has no root element".into())),
            _ => {}
        }
    }
}

/// An element's value once its end tag is read.
fn close(open: Open, is_root: bool) -> Result<(String, Wire), XmlError> {
    let text = open.text.trim();
    if open.nil {
        return Ok((open.name, Wire::Null));
    }
    if open.children.is_empty() {
        let value = match (text.is_empty(), is_root) {
            // `<cancelBundle/>`: a request with no fields.
            (true, true) => Wire::Object(Vec::new()),
            (true, false) => Wire::Null,
            (false, _) => Wire::Text(text.to_owned()),
        };
        return Ok((open.name, value));
    }
    if !text.is_empty() {
        return Err(XmlError::Shape(format!(
            "element <{}> mixes text with child elements",
            open.name
        )));
    }
    Ok((open.name, Wire::Object(group(open.children))))
}

/// Siblings of one name become one array, at the place of the first. (An element's own
/// value is never an array in XML, so an array here is always a repetition.)
///
/// Each name's place is kept in a hash map (issue 13, item 2): finding it by scanning the
/// fields made an element of 10 000 distinct children cost 10 000² comparisons.
fn group(children: Vec<(String, Wire)>) -> Vec<(String, Wire)> {
    let mut fields: Vec<(String, Wire)> = Vec::with_capacity(children.len());
    let mut place: HashMap<String, usize> = HashMap::with_capacity(children.len());
    for (name, value) in children {
        match place.entry(name) {
            Entry::Occupied(at) => match &mut fields[*at.get()].1 {
                Wire::Array(items) => items.push(value),
                existing => {
                    let first = std::mem::replace(existing, Wire::Null);
                    *existing = Wire::Array(vec![first, value]);
                }
            },
            Entry::Vacant(slot) => {
                fields.push((slot.key().clone(), value));
                slot.insert(fields.len() - 1);
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xml(text: &str) -> Wire {
        from_xml(text.as_bytes(), XmlLimits::default()).unwrap()
    }

    #[test]
    fn json_keeps_key_order_and_refuses_duplicates() {
        let wire: Wire =
            serde_json::from_str(r#"{"b":1,"a":{"z":[true,null,"x"],"y":2.5}}"#).unwrap();
        assert_eq!(
            wire.to_json(),
            r#"{"b":1,"a":{"z":[true,null,"x"],"y":2.5}}"#
        );
        let err = serde_json::from_str::<Wire>(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate key 'a'"), "{err}");
    }

    #[test]
    fn xml_children_are_fields_whatever_the_root_and_prefixes() {
        let wire = xml(r#"<?xml version="1.0"?>
            <b:anything xmlns:b="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <b:accountRef><id> 0.0.0.1+-account+174257 </id><uri xsi:nil="true"/></b:accountRef>
              <packageId>1</packageId>
              <description>A &amp; B &#x263A;<![CDATA[ <raw> ]]></description>
              <empty/>
            </b:anything>"#);
        assert_eq!(
            wire.to_json(),
            r#"{"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"packageId":"1","description":"A & B ☺ <raw>","empty":null}"#
        );
    }

    #[test]
    fn repeated_xml_elements_become_arrays() {
        let wire =
            xml("<r><extension><tag>a</tag><n>1</n><tag>b</tag><tag>c</tag></extension></r>");
        assert_eq!(
            wire.to_json(),
            r#"{"extension":{"tag":["a","b","c"],"n":"1"}}"#
        );
    }

    #[test]
    fn duplicates_are_refused_at_scale_wherever_they_sit() {
        // The last key repeats the first of 50 000: the hashed check must still see it.
        let mut body: String = (0..50_000).map(|i| format!("\"k{i}\":{i},")).collect();
        body.insert(0, '{');
        body.push_str("\"k0\":1}");
        let err = serde_json::from_str::<Wire>(&body).unwrap_err();
        assert!(err.to_string().contains("duplicate key 'k0'"), "{err}");
        // Keys are per object: the same key in two sibling objects is no duplicate.
        let wire: Wire = serde_json::from_str(r#"{"a":{"k":1},"b":{"k":2}}"#).unwrap();
        assert_eq!(wire.to_json(), r#"{"a":{"k":1},"b":{"k":2}}"#);
        // 50 000 distinct keys are all kept, in order.
        body.truncate(body.len() - "\"k0\":1}".len() - 1);
        body.push('}');
        let Wire::Object(fields) = serde_json::from_str::<Wire>(&body).unwrap() else {
            panic!("an object expected")
        };
        assert_eq!(fields.len(), 50_000);
        assert_eq!(fields[49_999].0, "k49999");
    }

    #[test]
    fn grouping_keeps_first_places_at_scale() {
        // 3 000 distinct names, each then repeated twice, interleaved with a lone name.
        let names: Vec<String> = (0..3_000).map(|i| format!("n{i}")).collect();
        let mut xml_text = String::from("<r><lone>x</lone>");
        for round in 0..3 {
            for name in &names {
                xml_text.push_str(&format!("<{name}>{round}</{name}>"));
            }
        }
        xml_text.push_str("</r>");
        let Wire::Object(fields) = xml(&xml_text) else {
            panic!("an object expected")
        };
        assert_eq!(fields.len(), 3_001);
        assert_eq!(fields[0], ("lone".to_owned(), Wire::Text("x".into())));
        for (i, (name, value)) in fields[1..].iter().enumerate() {
            assert_eq!(name, &format!("n{i}"));
            let rounds = ["0", "1", "2"].map(|r| Wire::Text(r.into())).to_vec();
            assert_eq!(value, &Wire::Array(rounds));
        }
    }

    #[test]
    fn an_empty_root_is_an_empty_request() {
        assert_eq!(xml("<cancelBundle/>"), Wire::Object(Vec::new()));
    }

    #[test]
    fn unsafe_or_unreadable_xml_is_refused() {
        let limits = XmlLimits::default();
        assert_eq!(
            from_xml(b"<!DOCTYPE a><a/>", limits),
            Err(XmlError::Gate(XmlGateError::Doctype))
        );
        assert!(matches!(
            from_xml(b"<a>&ext;</a>", limits),
            Err(XmlError::Shape(m)) if m.contains("undefined entity &ext;")
        ));
        assert!(matches!(
            from_xml(b"<a>text<b>1</b></a>", limits),
            Err(XmlError::Shape(m)) if m.contains("mixes text")
        ));
        assert!(matches!(
            from_xml(b"<a><b></a>", limits),
            Err(XmlError::Gate(_))
        ));
        assert!(matches!(
            from_xml(&[0x3c, 0xff, 0x3e], limits),
            Err(XmlError::Shape(_))
        ));
    }
}
