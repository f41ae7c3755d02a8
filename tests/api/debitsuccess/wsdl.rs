//! The contract served as WCF serves it (docs/design.md §6.1): `?wsdl` importing `?xsd=xsd0|xsd1`,
//! `?singleWsdl` with both schemas inline, `soap:address` where the client reached us, and
//! the sources in `wsdl/` and `xsd/` unchanged in meaning.

use super::support::client::{action, CORE, PATH, WCF};
use super::support::tree::{self, Node};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
const SOAP: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const SOAP12: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
const XS: &str = "http://www.w3.org/2001/XMLSchema";

async fn get(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut request = app.client.get(app.url(&format!("{PATH}{query}")));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let ct = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, ct, response.text().await.unwrap())
}

async fn wsdl(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> Node {
    let (status, ct, body) = get(app, query, headers).await;
    assert_eq!((status, ct.as_str()), (200, "text/xml; charset=utf-8"));
    let root = tree::parse(&body);
    assert!(root.is(WSDL, "definitions"));
    assert_eq!(root.attr(None, "targetNamespace"), Some(WCF));
    root
}

fn addresses(definitions: &Node) -> Vec<String> {
    let service = definitions.child("service");
    assert_eq!(service.attr(None, "name"), Some("DSServices"));
    service
        .children_named("port")
        .iter()
        .map(|port| {
            let address = &port.children[0];
            assert_eq!(address.local, "address");
            address.attr(None, "location").unwrap().to_owned()
        })
        .collect()
}

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[tokio::test]
async fn the_wsdl_describes_both_bindings_with_wcf_names_and_actions() {
    let app = spawn_app().await;
    let definitions = wsdl(&app, "?wsdl", &[]).await;
    let port_type = definitions.child("portType");
    assert_eq!(port_type.attr(None, "name"), Some("IDSServices"));
    let operations: Vec<&str> = port_type
        .children_named("operation")
        .iter()
        .map(|o| o.attr(None, "name").unwrap())
        .collect();
    assert_eq!(
        operations,
        [
            "AdjustAccountTerminationDate",
            "GetCustomerAccountByAccountId"
        ]
    );
    let bindings = definitions.children_named("binding");
    assert_eq!(bindings.len(), 2);
    for (binding, ns) in bindings.iter().zip([SOAP, SOAP12]) {
        let style = binding.child("binding");
        assert!(style.is(ns, "binding"));
        assert_eq!(style.attr(None, "style"), Some("document"));
        assert_eq!(
            style.attr(None, "transport"),
            Some("http://schemas.xmlsoap.org/soap/http")
        );
        for operation in binding.children_named("operation") {
            let name = operation.attr(None, "name").unwrap();
            let soap_operation = operation.child("operation");
            assert!(soap_operation.is(ns, "operation"));
            assert_eq!(
                soap_operation.attr(None, "soapAction"),
                Some(action(name).as_str())
            );
            for message in ["input", "output"] {
                let body = operation.child(message).child("body");
                // WS-I BP R2707/R2716: document-literal, no namespace or parts attributes.
                assert_eq!(body.attr(None, "use"), Some("literal"));
                assert!(
                    body.attr(None, "namespace").is_none() && body.attr(None, "parts").is_none()
                );
            }
        }
    }
    // WS-I BP R2201/R2204: one part per message, referencing an element.
    for message in definitions.children_named("message") {
        let parts = message.children_named("part");
        assert_eq!(parts.len(), 1);
        assert!(parts[0].attr(None, "element").is_some() && parts[0].attr(None, "type").is_none());
    }
    assert_eq!(addresses(&definitions), [app.url(PATH), app.url(PATH)]);
}

#[tokio::test]
async fn the_wsdl_imports_its_schemas_from_the_service_as_wcf_does() {
    let app = spawn_app().await;
    let definitions = wsdl(&app, "?wsdl", &[]).await;
    let schema = definitions.child("types").child("schema");
    assert!(schema.is(XS, "schema"));
    assert_eq!(
        schema.attr(None, "targetNamespace"),
        Some("Debitsuccess.WebServices.WCF/Imports")
    );
    let imports: Vec<(&str, &str)> = schema
        .children_named("import")
        .iter()
        .map(|i| {
            (
                i.attr(None, "schemaLocation").unwrap(),
                i.attr(None, "namespace").unwrap(),
            )
        })
        .collect();
    let xsd0 = app.url(&format!("{PATH}?xsd=xsd0"));
    let xsd1 = app.url(&format!("{PATH}?xsd=xsd1"));
    // WCF's numbers, in the order `?singleWsdl` inlines them: imported schemas first.
    assert_eq!(imports, [(xsd1.as_str(), CORE), (xsd0.as_str(), WCF)]);
    // The served schemas are the source files, with the import's location filled in.
    let (_, ct, served0) = get(&app, "?xsd=xsd0", &[]).await;
    assert_eq!(ct, "text/xml; charset=utf-8");
    let source0 = file("xsd/DSServices.xsd").replace("{{XSD_CORE}}", &xsd1);
    assert_eq!(tree::parse(&served0), tree::parse(&source0));
    let (_, _, served1) = get(&app, "?xsd=xsd1", &[]).await;
    assert_eq!(tree::parse(&served1), tree::parse(&file("xsd/Core.xsd")));
    let (status, _, _) = get(&app, "?xsd=xsd9", &[]).await;
    assert_eq!(status, 404);
}

/// Every namespace a schema imports is the target of a schema listed before it, so a
/// reader that resolves names in one pass (JAX-WS `wsimport`) finds each type it meets.
/// The XML Schema namespace itself is built in; nothing else may be imported.
fn assert_imports_come_first(schemas: &[&Node]) {
    assert!(!schemas.is_empty());
    let mut defined: Vec<&str> = vec![];
    for schema in schemas {
        let target = schema.attr(None, "targetNamespace").unwrap();
        for import in schema.children_named("import") {
            assert!(import.is(XS, "import"));
            let namespace = import.attr(None, "namespace").unwrap();
            assert!(
                defined.contains(&namespace),
                "{target} imports {namespace}, which is not inlined before it (inlined so far: {defined:?})"
            );
        }
        defined.push(target);
    }
}

#[tokio::test]
async fn the_single_wsdl_inlines_both_schemas_without_locations() {
    let app = spawn_app().await;
    for query in ["?singleWsdl", "?singlewsdl"] {
        let definitions = wsdl(&app, query, &[]).await;
        let schemas = definitions.child("types").children_named("schema");
        let namespaces: Vec<&str> = schemas
            .iter()
            .map(|s| s.attr(None, "targetNamespace").unwrap())
            .collect();
        // The data contracts first: the operations schema imports them (issue 14, item 10).
        assert_imports_come_first(&schemas);
        assert_eq!(namespaces, [CORE, WCF]);
        assert!(definitions
            .descendants()
            .iter()
            .all(|n| n.attr(None, "schemaLocation").is_none()));
        let source0 = file("xsd/DSServices.xsd").replace(" schemaLocation=\"{{XSD_CORE}}\"", "");
        assert_eq!(*schemas[0], tree::parse(&file("xsd/Core.xsd")));
        assert_eq!(*schemas[1], tree::parse(&source0));
        assert_eq!(addresses(&definitions), [app.url(PATH), app.url(PATH)]);
    }
}

#[tokio::test]
async fn soap_address_is_where_the_client_reached_us_and_proxies_only_when_trusted() {
    let app = spawn_app().await;
    let definitions = wsdl(&app, "?WSDL", &[("Host", "billing.example.com:8443")]).await;
    assert_eq!(
        addresses(&definitions)[0],
        "http://billing.example.com:8443/DSWebService/DSServices.svc"
    );
    let forwarded = [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "public.example.com"),
    ];
    let definitions = wsdl(&app, "?wsdl", &forwarded).await;
    assert_eq!(
        addresses(&definitions)[0],
        app.url(PATH),
        "untrusted proxy headers were used"
    );
    let evil = wsdl(&app, "?wsdl", &[("Host", "evil\"><x")]).await;
    assert!(!addresses(&evil)[0].contains("evil"));

    let trusted = spawn_app_with(|s| s.proxy.enabled = true).await;
    let definitions = wsdl(&trusted, "?wsdl", &forwarded).await;
    assert_eq!(
        addresses(&definitions)[0],
        "https://public.example.com/DSWebService/DSServices.svc"
    );
    let imports: Vec<&str> = definitions
        .child("types")
        .child("schema")
        .children_named("import")
        .iter()
        .map(|i| i.attr(None, "schemaLocation").unwrap())
        .collect();
    assert_eq!(
        imports,
        [
            "https://public.example.com/DSWebService/DSServices.svc?xsd=xsd1",
            "https://public.example.com/DSWebService/DSServices.svc?xsd=xsd0"
        ]
    );

    // Behind a proxy that appends, the first value is the client's own: never used.
    let appended = [
        ("X-Forwarded-Proto", "http, https"),
        ("X-Forwarded-Host", "attacker.example, public.example.com"),
    ];
    let definitions = wsdl(&trusted, "?wsdl", &appended).await;
    assert_eq!(
        addresses(&definitions)[0],
        "https://public.example.com/DSWebService/DSServices.svc"
    );

    let configured = spawn_app_with(|s| {
        s.proxy.enabled = true;
        s.public_base_url = Some("https://billing.example.com/compat/".into());
    })
    .await;
    let definitions = wsdl(&configured, "?singleWsdl", &forwarded).await;
    assert_eq!(
        addresses(&definitions)[0],
        "https://billing.example.com/compat/DSWebService/DSServices.svc"
    );
}

#[tokio::test]
async fn a_plain_get_shows_where_the_wsdl_is_and_other_methods_are_405() {
    let app = spawn_app().await;
    let (status, ct, body) = get(&app, "", &[]).await;
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
    assert!(body.contains(&format!("{}?wsdl", app.url(PATH))));
    let response = app.client.put(app.url(PATH)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}
