//! The answers themselves: all at once, split over calls, rejected, repeated; JSON, XML,
//! Basic and Bearer; Idempotency-Key.

use billing_compat::domain::catalog::InstanceStatus;

use super::support::*;
use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn accepting_every_charge_item_answers_204_and_the_queue_disconnects_the_account() {
    let app = spawn_app().await;

    let response = confirm(&app, 9001, &[("CI-1", "accepted"), ("CI-2", "accepted")]).await;

    assert_no_content(response).await;
    assert!(completed(&app, "acme", 9001).await, "the disconnect ran");
    let (_, items) = order_view(&app, "acme", 9001).await;
    assert_eq!(
        items,
        [
            ("CI-1".into(), "accepted".into()),
            ("CI-2".into(), "accepted".into())
        ]
    );
    for id in INSTANCES_9001 {
        assert_eq!(
            instance_status(&app, "acme", id).await,
            InstanceStatus::Cancelled
        );
    }
    // Another account's instance is untouched.
    assert_eq!(
        instance_status(&app, "acme", "f0000000-0000-4000-8000-000000000002").await,
        InstanceStatus::Active
    );
    assert_eq!(disconnect_jobs(&app).await, 1);
}

#[tokio::test]
async fn answers_split_over_calls_leave_the_order_pending_until_the_last_item() {
    let app = spawn_app_with(|s| s.run_worker = false).await;

    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted")]).await).await;
    assert_eq!(
        order_view(&app, "acme", 9001).await,
        (
            "pending".into(),
            vec![
                ("CI-1".into(), "accepted".into()),
                ("CI-2".into(), "awaitingResponse".into())
            ]
        )
    );
    assert_eq!(disconnect_jobs(&app).await, 0);

    assert_no_content(confirm(&app, 9001, &[("CI-2", "accepted")]).await).await;
    assert_eq!(order_view(&app, "acme", 9001).await.0, "inProgress");
    assert_eq!(disconnect_jobs(&app).await, 1);
}

#[tokio::test]
async fn a_rejection_cancels_the_order_and_disconnects_nothing() {
    let app = spawn_app().await;
    let before = account(&app, "acme", "DS1000008").await;

    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted")]).await).await;
    assert_no_content(confirm(&app, 9001, &[("CI-2", "rejected")]).await).await;

    assert_eq!(
        order_view(&app, "acme", 9001).await,
        (
            "cancelled".into(),
            vec![
                ("CI-1".into(), "accepted".into()),
                ("CI-2".into(), "rejected".into())
            ]
        )
    );
    assert_eq!(disconnect_jobs(&app).await, 0);
    for id in INSTANCES_9001 {
        assert_eq!(
            instance_status(&app, "acme", id).await,
            InstanceStatus::Active
        );
    }
    assert_eq!(account(&app, "acme", "DS1000008").await, before);
}

#[tokio::test]
async fn one_rejection_among_acceptances_cancels_in_a_single_call() {
    let app = spawn_app().await;
    let response = confirm(&app, 9001, &[("CI-1", "accepted"), ("CI-2", "rejected")]).await;
    assert_no_content(response).await;
    assert_eq!(order_view(&app, "acme", 9001).await.0, "cancelled");
    assert_eq!(disconnect_jobs(&app).await, 0);
}

#[tokio::test]
async fn repeating_the_same_answers_is_204_and_changes_nothing() {
    let app = spawn_app().await;
    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted"), ("CI-2", "accepted")]).await)
        .await;
    assert!(completed(&app, "acme", 9001).await);
    let audit = audit_count(&app, "acme").await;

    assert_no_content(confirm(&app, 9001, &[("CI-2", "accepted"), ("CI-1", "accepted")]).await)
        .await;
    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted")]).await).await;

    assert_eq!(order_view(&app, "acme", 9001).await.0, "completed");
    assert_eq!(disconnect_jobs(&app).await, 1);
    assert_eq!(audit_count(&app, "acme").await, audit);
}

#[tokio::test]
async fn repeating_a_rejection_on_the_cancelled_order_is_204() {
    let app = spawn_app().await;
    assert_no_content(confirm(&app, 9002, &[("CI-1", "rejected")]).await).await;
    assert_no_content(confirm(&app, 9002, &[("CI-1", "rejected")]).await).await;
    assert_eq!(order_view(&app, "acme", 9002).await.0, "cancelled");
}

#[tokio::test]
async fn http_basic_credentials_work_like_the_api_key() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let response = post(
        &app,
        "externalId=9002",
        Auth::Basic,
        "application/json",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    assert_no_content(response).await;
    assert_eq!(order_view(&app, "acme", 9002).await.0, "inProgress");
}

#[tokio::test]
async fn an_xml_body_is_understood_and_may_name_the_order_itself() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <disconnectCustomerConfirmation>\
          <externalId>9001</externalId>\
          <acknowledgementRequest><id>CI-1</id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest>\
          <acknowledgementRequest><id>CI-2</id><acceptanceIndicator>accepted</acceptanceIndicator></acknowledgementRequest>\
        </disconnectCustomerConfirmation>";
    let response = post(&app, "", Auth::Key, "application/xml", body).await;
    assert_no_content(response).await;
    assert_eq!(order_view(&app, "acme", 9001).await.0, "inProgress");
}

#[tokio::test]
async fn a_json_body_may_name_the_order_and_may_repeat_the_query() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let body = r#"{"externalId":9002,"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#;
    assert_no_content(post(&app, "", Auth::Key, "application/json", body).await).await;
    assert_no_content(post(&app, "externalId=9002", Auth::Key, "application/json", body).await)
        .await;
    assert_eq!(order_view(&app, "acme", 9002).await.0, "inProgress");
}

#[tokio::test]
async fn each_change_is_audited_with_the_channel_and_request_id() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let response = app
        .client
        .post(app.url(&format!("{PATH}?externalId=9001")))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/json")
        .header("X-Request-Id", "vz-audit-1")
        .body(answers(&[("CI-1", "accepted")]))
        .send()
        .await
        .unwrap();
    assert_no_content(response).await;
    let tenant = tenant(app.store().as_ref(), "acme").await;
    let events = app
        .store()
        .read()
        .await
        .unwrap()
        .recent_audit(tenant, 5)
        .await
        .unwrap();
    let event = events.first().expect("an audit row");
    assert_eq!(event.operation, "verizon.disconnectCustomerConfirmation");
    assert_eq!(event.channel.as_str(), "json");
    assert_eq!(event.entity_type, "disconnect_order");
    assert_eq!(event.entity_id, "9001");
    assert_eq!(event.request_id.as_deref(), Some("vz-audit-1"));
    assert_eq!(event.before.as_ref().unwrap()["state"], "acknowledged");
    assert_eq!(event.after.as_ref().unwrap()["state"], "pending");
    assert_eq!(
        event.after.as_ref().unwrap()["chargeItems"][0]["acceptanceIndicator"],
        "accepted"
    );
}

async fn keyed(
    app: &crate::helpers::TestApp,
    key: &str,
    query: &str,
    body: String,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("{PATH}?{query}")))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_reply_and_refuses_another_request() {
    let app = spawn_app_with(|s| s.run_worker = false).await;
    let first = keyed(
        &app,
        "vz-key-1",
        "externalId=9001",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    assert_no_content(first).await;
    // The same request again: replayed, not re-applied (no second audit row).
    let audit = audit_count(&app, "acme").await;
    assert_no_content(
        keyed(
            &app,
            "vz-key-1",
            "externalId=9001",
            answers(&[("CI-1", "accepted")]),
        )
        .await,
    )
    .await;
    assert_eq!(audit_count(&app, "acme").await, audit);
    // The same key with another body, or the same body for another order: refused.
    let other_body = keyed(
        &app,
        "vz-key-1",
        "externalId=9001",
        answers(&[("CI-2", "accepted")]),
    )
    .await;
    let reason = assert_mef(other_body, 409, "conflict").await;
    assert_eq!(
        reason,
        "This Idempotency-Key was already used with a different request"
    );
    let other_order = keyed(
        &app,
        "vz-key-1",
        "externalId=9002",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    assert_mef(other_order, 409, "conflict").await;
    assert_eq!(order_view(&app, "acme", 9001).await.0, "pending");
    assert_eq!(order_view(&app, "acme", 9002).await.0, "acknowledged");
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let long = "k".repeat(256);
    let response = keyed(
        &app,
        &long,
        "externalId=9002",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    let reason = assert_mef(response, 422, "invalidFormat").await;
    assert_eq!(
        reason,
        "Idempotency-Key must be 1-255 visible ASCII characters"
    );
    assert_eq!(order_view(&app, "acme", 9002).await.0, "acknowledged");
}
