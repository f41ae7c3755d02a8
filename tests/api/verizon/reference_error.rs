//! `referenceError` (issue 14 item 7): every error links this server's own page of error
//! codes, at the code's anchor; the page has one anchor per code of docs/verizon.md.

use super::support::*;
use crate::helpers::{spawn_app, TestApp};

/// The served page, checked to be HTML.
async fn error_page(app: &TestApp, url: &str) -> String {
    let response = app.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// The codes docs/verizon.md documents: the `###` headings of its "Error codes" section.
fn documented_codes() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/verizon.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let section = doc.split("\n## Error codes\n").nth(1).unwrap();
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("### "))
        .map(|code| code.trim().to_owned())
        .collect()
}

#[tokio::test]
async fn every_reference_error_resolves_to_its_codes_anchor() {
    let app = spawn_app().await;
    let cases = [
        ("", Auth::None, "application/json", "{}".to_owned(), 401),
        (
            "",
            Auth::Key,
            "application/json",
            answers(&[("CI-1", "accepted")]),
            400,
        ),
        (
            "externalId=x",
            Auth::Key,
            "application/json",
            "{}".to_owned(),
            400,
        ),
        (
            "externalId=9001",
            Auth::Key,
            "application/json",
            "[".to_owned(),
            400,
        ),
        (
            "externalId=9001",
            Auth::Key,
            "text/plain",
            "x".to_owned(),
            415,
        ),
        (
            "externalId=77",
            Auth::Key,
            "application/json",
            answers(&[("CI-1", "accepted")]),
            404,
        ),
        (
            "externalId=9001",
            Auth::Header("Basic bm9wZQ=="),
            "application/json",
            "{}".to_owned(),
            401,
        ),
    ];
    for (query, auth, content_type, body, status) in cases {
        let response = post(&app, query, auth, content_type, body).await;
        assert_eq!(response.status().as_u16(), status, "{query} {content_type}");
        let error: serde_json::Value = response.json().await.unwrap();
        let reference = error["referenceError"].as_str().unwrap();
        let code = error["code"].as_str().unwrap();
        assert_reference_error(reference, code);
        let page = error_page(&app, reference).await;
        let fragment = reference.rsplit_once('#').unwrap().1;
        assert!(
            page.contains(&format!("<h3 id=\"{fragment}\">")),
            "{fragment}"
        );
    }
}

#[tokio::test]
async fn the_page_has_an_anchor_for_every_documented_code_and_no_other() {
    let app = spawn_app().await;
    let page = error_page(&app, &app.url(ERROR_PAGE)).await;
    let codes = documented_codes();
    assert!(codes.len() >= 18, "{codes:?}");
    for code in &codes {
        assert!(page.contains(&format!("<h3 id=\"{code}\">")), "{code}");
    }
    let anchors = page.matches("<h3 id=\"").count();
    assert_eq!(anchors, codes.len());
}

#[tokio::test]
async fn behind_a_configured_public_url_the_reference_uses_it() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.public_base_url = Some("https://billing.example.com/".into());
    })
    .await;
    let response = post(
        &app,
        "externalId=9001",
        Auth::None,
        "application/json",
        "{}",
    )
    .await;
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        error["referenceError"],
        "https://billing.example.com/docs/verizon/errors#missingCredentials"
    );
}
