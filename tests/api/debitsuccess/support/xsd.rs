//! A validator for the subset of XML Schema our contract uses, driven by the real
//! `xsd/*.xsd` files so it cannot go stale: global elements, named and inline complex
//! types, `complexContent/extension`, sequences in order, qualified local elements
//! (`elementFormDefault="qualified"`), minOccurs/maxOccurs, nillable, simple types with
//! enumerations and maxLength, and the lexical forms of xs:string, xs:dateTime and
//! xs:decimal. Anything else in a schema fails loudly, so a schema change it cannot
//! check is noticed.

use std::collections::HashMap;

use super::tree::{self, Node};

const XS: &str = "http://www.w3.org/2001/XMLSchema";
type QName = (String, String);

#[derive(Clone, Debug)]
enum TypeRef {
    Named(QName),
    Simple(SimpleType),
    Complex(ComplexType),
}

#[derive(Clone, Debug)]
struct ElementDecl {
    name: QName,
    ty: TypeRef,
    nillable: bool,
    min: usize,
    max: usize,
}

#[derive(Clone, Debug, Default)]
struct ComplexType {
    base: Option<QName>,
    sequence: Vec<ElementDecl>,
}

#[derive(Clone, Debug)]
struct SimpleType {
    base: QName,
    enumeration: Vec<String>,
    max_length: Option<usize>,
}

#[derive(Default)]
pub struct Schema {
    elements: HashMap<QName, ElementDecl>,
    complex: HashMap<QName, ComplexType>,
    simple: HashMap<QName, SimpleType>,
}

/// Resolves `p:local` against the namespace declarations of the schema document.
struct Prefixes(HashMap<String, String>);

impl Prefixes {
    /// Reads the declarations of the schema element's start tag.
    fn of(text: &str) -> Self {
        let mut map = HashMap::new();
        let start = text.find("<xs:schema").expect("an xs:schema root");
        let end = start + text[start..].find('>').expect("start tag end");
        let mut rest = &text[start..end];
        while let Some(at) = rest.find("xmlns:") {
            rest = &rest[at + 6..];
            let (prefix, after) = rest.split_once("=\"").expect("xmlns:p=\"…\"");
            let (uri, _) = after.split_once('"').expect("closing quote");
            map.insert(prefix.to_owned(), uri.to_owned());
        }
        Self(map)
    }

    fn resolve(&self, qname: &str) -> QName {
        let (prefix, local) = qname.split_once(':').expect("prefixed type name");
        let ns = self
            .0
            .get(prefix)
            .unwrap_or_else(|| panic!("prefix {prefix}"));
        (ns.clone(), local.to_owned())
    }
}

fn occurs(node: &Node, name: &str) -> usize {
    match node.attr(None, name) {
        None => 1,
        Some("unbounded") => usize::MAX,
        Some(n) => n.parse().expect("occurs"),
    }
}

impl Schema {
    /// The two schema files of the contract.
    pub fn contract() -> Self {
        let mut schema = Schema::default();
        for text in [
            include_str!("../../../../xsd/DSServices.xsd"),
            include_str!("../../../../xsd/Core.xsd"),
        ] {
            schema.load(text);
        }
        schema
    }

    fn load(&mut self, text: &str) {
        let root = tree::parse(text);
        assert!(root.is(XS, "schema"));
        assert_eq!(root.attr(None, "elementFormDefault"), Some("qualified"));
        let target = root
            .attr(None, "targetNamespace")
            .expect("targetNamespace")
            .to_owned();
        let prefixes = Prefixes::of(text);
        for item in &root.children {
            let name = || {
                (
                    target.clone(),
                    item.attr(None, "name").expect("name").to_owned(),
                )
            };
            match item.local.as_str() {
                "element" => {
                    let decl = element_decl(item, &target, &prefixes);
                    self.elements.insert(decl.name.clone(), decl);
                }
                "complexType" => {
                    self.complex
                        .insert(name(), complex_type(item, &target, &prefixes));
                }
                "simpleType" => {
                    self.simple.insert(name(), simple_type(item, &prefixes));
                }
                "import" | "annotation" => {}
                other => panic!("schema construct {other} is not supported by the test validator"),
            }
        }
    }

    /// Validates `node` against the global element of its name; the error names the path.
    pub fn validate(&self, node: &Node) -> Result<(), String> {
        let key = (node.ns.clone().unwrap_or_default(), node.local.clone());
        let decl = self
            .elements
            .get(&key)
            .ok_or_else(|| format!("no global element {{{}}}{}", key.0, key.1))?;
        self.element(node, decl, &node.local)
    }

    fn element(&self, node: &Node, decl: &ElementDecl, path: &str) -> Result<(), String> {
        if node.is_nil() {
            if !decl.nillable {
                return Err(format!("{path}: nil but not nillable"));
            }
            if !node.children.is_empty() || !node.text.trim().is_empty() {
                return Err(format!("{path}: nil but has content"));
            }
            return Ok(());
        }
        match &decl.ty {
            TypeRef::Simple(simple) => self.simple_value(node, simple, path),
            TypeRef::Complex(complex) => self.complex_value(node, complex, path),
            TypeRef::Named(name) if name.0 == XS => builtin(&name.1, node, path),
            TypeRef::Named(name) => {
                if let Some(simple) = self.simple.get(name) {
                    self.simple_value(node, simple, path)
                } else if let Some(complex) = self.complex.get(name) {
                    self.complex_value(node, complex, path)
                } else {
                    Err(format!("{path}: unknown type {name:?}"))
                }
            }
        }
    }

    /// Base type members first, then the extension's, each sequence in order.
    fn particles(&self, complex: &ComplexType) -> Vec<ElementDecl> {
        let mut all = match &complex.base {
            Some(base) => self.particles(self.complex.get(base).expect("base type")),
            None => vec![],
        };
        all.extend(complex.sequence.iter().cloned());
        all
    }

    fn complex_value(&self, node: &Node, complex: &ComplexType, path: &str) -> Result<(), String> {
        if !node.text.trim().is_empty() {
            return Err(format!("{path}: text in element-only content"));
        }
        let mut children = node.children.iter().peekable();
        for particle in self.particles(complex) {
            let mut count = 0;
            while let Some(child) = children.peek() {
                if child.ns.as_deref() != Some(particle.name.0.as_str())
                    || child.local != particle.name.1
                {
                    break;
                }
                count += 1;
                if count > particle.max {
                    return Err(format!(
                        "{path}/{}: more than {} allowed",
                        child.local, particle.max
                    ));
                }
                self.element(child, &particle, &format!("{path}/{}", child.local))?;
                children.next();
            }
            if count < particle.min {
                return Err(format!("{path}: missing required {}", particle.name.1));
            }
        }
        match children.next() {
            Some(extra) => Err(format!(
                "{path}: unexpected {{{}}}{} (out of order or not declared)",
                extra.ns.as_deref().unwrap_or(""),
                extra.local
            )),
            None => Ok(()),
        }
    }

    fn simple_value(&self, node: &Node, simple: &SimpleType, path: &str) -> Result<(), String> {
        builtin(&simple.base.1, node, path)?;
        let text = node.text.trim();
        if !simple.enumeration.is_empty() && !simple.enumeration.iter().any(|e| e == text) {
            return Err(format!("{path}: '{text}' not in {:?}", simple.enumeration));
        }
        if let Some(max) = simple.max_length {
            if node.text.chars().count() > max {
                return Err(format!("{path}: longer than {max} characters"));
            }
        }
        Ok(())
    }
}

fn element_decl(node: &Node, target: &str, prefixes: &Prefixes) -> ElementDecl {
    let name = (
        target.to_owned(),
        node.attr(None, "name").expect("element name").to_owned(),
    );
    let ty = match node.attr(None, "type") {
        Some(ty) => TypeRef::Named(prefixes.resolve(ty)),
        None => {
            let inline = node
                .children
                .iter()
                .find(|c| c.local == "complexType" || c.local == "simpleType")
                .expect("a type");
            if inline.local == "complexType" {
                TypeRef::Complex(complex_type(inline, target, prefixes))
            } else {
                TypeRef::Simple(simple_type(inline, prefixes))
            }
        }
    };
    ElementDecl {
        name,
        ty,
        nillable: node.attr(None, "nillable") == Some("true"),
        min: occurs(node, "minOccurs"),
        max: occurs(node, "maxOccurs"),
    }
}

fn sequence(node: &Node, target: &str, prefixes: &Prefixes) -> Vec<ElementDecl> {
    node.children
        .iter()
        .filter(|c| c.local != "annotation")
        .map(|c| {
            assert_eq!(
                c.local, "element",
                "only elements in sequences are supported"
            );
            element_decl(c, target, prefixes)
        })
        .collect()
}

fn complex_type(node: &Node, target: &str, prefixes: &Prefixes) -> ComplexType {
    let mut out = ComplexType::default();
    for child in node.children.iter().filter(|c| c.local != "annotation") {
        match child.local.as_str() {
            "sequence" => out.sequence = sequence(child, target, prefixes),
            "complexContent" => {
                let extension = child.child("extension");
                out.base = Some(prefixes.resolve(extension.attr(None, "base").expect("base")));
                if let Some(seq) = extension.children.iter().find(|c| c.local == "sequence") {
                    out.sequence = sequence(seq, target, prefixes);
                }
            }
            other => panic!("complexType construct {other} is not supported"),
        }
    }
    out
}

fn simple_type(node: &Node, prefixes: &Prefixes) -> SimpleType {
    let restriction = node.child("restriction");
    let mut out = SimpleType {
        base: prefixes.resolve(restriction.attr(None, "base").expect("base")),
        enumeration: vec![],
        max_length: None,
    };
    for facet in &restriction.children {
        let value = facet.attr(None, "value").expect("facet value").to_owned();
        match facet.local.as_str() {
            "enumeration" => out.enumeration.push(value),
            "maxLength" => out.max_length = Some(value.parse().expect("maxLength")),
            other => panic!("facet {other} is not supported"),
        }
    }
    out
}

fn builtin(name: &str, node: &Node, path: &str) -> Result<(), String> {
    if !node.children.is_empty() {
        return Err(format!("{path}: elements inside a simple value"));
    }
    let text = node.text.trim();
    let ok = match name {
        "string" => true,
        "dateTime" => is_date_time(text),
        "decimal" => is_decimal(text),
        other => return Err(format!("{path}: builtin xs:{other} is not supported")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{path}: '{text}' is not a valid xs:{name}"))
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `yyyy-mm-ddThh:mm:ss(.f+)?(Z|±hh:mm)?`
pub fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    let d: Vec<&str> = date.split('-').collect();
    if d.len() != 3 || !digits(d[0], 4) || !digits(d[1], 2) || !digits(d[2], 2) {
        return false;
    }
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && digits(&zone[1..3], 2)
            && &zone[3..4] == ":"
            && digits(&zone[4..6], 2));
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let t: Vec<&str> = hms.split(':').collect();
    zone_ok
        && t.len() == 3
        && t.iter().all(|p| digits(p, 2))
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// `-?digits(.digits)?`
pub fn is_decimal(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "0"));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}
