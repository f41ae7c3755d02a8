//! The samples in `fixtures/billing_care/` are real: each request is posted and each reply
//! compared byte for byte.

use chrono::{TimeZone, Utc};

use super::support::*;
use crate::helpers::spawn_app;

macro_rules! sample {
    ($file:literal) => {
        include_str!(concat!("../../../fixtures/billing_care/", $file))
    };
}

#[tokio::test]
async fn the_seed_sample_and_its_xml_twin_both_cancel_bundle_5001() {
    for (content_type, body, reply) in [
        ("application/json", sample!("cancelBun.json"), "true"),
        (
            "application/xml",
            sample!("cancelBundle.xml"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><boolean>true</boolean>",
        ),
    ] {
        let app = spawn_app().await;
        let token = acme_token(&app).await;
        let response = cancel(&app, Some(&format!("Bearer {token}")), content_type, body).await;
        expect(response, 200, content_type, reply).await;
        assert!(bundle(&app, "acme", BUNDLE_5001)
            .await
            .is_cancelled_at(Utc::now()));
    }
}

#[tokio::test]
async fn the_scheduled_samples_store_the_same_cancellation_in_either_format() {
    let mut stored = Vec::new();
    for (content_type, body) in [
        ("application/json", sample!("scheduled-cancel-5002.json")),
        ("application/xml", sample!("scheduled-cancel-5002.xml")),
    ] {
        let app = spawn_app().await;
        let token = acme_token(&app).await;
        let response = cancel(&app, Some(&format!("Bearer {token}")), content_type, body).await;
        assert_eq!(response.status(), 200, "{content_type}");
        stored.push(
            bundle(&app, "acme", BUNDLE_5002)
                .await
                .cancellation
                .unwrap(),
        );
    }
    assert_eq!(stored[0], stored[1]);
    let cancellation = &stored[0];
    assert_eq!(
        cancellation.effective_at,
        Utc.with_ymd_and_hms(2098, 12, 31, 11, 0, 0).unwrap()
    );
    assert_eq!(
        cancellation.description.as_deref(),
        Some("Static IP ends with the contract")
    );
    assert_eq!(cancellation.flag, Some(1));
    assert_eq!(
        cancellation.extension.as_deref(),
        Some(r#"{"reason":"end of contract","ticket":{"id":"CS-4711"}}"#)
    );
}

#[tokio::test]
async fn the_error_samples_are_what_a_null_account_id_gets() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let auth = format!("Bearer {token}");
    let json = r#"{"accountRef":{"id":null},"serviceRef":{"id":"0.0.0.1+-service-ip+175026"},"dealRef":{"id":"0.0.0.1+-deal+41057"}}"#;
    let response = cancel(&app, Some(&auth), "application/json", json).await;
    expect(
        response,
        400,
        "application/json",
        sample!("error-null-account-id.json"),
    )
    .await;
    let xml = "<cancelBundle><accountRef><id/></accountRef></cancelBundle>";
    let response = cancel(&app, Some(&auth), "application/xml", xml).await;
    expect(
        response,
        400,
        "application/xml",
        sample!("error-null-account-id.xml"),
    )
    .await;
}
