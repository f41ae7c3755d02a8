//! Cancel bundle in JSON: the seed's example, and every 400 the request body can earn.

use billing_compat::domain::audit::Channel;
use billing_compat::domain::catalog::InstanceStatus;
use chrono::Utc;
use serde_json::json;

use super::support::*;
use crate::helpers::spawn_app;

#[tokio::test]
async fn the_seed_example_cancels_bundle_5001_now_and_answers_true() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let before = Utc::now();
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5001, before).await,
        InstanceStatus::Active
    );
    let response = cancel_json(&app, &token, SEED_BODY).await;
    expect(response, 200, "application/json", "true").await;
    let bundle = bundle(&app, "acme", BUNDLE_5001).await;
    let cancellation = bundle.cancellation.clone().unwrap();
    assert!(cancellation.effective_at >= before - chrono::Duration::seconds(1));
    assert!(cancellation.effective_at <= Utc::now());
    assert_eq!(
        cancellation.description.as_deref(),
        Some("Charges monthly for 1 email account.")
    );
    assert_eq!(cancellation.flag, None);
    assert_eq!(cancellation.extension, None);
    assert!(bundle.is_cancelled_at(Utc::now()));
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5001, Utc::now()).await,
        InstanceStatus::Cancelled
    );
    // Globex's bundle with the very same POIDs is untouched (docs/design.md §3: no query crosses tenants).
    assert!(super::support::bundle(&app, "globex", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn the_cancel_is_audited_with_before_and_after() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = body_5002(json!({
        "description": "Static IP no longer needed",
        "flag": 3,
        "extension": {"reason": "customer request", "ticket": {"id": 77}},
    }));
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "bc-audit-1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let events = recent_audit(&app, "acme", 1).await;
    let event = &events[0];
    assert_eq!(event.operation, "billing_care.cancelBundle");
    assert_eq!(event.channel, Channel::Json);
    assert_eq!(event.entity_type, "bundle");
    assert_eq!(event.entity_id, BUNDLE_5002);
    assert_eq!(event.request_id.as_deref(), Some("bc-audit-1"));
    let before = event.before.as_ref().unwrap();
    assert_eq!(before["cancellation"], serde_json::Value::Null);
    assert_eq!(before["package_id"], 2);
    assert_eq!(
        before["instances"],
        json!([{"id": INSTANCE_5002, "status": "ACTIVE"}])
    );
    let after = event.after.as_ref().unwrap();
    let cancellation = &after["cancellation"];
    assert_eq!(cancellation["description"], "Static IP no longer needed");
    assert_eq!(cancellation["flag"], 3);
    assert_eq!(
        cancellation["extension"],
        json!({"reason": "customer request", "ticket": {"id": 77}})
    );
    assert_eq!(cancellation["scheduled"], false);
    assert_eq!(after["requested_effective"], serde_json::Value::Null);
    assert_eq!(
        after["instances"],
        json!([{"id": INSTANCE_5002, "status": "CANCELLED"}])
    );
}

#[tokio::test]
async fn a_second_cancel_is_409_already_cancelled() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    assert_eq!(cancel_json(&app, &token, SEED_BODY).await.status(), 200);
    let at = bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .unwrap()
        .effective_at;
    let detail = format!(
        "bundle {BUNDLE_5001} is already cancelled (effective {})",
        billing_compat::domain::clock::to_storage(at)
    );
    expect_json_problem(
        cancel_json(&app, &token, SEED_BODY).await,
        409,
        "ALREADY_CANCELLED",
        &detail,
    )
    .await;
}

/// `(reference, id JSON, code, detail)` for every bad id the seed's 400 covers.
fn bad_ids() -> Vec<(&'static str, serde_json::Value, &'static str, &'static str)> {
    vec![
        ("accountRef", json!({"uri": null}), "NULL_ID",
         "null Account Id: accountRef.id is missing or null; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"),
        ("accountRef", json!(null), "NULL_ID",
         "null Account Id: accountRef.id is missing or null; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"),
        ("accountRef", json!({"id": null}), "NULL_ID",
         "null Account Id: accountRef.id is missing or null; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"),
        ("serviceRef", json!({"id": ""}), "NULL_ID",
         "null Service Id: serviceRef.id is empty; serviceRef.id must be a /service POID such as 0.0.0.1+-service-email+175025"),
        ("dealRef", json!({"id": null}), "NULL_ID",
         "null Deal Id: dealRef.id is missing or null; dealRef.id must be a /deal POID such as 0.0.0.1+-deal+41056"),
        ("accountRef", json!({"id": "174257"}), "MALFORMED_ID",
         "malformed Account Id: '174257' is not a POID (expected <db>+-<type>+<id>); accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"),
        ("serviceRef", json!({"id": "0.0.0.1+-service-email+abc"}), "MALFORMED_ID",
         "malformed Service Id: '0.0.0.1+-service-email+abc' is not a POID (the id must be digits); serviceRef.id must be a /service POID such as 0.0.0.1+-service-email+175025"),
        ("dealRef", json!({"id": 41056}), "MALFORMED_ID",
         "malformed Deal Id: dealRef.id is not a string; dealRef.id must be a /deal POID such as 0.0.0.1+-deal+41056"),
        ("accountRef", json!({"id": "0.0.0.1+-deal+41056"}), "WRONG_ID_TYPE",
         "wrong Account Id type: '0.0.0.1+-deal+41056' is a /deal POID; accountRef.id must be an /account POID such as 0.0.0.1+-account+174257"),
        ("serviceRef", json!({"id": "0.0.0.1+-account+174257"}), "WRONG_ID_TYPE",
         "wrong Service Id type: '0.0.0.1+-account+174257' is a /account POID; serviceRef.id must be a /service POID such as 0.0.0.1+-service-email+175025"),
        ("dealRef", json!({"id": "0.0.0.1+-service-email+175025"}), "WRONG_ID_TYPE",
         "wrong Deal Id type: '0.0.0.1+-service-email+175025' is a /service/email POID; dealRef.id must be a /deal POID such as 0.0.0.1+-deal+41056"),
    ]
}

#[tokio::test]
async fn null_empty_malformed_and_mistyped_ids_are_400_naming_the_id() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    for (field, value, code, detail) in bad_ids() {
        let body = body_5002(json!({ field: value }));
        expect_json_problem(cancel_json(&app, &token, &body).await, 400, code, detail).await;
    }
    // A reference left out entirely is a null id too.
    let body =
        r#"{"accountRef":{"id":"0.0.0.1+-account+174300"},"dealRef":{"id":"0.0.0.1+-deal+41057"}}"#;
    expect_json_problem(
        cancel_json(&app, &token, body).await,
        400,
        "NULL_ID",
        "null Service Id: serviceRef.id is missing or null; serviceRef.id must be a /service POID such as 0.0.0.1+-service-email+175025",
    )
    .await;
    // Nothing was cancelled along the way.
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn other_fields_of_the_wrong_type_or_size_are_400_invalid_value() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let cases = [
        (json!({"packageId": "2"}), "packageId: must be an integer, not a string"),
        (json!({"packageId": 2.5}), "packageId: 2.5 is not a 32-bit integer"),
        (json!({"packageId": 2147483648_i64}), "packageId: 2147483648 is not a 32-bit integer"),
        (json!({"flag": true}), "flag: must be an integer, not a boolean"),
        (json!({"effective": "next tuesday"}), "effective: 'next tuesday' is not a date-time; send RFC 3339 such as 2026-07-01T00:00:00+12:00 (without an offset it is read in the tenant's time zone)"),
        (json!({"effective": 1767225600}), "effective: must be a string, not a number"),
        (json!({"description": "x".repeat(256)}), "description: is longer than 255 characters"),
        (json!({"description": ["a"]}), "description: must be a string, not an array"),
        (json!({"extension": "text"}), "extension: must be an object, not a string"),
        (json!({"accountRef": "0.0.0.1+-account+174300"}), "accountRef: must be an object {id, uri}, not a string"),
        (json!({"dealRef": {"id": "0.0.0.1+-deal+41057", "uri": 7}}), "dealRef.uri: must be a string, not a number"),
    ];
    for (extra, detail) in cases {
        let body = body_5002(extra);
        expect_json_problem(
            cancel_json(&app, &token, &body).await,
            400,
            "INVALID_VALUE",
            detail,
        )
        .await;
    }
    for (body, detail) in [
        (
            "[1,2]",
            "body: must be an object of the request's fields, not an array",
        ),
        (
            "null",
            "body: must be an object of the request's fields, not null",
        ),
    ] {
        expect_json_problem(
            cancel_json(&app, &token, body).await,
            400,
            "INVALID_VALUE",
            detail,
        )
        .await;
    }
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn an_integral_float_package_id_counts_as_an_integer() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = body_5002(json!({"packageId": 2.0}));
    expect(
        cancel_json(&app, &token, &body).await,
        200,
        "application/json",
        "true",
    )
    .await;
}

#[tokio::test]
async fn unparseable_json_is_400_malformed_body() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    expect_json_problem(
        cancel_json(&app, &token, r#"{"accountRef": "#).await,
        400,
        "MALFORMED_BODY",
        "the body is not valid JSON: EOF while parsing a value at line 1 column 15",
    )
    .await;
    expect_json_problem(
        cancel_json(&app, &token, r#"{"packageId":1,"packageId":2}"#).await,
        400,
        "MALFORMED_BODY",
        "the body is not valid JSON: duplicate key 'packageId' at line 1 column 26",
    )
    .await;
}
