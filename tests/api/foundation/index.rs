//! `GET /`: an index of the APIs, descriptions, operational endpoints and docs (issue 14
//! item 5), HTML for browsers, JSON otherwise.

use serde_json::Value;

use crate::helpers::spawn_app;

const FIREFOX: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Every path the index must link.
const LINKED: [&str; 13] = [
    "/DSWebService/DSServices.svc",
    "/api/v2",
    "/crmapi/rest/v2",
    "/bcws/webresources/v1.0",
    "/proquest",
    "/DSWebService/DSServices.svc?wsdl",
    "/DSWebService/DSServices.svc?singleWsdl",
    "/openapi.json",
    "/metrics",
    "/healthz",
    "/readyz",
    "/docs/verizon/errors",
    "/console/",
];

#[tokio::test]
async fn a_browser_gets_an_html_page_linking_everything() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("Accept", FIREFOX)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert_eq!(response.headers()["vary"], "Accept");
    let page = response.text().await.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    for path in LINKED {
        assert!(page.contains(&format!("href=\"{path}\"")), "{path}");
    }
}

#[tokio::test]
async fn anyone_else_gets_json_linking_everything() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let index: Value = response.json().await.unwrap();
    assert_eq!(index["name"], "billing-compat");
    assert_eq!(index["apis"].as_array().unwrap().len(), 5);
    let hrefs: Vec<&str> = ["apis", "descriptions", "operations", "docs"]
        .iter()
        .flat_map(|group| index[group].as_array().unwrap())
        .map(|link| link["href"].as_str().unwrap())
        .collect();
    for path in LINKED {
        assert!(hrefs.contains(&path), "{path}");
    }
}

#[tokio::test]
async fn every_linked_path_of_our_own_answers() {
    let app = spawn_app().await;
    for path in [
        "/openapi.json",
        "/metrics",
        "/healthz",
        "/readyz",
        "/docs/verizon/errors",
        "/DSWebService/DSServices.svc?wsdl",
        "/DSWebService/DSServices.svc?singleWsdl",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    let response = app.client.head(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_openapi_document_lists_the_index_and_the_error_page() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/"]["get"].is_object());
    assert!(doc["paths"]["/docs/verizon/errors"]["get"].is_object());
}
