//! The request journal's listing (filters, paging, traffic) and its bounds, enforced by the
//! purge (docs/operations.md "Request journal").

use std::time::Duration;

use billing_compat::service::retention;
use serde_json::Value;

use super::journal::{admin_get, journaled, REQUESTS};
use super::support::{answer, operator_app, OPERATOR};
use crate::helpers::TestApp;

/// A Debitsuccess read of `reference` as `user` (a `GetCustomerAccountByAccountId`).
async fn get_account(app: &TestApp, user: (&str, &str), reference: &str, request_id: &str) {
    let body = format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetCustomerAccountByAccountId xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core"><a:User><a:Password>{}</a:Password><a:Username>{}</a:Username></a:User><a:AccountReferenceNo>{reference}</a:AccountReferenceNo></request></GetCustomerAccountByAccountId></s:Body></s:Envelope>"#,
        user.1, user.0
    );
    let reply = app
        .client
        .post(app.url("/DSWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"Debitsuccess.WebServices.WCF/IDSServices/GetCustomerAccountByAccountId\"",
        )
        .header("X-Request-Id", request_id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
}

/// A Verizon confirmation without its order (400, one indexed read), as `key`'s user.
async fn verizon(app: &TestApp, key: &str, request_id: &str) {
    let reply = app
        .client
        .post(app.url("/proquest/disconnectCustomerConfirmation"))
        .bearer_auth(key)
        .header("Content-Type", "application/json")
        .header("X-Request-Id", request_id)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(reply.status().is_client_error());
}

fn request_ids(page: &Value) -> Vec<String> {
    page["requests"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|r| r["request_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    request_ids(&admin_get(app, &format!("{REQUESTS}?{query}")).await)
}

#[tokio::test]
async fn filters_narrow_the_listing_and_pages_follow_next_newest_first() {
    let app = operator_app(|_| {}).await;
    get_account(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001", "f-1").await;
    get_account(&app, ("ds-gym", "Gym-Pass-2024"), "NO-SUCH", "f-2").await;
    get_account(&app, ("gx-all", "Globex-Pass-2024"), "GX2000001", "f-3").await;
    verizon(&app, "acme-verizon-key", "f-4").await;
    let last = journaled(&app, "f-4").await;
    for id in ["f-1", "f-2", "f-3"] {
        journaled(&app, id).await;
    }

    assert_eq!(ids(&app, "").await, ["f-4", "f-3", "f-2", "f-1"]);
    assert_eq!(ids(&app, "tenant=globex").await, ["f-3"]);
    assert_eq!(ids(&app, "tenant=acme").await, ["f-4", "f-2", "f-1"]);
    assert_eq!(ids(&app, "api=verizon").await, ["f-4"]);
    assert_eq!(ids(&app, "user=ds-gym").await, ["f-2", "f-1"]);
    assert_eq!(
        ids(&app, "operation=GetCustomerAccountByAccountId&tenant=acme").await,
        ["f-2", "f-1"]
    );
    assert_eq!(ids(&app, "outcome=00").await, ["f-3", "f-1"]);
    assert_eq!(ids(&app, "request_id=f-2").await, ["f-2"]);
    let at = last["at"].as_str().unwrap();
    let encoded = at.replace('+', "%2B");
    assert_eq!(ids(&app, &format!("from={encoded}")).await, ["f-4"]);
    assert_eq!(
        ids(&app, &format!("to={encoded}")).await,
        ["f-3", "f-2", "f-1"]
    );

    // Pages of two: `next` leads on, and the last page has none.
    let first = admin_get(&app, &format!("{REQUESTS}?limit=2")).await;
    assert_eq!(request_ids(&first), ["f-4", "f-3"]);
    let next = first["next"].as_str().unwrap();
    let second = admin_get(&app, &format!("{REQUESTS}?limit=2&cursor={next}")).await;
    assert_eq!(request_ids(&second), ["f-2", "f-1"]);
    let next = second["next"].as_str().unwrap();
    let third = admin_get(&app, &format!("{REQUESTS}?limit=2&cursor={next}")).await;
    assert_eq!(request_ids(&third), Vec::<String>::new());
    assert_eq!(third["next"], Value::Null);

    // The traffic of the last hour counts them by API, operation and outcome.
    let traffic = admin_get(&app, "/admin/v1/traffic?minutes=60").await;
    let counts = traffic["counts"].as_array().unwrap();
    let count = |api: &str, operation: &str, outcome: &str| {
        counts
            .iter()
            .find(|c| c["api"] == api && c["operation"] == operation && c["outcome"] == outcome)
            .map(|c| c["count"].as_i64().unwrap())
    };
    assert_eq!(
        count("debitsuccess", "GetCustomerAccountByAccountId", "00"),
        Some(2)
    );
    assert_eq!(counts.len(), 3, "{traffic}");
    assert_eq!(traffic["minutes"], 60);
}

#[tokio::test]
async fn bad_parameters_are_refused_with_a_problem() {
    let app = operator_app(|_| {}).await;
    for query in [
        "limit=0",
        "limit=501",
        "api=soap",
        "from=yesterday",
        "tenant=a%20b",
        "cursor=nope",
        "sort=at",
        "limit=1&limit=2",
    ] {
        let reply = app
            .client
            .get(app.url(&format!("{REQUESTS}?{query}")))
            .basic_auth(OPERATOR.0, Some(OPERATOR.1))
            .send()
            .await
            .unwrap();
        let reply = answer(reply).await;
        assert_eq!(reply.status, 400, "{query}: {}", reply.json);
        assert_eq!(reply.content_type, "application/problem+json", "{query}");
    }
    for minutes in ["0", "1441", "x"] {
        let reply = app
            .client
            .get(app.url(&format!("/admin/v1/traffic?minutes={minutes}")))
            .basic_auth(OPERATOR.0, Some(OPERATOR.1))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 400, "{minutes}");
    }
}

#[tokio::test]
async fn the_purge_keeps_each_tenants_newest_entries_up_to_the_cap() {
    let app = operator_app(|s| s.service.journal.max_per_tenant = 2).await;
    for n in 1..=4 {
        get_account(
            &app,
            ("ds-gym", "Gym-Pass-2024"),
            "DS1000001",
            &format!("a-{n}"),
        )
        .await;
        verizon(&app, "not-a-key", &format!("x-{n}")).await;
    }
    get_account(&app, ("gx-all", "Globex-Pass-2024"), "GX2000001", "g-1").await;
    for id in ["a-4", "x-4", "g-1"] {
        journaled(&app, id).await;
    }
    assert_eq!(ids(&app, "limit=500").await.len(), 9);

    let purged = retention::purge(&app.services, &Default::default())
        .await
        .unwrap();
    assert_eq!(purged.journal_over_cap, 4, "{purged:?}");
    assert_eq!(ids(&app, "tenant=acme").await, ["a-4", "a-3"]);
    assert_eq!(ids(&app, "tenant=").await, ["x-4", "x-3"]);
    assert_eq!(ids(&app, "tenant=globex").await, ["g-1"]);
    // Nothing more to do the second time.
    let again = retention::purge(&app.services, &Default::default())
        .await
        .unwrap();
    assert_eq!(again.journal_over_cap, 0);
}

#[tokio::test]
async fn the_purge_removes_entries_past_their_age() {
    let app = operator_app(|s| s.service.journal.max_age = Duration::from_secs(1)).await;
    get_account(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001", "old-1").await;
    journaled(&app, "old-1").await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    get_account(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001", "new-1").await;
    journaled(&app, "new-1").await;
    let purged = retention::purge(&app.services, &Default::default())
        .await
        .unwrap();
    assert_eq!(purged.journal_aged, 1, "{purged:?}");
    assert_eq!(ids(&app, "").await, ["new-1"]);
}

#[tokio::test]
async fn with_the_journal_off_nothing_is_journaled() {
    let app = operator_app(|s| s.service.journal.enabled = false).await;
    get_account(&app, ("ds-gym", "Gym-Pass-2024"), "DS1000001", "off-1").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ids(&app, "").await, Vec::<String>::new());
}
