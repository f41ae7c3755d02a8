//! Tenants through the admin API (issue 19 item 2; docs/operations.md "Admin API"): created
//! and listed by an operator, usable at once by a new user, disabled and enabled; bad input
//! changes nothing; vendor users are refused.

use serde_json::json;

use super::calls::{
    act, assert_bad_request, billing_care_sign_in, create_tenant, create_user, get, post, raw,
};
use super::support::{answer, operator_app};

#[tokio::test]
async fn a_tenant_and_user_created_by_an_operator_can_call_a_vendor_api_at_once() {
    let app = operator_app(|_| {}).await;
    let tenant = create_tenant(&app, "initech").await;
    assert_eq!(tenant.json["code"], "initech");
    assert_eq!(tenant.json["timezone"], "Europe/London");
    assert_eq!(tenant.json["disabled"], false);
    assert_eq!(tenant.headers["cache-control"], "no-store");
    let (user, password) = create_user(&app, "initech", "initech-bc", &["billing_care"]).await;
    assert_eq!(user["tenant"], "initech");
    assert_eq!(user["apis"], json!(["billing_care"]));
    assert_eq!(password.len(), 22, "128 random bits, base64url");
    assert_eq!(
        billing_care_sign_in(&app, "initech-bc", &password).await,
        200
    );
    assert_eq!(
        billing_care_sign_in(&app, "initech-bc", "wrong-password").await,
        401
    );
    // The tenant reads back as created; absent codes are 404 problems.
    let read = get(&app, "/tenants/initech").await;
    assert_eq!(read.status, 200, "{}", read.json);
    assert_eq!(read.json["name"], "initech Ltd");
    let missing = get(&app, "/tenants/nobody").await;
    assert_eq!(missing.status, 404, "{}", missing.json);
    assert_eq!(missing.content_type, "application/problem+json");
}

#[tokio::test]
async fn tenants_are_listed_by_code_in_capped_pages() {
    let app = operator_app(|_| {}).await;
    create_tenant(&app, "initech").await;
    let first = get(&app, "/tenants?limit=2").await;
    assert_eq!(first.status, 200, "{}", first.json);
    let codes = |page: &serde_json::Value| -> Vec<String> {
        page["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&first.json), ["acme", "globex"]);
    assert_eq!(first.json["next"], "globex");
    let second = get(&app, "/tenants?limit=2&after=globex").await;
    assert_eq!(codes(&second.json), ["initech"]);
    assert!(second.json.get("next").is_none(), "{}", second.json);
    assert_bad_request(&get(&app, "/tenants?limit=501").await, "limit");
    assert_bad_request(&get(&app, "/tenants?limit=0").await, "limit");
    assert_bad_request(&get(&app, "/tenants?page=2").await, "unknown parameter");
}

#[tokio::test]
async fn bad_tenants_are_400_problems_and_nothing_is_written() {
    let app = operator_app(|_| {}).await;
    let bad = [
        (json!({ "code": "a b", "name": "Spaces" }), "tenant code"),
        (json!({ "code": "ok", "name": "" }), "name"),
        (
            json!({ "code": "ok", "name": "Zoned", "timezone": "Mars/Olympus" }),
            "timezone",
        ),
        (
            json!({ "code": "ok", "name": "Extra", "colour": "red" }),
            "unknown field",
        ),
        (json!({ "name": "No code" }), "code"),
    ];
    for (body, field) in bad {
        assert_bad_request(&post(&app, "/tenants", body).await, field);
    }
    assert_bad_request(&raw(&app, "POST", "/tenants", "{not json").await, "body");
    // A code in use is a conflict, and the tenant keeps its name.
    let taken = post(
        &app,
        "/tenants",
        json!({ "code": "acme", "name": "Impostor" }),
    )
    .await;
    assert_eq!(taken.status, 409, "{}", taken.json);
    assert_eq!(taken.content_type, "application/problem+json");
    let all = get(&app, "/tenants").await;
    let tenants = all.json["tenants"].as_array().unwrap();
    assert_eq!(tenants.len(), 2, "{}", all.json);
    assert_eq!(
        get(&app, "/tenants/acme").await.json["name"],
        "Acme Fitness Group"
    );
}

#[tokio::test]
async fn a_disabled_tenants_users_are_refused_until_it_is_enabled() {
    let app = operator_app(|_| {}).await;
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
    let disabled = act(&app, "/tenants/acme/disable").await;
    assert_eq!(disabled.status, 200, "{}", disabled.json);
    assert_eq!(disabled.json["disabled"], true);
    // Refused at once, though the password was just verified (and cached).
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        401
    );
    // Another tenant's users are untouched.
    assert_eq!(
        billing_care_sign_in(&app, "gx-all", "Globex-Pass-2024").await,
        200
    );
    // Disabling again changes nothing.
    assert_eq!(
        act(&app, "/tenants/acme/disable").await.json["disabled"],
        true
    );
    let enabled = act(&app, "/tenants/acme/enable").await;
    assert_eq!(enabled.json["disabled"], false, "{}", enabled.json);
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
    assert_eq!(act(&app, "/tenants/nobody/disable").await.status, 404);
}

#[tokio::test]
async fn vendor_users_and_anonymous_callers_get_401_at_every_new_endpoint() {
    // Each refused vendor password is a failed operator sign-in from this client: without a
    // higher threshold the throttle would answer 429 long before the last path.
    let app = operator_app(|s| {
        s.service.auth.failure_delay = std::time::Duration::ZERO;
        s.service.auth.throttle.per_source_threshold = 1000;
        s.service.auth.throttle.per_user_threshold = 1000;
    })
    .await;
    let paths = [
        ("GET", "/admin/v1/tenants"),
        ("POST", "/admin/v1/tenants"),
        ("GET", "/admin/v1/tenants/acme"),
        ("POST", "/admin/v1/tenants/acme/disable"),
        ("GET", "/admin/v1/tenants/acme/users"),
        ("POST", "/admin/v1/tenants/acme/users"),
        ("POST", "/admin/v1/tenants/acme/users/ds-gym/password"),
        ("POST", "/admin/v1/tenants/acme/users/ds-gym/api-key"),
        ("DELETE", "/admin/v1/tenants/acme/users/ds-gym/api-key"),
        ("PUT", "/admin/v1/tenants/acme/users/ds-gym/apis"),
        ("POST", "/admin/v1/tenants/acme/users/ds-gym/disable"),
        ("GET", "/admin/v1/accounts?tenant=acme&q=DS1000001"),
        (
            "GET",
            "/admin/v1/accounts/a0000000-0000-4000-8000-000000000001",
        ),
        ("GET", "/admin/v1/audit?entity=tenant:acme"),
    ];
    for (method, path) in paths {
        for credentials in [
            Some(("gx-all", "Globex-Pass-2024")),
            Some(("ds-gym", "Gym-Pass-2024")),
            None,
        ] {
            let mut request = app
                .client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                    app.url(path),
                )
                .header("Content-Type", "application/json")
                .body(r#"{"code":"evil","name":"Evil"}"#);
            if let Some((user, password)) = credentials {
                request = request.basic_auth(user, Some(password));
            }
            let reply = answer(request.send().await.unwrap()).await;
            assert_eq!(
                reply.status, 401,
                "{method} {path} {credentials:?}: {}",
                reply.json
            );
            assert_eq!(reply.content_type, "application/problem+json");
        }
    }
    // Nothing was changed by the refused calls.
    assert_eq!(get(&app, "/tenants/evil").await.status, 404);
    assert_eq!(
        billing_care_sign_in(&app, "bc-client", "Bc-Secret-2024").await,
        200
    );
}
