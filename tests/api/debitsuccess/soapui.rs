//! `fixtures/debitsuccess/soapui-project.xml`, the SoapUI 5 project QA imports: every test
//! step's request is sent as SoapUI sends it and every assertion is checked here, so the
//! project cannot go stale; its cached WSDL must be what the service serves.

use std::collections::HashMap;

use super::support::client::{post_soap, SOAP11, SOAP12};
use super::support::tree::{self, Node};
use super::support::xpath;
use super::support::xsd::Schema;
use crate::helpers::{spawn_app, TestApp};

const CON: &str = "http://eviware.com/soapui/config";
const PUBLIC: &str = "http://127.0.0.1:8080";

fn project() -> Node {
    let path = format!(
        "{}/fixtures/debitsuccess/soapui-project.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let project = tree::parse(&std::fs::read_to_string(path).unwrap());
    assert!(project.is(CON, "soapui-project"));
    project
}

struct Interface {
    soap: &'static str,
    actions: HashMap<String, String>,
}

fn interfaces(project: &Node) -> HashMap<String, Interface> {
    project
        .children_named("interface")
        .into_iter()
        .map(|i| {
            let soap = match i.attr(None, "soapVersion") {
                Some("1_1") => SOAP11,
                Some("1_2") => SOAP12,
                other => panic!("soapVersion {other:?}"),
            };
            let actions = i
                .children_named("operation")
                .into_iter()
                .map(|o| {
                    (
                        o.attr(None, "name").unwrap().to_owned(),
                        o.attr(None, "action").unwrap().to_owned(),
                    )
                })
                .collect();
            (
                i.attr(None, "name").unwrap().to_owned(),
                Interface { soap, actions },
            )
        })
        .collect()
}

/// Checks one assertion against a reply; `Err` names what failed.
fn check(assertion: &Node, soap: &str, status: u16, body: &str) -> Result<(), String> {
    let config = assertion
        .children
        .iter()
        .find(|c| c.local == "configuration");
    let setting = |name: &str| {
        config
            .map(|c| c.child(name).text.clone())
            .unwrap_or_default()
    };
    let envelope = || tree::parse(body);
    let fault = || {
        envelope()
            .child("Body")
            .children
            .first()
            .is_some_and(|c| c.is(soap, "Fault"))
    };
    let ok = match assertion.attr(None, "type").unwrap() {
        "SOAP Response" => envelope().is(soap, "Envelope"),
        "Valid HTTP Status Codes" => setting("codes")
            .split(',')
            .any(|c| c.trim() == status.to_string()),
        "Schema Compliance" => {
            let envelope = envelope();
            let child = &envelope.child("Body").children[0];
            Schema::contract()
                .validate(child)
                .map_err(|e| format!("Schema Compliance: {e}"))?;
            true
        }
        // SoapUI's ids are the other way round from their labels.
        "SOAP Fault Assertion" => !fault(),
        "Not SOAP Fault Assertion" => fault(),
        "Simple Contains" | "Simple NotContains" => {
            assert_eq!(
                setting("useRegEx"),
                "false",
                "regular expressions are not replayed"
            );
            assert_eq!(setting("ignoreCase"), "false");
            let found = body.contains(&setting("token"));
            found == (assertion.attr(None, "type") == Some("Simple Contains"))
        }
        "XPath Match" => {
            for flag in [
                "allowWildcards",
                "ignoreNamspaceDifferences",
                "ignoreComments",
            ] {
                assert_eq!(setting(flag), "false", "{flag} is not replayed");
            }
            let got = xpath::evaluate(&setting("path"), &envelope());
            if got.as_deref() != Some(setting("content").as_str()) {
                return Err(format!(
                    "XPath {} gave {got:?}, expected {}",
                    setting("path"),
                    setting("content")
                ));
            }
            true
        }
        other => panic!("assertion type {other} is not replayed"),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} failed",
            assertion.attr(None, "name").unwrap_or("?")
        ))
    }
}

async fn run_step(
    app: &TestApp,
    interfaces: &HashMap<String, Interface>,
    step: &Node,
) -> Vec<String> {
    let config = step.child("config");
    let interface = &interfaces[&config.child("interface").text];
    let action = &interface.actions[&config.child("operation").text];
    let request = config.child("request");
    let endpoint = &request.child("endpoint").text;
    assert_eq!(endpoint, &format!("{PUBLIC}/DSWebService/DSServices.svc"));
    let envelope = request.child("request").text.clone();
    // As SoapUI sends them: SOAP 1.1 with a quoted SOAPAction, SOAP 1.2 with the parameter.
    let (status, _, body) = if interface.soap == SOAP11 {
        post_soap(
            app,
            "text/xml;charset=UTF-8",
            Some(&format!("\"{action}\"")),
            envelope,
        )
        .await
    } else {
        let content_type = format!("application/soap+xml;charset=UTF-8;action=\"{action}\"");
        post_soap(app, &content_type, None, envelope).await
    };
    let assertions = request.children_named("assertion");
    assert!(assertions.len() >= 3, "a step with too few assertions");
    assertions
        .into_iter()
        .filter_map(|a| check(a, interface.soap, status, &body).err())
        .collect()
}

#[tokio::test]
async fn every_soapui_test_case_passes_against_the_service() {
    let app = spawn_app().await;
    let project = project();
    let interfaces = interfaces(&project);
    let mut failures = vec![];
    let mut cases = 0;
    for suite in project.children_named("testSuite") {
        for case in suite.children_named("testCase") {
            cases += 1;
            for step in case.children_named("testStep") {
                assert_eq!(step.attr(None, "type"), Some("request"));
                for failure in run_step(&app, &interfaces, step).await {
                    failures.push(format!("{}: {failure}", case.attr(None, "name").unwrap()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(cases >= 11);
}

#[tokio::test]
async fn the_project_has_a_test_case_for_every_rule_and_both_soap_versions() {
    let project = project();
    let mut asserted: Vec<String> = project
        .descendants()
        .into_iter()
        .filter(|n| {
            n.local == "configuration"
                && n.children
                    .iter()
                    .any(|c| c.local == "path" && c.text.contains("/a:Code"))
        })
        .map(|c| c.child("content").text.clone())
        .collect();
    asserted.sort();
    asserted.dedup();
    let mut rules = [
        "02", "100", "13203", "12016", "14020", "14091", "08", "07", "10", "14079", "00",
    ]
    .map(String::from)
    .to_vec();
    rules.sort();
    assert_eq!(asserted, rules);
    let steps_per_interface = |name: &str| {
        project
            .descendants()
            .into_iter()
            .filter(|n| n.local == "interface" && n.text == name)
            .count()
    };
    assert!(steps_per_interface("BasicHttpBinding_IDSServices") >= 10);
    assert!(steps_per_interface("BasicHttpBinding_IDSServices1") >= 1);
}

#[tokio::test]
async fn the_projects_cached_wsdl_is_the_one_served() {
    let app = spawn_app().await;
    let served = app
        .client
        .get(app.url("/DSWebService/DSServices.svc?singleWsdl"))
        .header("Host", "127.0.0.1:8080")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let project = project();
    for interface in project.children_named("interface") {
        let part = interface.child("definitionCache").child("part");
        assert_eq!(
            part.child("url").text,
            format!("{PUBLIC}/DSWebService/DSServices.svc?singleWsdl")
        );
        assert_eq!(
            tree::parse(&part.child("content").text),
            tree::parse(&served),
            "the project's WSDL is stale: run .ci/clients/debitsuccess/make_soapui_project.py"
        );
        let binding = interface.attr(None, "bindingName").unwrap();
        let name = interface.attr(None, "name").unwrap();
        assert_eq!(binding, format!("{{Debitsuccess.WebServices.WCF}}{name}"));
    }
}
