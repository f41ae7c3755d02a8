//! Operators and the admin API's authentication (issue 18 item 1): HTTP Basic or an
//! operator bearer token; vendor API users are refused there, and operators' credentials
//! open no vendor API.

use std::time::Duration;

use super::support::{answer, events, operator_app, Answer, EVENTS, OPERATOR, TOKENS};
use crate::helpers::TestApp;

async fn get_events(
    app: &TestApp,
    auth: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> Answer {
    answer(auth(app.client.get(app.url(EVENTS))).send().await.unwrap()).await
}

async fn issue_token(app: &TestApp, name: &str, password: &str) -> Answer {
    let request = app
        .client
        .post(app.url(TOKENS))
        .basic_auth(name, Some(password));
    answer(request.send().await.unwrap()).await
}

fn assert_unauthorized(answer: &Answer) {
    assert_eq!(answer.status, 401, "{}", answer.json);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(answer.json["status"], 401);
    let challenge = answer.headers["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Basic ") && challenge.contains("Bearer "),
        "{challenge}"
    );
}

#[tokio::test]
async fn an_operator_reads_the_feed_with_basic_credentials() {
    let app = operator_app(|_| {}).await;
    let page = events(&app, "").await;
    assert_eq!(page.status, 200, "{}", page.json);
    assert!(page.json["events"].is_array());
    assert_eq!(page.json["next"], "0-0");
}

#[tokio::test]
async fn a_token_issued_for_basic_credentials_reads_the_feed_as_a_bearer() {
    let app = operator_app(|_| {}).await;
    let issued = issue_token(&app, OPERATOR.0, OPERATOR.1).await;
    assert_eq!(issued.status, 200, "{}", issued.json);
    assert_eq!(issued.headers["cache-control"], "no-store");
    assert_eq!(issued.json["token_type"], "Bearer");
    assert_eq!(issued.json["expires_in"], 3600);
    let expires_at = issued.json["expires_at"].as_str().unwrap();
    let expires_at = chrono::DateTime::parse_from_rfc3339(expires_at).unwrap();
    let lifetime = expires_at.signed_duration_since(chrono::Utc::now());
    assert!(lifetime > chrono::Duration::minutes(59) && lifetime <= chrono::Duration::hours(1));
    let token = issued.json["access_token"].as_str().unwrap().to_owned();
    let page = get_events(&app, |r| r.bearer_auth(&token)).await;
    assert_eq!(page.status, 200, "{}", page.json);
    // Only its hash is stored: a near miss is refused.
    let near = format!("{}x", &token[..token.len() - 1]);
    assert_unauthorized(&get_events(&app, |r| r.bearer_auth(&near)).await);
}

#[tokio::test]
async fn wrong_passwords_unknown_operators_and_no_credentials_get_a_401_problem() {
    let app = operator_app(|_| {}).await;
    assert_unauthorized(&get_events(&app, |r| r.basic_auth(OPERATOR.0, Some("wrong"))).await);
    assert_unauthorized(&get_events(&app, |r| r.basic_auth("nobody", Some(OPERATOR.1))).await);
    assert_unauthorized(&get_events(&app, |r| r).await);
    assert_unauthorized(&get_events(&app, |r| r.header("Authorization", "Digest x")).await);
    assert_unauthorized(&issue_token(&app, OPERATOR.0, "wrong").await);
}

#[tokio::test]
async fn vendor_api_users_get_401_at_the_admin_api() {
    let app = operator_app(|_| {}).await;
    for (user, password) in [("ds-gym", "Gym-Pass-2024"), ("gx-all", "Globex-Pass-2024")] {
        assert_unauthorized(&get_events(&app, |r| r.basic_auth(user, Some(password))).await);
        assert_unauthorized(&issue_token(&app, user, password).await);
    }
    for key in ["acme-flolive-key", "globex-all-key"] {
        assert_unauthorized(&get_events(&app, |r| r.bearer_auth(key)).await);
    }
}

#[tokio::test]
async fn operators_get_nothing_from_the_vendor_apis() {
    let app = operator_app(|_| {}).await;
    let (name, password) = OPERATOR;
    // floLIVE and Verizon take Basic; Billing Care's token endpoint takes Basic client
    // credentials; CRM.COM's login takes a JSON body.
    let flolive = app
        .client
        .get(app.url("/api/v2/request/00000000-0000-4000-8000-000000000000"))
        .basic_auth(name, Some(password))
        .send()
        .await
        .unwrap();
    assert_eq!(flolive.status(), 401);
    let verizon = app
        .client
        .post(app.url("/proquest/disconnectCustomerConfirmation?externalId=9001"))
        .basic_auth(name, Some(password))
        .header("Content-Type", "application/json")
        .body(r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(verizon.status(), 401);
    let billing_care = app
        .client
        .get(app.url("/bcws/webresources/v1.0/authentication/queryAccessToken"))
        .basic_auth(name, Some(password))
        .send()
        .await
        .unwrap();
    assert_eq!(billing_care.status(), 401);
    let crmcom = app
        .client
        .post(app.url("/crmapi/rest/v2/authentication/token"))
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"username":"{name}","password":"{password}","organisation":"acme"}}"#
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!crmcom.contains("\"token\""), "{crmcom}");
    // An operator token is not an API key either.
    let token = issue_token(&app, name, password).await.json["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let flolive = app
        .client
        .get(app.url("/api/v2/request/00000000-0000-4000-8000-000000000000"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(flolive.status(), 401);
}

#[tokio::test]
async fn an_operator_token_does_not_mint_tokens() {
    let app = operator_app(|_| {}).await;
    let token = issue_token(&app, OPERATOR.0, OPERATOR.1).await.json["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = app.client.post(app.url(TOKENS)).bearer_auth(&token);
    assert_unauthorized(&answer(request.send().await.unwrap()).await);
}

#[tokio::test]
async fn an_operator_keeps_ten_tokens_and_the_eleventh_revokes_the_oldest() {
    let app = operator_app(|_| {}).await;
    let mut tokens = Vec::new();
    for _ in 0..11 {
        let issued = issue_token(&app, OPERATOR.0, OPERATOR.1).await;
        tokens.push(issued.json["access_token"].as_str().unwrap().to_owned());
        // Issue times are stored to the microsecond; keep them apart.
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert_unauthorized(&get_events(&app, |r| r.bearer_auth(&tokens[0])).await);
    for token in &tokens[1..] {
        assert_eq!(get_events(&app, |r| r.bearer_auth(token)).await.status, 200);
    }
}

#[tokio::test]
async fn guessing_an_operator_password_is_throttled_like_a_vendor_password() {
    let app = operator_app(|s| {
        s.service.auth.failure_delay = Duration::ZERO;
        s.service.auth.throttle.per_user_threshold = 3;
        s.service.auth.throttle.base_window = Duration::from_secs(30);
    })
    .await;
    let mut statuses = Vec::new();
    for guess in ["a", "b", "c", "d"] {
        statuses.push(
            get_events(&app, |r| r.basic_auth(OPERATOR.0, Some(guess)))
                .await
                .status,
        );
    }
    assert_eq!(statuses[..3], [401, 401, 401]);
    let throttled = get_events(&app, |r| r.basic_auth(OPERATOR.0, Some("e"))).await;
    assert_eq!(throttled.status, 429, "{}", throttled.json);
    assert!(throttled.headers.contains_key("retry-after"));
    // Even the right password waits out the window (it was never verified before).
    let right = get_events(&app, |r| r.basic_auth(OPERATOR.0, Some(OPERATOR.1))).await;
    assert_eq!(right.status, 429);
}
