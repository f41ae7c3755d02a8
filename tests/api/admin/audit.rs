//! An entity's audit history through the admin API (issue 19 item 2; docs/operations.md
//! "Admin API"): every admin change is audited with the operator's name, never with a
//! secret, and is no event of the feed; the history pages with a cursor.

use serde_json::json;

use super::calls::{act, admin, assert_bad_request, create_tenant, create_user, get, history};
use super::support::{adjust, all_events, operator_app};

#[tokio::test]
async fn a_users_history_lists_each_admin_change_with_the_operators_name() {
    let app = operator_app(|_| {}).await;
    create_tenant(&app, "initech").await;
    let (user, password) = create_user(&app, "initech", "initech-flo", &["flolive"]).await;
    let id = user["id"].as_str().unwrap();
    let rotated = act(&app, "/tenants/initech/users/initech-flo/password").await;
    let new_password = rotated.json["password"].as_str().unwrap().to_owned();
    let key = act(&app, "/tenants/initech/users/initech-flo/api-key")
        .await
        .json["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    admin(
        &app,
        "PUT",
        "/tenants/initech/users/initech-flo/apis",
        Some(json!({ "apis": ["verizon", "flolive"] })),
    )
    .await;
    act(&app, "/tenants/initech/users/initech-flo/disable").await;
    // A repeat that changes nothing is not audited.
    act(&app, "/tenants/initech/users/initech-flo/disable").await;
    let entries = history(&app, &format!("api_user:{id}")).await;
    let operations: Vec<&str> = entries
        .iter()
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        [
            "admin.api_user.create",
            "admin.api_user.rotate_password",
            "admin.api_user.issue_api_key",
            "admin.api_user.set_apis",
            "admin.api_user.disable"
        ]
    );
    for entry in &entries {
        assert_eq!(entry["initiator"], "operator", "{entry}");
        assert_eq!(entry["channel"], "admin");
        assert_eq!(entry["tenant"], "initech");
        assert_eq!(entry["entity_type"], "api_user");
        assert_eq!(entry["entity_id"], id);
        assert_eq!(entry["event_type"], serde_json::Value::Null);
        // No secret is ever in the trail.
        let text = entry.to_string();
        for secret in [&password, &new_password, &key] {
            assert!(!text.contains(secret.as_str()), "{text}");
        }
    }
    assert_eq!(entries[0]["before"], serde_json::Value::Null);
    assert_eq!(entries[0]["after"]["apis"], json!(["flolive"]));
    assert_eq!(entries[2]["after"]["apiKey"], true);
    assert_eq!(entries[3]["after"]["apis"], json!(["verizon", "flolive"]));
    assert_eq!(entries[4]["before"]["disabled"], false);
    assert_eq!(entries[4]["after"]["disabled"], true);
    // The tenant's own history has its creation.
    let tenant = history(&app, "tenant:initech").await;
    assert_eq!(tenant.len(), 1);
    assert_eq!(tenant[0]["operation"], "admin.tenant.create");
    assert_eq!(tenant[0]["after"]["timezone"], "Europe/London");
    // Admin changes are no events of the feed (docs/events.md).
    assert!(all_events(&app).await.is_empty());
}

#[tokio::test]
async fn a_vendor_change_is_in_the_accounts_history_with_its_user() {
    let app = operator_app(|_| {}).await;
    adjust(&app, "DS1000001", "2031-12-31").await;
    adjust(&app, "DS1000001", "2032-01-31").await;
    let found = get(&app, "/accounts?tenant=acme&q=DS1000001").await;
    let id = found.json["accounts"][0]["account"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let entries = history(&app, &format!("account:{id}")).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0]["after"]["termination_date"], "2031-12-31");
    assert_eq!(entries[1]["after"]["termination_date"], "2032-01-31");
    assert_eq!(entries[0]["user"], "ds-gym");
    assert_eq!(entries[0]["initiator"], "front desk");
    assert_eq!(entries[0]["channel"], "soap11");
    assert_eq!(
        entries[0]["event_type"],
        "com.billing-compat.account.termination_date_changed"
    );
    // Filtered to another tenant, the account has no history.
    let other = get(&app, &format!("/audit?entity=account:{id}&tenant=globex")).await;
    assert_eq!(other.json["entries"], json!([]), "{}", other.json);
    assert_eq!(other.json["next"], "0");
}

#[tokio::test]
async fn the_history_pages_follow_the_cursor_and_bad_queries_are_400() {
    let app = operator_app(|_| {}).await;
    for _ in 0..3 {
        act(&app, "/tenants/acme/disable").await;
        act(&app, "/tenants/acme/enable").await;
    }
    let first = get(&app, "/audit?entity=tenant:acme&limit=4").await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert_eq!(first.json["entries"].as_array().unwrap().len(), 4);
    let next = first.json["next"].as_str().unwrap().to_owned();
    let second = get(
        &app,
        &format!("/audit?entity=tenant:acme&limit=4&after={next}"),
    )
    .await;
    let rest = second.json["entries"].as_array().unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[1]["operation"], "admin.tenant.enable");
    assert_eq!(history(&app, "tenant:acme").await.len(), 6);
    assert_bad_request(&get(&app, "/audit").await, "entity");
    assert_bad_request(&get(&app, "/audit?entity=acme").await, "entity");
    assert_bad_request(&get(&app, "/audit?entity=Tenant:acme").await, "entity");
    assert_bad_request(
        &get(&app, "/audit?entity=tenant:acme&limit=501").await,
        "limit",
    );
    assert_bad_request(
        &get(&app, "/audit?entity=tenant:acme&after=-1").await,
        "after",
    );
    assert_bad_request(
        &get(&app, "/audit?entity=tenant:acme&sort=desc").await,
        "unknown parameter",
    );
    assert_eq!(
        get(&app, "/audit?entity=tenant:acme&tenant=nobody")
            .await
            .status,
        404
    );
}
