//! API users through the admin API (issue 19 item 2; docs/operations.md "Admin API"):
//! rotation, disabling, API keys and allowed APIs take effect on the next request; secrets
//! are shown once; users of another tenant are not reachable under this one.

use serde_json::json;

use super::calls::{
    act, admin, assert_bad_request, billing_care_sign_in, billing_care_token,
    billing_care_with_token, flolive_with_key, flolive_with_password, get, post,
};
use super::support::operator_app;

#[tokio::test]
async fn a_rotated_password_refuses_the_old_one_and_accepts_the_new_one() {
    let app = operator_app(|_| {}).await;
    // Verified once, so its verdict is cached.
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
    let token = billing_care_token(&app, "bc-client", "Bc-Secret-2024").await;
    assert_eq!(
        billing_care_with_token(&app, &token).await,
        400,
        "the token works"
    );
    let rotated = act(&app, "/tenants/acme/users/bc-client/password").await;
    assert_eq!(rotated.status, 200, "{}", rotated.json);
    assert_eq!(rotated.headers["cache-control"], "no-store");
    let new = rotated.json["password"].as_str().unwrap().to_owned();
    assert_ne!(new, "Bc-Secret-2024");
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        401
    );
    assert_eq!(billing_care_sign_in(&app, "bc-client", &new).await, 200);
    // The token minted with the old password ended with it.
    assert_eq!(billing_care_with_token(&app, &token).await, 401);
    // The password is shown once: reading the user does not show it.
    let read = get(&app, "/tenants/acme/users/bc-client").await;
    assert!(read.json.get("password").is_none(), "{}", read.json);
}

#[tokio::test]
async fn rotating_a_password_switches_ws_security_digest_off() {
    let app = operator_app(|_| {}).await;
    let before = get(&app, "/tenants/acme/users/ds-digest").await;
    assert_eq!(before.json["ws_digest"], true, "{}", before.json);
    let rotated = act(&app, "/tenants/acme/users/ds-digest/password").await;
    assert_eq!(rotated.json["ws_digest"], false, "{}", rotated.json);
    let after = get(&app, "/tenants/acme/users/ds-digest").await;
    assert_eq!(after.json["ws_digest"], false);
}

#[tokio::test]
async fn a_disabled_user_is_refused_until_enabled() {
    let app = operator_app(|_| {}).await;
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
    let token = billing_care_token(&app, "bc-client", "Bc-Secret-2024").await;
    assert_eq!(
        billing_care_with_token(&app, &token).await,
        400,
        "the token works"
    );
    let disabled = act(&app, "/tenants/acme/users/bc-client/disable").await;
    assert_eq!(disabled.status, 200, "{}", disabled.json);
    assert_eq!(disabled.json["disabled"], true);
    assert!(disabled.json["disabled_at"].is_string());
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        401
    );
    // Its token is refused too (the user row is read on every use).
    assert_eq!(billing_care_with_token(&app, &token).await, 401);
    // An API key of a disabled user is refused as well.
    assert_eq!(flolive_with_key(&app, "acme-flolive-key").await, 404);
    act(&app, "/tenants/acme/users/flo-parent/disable").await;
    assert_eq!(flolive_with_key(&app, "acme-flolive-key").await, 401);
    let enabled = act(&app, "/tenants/acme/users/bc-client/enable").await;
    assert_eq!(enabled.json["disabled"], false);
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
}

#[tokio::test]
async fn an_issued_api_key_works_once_shown_and_a_revoked_or_replaced_one_is_refused() {
    let app = operator_app(|_| {}).await;
    // floLIVE needs the customer a user acts as (Acme Holdings).
    let created = post(
        &app,
        "/tenants/acme/users",
        json!({ "username": "flo-keyed", "apis": ["flolive"], "customer": "c0000000-0000-4000-8000-000000000001" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    let issued = act(&app, "/tenants/acme/users/flo-keyed/api-key").await;
    assert_eq!(issued.status, 200, "{}", issued.json);
    assert_eq!(issued.json["api_key_set"], true);
    let key = issued.json["api_key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("bcak_"), "{key}");
    assert_eq!(
        flolive_with_key(&app, &key).await,
        404,
        "accepted: the request is unknown"
    );
    assert!(get(&app, "/tenants/acme/users/flo-keyed")
        .await
        .json
        .get("api_key")
        .is_none());
    // A second issue replaces the first.
    let again = act(&app, "/tenants/acme/users/flo-keyed/api-key").await;
    let second = again.json["api_key"].as_str().unwrap().to_owned();
    assert_ne!(second, key);
    assert_eq!(flolive_with_key(&app, &key).await, 401);
    assert_eq!(flolive_with_key(&app, &second).await, 404);
    let revoked = admin(
        &app,
        "DELETE",
        "/tenants/acme/users/flo-keyed/api-key",
        None,
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.json);
    assert_eq!(revoked.json["api_key_set"], false);
    assert_eq!(flolive_with_key(&app, &second).await, 401);
}

#[tokio::test]
async fn allowed_apis_are_enforced_from_the_next_request() {
    let app = operator_app(|_| {}).await;
    let created = post(
        &app,
        "/tenants/acme/users",
        json!({ "username": "two-apis", "apis": ["billing_care"], "customer": "c0000000-0000-4000-8000-000000000001" }),
    )
    .await;
    let password = created.json["password"].as_str().unwrap().to_owned();
    assert_eq!(billing_care_sign_in(&app, "two-apis", &password).await, 200);
    assert_eq!(
        flolive_with_password(&app, "two-apis", &password).await,
        401
    );
    let set = admin(
        &app,
        "PUT",
        "/tenants/acme/users/two-apis/apis",
        Some(json!({ "apis": ["flolive"] })),
    )
    .await;
    assert_eq!(set.status, 200, "{}", set.json);
    assert_eq!(set.json["apis"], json!(["flolive"]));
    assert_eq!(billing_care_sign_in(&app, "two-apis", &password).await, 401);
    assert_eq!(
        flolive_with_password(&app, "two-apis", &password).await,
        404,
        "signed in"
    );
}

#[tokio::test]
async fn a_given_password_is_kept_and_not_echoed() {
    let app = operator_app(|_| {}).await;
    let created = post(
        &app,
        "/tenants/globex/users",
        json!({ "username": "gx-bc", "password": "Chosen-Pass-1", "apis": ["billing_care"],
                "customer": "c0000000-0000-4000-8000-000000000102" }),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.json);
    assert!(created.json.get("password").is_none(), "{}", created.json);
    assert_eq!(
        created.json["customer"],
        "c0000000-0000-4000-8000-000000000102"
    );
    assert_eq!(
        billing_care_sign_in(&app, "gx-bc", "Chosen-Pass-1").await,
        200
    );
}

#[tokio::test]
async fn bad_users_are_400_problems_and_nothing_is_written() {
    let app = operator_app(|_| {}).await;
    let bad = [
        (json!({ "username": "u1", "apis": ["sap"] }), "unknown API"),
        (json!({ "username": "u1", "apis": [] }), "apis"),
        (
            json!({ "username": "u1", "apis": ["flolive"], "password": "short" }),
            "password",
        ),
        (json!({ "username": "", "apis": ["flolive"] }), "username"),
        (
            json!({ "username": "u1", "apis": ["flolive"], "customer": "nope" }),
            "customer",
        ),
        // Globex's customer is no customer of acme.
        (
            json!({ "username": "u1", "apis": ["flolive"], "customer": "c0000000-0000-4000-8000-000000000102" }),
            "customer",
        ),
        (
            json!({ "username": "u1", "apis": ["flolive"], "admin": true }),
            "unknown field",
        ),
    ];
    for (body, field) in bad {
        assert_bad_request(&post(&app, "/tenants/acme/users", body).await, field);
    }
    assert_eq!(get(&app, "/tenants/acme/users/u1").await.status, 404);
    // A username taken in another tenant: a conflict (usernames are global).
    let taken = post(
        &app,
        "/tenants/acme/users",
        json!({ "username": "gx-all", "apis": ["flolive"] }),
    )
    .await;
    assert_eq!(taken.status, 409, "{}", taken.json);
    // Bad APIs for an existing user leave its APIs as they were.
    let refused = admin(
        &app,
        "PUT",
        "/tenants/acme/users/bc-client/apis",
        Some(json!({ "apis": ["sap"] })),
    )
    .await;
    assert_bad_request(&refused, "unknown API");
    assert_eq!(
        get(&app, "/tenants/acme/users/bc-client").await.json["apis"],
        json!(["billing_care"])
    );
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
}

#[tokio::test]
async fn another_tenants_users_are_not_found_under_this_one() {
    let app = operator_app(|_| {}).await;
    assert_eq!(
        get(&app, "/tenants/globex/users/bc-client").await.status,
        404
    );
    for path in [
        "/tenants/globex/users/bc-client/password",
        "/tenants/globex/users/bc-client/disable",
        "/tenants/globex/users/bc-client/api-key",
    ] {
        let reply = act(&app, path).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.json);
    }
    // Nothing happened to acme's user.
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
    let acme = get(&app, "/tenants/acme/users?limit=500").await;
    let names: Vec<&str> = acme.json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"bc-client") && !names.contains(&"gx-all"),
        "{names:?}"
    );
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "by username");
    let page = get(&app, "/tenants/acme/users?limit=2").await;
    assert_eq!(page.json["users"].as_array().unwrap().len(), 2);
    assert_eq!(page.json["next"], names[1]);
}
