//! The hostile bodies of issue 8, each small enough to pass the 1 MiB body limit unless its
//! point is size, so that the XML gate or the JSON decoder is what must refuse it.

pub enum Kind {
    Xml,
    Json,
}

pub struct Attack {
    pub name: &'static str,
    pub kind: Kind,
    pub body: Vec<u8>,
}

fn xml(name: &'static str, body: String) -> Attack {
    Attack {
        name,
        kind: Kind::Xml,
        body: body.into_bytes(),
    }
}

fn json(name: &'static str, body: Vec<u8>) -> Attack {
    Attack {
        name,
        kind: Kind::Json,
        body,
    }
}

pub fn all() -> Vec<Attack> {
    let laughs: String = (1..10)
        .map(|i| format!("<!ENTITY l{i} \"{}\">", format!("&l{};", i - 1).repeat(10)))
        .collect();
    let big = "x".repeat(50_000);
    let attributes: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();
    let namespaces: String = (0..50_000).map(|i| format!(" xmlns:n{i}=\"u\"")).collect();
    vec![
        xml(
            "XXE (file)",
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>".into(),
        ),
        xml(
            "XXE (URL)",
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><r>&x;</r>".into(),
        ),
        xml(
            "billion laughs",
            format!("<!DOCTYPE r [<!ENTITY l0 \"lol\">{laughs}]><r>&l9;</r>"),
        ),
        xml(
            "quadratic blowup",
            format!(
                "<!DOCTYPE r [<!ENTITY a \"{big}\">]><r>{}</r>",
                "&a;".repeat(10_000)
            ),
        ),
        xml(
            "10 000-deep nesting",
            format!("<r>{}{}</r>", "<a>".repeat(10_000), "</a>".repeat(10_000)),
        ),
        xml("100 000 attributes", format!("<r{attributes}/>")),
        xml("namespace-declaration flood", format!("<r{namespaces}/>")),
        Attack {
            name: "invalid UTF-8 (XML)",
            kind: Kind::Xml,
            body: b"<r><a>\xff\xfe\xc3\x28</a></r>".to_vec(),
        },
        json(
            "10 000-deep JSON arrays",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        json(
            "10 000-deep JSON objects",
            format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)).into_bytes(),
        ),
        json(
            "huge numbers",
            format!(
                "{{\"productId\":1e999999,\"packageId\":{},\"id\":-{}}}",
                "9".repeat(100_000),
                "9".repeat(100_000)
            )
            .into_bytes(),
        ),
        json(
            "invalid UTF-8 (JSON)",
            b"{\"productId\":\"\xff\xfe\xc3\x28\"}".to_vec(),
        ),
    ]
}
