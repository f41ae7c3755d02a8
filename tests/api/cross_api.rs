//! One core behind five APIs (docs/design.md §1): what one vendor's API changes, the others see.

use serde_json::{json, Value};

use crate::helpers::{eventually, spawn_app, TestApp};

const DS_JSON: &str = "/DSWebService/DSServices.svc/json";
const BC: &str = "/bcws/webresources/v1.0";

async fn ds_account(app: &TestApp, reference: &str) -> Value {
    let body = json!({"User": {"Username": "ds-gym", "Password": "Gym-Pass-2024"}, "AccountReferenceNo": reference});
    let reply: Value = app
        .client
        .post(app.url(&format!("{DS_JSON}/GetCustomerAccountByAccountId")))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["Status"], "Succeed", "{reply}");
    reply["Account"].clone()
}

fn product_statuses(account: &Value, code: &str) -> Vec<String> {
    account["Products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["ProductCode"] == code)
        .map(|p| p["Status"].as_str().unwrap().to_owned())
        .collect()
}

async fn billing_care_cancel(app: &TestApp, effective: Option<&str>) {
    let token: Value = app
        .client
        .get(app.url(&format!("{BC}/authentication/queryAccessToken")))
        .basic_auth("bc-client", Some("Bc-Secret-2024"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut body = json!({
        "accountRef": {"id": "0.0.0.1+-account+174257"},
        "serviceRef": {"id": "0.0.0.1+-service-email+175025"},
        "dealRef": {"id": "0.0.0.1+-deal+41056"},
        "packageId": 1,
    });
    if let Some(at) = effective {
        body["effective"] = json!(at);
    }
    let response = app
        .client
        .post(app.url(&format!("{BC}/subscriptions/cancel/bundle")))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "true");
}

/// Bundle 5001's instance f…0006 (EMAIL-1) belongs to Acme North (c…0002), Acme Holdings' sub-customer.
async fn flolive_detach_email(app: &TestApp) -> (u16, Value) {
    let response = app
        .client
        .delete(app.url(
            "/api/v2/customer/c0000000-0000-4000-8000-000000000002/detach-product/f0000000-0000-4000-8000-000000000006",
        ))
        .bearer_auth("acme-flolive-key")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_billing_care_cancel_shows_in_debitsuccess_and_blocks_a_flolive_detach() {
    let app = spawn_app().await;
    assert_eq!(
        product_statuses(&ds_account(&app, "DS1000001").await, "EMAIL-1"),
        ["ACTIVE"]
    );

    billing_care_cancel(&app, None).await;

    assert_eq!(
        product_statuses(&ds_account(&app, "DS1000001").await, "EMAIL-1"),
        ["CANCELLED"]
    );
    let (status, nak) = flolive_detach_email(&app).await;
    assert_eq!(status, 400, "{nak}");
    assert_eq!(nak["errorCode"], "CUSTOMER_1049");
    assert_eq!(nak["content"], "");
}

#[tokio::test]
async fn a_scheduled_billing_care_cancel_leaves_the_instance_active_until_then() {
    let app = spawn_app().await;
    billing_care_cancel(&app, Some("2099-01-01T00:00:00Z")).await;

    assert_eq!(
        product_statuses(&ds_account(&app, "DS1000001").await, "EMAIL-1"),
        ["ACTIVE"]
    );
    let (status, ack) = flolive_detach_email(&app).await;
    assert_eq!(status, 200, "{ack}");
    assert_eq!(ack["errorCode"], "");
}

#[tokio::test]
async fn a_completed_verizon_disconnect_terminates_the_account_as_debitsuccess_sees_it() {
    let app = spawn_app().await;
    let before = ds_account(&app, "DS1000008").await;
    assert_eq!(before["AccountStatus"], "Active");
    assert_eq!(before["TerminationDate"], Value::Null);

    for item in ["CI-1", "CI-2"] {
        let response = app
            .client
            .post(app.url("/proquest/disconnectCustomerConfirmation?externalId=9001"))
            .bearer_auth("acme-verizon-key")
            .json(&json!({"acknowledgementRequest": [{"id": item, "acceptanceIndicator": "accepted"}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }

    let done = eventually(10, || async {
        ds_account(&app, "DS1000008").await["AccountStatus"] == "Cancelled"
    })
    .await;
    assert!(done, "the durable queue completes the disconnect");
    let after = ds_account(&app, "DS1000008").await;
    let today = app
        .services
        .clock
        .now()
        .with_timezone(&chrono_tz::Pacific::Auckland)
        .date_naive();
    assert_eq!(after["TerminationDate"], format!("{today}T00:00:00"));
    assert!(
        after["Products"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["Status"] == "CANCELLED"),
        "{after}"
    );

    // The Debitsuccess rules now see an inactive account (code 10).
    let adjust = json!({"User": {"Username": "ds-gym", "Password": "Gym-Pass-2024"},
                        "AccountReferenceNo": "DS1000008", "TerminationDate": "2031-12-31"});
    let reply: Value = app
        .client
        .post(app.url(&format!("{DS_JSON}/AdjustAccountTerminationDate")))
        .json(&adjust)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reply["Status"], "Failed");
    assert_eq!(reply["ResponseNotes"][0]["Code"], "10", "{reply}");
}

#[tokio::test]
async fn a_flolive_detach_shows_in_debitsuccess_once_the_queue_completes_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .delete(app.url(
            "/api/v2/customer/c0000000-0000-4000-8000-000000000002/detach-product/f0000000-0000-4000-8000-000000000001",
        ))
        .bearer_auth("acme-flolive-key")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let detached = eventually(10, || async {
        let statuses = product_statuses(&ds_account(&app, "DS1000001").await, "FLO-DATA-1GB");
        statuses.iter().filter(|s| *s == "DETACHED").count() == 2
    })
    .await;
    assert!(
        detached,
        "both FLO-DATA-1GB instances of DS1000001 read DETACHED"
    );
}
