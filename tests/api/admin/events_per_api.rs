//! Each API's change comes out of the feed as its event, with the right type, subject,
//! source and data (docs/events.md "Event types").

use serde_json::Value;

use super::support::{adjust, assert_envelope, of_type, operator_app, settled, wait_for};

const ON_SOUTH: &str = "f0000000-0000-4000-8000-000000000002";
const SOUTH: &str = "c0000000-0000-4000-8000-000000000003";
const DATA_1GB: &str = "b0000000-0000-4000-8000-000000000001";

fn only<'a>(events: &'a [Value], suffix: &str) -> &'a Value {
    let found = of_type(events, suffix);
    assert_eq!(found.len(), 1, "{suffix}: {events:?}");
    found[0]
}

#[tokio::test]
async fn a_debitsuccess_adjustment_is_a_termination_date_changed_event() {
    let app = operator_app(|_| {}).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    let events = settled(&app, 1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let event = only(&events, "account.termination_date_changed");
    assert_envelope(event, "acme", "debitsuccess");
    let data = &event["data"];
    assert_eq!(data["entityType"], "account");
    assert_eq!(data["operation"], "AdjustAccountTerminationDate");
    assert_eq!(data["channel"], "soap11");
    assert_eq!(data["initiator"], "front desk");
    assert_eq!(data["before"]["termination_date"], Value::Null);
    assert_eq!(data["after"]["termination_date"], "2031-12-31");
    assert_eq!(data["after"]["reference_no"], "DS1000001");
    assert!(data["requestId"].as_str().is_some_and(|id| !id.is_empty()));
}

#[tokio::test]
async fn a_flolive_detach_is_accepted_then_the_instance_detached() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .delete(app.url(&format!(
            "/api/v2/customer/{SOUTH}/detach-product/{ON_SOUTH}"
        )))
        .bearer_auth("acme-flolive-key")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let events = wait_for(&app, "product_instance.detached", 1).await;
    let accepted = only(&events, "operation_request.accepted");
    assert_envelope(accepted, "acme", "flolive");
    assert_eq!(accepted["data"]["entityType"], "operation_request");
    assert_eq!(accepted["data"]["after"]["kind"], "DETACH_PRODUCT");
    assert_eq!(accepted["data"]["after"]["productInstance"], ON_SOUTH);
    assert_eq!(accepted["data"]["channel"], "json");
    let detached = only(&events, "product_instance.detached");
    assert_envelope(detached, "acme", "flolive");
    assert_eq!(detached["subject"], ON_SOUTH);
    assert_eq!(detached["data"]["before"]["instanceStatus"], "ACTIVE");
    assert_eq!(detached["data"]["after"]["instanceStatus"], "DETACHED");
    assert_eq!(detached["data"]["channel"], "worker");
    // The acceptance came first, in the feed as in time.
    let position = |e: &Value| events.iter().position(|x| x["id"] == e["id"]).unwrap();
    assert!(position(accepted) < position(detached));
}

#[tokio::test]
async fn a_flolive_attach_is_accepted_then_the_instance_attached() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .post(app.url(&format!("/api/v2/customer/{SOUTH}/attach-product")))
        .bearer_auth("acme-flolive-key")
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"productId":"{DATA_1GB}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let events = wait_for(&app, "product_instance.attached", 1).await;
    let accepted = only(&events, "operation_request.accepted");
    assert_eq!(accepted["data"]["after"]["kind"], "ATTACH_PRODUCT");
    let attached = only(&events, "product_instance.attached");
    assert_envelope(attached, "acme", "flolive");
    assert_eq!(attached["data"]["entityType"], "product_instance");
    assert_eq!(attached["data"]["before"]["instanceStatus"], Value::Null);
    assert_eq!(attached["data"]["after"]["instanceStatus"], "ACTIVE");
}

#[tokio::test]
async fn a_crmcom_cancel_is_a_provisioning_request_created_event_and_its_login_is_none() {
    let app = operator_app(|_| {}).await;
    let base = "/crmapi/rest/v2";
    let login: Value = app
        .client
        .post(app.url(&format!("{base}/authentication/token")))
        .header("Content-Type", "application/json")
        .body(r#"{"username":"crm-agent","password":"Crm-Pass-2024","organisation":"acme"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"));
    let body = format!(
        r#"{{"token":"{token}","subscription_identifier":{{"number":"SUB-0001"}},"service_identifier":{{"code":"TV-SPORTS"}},"smartcard_identifier":{{"serial_number":"SC-000111"}}}}"#
    );
    let reply: Value = app
        .client
        .post(app.url(&format!(
            "{base}/conax_sms_sas/provisioning_requests/cancel_subscriptions"
        )))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["status"]["code"], "OK", "{reply}");
    let events = settled(&app, 1).await;
    // The login is audited but is no change to billing data: one event only.
    assert_eq!(events.len(), 1, "{events:?}");
    let created = only(&events, "provisioning_request.created");
    assert_envelope(created, "acme", "crmcom");
    assert_eq!(created["data"]["entityType"], "provisioning_request");
    assert_eq!(created["data"]["before"], Value::Null);
    assert_eq!(created["data"]["after"]["subscription"], "SUB-0001");
    assert_eq!(created["data"]["after"]["smartcard"], "SC-000111");
    assert_eq!(created["data"]["after"]["life_cycle_state"], "PENDING");
}

#[tokio::test]
async fn a_billing_care_cancel_is_a_bundle_cancelled_event() {
    let app = operator_app(|_| {}).await;
    let base = "/bcws/webresources/v1.0";
    let token: Value = app
        .client
        .get(app.url(&format!("{base}/authentication/queryAccessToken")))
        .basic_auth("bc-client", Some("Bc-Secret-2024"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap();
    let reply = app
        .client
        .post(app.url(&format!("{base}/subscriptions/cancel/bundle")))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(r#"{"dealRef":{"id":"0.0.0.1+-deal+41056","uri":null},"serviceRef":{"id":"0.0.0.1+-service-email+175025","uri":null},"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"description":"Charges monthly for 1 email account.","packageId":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{}", reply.text().await.unwrap());
    let events = settled(&app, 1).await;
    assert_eq!(events.len(), 1, "the token mint is no event: {events:?}");
    let cancelled = only(&events, "bundle.cancelled");
    assert_envelope(cancelled, "acme", "billing_care");
    assert_eq!(cancelled["data"]["entityType"], "bundle");
    assert_eq!(cancelled["subject"], "0.0.0.1+-purchased_bundle+5001");
    assert_eq!(cancelled["data"]["operation"], "billing_care.cancelBundle");
    assert_ne!(cancelled["data"]["before"], cancelled["data"]["after"]);
}

#[tokio::test]
async fn a_verizon_confirmation_answers_the_order_and_its_disconnect_completes_it() {
    let app = operator_app(|_| {}).await;
    let reply = app
        .client
        .post(app.url("/proquest/disconnectCustomerConfirmation?externalId=9001"))
        .bearer_auth("acme-verizon-key")
        .header("Content-Type", "application/json")
        .body(r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"},{"id":"CI-2","acceptanceIndicator":"accepted"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 204);
    let events = wait_for(&app, "disconnect_order.completed", 1).await;
    let answered = only(&events, "disconnect_order.answered");
    assert_envelope(answered, "acme", "verizon");
    assert_eq!(answered["subject"], "9001");
    let cancelled = of_type(&events, "product_instance.cancelled");
    let mut subjects: Vec<&str> = cancelled
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "f0000000-0000-4000-8000-000000000020",
            "f0000000-0000-4000-8000-000000000021"
        ]
    );
    for event in &cancelled {
        assert_envelope(event, "acme", "verizon");
        assert_eq!(event["data"]["channel"], "worker");
    }
    let account = only(&events, "account.cancelled");
    assert_eq!(account["subject"], "DS1000008");
    assert_eq!(account["data"]["after"]["status"], "Cancelled");
    let completed = only(&events, "disconnect_order.completed");
    assert_envelope(completed, "acme", "verizon");
    assert_eq!(completed["subject"], "9001");
    assert_eq!(events.len(), 5, "{events:?}");
}
