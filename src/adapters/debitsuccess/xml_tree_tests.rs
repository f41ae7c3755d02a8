//! The element tree: names resolved whatever the prefixes, borrowing, shared namespace URIs,
//! processing instructions kept with their place, and the errors.

use super::*;

fn tree(xml: &str) -> Result<Element<'_>, TreeError> {
    parse(xml.as_bytes(), XmlLimits::default())
}

#[test]
fn names_resolve_to_uris_whatever_the_prefixes() {
    let root = tree(
        r#"<?xml version="1.0"?><!-- c --><a:r xmlns:a="urn:a" xmlns="urn:d"><b x="1" a:y="2"/><c:z xmlns:c="urn:a">t&amp;u&#65;<![CDATA[<v>]]></c:z></a:r>"#,
    )
    .unwrap();
    assert!(root.is("urn:a", "r"));
    let b = &root.children[0];
    assert!(b.is("urn:d", "b"));
    assert_eq!(b.attribute(None, "x"), Some("1"));
    assert_eq!(b.attribute(Some("urn:a"), "y"), Some("2"));
    assert_eq!(b.attributes.len(), 2);
    assert!(root.children[1].is("urn:a", "z"));
    assert_eq!(root.children[1].text, "t&uA<v>");
}

#[test]
fn names_and_plain_text_borrow_from_the_input_known_namespaces_are_shared() {
    let xml = format!(
        r#"<s:r xmlns:s="{SOAP11_NS}" xmlns:o="urn:other"><s:a>plain</s:a><o:b>x&#65;</o:b><c>a{}b</c></s:r>"#,
        "\r\n"
    );
    let root = tree(&xml).unwrap();
    assert!(matches!(root.local, Cow::Borrowed("r")));
    assert!(matches!(root.ns, Some(Namespace::Known(SOAP11_NS))));
    let [a, b, c] = &root.children[..] else {
        panic!("three children expected: {root:?}")
    };
    assert!(matches!(a.text, Cow::Borrowed("plain")));
    // Unknown namespaces are copied; pieces and normalised line ends are joined.
    assert!(matches!(b.ns, Some(Namespace::Other(ref uri)) if &**uri == "urn:other"));
    assert_eq!(b.text, "xA");
    assert_eq!(c.text, "a\nb");
}

#[test]
fn declarations_are_scoped_and_each_uri_is_shared_not_copied() {
    let root = tree(
        r#"<p:r xmlns:p="urn:outer"><p:a xmlns:p="urn:inner"><p:b/></p:a><p:c/><d xmlns="urn:d" q:x="1" xmlns:q="urn:q"/><e/></p:r>"#,
    )
    .unwrap();
    let ns = |e: &Element| e.ns.as_deref().map(str::to_owned);
    let [a, c, d, e] = &root.children[..] else {
        panic!("four children expected: {root:?}")
    };
    assert_eq!(ns(&root).as_deref(), Some("urn:outer"));
    assert_eq!(ns(a).as_deref(), Some("urn:inner"));
    assert_eq!(ns(&a.children[0]).as_deref(), Some("urn:inner"));
    assert_eq!(ns(c).as_deref(), Some("urn:outer"));
    assert_eq!(ns(d).as_deref(), Some("urn:d"));
    assert_eq!(d.attribute(Some("urn:q"), "x"), Some("1"));
    assert_eq!(ns(e), None);
    // A long URI used by many elements is held once (issue 13, item 2).
    let uri = format!("urn:{}", "u".repeat(100_000));
    let xml = format!(r#"<n:r xmlns:n="{uri}">{}</n:r>"#, "<n:x/>".repeat(5_000));
    let root = tree(&xml).unwrap();
    let Some(Namespace::Other(first)) = &root.ns else {
        panic!("an unknown namespace expected")
    };
    assert_eq!(root.children.len(), 5_000);
    for child in &root.children {
        assert!(matches!(&child.ns, Some(Namespace::Other(u)) if Arc::ptr_eq(u, first)));
    }
}

#[test]
fn reborrow_copies_what_is_not_inside_the_input() {
    let input = "<abc/>";
    assert!(matches!(reborrow(Some(input), "elsewhere"), Cow::Owned(_)));
    assert!(matches!(
        reborrow(Some(input), &input[1..4]),
        Cow::Borrowed("abc")
    ));
    assert!(matches!(reborrow(None, &input[1..4]), Cow::Owned(_)));
}

#[test]
fn nil_means_nil_in_the_instance_namespace_only() {
    let root = tree(
        r#"<r xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="urn:x"><a i:nil="true"/><b i:nil="false"/><c x:nil="true"/><d i:nil="1"/></r>"#,
    )
    .unwrap();
    let nils: Vec<bool> = root.children.iter().map(Element::is_nil).collect();
    assert_eq!(nils, [true, false, false, true]);
}

#[test]
fn a_byte_order_mark_is_fine() {
    // .NET writers with `new UTF8Encoding(true)` start the body with one.
    let root = tree("\u{feff}<?xml version=\"1.0\"?><r/>").unwrap();
    assert_eq!(root.local, "r");
}

#[test]
fn the_first_processing_instruction_is_kept_with_its_place() {
    let instruction = |xml: &str| {
        parse_document(xml.as_bytes(), XmlLimits::default())
            .unwrap()
            .instruction
    };
    let at = |target: &str, place: Place| {
        Some(Instruction {
            target: target.to_owned(),
            place,
        })
    };
    // The XML declaration first (after a byte order mark too) is not an instruction.
    assert_eq!(instruction("<?xml version=\"1.0\"?><r/>"), None);
    assert_eq!(instruction("\u{feff}<?xml version=\"1.0\"?><r/>"), None);
    assert_eq!(instruction("<!-- c --><r><a/></r>"), None);
    assert_eq!(
        instruction("<?xml version=\"1.0\"?><?xml-stylesheet href=\"a\"?><r/>"),
        at("xml-stylesheet", Place::Prolog)
    );
    assert_eq!(
        instruction("<r xmlns=\"urn:r\"><a><?p1 x?></a><?p2?></r>"),
        at("p1", Place::Inside("{urn:r}a".to_owned()))
    );
    assert_eq!(instruction("<r/><?p?>"), at("p", Place::Epilog));
    // A declaration anywhere but first is a misplaced instruction.
    assert_eq!(
        instruction("<r><?xml version=\"1.0\"?></r>"),
        at("xml", Place::Inside("r".to_owned()))
    );
    assert_eq!(
        instruction(" <?xml version=\"1.0\"?><r/>"),
        at("xml", Place::Prolog)
    );
    let long = format!("<?{}?><r/>", "t".repeat(1_000));
    assert_eq!(instruction(&long).unwrap().target.len(), 64);
}

#[test]
fn undeclared_prefixes_and_unknown_entities_are_errors() {
    assert_eq!(tree("<p:r/>"), Err(TreeError::UndeclaredPrefix("p".into())));
    assert_eq!(
        tree("<r>&nbsp;</r>"),
        Err(TreeError::UnknownEntity("nbsp".into()))
    );
    assert!(matches!(
        tree("<!DOCTYPE r><r/>"),
        Err(TreeError::Gate(XmlGateError::Doctype))
    ));
    assert!(tree("<r/>junk").is_err());
}
