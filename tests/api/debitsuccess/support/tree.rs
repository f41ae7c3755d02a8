//! XML as a tree of namespace-qualified names (STYLE: compare parsed trees by namespace URI,
//! never by prefix, and check lengths so a truncated document cannot pass).

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub ns: Option<String>,
    pub local: String,
    /// Attributes other than namespace declarations: (namespace, local name, value).
    pub attrs: Vec<(Option<String>, String, String)>,
    pub children: Vec<Node>,
    pub text: String,
}

pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn ns_of(resolved: ResolveResult<'_>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(p) => panic!("undeclared prefix {p}"),
    }
}

/// Parses a whole document; panics (failing the test) on anything malformed.
pub fn parse(xml: &str) -> Node {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Node> = Vec::new();
    loop {
        let (resolved, event) = reader.read_resolved_event().expect("well-formed XML");
        let ns = ns_of(resolved);
        match event {
            Event::Start(start) => {
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr = attr.expect("attribute");
                    if attr.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (resolved, local) = reader.resolver().resolve_attribute(attr.key);
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value");
                    attrs.push((
                        ns_of(resolved),
                        local.into_inner().to_owned(),
                        value.into_owned(),
                    ));
                }
                stack.push(Node {
                    ns,
                    local: start.local_name().into_inner().to_owned(),
                    attrs,
                    children: vec![],
                    text: String::new(),
                });
            }
            Event::End(_) => {
                let done = stack.pop().expect("balanced tags");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return done,
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => match &*r {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("entity {other}"),
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                }
            }
            Event::Eof => panic!("document ended before its root closed"),
            _ => {}
        }
    }
}

impl Node {
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns.as_deref() == Some(ns) && self.local == local
    }

    pub fn attr(&self, ns: Option<&str>, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| n.as_deref() == ns && l == local)
            .map(|(_, _, v)| v.as_str())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.attr(Some(XSI), "nil"), Some("true" | "1"))
    }

    /// The only child with this local name (any namespace); panics when absent or repeated.
    pub fn child(&self, local: &str) -> &Node {
        let found: Vec<&Node> = self.children.iter().filter(|c| c.local == local).collect();
        assert_eq!(
            found.len(),
            1,
            "exactly one <{local}> under <{}>",
            self.local
        );
        found[0]
    }

    pub fn children_named(&self, local: &str) -> Vec<&Node> {
        self.children.iter().filter(|c| c.local == local).collect()
    }

    /// Every element below this one (depth first), itself included.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.descendants());
        }
        out
    }

    pub fn find(&self, local: &str) -> Option<&Node> {
        self.descendants().into_iter().find(|n| n.local == local)
    }

    /// The tree with the values of the named elements replaced (`DateCreated`, `Id` differ
    /// per reply) and whitespace-only text dropped, for whole-tree comparisons.
    pub fn without(&self, volatile: &[&str]) -> Node {
        let mut node = self.clone();
        if volatile.contains(&node.local.as_str()) {
            node.text = "*".into();
        } else if !node.children.is_empty() && node.text.trim().is_empty() {
            node.text.clear();
        }
        node.children = node.children.iter().map(|c| c.without(volatile)).collect();
        node
    }
}
