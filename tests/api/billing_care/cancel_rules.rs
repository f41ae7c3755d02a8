//! Which bundle a cancel reaches and when it takes effect: deal and package matching,
//! tenants, scheduled cancels, ambiguity, races, Idempotency-Key.

use billing_compat::domain::catalog::{Bundle, InstanceStatus};
use billing_compat::domain::clock::to_storage;
use billing_compat::domain::ids::BundleId;
use billing_compat::domain::poid::Poid;
use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use super::support::*;
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_future_effective_time_schedules_the_cancel_and_instances_stay_active_until_then() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    // Tomorrow at 09:30 in Auckland, written with an offset.
    let at = (Utc::now() + Duration::days(1)).with_nanosecond_zero();
    let effective = at.with_timezone(&chrono_tz::Pacific::Auckland).to_rfc3339();
    let body = body_5002_raw(&format!(
        r#""effective":"{effective}","description":"End of contract","flag":-7,
           "extension": {{ "z": 1, "a": {{"k": "v"}}, "list": [1, "two", null] }}"#
    ));
    expect(
        cancel_json(&app, &token, &body).await,
        200,
        "application/json",
        "true",
    )
    .await;

    let bundle = bundle(&app, "acme", BUNDLE_5002).await;
    let cancellation = bundle.cancellation.clone().unwrap();
    assert_eq!(cancellation.effective_at, at);
    assert_eq!(cancellation.description.as_deref(), Some("End of contract"));
    assert_eq!(cancellation.flag, Some(-7));
    // Stored as sent: keys in the order received (as compact JSON).
    assert_eq!(
        cancellation.extension.as_deref(),
        Some(r#"{"z":1,"a":{"k":"v"},"list":[1,"two",null]}"#)
    );
    // The effect, at the storage level, through the status every API reads.
    let now = Utc::now();
    assert!(!bundle.is_cancelled_at(now));
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5002, now).await,
        InstanceStatus::Active
    );
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5002, at - Duration::seconds(1)).await,
        InstanceStatus::Active
    );
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5002, at).await,
        InstanceStatus::Cancelled
    );
    // The other bundle's instance is not affected.
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5001, at).await,
        InstanceStatus::Active
    );
    let audit = recent_audit(&app, "acme", 1).await;
    let after = audit[0].after.as_ref().unwrap();
    assert_eq!(after["cancellation"]["scheduled"], true);
    assert_eq!(after["requested_effective"], to_storage(at));
    assert_eq!(
        after["instances"],
        json!([{"id": INSTANCE_5002, "status": "ACTIVE"}])
    );

    // A scheduled cancel is a recorded cancel: 409.
    expect_json_problem(
        cancel_json(&app, &token, &body_5002(json!({}))).await,
        409,
        "ALREADY_CANCELLED",
        &format!(
            "bundle {BUNDLE_5002} already has a cancel scheduled for {}",
            to_storage(at)
        ),
    )
    .await;
}

trait ZeroNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl ZeroNanos for chrono::DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap()
    }
}

#[tokio::test]
async fn a_local_effective_time_is_read_in_the_tenants_zone() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = body_5002(json!({"effective": "2099-07-01T09:30:00"}));
    assert_eq!(cancel_json(&app, &token, &body).await.status(), 200);
    // Acme is Pacific/Auckland: +12:00 in July.
    assert_eq!(
        bundle(&app, "acme", BUNDLE_5002)
            .await
            .cancellation
            .unwrap()
            .effective_at,
        Utc.with_ymd_and_hms(2099, 6, 30, 21, 30, 0).unwrap()
    );
}

#[tokio::test]
async fn a_local_time_that_never_happens_is_400() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    // Auckland springs forward from 02:00 to 03:00 on 2099-09-27.
    let body = body_5002(json!({"effective": "2099-09-27T02:30:00"}));
    expect_json_problem(
        cancel_json(&app, &token, &body).await,
        400,
        "INVALID_VALUE",
        "effective: 2099-09-27T02:30:00 does not exist in Pacific/Auckland (a daylight-saving gap); send an offset",
    )
    .await;
}

#[tokio::test]
async fn a_past_effective_time_cancels_now() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let before = Utc::now();
    let body = body_5002(json!({"effective": "2020-01-01T00:00:00Z"}));
    assert_eq!(cancel_json(&app, &token, &body).await.status(), 200);
    let at = bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .unwrap()
        .effective_at;
    assert!(
        at >= before - Duration::seconds(1) && at <= Utc::now(),
        "{at}"
    );
    let audit = recent_audit(&app, "acme", 1).await;
    assert_eq!(
        audit[0].after.as_ref().unwrap()["requested_effective"],
        "2020-01-01T00:00:00.000000Z"
    );
}

#[tokio::test]
async fn the_deal_service_and_package_must_all_match_or_it_is_404() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let cases = [
        (json!({"accountRef": {"id": "0.0.0.1+-account+999999"}}), "ACCOUNT_NOT_FOUND",
         "no account 0.0.0.1+-account+999999 exists".to_owned()),
        (json!({"dealRef": {"id": "0.0.0.1+-deal+41056"}}), "BUNDLE_NOT_FOUND",
         "account 0.0.0.1+-account+174300 and service 0.0.0.1+-service-ip+175026 hold no bundle of deal 0.0.0.1+-deal+41056".to_owned()),
        // Bundle 5001's service, on 5002's account.
        (json!({"serviceRef": {"id": "0.0.0.1+-service-email+175025"}}), "BUNDLE_NOT_FOUND",
         "account 0.0.0.1+-account+174300 and service 0.0.0.1+-service-email+175025 hold no bundle of deal 0.0.0.1+-deal+41057".to_owned()),
        (json!({"packageId": 1}), "BUNDLE_NOT_FOUND",
         "account 0.0.0.1+-account+174300 and service 0.0.0.1+-service-ip+175026 hold no bundle of deal 0.0.0.1+-deal+41057 with packageId 1 (packageId 2 does not match)".to_owned()),
    ];
    for (extra, code, detail) in cases {
        let body = body_5002(extra);
        expect_json_problem(cancel_json(&app, &token, &body).await, 404, code, &detail).await;
    }
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_none());
    // The right packageId is accepted.
    let body = body_5002(json!({"packageId": 2}));
    assert_eq!(cancel_json(&app, &token, &body).await.status(), 200);
}

#[tokio::test]
async fn a_tenant_never_reaches_another_tenants_bundles() {
    let app = spawn_app().await;
    let globex = globex_token(&app).await;
    // Acme's account 174300 does not exist for globex.
    expect_json_problem(
        cancel_json(&app, &globex, &body_5002(json!({}))).await,
        404,
        "ACCOUNT_NOT_FOUND",
        "no account 0.0.0.1+-account+174300 exists",
    )
    .await;
    // The seed's POIDs exist in both tenants: globex cancels its own bundle only.
    assert_eq!(cancel_json(&app, &globex, SEED_BODY).await.status(), 200);
    assert!(bundle(&app, "globex", BUNDLE_5001)
        .await
        .cancellation
        .is_some());
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
    assert_eq!(
        status_at(&app, "acme", INSTANCE_5001, Utc::now()).await,
        InstanceStatus::Active
    );
    // And acme's own cancel of the same POIDs still works, on acme's bundle.
    let acme = acme_token(&app).await;
    assert_eq!(cancel_json(&app, &acme, SEED_BODY).await.status(), 200);
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_some());
}

/// A second purchase of deal 41057 on the same account and service, package 3.
async fn second_purchase(app: &crate::helpers::TestApp) {
    let first = bundle(app, "acme", BUNDLE_5002).await;
    let second = Bundle {
        id: BundleId::new(),
        poid: Poid::parse("0.0.0.1+-purchased_bundle+5003").unwrap(),
        package_id: 3,
        purchased_at: first.purchased_at + Duration::days(1),
        ..first
    };
    crate::helpers::write(app.store().as_ref(), move |tx| {
        Box::pin(async move { tx.insert_bundle(&second).await })
    })
    .await;
}

#[tokio::test]
async fn two_live_purchases_of_one_deal_need_package_id() {
    let app = spawn_app().await;
    second_purchase(&app).await;
    let token = acme_token(&app).await;
    expect_json_problem(
        cancel_json(&app, &token, &body_5002(json!({}))).await,
        400,
        "AMBIGUOUS_BUNDLE",
        "account 0.0.0.1+-account+174300 and service 0.0.0.1+-service-ip+175026 hold 2 live purchases of deal 0.0.0.1+-deal+41057 (packageId 2, 3); send packageId to choose one",
    )
    .await;
    assert_eq!(
        cancel_json(&app, &token, &body_5002(json!({"packageId": 3})))
            .await
            .status(),
        200
    );
    assert!(bundle(&app, "acme", "0.0.0.1+-purchased_bundle+5003")
        .await
        .cancellation
        .is_some());
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_none());
    // Only one live purchase is left: no packageId needed, and it is the one cancelled.
    assert_eq!(
        cancel_json(&app, &token, &body_5002(json!({})))
            .await
            .status(),
        200
    );
    assert!(bundle(&app, "acme", BUNDLE_5002)
        .await
        .cancellation
        .is_some());
    // Nothing live is left.
    let response = cancel_json(&app, &token, &body_5002(json!({}))).await;
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn concurrent_cancels_of_one_bundle_succeed_exactly_once() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = body_5002(json!({}));
    let calls = (0..6).map(|_| cancel_json(&app, &token, &body));
    let statuses: Vec<u16> = futures_util::future::join_all(calls)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        5,
        "{statuses:?}"
    );
    let audits = recent_audit(&app, "acme", 20).await;
    assert_eq!(
        audits
            .iter()
            .filter(|e| e.operation == "billing_care.cancelBundle")
            .count(),
        1
    );
}

async fn with_key(
    app: &crate::helpers::TestApp,
    token: &str,
    key: &str,
    body: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(CANCEL))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_reply_and_refuses_another_body() {
    let app = spawn_app().await;
    let token = acme_token(&app).await;
    let body = body_5002(json!({}));
    expect(
        with_key(&app, &token, "retry-1", &body).await,
        200,
        "application/json",
        "true",
    )
    .await;
    // A retry is answered as the first time, not 409.
    expect(
        with_key(&app, &token, "retry-1", &body).await,
        200,
        "application/json",
        "true",
    )
    .await;
    expect_json_problem(
        with_key(&app, &token, "retry-1", SEED_BODY).await,
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was already used with a different request",
    )
    .await;
    expect_json_problem(
        with_key(&app, &token, "has space", SEED_BODY).await,
        400,
        "INVALID_VALUE",
        "Idempotency-Key: must be 1-255 visible ASCII characters",
    )
    .await;
    // Without the key a repeat is what it is: already cancelled.
    assert_eq!(cancel_json(&app, &token, &body).await.status(), 409);
    assert!(bundle(&app, "acme", BUNDLE_5001)
        .await
        .cancellation
        .is_none());
}

#[tokio::test]
async fn with_tokens_not_required_basic_credentials_work_and_anonymous_calls_still_do_not() {
    let app = spawn_app_with(|s| s.vendors.billing_care_require_token = false).await;
    expect_json_problem(
        cancel(&app, None, "application/json", SEED_BODY).await,
        401,
        "MISSING_TOKEN",
        "credentials are required: send Authorization: Bearer <token> (get a token from GET /bcws/webresources/v1.0/authentication/queryAccessToken) or HTTP Basic client credentials",
    )
    .await;
    let wrong = basic("bc-client", "nope");
    let response = cancel(&app, Some(&wrong), "application/json", SEED_BODY).await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Basic realm=\"billing_care\""
    );
    assert_eq!(response.status(), 401);
    let right = basic("bc-client", "Bc-Secret-2024");
    let response = cancel(&app, Some(&right), "application/json", SEED_BODY).await;
    expect(response, 200, "application/json", "true").await;
    // Bearer tokens keep working.
    let token = acme_token(&app).await;
    expect(
        cancel_json(&app, &token, &body_5002(json!({}))).await,
        200,
        "application/json",
        "true",
    )
    .await;
}
