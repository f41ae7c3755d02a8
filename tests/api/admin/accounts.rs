//! Accounts through the admin API (issue 19 item 2; docs/operations.md "Admin API"): found
//! by each vendor's identifier, and shown with what every API made of them.

use serde_json::Value;

use super::calls::{assert_bad_request, get, urlencode};
use super::support::operator_app;
use crate::helpers::TestApp;

/// DS1000008: Acme South's account with a POID, a bundle, a subscription with a smartcard,
/// two product instances and Verizon's disconnect order 9001 (fixtures/demo.yaml).
const REFERENCE: &str = "DS1000008";
const EXTERNAL: &str = "EXT-DISCONNECT";
const POID: &str = "0.0.0.1+-account+174300";
const SOUTH: &str = "c0000000-0000-4000-8000-000000000003";

async fn find(app: &TestApp, tenant: &str, q: &str) -> Value {
    let found = get(
        app,
        &format!("/accounts?tenant={tenant}&q={}", urlencode(q)),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.json);
    found.json
}

fn references(found: &Value) -> Vec<&str> {
    found["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["account"]["reference_no"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_vendors_identifier_finds_the_account() {
    let app = operator_app(|_| {}).await;
    for (q, matched) in [
        (REFERENCE, "reference_no"),
        (EXTERNAL, "external_reference_no"),
        (POID, "poid"),
    ] {
        let found = find(&app, "acme", q).await;
        assert_eq!(references(&found), [REFERENCE], "{q}: {found}");
        assert_eq!(
            found["accounts"][0]["matched"],
            serde_json::json!([matched]),
            "{q}"
        );
        assert_eq!(found["more"], false);
        let account = &found["accounts"][0]["account"];
        assert_eq!(account["tenant"], "acme");
        assert_eq!(account["poid"], POID);
        assert_eq!(account["customer_id"], SOUTH);
    }
    // A customer id finds every account of the customer.
    let found = find(&app, "acme", SOUTH).await;
    assert_eq!(
        references(&found),
        ["DS1000003", "DS1000004", "DS1000005", REFERENCE]
    );
    for m in found["accounts"].as_array().unwrap() {
        assert_eq!(m["matched"], serde_json::json!(["customer_id"]));
    }
    // A shared external reference finds both accounts.
    assert_eq!(
        references(&find(&app, "acme", "EXT-SHARED").await),
        ["DS1000005", "DS1000006"]
    );
    assert!(references(&find(&app, "acme", "nothing-like-it").await).is_empty());
}

#[tokio::test]
async fn the_look_up_is_confined_to_the_tenant_named() {
    let app = operator_app(|_| {}).await;
    // Both tenants hold EXT-ALPHA-1 and POID …174257: each sees its own account only.
    assert_eq!(
        references(&find(&app, "acme", "EXT-ALPHA-1").await),
        ["DS1000001"]
    );
    assert_eq!(
        references(&find(&app, "globex", "EXT-ALPHA-1").await),
        ["GX2000001"]
    );
    assert_eq!(
        references(&find(&app, "globex", "0.0.0.1+-account+174257").await),
        ["GX2000001"]
    );
    assert!(references(&find(&app, "globex", REFERENCE).await).is_empty());
    assert!(references(&find(&app, "globex", SOUTH).await).is_empty());
}

#[tokio::test]
async fn the_account_view_holds_what_every_api_made_of_the_account() {
    let app = operator_app(|_| {}).await;
    // A CRM.COM provisioning request on the account's subscription and a floLIVE detach on
    // its customer, beside the fixture's bundle, instances and disconnect order.
    crm_cancel(&app, "SUB-0002", "SC-000222").await;
    let detach = app
        .client
        .delete(app.url(&format!(
            "/api/v2/customer/{SOUTH}/detach-product/f0000000-0000-4000-8000-000000000002"
        )))
        .bearer_auth("acme-flolive-key")
        .send()
        .await
        .unwrap();
    assert_eq!(detach.status(), 200);
    let found = find(&app, "acme", REFERENCE).await;
    let id = found["accounts"][0]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let view = get(&app, &format!("/accounts/{id}")).await;
    assert_eq!(view.status, 200, "{}", view.json);
    let v = &view.json;
    assert_eq!(v["account"]["reference_no"], REFERENCE);
    assert_eq!(v["account"]["external_reference_no"], EXTERNAL);
    assert_eq!(v["customer"]["name"], "Acme South");
    let ids = |list: &str, key: &str| -> Vec<String> {
        let mut ids: Vec<String> = v[list]
            .as_array()
            .unwrap_or_else(|| panic!("{list}: {v}"))
            .iter()
            .map(|x| x[key].to_string().trim_matches('"').to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(
        ids("product_instances", "id"),
        [
            "f0000000-0000-4000-8000-000000000020",
            "f0000000-0000-4000-8000-000000000021"
        ]
    );
    assert_eq!(ids("bundles", "poid"), ["0.0.0.1+-purchased_bundle+5002"]);
    assert_eq!(ids("disconnect_orders", "external_id"), ["9001"]);
    assert_eq!(
        v["disconnect_orders"][0]["charge_items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        v["disconnect_orders"][0]["charge_items"][0]["amount"],
        15000
    );
    let requests = v["provisioning_requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{v}");
    assert_eq!(requests[0]["subscription_number"], "SUB-0002");
    assert_eq!(requests[0]["smartcard_serial_number"], "SC-000222");
    assert_eq!(requests[0]["created_by"], "crm-agent");
    let operations = v["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 1, "{v}");
    assert_eq!(operations[0]["kind"], "DETACH_PRODUCT");
    assert_eq!(
        operations[0]["product_instance_id"],
        "f0000000-0000-4000-8000-000000000002"
    );
    assert_eq!(v["truncated"], serde_json::json!([]));
    // Another account of the tenant shows none of these.
    let other = find(&app, "acme", "DS1000002").await;
    let other_id = other["accounts"][0]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = get(&app, &format!("/accounts/{other_id}")).await.json;
    for list in [
        "product_instances",
        "bundles",
        "disconnect_orders",
        "provisioning_requests",
    ] {
        assert_eq!(other[list], serde_json::json!([]), "{list}: {other}");
    }
}

#[tokio::test]
async fn bad_look_ups_are_problems() {
    let app = operator_app(|_| {}).await;
    assert_bad_request(&get(&app, "/accounts?tenant=acme").await, "q");
    assert_bad_request(&get(&app, "/accounts?q=DS1000001").await, "tenant");
    assert_bad_request(&get(&app, "/accounts?tenant=acme&q=").await, "q");
    assert_bad_request(
        &get(
            &app,
            &format!("/accounts?tenant=acme&q={}", "x".repeat(201)),
        )
        .await,
        "q",
    );
    assert_bad_request(
        &get(&app, "/accounts?tenant=acme&q=a&q=b").await,
        "more than once",
    );
    assert_eq!(
        get(&app, "/accounts?tenant=nobody&q=DS1000001")
            .await
            .status,
        404
    );
    assert_eq!(get(&app, "/accounts/not-a-uuid").await.status, 404);
    assert_eq!(
        get(&app, "/accounts/a0000000-0000-4000-8000-00000000ffff")
            .await
            .status,
        404
    );
}

/// CRM.COM `cancel_subscriptions` for one service on `subscription` as crm-agent.
async fn crm_cancel(app: &TestApp, subscription: &str, smartcard: &str) {
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
        r#"{{"token":"{token}","subscription_identifier":{{"number":"{subscription}"}},"service_identifier":{{"code":"TV-SPORTS"}},"smartcard_identifier":{{"serial_number":"{smartcard}"}}}}"#
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
}
