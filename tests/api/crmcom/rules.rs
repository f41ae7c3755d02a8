//! Every refusal of `cancel_subscriptions` / `add_subscriptions`: HTTP 200, `data` null, the
//! code, and a message naming the identifier or parameter. Nothing is created by a refusal.

use billing_compat::domain::catalog::{Classification, Product};
use billing_compat::domain::ids::ProductId;
use billing_compat::domain::tenant::{TenantCode, TimeZone};
use chrono::Utc;
use serde_json::{json, Value};

use super::{
    assert_error, assert_ok, get, login, post, sports_on_sub_0001, ADD, CANCEL, GLOBEX_SUB_0001,
    LIST,
};
use crate::helpers::{spawn_app, TestApp};

/// The seed's body with one part replaced.
fn with(token: &str, key: &str, value: Value) -> Value {
    let mut body = sports_on_sub_0001(token);
    match value {
        Value::Null => {
            body.as_object_mut().unwrap().remove(key);
        }
        v => body[key] = v,
    }
    body
}

async fn nothing_was_created(app: &TestApp, token: &str) {
    let data = assert_ok(get(app, &format!("{LIST}?token={token}")).await);
    assert_eq!(data, json!([]));
}

#[tokio::test]
async fn a_missing_identifier_is_named() {
    let app = spawn_app().await;
    let token = login(&app).await;
    for key in [
        "subscription_identifier",
        "service_identifier",
        "smartcard_identifier",
    ] {
        for path in [CANCEL, ADD] {
            assert_error(
                &post(&app, path, &with(&token, key, Value::Null)).await,
                "MissingParameterException",
                &format!("{key} is mandatory"),
            );
        }
    }
    nothing_was_created(&app, &token).await;
}

#[tokio::test]
async fn an_identifier_with_no_field_or_two_fields_is_refused_naming_it() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let cases = [
        (
            "subscription_identifier",
            json!({}),
            "subscription_identifier: specify exactly one of id, number (none given)",
        ),
        (
            "subscription_identifier",
            json!({"id": "d0000000-0000-4000-8000-000000000001", "number": "SUB-0001"}),
            "subscription_identifier: specify exactly one of id, number (got id, number)",
        ),
        (
            "service_identifier",
            json!({"code": " ", "alternative_code": null}),
            "service_identifier: specify exactly one of id, code, alternative_code (none given)",
        ),
        (
            "service_identifier",
            json!({"code": "TV-SPORTS", "alternative_code": "SPORTS"}),
            "service_identifier: specify exactly one of id, code, alternative_code (got code, alternative_code)",
        ),
        (
            "smartcard_identifier",
            json!({"unknown_field": "SC-000111"}),
            "smartcard_identifier: specify exactly one of id, serial_number, alternative_code (none given)",
        ),
        (
            "smartcard_identifier",
            json!({"id": "e0000000-0000-4000-8000-000000000001", "serial_number": "SC-000111", "alternative_code": "CARD-111"}),
            "smartcard_identifier: specify exactly one of id, serial_number, alternative_code (got id, serial_number, alternative_code)",
        ),
    ];
    for (key, identifier, message) in cases {
        assert_error(
            &post(&app, CANCEL, &with(&token, key, identifier)).await,
            "InvalidIdentifierException",
            message,
        );
    }
    nothing_was_created(&app, &token).await;
}

#[tokio::test]
async fn records_that_do_not_exist_in_the_organisation_are_not_found() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let cases = [
        (
            "subscription_identifier",
            json!({"number": "SUB-9999"}),
            "SubscriptionNotFoundException",
            "subscription_identifier: no subscription with number 'SUB-9999'",
        ),
        (
            // globex's SUB-0001: invisible to acme.
            "subscription_identifier",
            json!({ "id": GLOBEX_SUB_0001 }),
            "SubscriptionNotFoundException",
            "subscription_identifier: no subscription with id 'd0000000-0000-4000-8000-000000000101'",
        ),
        (
            "subscription_identifier",
            json!({"id": "not-a-uuid"}),
            "SubscriptionNotFoundException",
            "subscription_identifier: no subscription with id 'not-a-uuid'",
        ),
        (
            "service_identifier",
            json!({"code": "TV-NEWS"}),
            "ServiceNotFoundException",
            "service_identifier: no product with code 'TV-NEWS'",
        ),
        (
            "service_identifier",
            json!({"id": "b0000000-0000-4000-8000-000000000103"}),
            "ServiceNotFoundException",
            "service_identifier: no product with id 'b0000000-0000-4000-8000-000000000103'",
        ),
        (
            "service_identifier",
            json!({"alternative_code": "NEWS"}),
            "ServiceNotFoundException",
            "service_identifier: no product with alternative_code 'NEWS'",
        ),
        (
            "smartcard_identifier",
            json!({"serial_number": "SC-404"}),
            "SmartcardNotFoundException",
            "smartcard_identifier: no installed item with serial_number 'SC-404'",
        ),
        (
            "smartcard_identifier",
            json!({"id": "e0000000-0000-4000-8000-000000000101"}),
            "SmartcardNotFoundException",
            "smartcard_identifier: no installed item with id 'e0000000-0000-4000-8000-000000000101'",
        ),
        (
            "smartcard_identifier",
            json!({"alternative_code": "CARD-404"}),
            "SmartcardNotFoundException",
            "smartcard_identifier: no installed item with alternative_code 'CARD-404'",
        ),
    ];
    for (key, identifier, code, message) in cases {
        assert_error(
            &post(&app, CANCEL, &with(&token, key, identifier)).await,
            code,
            message,
        );
    }
    nothing_was_created(&app, &token).await;
}

#[tokio::test]
async fn only_services_on_the_subscription_and_smartcards_on_it_are_accepted() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let cases = [
        (
            with(&token, "service_identifier", json!({"code": "STB-HD"})),
            "ProductNotAServiceException",
            "service_identifier: product STB-HD is classified HARDWARE; only SERVICE products can be specified",
        ),
        (
            // IP-STATIC is a SERVICE, but on SUB-0002 only.
            with(&token, "service_identifier", json!({"code": "IP-STATIC"})),
            "ServiceNotOnSubscriptionException",
            "service_identifier: service IP-STATIC is not on subscription SUB-0001",
        ),
        (
            json!({
                "token": token,
                "subscription_identifier": {"number": "SUB-0002"},
                "service_identifier": {"code": "TV-MOVIES"},
                "smartcard_identifier": {"serial_number": "SC-000222"},
            }),
            "ServiceNotOnSubscriptionException",
            "service_identifier: service TV-MOVIES is not on subscription SUB-0002",
        ),
        (
            with(&token, "smartcard_identifier", json!({"serial_number": "STB-9000"})),
            "InstalledItemNotASmartcardException",
            "smartcard_identifier: installed item STB-9000 is a DECODER, not a SMARTCARD",
        ),
        (
            with(&token, "smartcard_identifier", json!({"alternative_code": "CARD-222"})),
            "SmartcardNotOnSubscriptionException",
            "smartcard_identifier: smartcard SC-000222 is not on subscription SUB-0001",
        ),
    ];
    for (body, code, message) in cases {
        for path in [CANCEL, ADD] {
            assert_error(&post(&app, path, &body).await, code, message);
        }
    }
    nothing_was_created(&app, &token).await;
}

#[tokio::test]
async fn a_start_date_in_the_past_or_in_another_form_is_refused() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let today = TimeZone::parse("Pacific/Auckland")
        .unwrap()
        .today(Utc::now());
    let yesterday = today - chrono::Duration::days(1);
    assert_error(
        &post(
            &app,
            CANCEL,
            &with(&token, "start_date", json!(yesterday.to_string())),
        )
        .await,
        "StartDateInPastException",
        &format!("start_date {yesterday} is in the past (today is {today})"),
    );
    for bad in [
        "2026-5-14",
        "14/05/2026",
        "2026-02-30",
        "2026-05-14T00:00:00",
        "soon",
    ] {
        assert_error(
            &post(&app, ADD, &with(&token, "start_date", json!(bad))).await,
            "InvalidDateException",
            &format!("start_date '{bad}' is not a date in the form YYYY-MM-DD"),
        );
    }
    nothing_was_created(&app, &token).await;
}

#[tokio::test]
async fn an_alternative_code_shared_by_two_products_is_ambiguous() {
    let app = spawn_app().await;
    let token = login(&app).await;
    crate::helpers::write(app.store().as_ref(), |tx| {
        Box::pin(async move {
            let acme = tx
                .tenant_by_code(&TenantCode::parse("acme").unwrap())
                .await?
                .expect("acme exists");
            tx.insert_product(&Product {
                id: ProductId::new(),
                tenant: acme.id,
                code: "TV-SPORTS-HD".into(),
                alternative_code: Some("SPORTS".into()),
                name: "Sports channels HD".into(),
                classification: Classification::Service,
                plan_type: None,
            })
            .await
        })
    })
    .await;
    assert_error(
        &post(
            &app,
            CANCEL,
            &with(&token, "service_identifier", json!({"alternative_code": "SPORTS"})),
        )
        .await,
        "AmbiguousIdentifierException",
        "service_identifier: alternative_code 'SPORTS' matches 2 products; use another identifier field",
    );
}

#[tokio::test]
async fn long_values_are_cut_when_echoed() {
    let app = spawn_app().await;
    let token = login(&app).await;
    let long = "X".repeat(300);
    let (_, reply) = post(
        &app,
        CANCEL,
        &with(&token, "subscription_identifier", json!({ "number": long })),
    )
    .await;
    let message = reply["status"]["message"].as_str().unwrap();
    assert_eq!(
        message,
        format!(
            "subscription_identifier: no subscription with number '{}…'",
            "X".repeat(64)
        )
    );
}

#[tokio::test]
async fn an_identifier_that_is_not_an_object_makes_the_body_unreadable() {
    let app = spawn_app().await;
    let token = login(&app).await;
    for identifier in [
        json!(null),
        json!("SUB-0001"),
        json!(1),
        json!([null, "SUB-0001"]),
    ] {
        let mut body = sports_on_sub_0001(&token);
        body["subscription_identifier"] = identifier.clone();
        let (status, reply) = post(&app, CANCEL, &body).await;
        assert_eq!(status, 400, "{identifier}: {reply}");
        assert_eq!(reply["data"], Value::Null);
        assert_eq!(reply["status"]["code"], "InvalidRequestException");
    }
    let response = app
        .client
        .post(app.url(CANCEL))
        .header("Content-Type", "application/xml")
        .body(format!(
            "<request><token>{token}</token>\
             <subscription_identifier>SUB-0001</subscription_identifier></request>"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.text().await.unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><data/><status>\
         <code>InvalidRequestException</code>\
         <message>subscription_identifier must hold elements, not text</message>\
         <description>The request could not be read</description></status></response>"
    );
    nothing_was_created(&app, &token).await;
}
