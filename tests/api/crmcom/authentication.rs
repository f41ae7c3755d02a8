//! `POST authentication/token`: organisation first, then one answer for every credential
//! fault, never across organisations; the token is random and stored hashed.

use billing_compat::domain::tenant::TenantCode;
use billing_compat::domain::token::TokenKind;
use billing_compat::service::auth::hash_api_key;
use serde_json::{json, Value};

use super::{assert_error, assert_ok, login, post, BASE};
use crate::helpers::spawn_app;

fn login_body(username: &str, password: &str, organisation: &str) -> Value {
    json!({"username": username, "password": password, "organisation": organisation})
}

async fn try_login(app: &crate::helpers::TestApp, body: Value) -> (u16, Value) {
    post(app, &format!("{BASE}/authentication/token"), &body).await
}

#[tokio::test]
async fn a_user_of_the_organisation_gets_a_random_token_stored_only_as_its_hash() {
    let app = spawn_app().await;
    let data = assert_ok(try_login(&app, login_body("crm-agent", "Crm-Pass-2024", "acme")).await);
    let token = data["token"].as_str().unwrap().to_owned();
    assert_eq!(data.as_object().unwrap().len(), 1, "{data}");
    assert_eq!(token.len(), 64);
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase()));
    let second = assert_ok(try_login(&app, login_body("crm-agent", "Crm-Pass-2024", "acme")).await);
    assert_ne!(
        second["token"],
        token.as_str(),
        "each login issues a new token"
    );

    let mut tx = app.store().read().await.unwrap();
    let stored = tx
        .token(TokenKind::Crmcom, &hash_api_key(&token))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(stored.hash, token);
    assert!(tx.token(TokenKind::Crmcom, &token).await.unwrap().is_none());
    let acme = tx
        .tenant_by_code(&TenantCode::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.tenant, acme.id);
    assert_eq!(stored.unit.unwrap().as_str(), "HQ", "the default unit");
    let idle = stored.expires_at - stored.issued_at;
    assert_eq!(idle, chrono::Duration::hours(1), "one hour idle by default");
}

#[tokio::test]
async fn the_unit_given_at_login_is_recorded_and_a_bad_unit_is_refused() {
    let app = spawn_app().await;
    let mut body = login_body("crm-agent", "Crm-Pass-2024", "acme");
    body["unit"] = json!(" Call Centre ");
    let data = assert_ok(try_login(&app, body.clone()).await);
    let mut tx = app.store().read().await.unwrap();
    let stored = tx
        .token(
            TokenKind::Crmcom,
            &hash_api_key(data["token"].as_str().unwrap()),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.unit.unwrap().as_str(), "Call Centre");

    body["unit"] = json!("x".repeat(101));
    assert_error(
        &try_login(&app, body).await,
        "InvalidParameterException",
        "unit: must be 1-100 printable characters",
    );
}

#[tokio::test]
async fn wrong_password_unknown_user_and_a_user_without_crmcom_get_one_answer() {
    let app = spawn_app().await;
    for (user, pass) in [
        ("crm-agent", "wrong"),
        ("nobody", "Crm-Pass-2024"),
        ("ds-gym", "Gym-Pass-2024"),
    ] {
        assert_error(
            &try_login(&app, login_body(user, pass, "acme")).await,
            "InvalidCredentialsException",
            "invalid username, password or organisation",
        );
    }
    // ds-readonly is a CRM.COM-only user of acme.
    assert_ok(try_login(&app, login_body("ds-readonly", "NoSoap-2024", "acme")).await);
}

#[tokio::test]
async fn a_user_of_another_organisation_never_logs_in_to_this_one() {
    let app = spawn_app().await;
    assert_error(
        &try_login(&app, login_body("gx-all", "Globex-Pass-2024", "acme")).await,
        "InvalidCredentialsException",
        "invalid username, password or organisation",
    );
    assert_error(
        &try_login(&app, login_body("crm-agent", "Crm-Pass-2024", "globex")).await,
        "InvalidCredentialsException",
        "invalid username, password or organisation",
    );
    assert_ok(try_login(&app, login_body("gx-all", "Globex-Pass-2024", "globex")).await);
}

#[tokio::test]
async fn an_unknown_organisation_is_named_as_such_before_credentials_are_checked() {
    let app = spawn_app().await;
    for organisation in ["initech", "not a code"] {
        assert_error(
            &try_login(&app, login_body("crm-agent", "wrong", organisation)).await,
            "UnknownOrganisationException",
            &format!("organisation '{organisation}' does not exist"),
        );
    }
}

#[tokio::test]
async fn each_missing_mandatory_parameter_is_named() {
    let app = spawn_app().await;
    for (field, body) in [
        ("username", json!({"password": "p", "organisation": "acme"})),
        (
            "password",
            json!({"username": "u", "password": "  ", "organisation": "acme"}),
        ),
        (
            "organisation",
            json!({"username": "u", "password": "p", "organisation": null}),
        ),
    ] {
        assert_error(
            &try_login(&app, body).await,
            "MissingParameterException",
            &format!("{field} is mandatory"),
        );
    }
}

#[tokio::test]
async fn login_works_in_xml_and_answers_in_xml() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(&format!("{BASE}/authentication/token")))
        .header("Content-Type", "application/xml")
        .body(
            "<request><username>crm-agent</username><password>Crm-Pass-2024</password>\
             <organisation>acme</organisation><unit>HQ</unit></request>",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let text = response.text().await.unwrap();
    let prefix = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><data><token>";
    let suffix =
        "</token></data><status><code>OK</code><message/><description/></status></response>";
    assert!(text.starts_with(prefix) && text.ends_with(suffix), "{text}");
    assert_eq!(text.len(), prefix.len() + 64 + suffix.len());
}

#[tokio::test]
async fn an_xml_error_is_the_same_envelope_with_an_empty_data_element() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(&format!("{BASE}/authentication/token")))
        .header("Content-Type", "application/json")
        .header("Accept", "application/xml")
        .body(r#"{"username":"crm-agent","password":"x","organisation":"acme"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><response><data/><status>\
         <code>InvalidCredentialsException</code>\
         <message>invalid username, password or organisation</message>\
         <description>The username, password or organisation is not valid</description>\
         </status></response>"
    );
}

#[tokio::test]
async fn unreadable_bodies_get_4xx_in_the_crmcom_envelope() {
    let app = spawn_app().await;
    let url = app.url(&format!("{BASE}/authentication/token"));
    let cases = [
        (
            "application/json",
            "{not json",
            400,
            "InvalidRequestException",
        ),
        (
            "application/json",
            r#"{"username": 5}"#,
            400,
            "InvalidRequestException",
        ),
        ("application/json", "[]", 400, "InvalidRequestException"),
        // serde would read a struct from its fields in order; CRM.COM bodies are objects.
        (
            "application/json",
            r#"["crm-agent", "Crm-Pass-2024", "acme", null]"#,
            400,
            "InvalidRequestException",
        ),
        ("application/json", "null", 400, "InvalidRequestException"),
        (
            "application/xml",
            "<!DOCTYPE x><request/>",
            400,
            "InvalidRequestException",
        ),
        (
            "text/plain",
            "username=crm-agent",
            415,
            "UnsupportedMediaTypeException",
        ),
    ];
    for (content_type, body, http, code) in cases {
        let response = app
            .client
            .post(&url)
            .header("Content-Type", content_type)
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), http, "{body}");
        let reply: Value = response.json().await.unwrap();
        assert_eq!(reply["data"], Value::Null);
        assert_eq!(reply["status"]["code"], code, "{body}: {reply}");
        assert!(!reply["status"]["message"].as_str().unwrap().is_empty());
    }
    let response = app
        .client
        .post(&url)
        .header("Accept", "text/html")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);
    let reply: Value = response.json().await.unwrap();
    assert_eq!(reply["status"]["code"], "NotAcceptableException");
}

#[tokio::test]
async fn other_methods_on_a_crmcom_path_answer_405() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url(&format!("{BASE}/authentication/token")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let response = app
        .client
        .delete(app.url(super::SHOW))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    // And a login still works.
    login(&app).await;
}
