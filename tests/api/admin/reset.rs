//! `POST /admin/v1/reset` (issue 19 item 4; docs/operations.md "Reset"): with
//! `--allow-reset` an operator puts the database back to the loaded fixture in one
//! transaction; what the vendor APIs changed reads as the fixture again, the feed keeps its
//! events and gains the reset's. Off by default; vendor users never reach it.

use serde_json::{json, Value};

use super::support::{
    adjust, all_events, answer, of_type, operator_app, settled, Answer, OPERATOR,
};
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

    // On PostgreSQL an event shows once every older transaction has ended (support::settled).
    let events = settled(&app, 3).await;
    assert_eq!(events.len(), 3, "the change and two resets: {events:?}");
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

/// An extra tenant with a Debitsuccess user, imported after the demo data: not the fixture.
const EXTRA: &str = r#"
tenants:
  - { code: initech, name: Initech, timezone: UTC }
users:
  - { tenant: initech, username: ini-gym, password: Ini-Pass-2024, apis: [debitsuccess] }
  - { tenant: initech, username: ini-idle, password: Ini-Idle-2024, apis: [debitsuccess] }
customers:
  - { tenant: initech, id: c0000000-0000-4000-8000-000000000901, name: Initech Gym }
accounts:
  - { tenant: initech, customer: c0000000-0000-4000-8000-000000000901, reference_no: IN1, status: Active, start_date: 2024-01-01 }
"#;

/// Debitsuccess `AdjustAccountTerminationDate` over the JSON form: the reply's `Status`.
async fn adjust_as(app: &TestApp, user: (&str, &str), reference: &str) -> String {
    let reply: Value = app
        .client
        .post(app.url("/DSWebService/DSServices.svc/json/AdjustAccountTerminationDate"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .body(
            json!({"User": {"Username": user.0, "Password": user.1},
                   "AccountReferenceNo": reference, "TerminationDate": "2031-12-31"})
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    match reply["Status"].as_str().unwrap() {
        "Succeed" => "Succeed".to_owned(),
        other => format!("{other} {}", reply["ResponseNotes"]),
    }
}

#[tokio::test]
async fn what_the_fixture_does_not_have_is_deleted_or_retired_when_the_feed_names_it() {
    let app = app(true).await;
    billing_compat::service::import::import_yaml(
        app.store().as_ref(),
        &billing_compat::domain::clock::SystemClock,
        EXTRA,
    )
    .await
    .expect("the extra tenant imports");
    // ini-gym's change is audited (an event naming it and its tenant); ini-idle does nothing.
    assert_eq!(
        adjust_as(&app, ("ini-gym", "Ini-Pass-2024"), "IN1").await,
        "Succeed"
    );

    let reset = reset_as_operator(&app).await;

    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(reset.json["users_deleted"], 1, "{}", reset.json);
    assert_eq!(reset.json["users_retired"], 1, "{}", reset.json);
    assert_eq!(reset.json["tenants_deleted"], 0, "the feed names initech");
    assert_eq!(reset.json["tenants"], json!(["acme", "globex", "initech"]));
    // Retired: kept for the feed, but it can call nothing; its account is gone.
    let refused = adjust_as(&app, ("ini-gym", "Ini-Pass-2024"), "IN1").await;
    assert!(
        refused.starts_with("Failed") && refused.contains("Invalid user credentials"),
        "{refused}"
    );
    let mut read = app.store().read().await.unwrap();
    assert!(read.user_by_username("ini-idle").await.unwrap().is_none());
    let retired = read.user_by_username("ini-gym").await.unwrap().unwrap();
    assert!(!retired
        .apis
        .contains(billing_compat::domain::user::Api::Debitsuccess));
    // initech's audit trail (read from the store, not the feed: on PostgreSQL the feed waits
    // for every older transaction of the cluster, and other tests hold some for seconds):
    // the change, then the reset.
    let initech = read
        .tenant_by_code(&billing_compat::domain::tenant::TenantCode::parse("initech").unwrap())
        .await
        .unwrap()
        .expect("initech is kept");
    let trail: Vec<String> = read
        .recent_audit(initech.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.operation)
        .collect();
    assert_eq!(trail, ["admin.reset", "AdjustAccountTerminationDate"]);
}

#[tokio::test]
async fn an_extra_tenant_nothing_names_is_deleted_by_the_reset() {
    let app = app(true).await;
    billing_compat::service::import::import_yaml(
        app.store().as_ref(),
        &billing_compat::domain::clock::SystemClock,
        EXTRA,
    )
    .await
    .expect("the extra tenant imports");

    let reset = reset_as_operator(&app).await;

    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(reset.json["users_deleted"], 2, "{}", reset.json);
    assert_eq!(reset.json["tenants_deleted"], 1, "{}", reset.json);
    assert_eq!(reset.json["tenants"], json!(["acme", "globex"]));
}

#[tokio::test]
async fn concurrent_requests_see_the_data_before_or_after_a_reset_never_between() {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::Arc;

    let app = Arc::new(app(true).await);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (reads, writes) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    // Readers: mid-reset the accounts are deleted and written again; a read that saw that
    // would find no DS1000001 (Debitsuccess 08, Status Failed).
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (app, stopped, reads) = (app.clone(), stopped.clone(), reads.clone());
            tokio::spawn(async move {
                while !*stopped.borrow() {
                    let account = ds1000001(&app).await;
                    assert_eq!(account["AccountReferenceNo"], "DS1000001");
                    reads.fetch_add(1, Relaxed);
                }
            })
        })
        .collect();
    // A writer: each adjustment lands wholly before a reset (undone by it) or after it.
    let writer = {
        let (app, stopped, writes) = (app.clone(), stopped.clone(), writes.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            while !*stopped.borrow() {
                statuses.push(adjust_as(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001").await);
                writes.fetch_add(1, Relaxed);
            }
            statuses
        })
    };
    // Resets until reads and writes have run beside them a while.
    let mut resets = 0;
    while resets < 5 || (resets < 100 && (reads.load(Relaxed) < 60 || writes.load(Relaxed) < 20)) {
        let reset = reset_as_operator(&app).await;
        assert_eq!(reset.status, 200, "{}", reset.json);
        resets += 1;
    }
    stop.send(true).unwrap();
    for reader in futures_util::future::join_all(readers).await {
        reader.expect("every read found the account");
    }
    let statuses = writer.await.unwrap();
    eprintln!(
        "concurrent reset: {resets} resets, {} reads, {} adjustments",
        reads.load(Relaxed),
        statuses.len()
    );
    assert!(statuses.iter().all(|s| s == "Succeed"), "{statuses:?}");

    // The account's date and the feed agree: it is set exactly when an adjustment's event
    // follows the last reset's.
    let expected = statuses.len() + 2 * resets;
    let events = settled(&app, expected).await;
    assert_eq!(
        events.len(),
        expected,
        "one event per adjustment, two per reset"
    );
    let last_reset = events
        .iter()
        .rposition(|e| e["type"] == "com.billing-compat.tenant.reset")
        .unwrap();
    let adjusted_after = events[last_reset..]
        .iter()
        .any(|e| e["type"] == "com.billing-compat.account.termination_date_changed");
    let date = ds1000001(&app).await["TerminationDate"].clone();
    assert_eq!(!date.is_null(), adjusted_after, "{date} against the feed");
}

#[tokio::test]
async fn with_fixture_file_the_reset_restores_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("suite.yaml");
    std::fs::write(&file, billing_compat::startup::DEMO_FIXTURE).unwrap();
    let path = file.clone();
    let app = operator_app(move |settings| {
        settings.fixture = Some(path);
        settings.allow_reset = true;
    })
    .await;
    let before = ds1000001(&app).await;
    adjust(&app, "DS1000001", "2031-12-31").await;

    let reset = reset_as_operator(&app).await;

    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(reset.json["fixture"], file.display().to_string());
    assert_eq!(ds1000001(&app).await, before);
}

async fn post_as_operator(app: &TestApp, path: &str) -> Answer {
    let response = app
        .client
        .post(app.url(path))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    answer(response).await
}

#[tokio::test]
async fn a_fixture_user_and_tenant_disabled_by_an_operator_are_enabled_again_by_the_reset() {
    let app = app(true).await;
    for path in [
        "/admin/v1/tenants/acme/users/ds-gym/disable",
        "/admin/v1/tenants/acme/disable",
    ] {
        let disabled = post_as_operator(&app, path).await;
        assert_eq!(disabled.status, 200, "{path}: {}", disabled.json);
    }
    assert_ne!(
        adjust_as(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001").await,
        "Succeed"
    );
    assert_eq!(reset_as_operator(&app).await.status, 200);
    assert_eq!(
        adjust_as(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001").await,
        "Succeed"
    );
}
