//! Issue 13 row 1: failed sign-ins are throttled per (username, client) and per client,
//! for a window that grows and expires; another client is unaffected; a pair of
//! credentials already verified is never throttled; every vendor answers a throttled
//! sign-in in its own credentials-failure format.
//!
//! Clients are told apart by `X-Forwarded-For` behind `--trust-proxy` (the right-most hop),
//! since every test connection comes from 127.0.0.1.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::helpers::{spawn_app_with, TestApp};

const STATUS_PATH: &str = "/api/v2/request/00000000-0000-4000-8000-000000000000";

async fn throttled_app(per_user: u32, per_source: u32, base_window: Duration) -> TestApp {
    spawn_app_with(|s| {
        s.proxy.enabled = true;
        let auth = &mut s.service.auth;
        auth.failure_delay = Duration::ZERO;
        auth.throttle.per_user_threshold = per_user;
        auth.throttle.per_source_threshold = per_source;
        auth.throttle.base_window = base_window;
        auth.throttle.max_window = Duration::from_secs(60);
    })
    .await
}

struct Reply {
    status: u16,
    retry_after: Option<String>,
    body: String,
}

/// floLIVE's request status with HTTP Basic, from `client`.
async fn flolive(app: &TestApp, client: &str, user: &str, password: &str) -> Reply {
    let basic = STANDARD.encode(format!("{user}:{password}"));
    let response = app
        .client
        .get(app.url(STATUS_PATH))
        .header("Authorization", format!("Basic {basic}"))
        .header("X-Forwarded-For", format!("203.0.113.250, {client}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    Reply {
        status,
        retry_after,
        body: response.text().await.unwrap(),
    }
}

const RIGHT: (&str, &str) = ("flo-parent", "Flo-Pass-2024");

#[tokio::test]
async fn the_window_opens_grows_and_expires_and_spares_other_clients_and_verified_pairs() {
    let app = throttled_app(3, 100, Duration::from_secs(1)).await;
    let attacker = "198.51.100.1";
    // The real integration has signed in from the same address before the attack.
    assert_eq!(flolive(&app, attacker, RIGHT.0, RIGHT.1).await.status, 404);

    for guess in ["a", "b", "c"] {
        let reply = flolive(&app, attacker, RIGHT.0, guess).await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    let hashes = app.services.auth.hashes_verified();
    let throttled = flolive(&app, attacker, RIGHT.0, "d").await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert_eq!(throttled.retry_after.as_deref(), Some("1"));
    assert!(throttled.body.contains("AUTH_1001"), "{}", throttled.body);
    assert!(
        throttled.body.contains("too many failed sign-ins"),
        "{}",
        throttled.body
    );
    assert_eq!(
        app.services.auth.hashes_verified(),
        hashes,
        "a throttled attempt is refused without hashing"
    );

    // The verified pair from the same address is never throttled.
    assert_eq!(flolive(&app, attacker, RIGHT.0, RIGHT.1).await.status, 404);
    // Another client, same username, wrong password: refused as usual, not throttled.
    assert_eq!(
        flolive(&app, "198.51.100.2", RIGHT.0, "x").await.status,
        401
    );

    // The window expires; the next failure opens a window twice as long.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(flolive(&app, attacker, RIGHT.0, "e").await.status, 401);
    let again = flolive(&app, attacker, RIGHT.0, "f").await;
    assert_eq!(again.status, 429);
    assert_eq!(again.retry_after.as_deref(), Some("2"));
}

#[tokio::test]
async fn a_client_rotating_usernames_is_throttled_and_unknown_users_count_alike() {
    let app = throttled_app(100, 4, Duration::from_secs(30)).await;
    let client = "198.51.100.7";
    for user in ["nobody-1", "nobody-2", "flo-parent", "nobody-3"] {
        assert_eq!(flolive(&app, client, user, "guess").await.status, 401);
    }
    assert_eq!(flolive(&app, client, "nobody-4", "guess").await.status, 429);
    assert_eq!(
        flolive(&app, client, "flo-parent", "guess").await.status,
        429
    );
    assert_eq!(
        flolive(&app, "198.51.100.8", "nobody-4", "guess")
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn unknown_and_known_usernames_are_answered_alike_in_time() {
    // The first try of each costs one hash; every repeat costs none (issue 13 row 3).
    let app = spawn_app_with(|s| s.service.auth.failure_delay = Duration::ZERO).await;
    for user in ["flo-parent", "nobody-at-all"] {
        let before = app.services.auth.hashes_verified();
        for _ in 0..3 {
            assert_eq!(flolive(&app, "127.0.0.1", user, "wrong").await.status, 401);
        }
        assert_eq!(app.services.auth.hashes_verified(), before + 1, "{user}");
    }
}

#[tokio::test]
async fn a_refused_password_is_answered_after_the_failure_delay() {
    let app = spawn_app_with(|s| {
        s.service.auth.failure_delay = Duration::from_millis(300);
    })
    .await;
    let started = Instant::now();
    assert_eq!(flolive(&app, "127.0.0.1", "nobody", "x").await.status, 401);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn every_vendor_answers_a_throttled_sign_in_in_its_own_format() {
    let app = throttled_app(1, 100, Duration::from_secs(30)).await;
    let client = "198.51.100.9";
    // One failure opens the window for this pair on every API (the throttle is shared).
    assert_eq!(flolive(&app, client, "ds-gym", "wrong").await.status, 401);

    // Debitsuccess: HTTP 200, Status Failed, code 02 with the wait in the note.
    let soap = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
        <GetCustomerAccountByAccountId xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core" >
        <a:User><a:Password>also-wrong</a:Password><a:Username>ds-gym</a:Username></a:User>
        <a:AccountId>1</a:AccountId></request></GetCustomerAccountByAccountId></s:Body></s:Envelope>"#;
    let response = app
        .client
        .post(app.url("/DSWebService/DSServices.svc"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"Debitsuccess.WebServices.WCF/IDSServices/GetCustomerAccountByAccountId\"",
        )
        .header("X-Forwarded-For", client)
        .body(soap)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains(">02<"), "{body}");
    assert!(body.contains("too many failed sign-ins"), "{body}");

    // Billing Care: its 401 INVALID_CREDENTIALS with Retry-After.
    let basic = STANDARD.encode("bc-client:also-wrong");
    let query_token = || {
        app.client
            .get(app.url("/bcws/webresources/v1.0/authentication/queryAccessToken"))
            .header("Authorization", format!("Basic {basic}"))
            .header("X-Forwarded-For", client)
            .send()
    };
    // bc-client has no failures of its own yet: a plain refusal first …
    let response = query_token().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(!response.headers().contains_key("retry-after"));
    // … then throttled, in Oracle's error shape.
    let response = query_token().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert!(response.headers().contains_key("retry-after"));
    let body = response.text().await.unwrap();
    assert!(body.contains("INVALID_CREDENTIALS"), "{body}");
    assert!(body.contains("too many failed sign-ins"), "{body}");

    // Verizon: MEF Error429 tooManyRequests.
    let basic = STANDARD.encode("ds-gym:also-wrong");
    let response = app
        .client
        .post(app.url("/proquest/disconnectCustomerConfirmation?externalId=1"))
        .header("Authorization", format!("Basic {basic}"))
        .header("Content-Type", "application/json")
        .header("X-Forwarded-For", client)
        .body(r#"{"acknowledgementRequest":[]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body = response.text().await.unwrap();
    assert!(body.contains("tooManyRequests"), "{body}");

    // CRM.COM: HTTP 200 with its credentials code, after a first plain refusal.
    let mut bodies = Vec::new();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/crmapi/rest/v2/authentication/token"))
            .header("X-Forwarded-For", client)
            .json(&serde_json::json!({
                "username": "crm-agent", "password": "also-wrong", "organisation": "acme"
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies[0].contains("InvalidCredentials"), "{}", bodies[0]);
    assert!(!bodies[0].contains("too many"), "{}", bodies[0]);
    assert!(bodies[1].contains("InvalidCredentials"), "{}", bodies[1]);
    assert!(
        bodies[1].contains("too many failed sign-ins"),
        "{}",
        bodies[1]
    );
}
