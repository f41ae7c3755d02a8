//! `POST /admin/v1/reset` (issue 19 item 4; docs/operations.md "Reset"): with
//! `--allow-reset` an operator puts the database back to the loaded fixture in one
//! transaction; what the vendor APIs changed reads as the fixture again, the feed keeps its
//! events and gains the reset's. Off by default; vendor users never reach it.

use serde_json::{json, Value};

use super::support::{adjust, all_events, answer, of_type, operator_app, Answer, OPERATOR};
use crate::helpers::TestApp;

const RESET: &str = "/admin/v1/reset";
const BC: &str = "/bcws/webresources/v1.0";
const BUNDLE: &str = r#"{"dealRef":{"id":"0.0.0.1+-deal+41056","uri":null},"serviceRef":{"id":"0.0.0.1+-service-email+175025","uri":null},"accountRef":{"id":"0.0.0.1+-account+174257","uri":null},"description":"reset test","packageId":1}"#;

/// A server over the demo data loaded by `--demo`, with `--allow-reset` as asked.
async fn app(allow_reset: bool) -> TestApp {
    operator_app(|settings| {
        settings.demo = true;
        settings.allow_reset = allow_reset;
    })
    .await
}

async fn reset_as_operator(app: &TestApp) -> Answer {
    let response = app
        .client
        .post(app.url(RESET))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .header("X-Request-Id", "reset-test-1")
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// DS1000001 as Debitsuccess's JSON form reads it (`GetCustomerAccountByAccountId`).
async fn ds1000001(app: &TestApp) -> Value {
    let response = app
        .client
        .post(app.url("/DSWebService/DSServices.svc/json/GetCustomerAccountByAccountId"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(
            json!({"User": {"Username": "ds-gym", "Password": "Gym-Pass-2024"},
                   "AccountReferenceNo": "DS1000001"})
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["Status"], "Succeed", "{reply}");
    reply["Account"].clone()
}

/// Billing Care's bundle cancel of the README's example bundle: its HTTP status.
async fn cancel_bundle(app: &TestApp) -> u16 {
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
    let reply = app
        .client
        .post(app.url(&format!("{BC}/subscriptions/cancel/bundle")))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .header("Content-Type", "application/json")
        .body(BUNDLE)
        .send()
        .await
        .unwrap();
    reply.status().as_u16()
}

#[tokio::test]
async fn a_reset_puts_what_the_vendor_apis_changed_back_to_the_fixture() {
    let app = app(true).await;
    let before = ds1000001(&app).await;
    assert!(before["TerminationDate"].is_null(), "{before}");
    adjust(&app, "DS1000001", "2031-12-31").await;
    assert_eq!(cancel_bundle(&app).await, 200);
    assert_eq!(cancel_bundle(&app).await, 409, "cancelled once already");
    let changed = ds1000001(&app).await;
    assert_ne!(changed, before, "the change shows before the reset");

    let reset = reset_as_operator(&app).await;

    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(reset.headers["cache-control"], "no-store");
    assert_eq!(reset.json["fixture"], "demo");
    assert!(
        reset.json["rows_deleted"].as_u64().unwrap() > 0,
        "{}",
        reset.json
    );
    assert!(
        reset.json["entries_written"].as_u64().unwrap() > 0,
        "{}",
        reset.json
    );
    assert_eq!(reset.json["tenants"], json!(["acme", "globex"]));
    assert_eq!(
        ds1000001(&app).await,
        before,
        "the account reads as the fixture"
    );
    assert_eq!(cancel_bundle(&app).await, 200, "the bundle is live again");
}

#[tokio::test]
async fn the_reset_is_an_event_per_tenant_and_earlier_events_stay_in_the_feed() {
    let app = app(true).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    assert_eq!(reset_as_operator(&app).await.status, 200);

    let events = all_events(&app).await;
    let changed = of_type(&events, "account.termination_date_changed");
    assert_eq!(changed.len(), 1, "the change's event survives the reset");
    let resets = of_type(&events, "tenant.reset");
    let sources: Vec<&str> = resets
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "/billing-compat/tenants/acme",
            "/billing-compat/tenants/globex"
        ]
    );
    for event in resets {
        assert_eq!(event["data"]["api"], "admin", "{event}");
        assert_eq!(event["data"]["channel"], "admin", "{event}");
        assert_eq!(event["data"]["operation"], "admin.reset", "{event}");
        assert_eq!(event["data"]["initiator"], OPERATOR.0, "{event}");
        assert_eq!(event["data"]["requestId"], "reset-test-1", "{event}");
        assert_eq!(event["data"]["after"]["fixture"], "demo", "{event}");
    }
    // The reset comes after the change in feed order.
    let position = |e: &Value| events.iter().position(|x| x["id"] == e["id"]).unwrap();
    assert!(position(changed[0]) < position(of_type(&events, "tenant.reset")[0]));
}

#[tokio::test]
async fn without_allow_reset_the_reset_is_refused_with_403_and_nothing_changes() {
    let app = app(false).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    let changed = ds1000001(&app).await;

    let refused = reset_as_operator(&app).await;

    assert_eq!(refused.status, 403, "{}", refused.json);
    assert_eq!(refused.content_type, "application/problem+json");
    let detail = refused.json["detail"].as_str().unwrap();
    assert!(detail.contains("--allow-reset"), "{detail}");
    assert_eq!(ds1000001(&app).await, changed);
    assert!(of_type(&all_events(&app).await, "tenant.reset").is_empty());
}

#[tokio::test]
async fn vendor_users_and_anonymous_callers_get_401_and_nothing_changes() {
    let app = app(true).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    let changed = ds1000001(&app).await;

    let vendor = app
        .client
        .post(app.url(RESET))
        .basic_auth("ds-gym", Some("Gym-Pass-2024"))
        .send()
        .await
        .unwrap();
    let api_key = app
        .client
        .post(app.url(RESET))
        .bearer_auth("acme-flolive-key")
        .send()
        .await
        .unwrap();
    let anonymous = app.client.post(app.url(RESET)).send().await.unwrap();

    for refused in [vendor, api_key, anonymous] {
        let refused = answer(refused).await;
        assert_eq!(refused.status, 401, "{}", refused.json);
        assert_eq!(refused.content_type, "application/problem+json");
    }
    assert_eq!(ds1000001(&app).await, changed);
    assert!(of_type(&all_events(&app).await, "tenant.reset").is_empty());
}

#[tokio::test]
async fn allow_reset_without_a_loaded_fixture_is_refused_with_409() {
    let app = operator_app(|settings| settings.allow_reset = true).await;
    let refused = reset_as_operator(&app).await;
    assert_eq!(refused.status, 409, "{}", refused.json);
    let detail = refused.json["detail"].as_str().unwrap();
    assert!(detail.contains("--fixture"), "{detail}");
}

#[tokio::test]
async fn tokens_issued_before_the_reset_are_gone_after_it() {
    let app = app(true).await;
    let login =
        json!({"username": "crm-agent", "password": "Crm-Pass-2024", "organisation": "acme"});
    let issued: Value = app
        .client
        .post(app.url("/crmapi/rest/v2/authentication/token"))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = issued["data"]["token"].as_str().expect("a CRM.COM token");
    let query = |token: String| {
        let app = &app;
        async move {
            let reply: Value = app
                .client
                .get(app.url(&format!(
                    "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/list?token={token}"
                )))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            reply["status"]["code"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(query(token.to_owned()).await, "OK");

    assert_eq!(reset_as_operator(&app).await.status, 200);

    assert_ne!(
        query(token.to_owned()).await,
        "OK",
        "the token went with the reset"
    );
}

#[tokio::test]
async fn a_second_reset_finds_the_fixture_and_leaves_it_as_it_is() {
    let app = app(true).await;
    let before = ds1000001(&app).await;
    assert_eq!(reset_as_operator(&app).await.status, 200);
    let second = reset_as_operator(&app).await;
    assert_eq!(second.status, 200, "{}", second.json);
    assert_eq!(ds1000001(&app).await, before);
    // Sign-ins still work with the fixture's passwords after the users were restored.
    adjust(&app, "DS1000001", "2031-12-31").await;
}
