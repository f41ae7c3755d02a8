//! WS-Security UsernameToken on the SOAP endpoint (issue 17, item 2; docs/debitsuccess.md
//! "WS-Security"): a WCF or Java client's `wsse:Security` header signs the caller in; failures
//! are WSS 1.0 §12 faults that change nothing.

use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use billing_compat::domain::clock::Clock;
use billing_compat::service::auth::username_token::password_digest;
use billing_compat::service::jobs::WorkerSettings;
use billing_compat::service::retention;
use billing_compat::service::{ServiceSettings, Services};
use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::support::client::*;
use super::support::tree;
use crate::helpers::{spawn_app, spawn_app_with, spawn_on, TestApp};

const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const TEXT: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
const DIGEST: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
const DIGEST_USER: &str = "ds-digest";
const DIGEST_PASSWORD: &str = "Digest-Pass-2024";

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn fresh_nonce() -> Vec<u8> {
    uuid::Uuid::new_v4().as_bytes().to_vec()
}

/// A UsernameToken, as WCF or WSS4J writes it.
#[derive(Clone)]
struct Token {
    username: String,
    password: String,
    digest: bool,
    nonce: Option<Vec<u8>>,
    created: Option<String>,
}

impl Token {
    fn text(username: &str, password: &str) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            digest: false,
            nonce: None,
            created: None,
        }
    }

    /// A digest token with a fresh nonce, created now.
    fn digest(username: &str, password: &str) -> Self {
        Self {
            digest: true,
            nonce: Some(fresh_nonce()),
            created: Some(stamp(Utc::now())),
            ..Self::text(username, password)
        }
    }

    fn xml(&self) -> String {
        let password = match self.digest {
            true => {
                let digest = password_digest(
                    self.nonce.as_deref().unwrap_or_default(),
                    self.created.as_deref().unwrap_or_default(),
                    &self.password,
                );
                format!(
                    "<wsse:Password Type=\"{DIGEST}\">{}</wsse:Password>",
                    STANDARD.encode(digest)
                )
            }
            false => format!(
                "<wsse:Password Type=\"{TEXT}\">{}</wsse:Password>",
                escape(&self.password)
            ),
        };
        let nonce = self.nonce.as_ref().map_or(String::new(), |n| {
            format!("<wsse:Nonce>{}</wsse:Nonce>", STANDARD.encode(n))
        });
        let created = self
            .created
            .as_ref()
            .map_or(String::new(), |c| format!("<wsu:Created>{c}</wsu:Created>"));
        format!(
            "<wsse:UsernameToken><wsse:Username>{}</wsse:Username>{password}{nonce}{created}</wsse:UsernameToken>",
            escape(&self.username)
        )
    }
}

fn timestamp(created: DateTime<Utc>, expires: DateTime<Utc>) -> String {
    format!(
        "<wsu:Timestamp><wsu:Created>{}</wsu:Created><wsu:Expires>{}</wsu:Expires></wsu:Timestamp>",
        stamp(created),
        stamp(expires)
    )
}

/// A `wsse:Security` header (mustUnderstand, as WCF sends it) holding `content`.
fn security(soap_ns: &str, content: &str) -> String {
    let _ = soap_ns;
    format!(
        "<soapenv:Header><wsse:Security soapenv:mustUnderstand=\"1\" xmlns:wsse=\"{WSSE}\" \
         xmlns:wsu=\"{WSU}\">{content}</wsse:Security></soapenv:Header>"
    )
}

async fn send(app: &TestApp, soap_ns: &str, request: &Request, header: &str) -> (u16, String) {
    let envelope = request
        .envelope(soap_ns)
        .replacen("<soapenv:Header/>", header, 1);
    let operation = action(request.operation);
    let (status, _, body) = if soap_ns == SOAP11 {
        post_soap(app, "text/xml; charset=utf-8", Some(&operation), envelope).await
    } else {
        let ct = format!("application/soap+xml; charset=utf-8; action=\"{operation}\"");
        post_soap(app, &ct, None, envelope).await
    };
    (status, body)
}

async fn call_secured(app: &TestApp, soap_ns: &str, request: &Request, content: &str) -> Outcome {
    let (status, body) = send(app, soap_ns, request, &security(soap_ns, content)).await;
    let ct = match soap_ns == SOAP11 {
        true => "text/xml; charset=utf-8",
        false => "application/soap+xml; charset=utf-8",
    };
    soap_outcome(status, ct.into(), body, soap_ns)
}

/// The WSS fault a request came to: (HTTP status, namespace and local name of the code,
/// reason). SOAP 1.1: `faultcode` is the QName; SOAP 1.2: `Sender` with it as Subcode.
async fn fault_of(
    app: &TestApp,
    soap_ns: &str,
    request: &Request,
    content: &str,
) -> (u16, String, String) {
    let (status, body) = send(app, soap_ns, request, &security(soap_ns, content)).await;
    let envelope = tree::parse(&body);
    let fault = envelope.child("Body").child("Fault");
    let (code, reason) = if soap_ns == SOAP11 {
        (
            fault.child("faultcode").text.clone(),
            fault.child("faultstring").text.clone(),
        )
    } else {
        let code = fault.child("Code");
        assert_eq!(code.child("Value").text, "s:Sender", "{body}");
        (
            code.child("Subcode").child("Value").text.clone(),
            fault.child("Reason").child("Text").text.clone(),
        )
    };
    // The QName's prefix is declared, to the WSS namespace of the code.
    let (prefix, local) = code.split_once(':').expect("a QName");
    let ns = if prefix == "wsu" { WSU } else { WSSE };
    assert!(body.contains(&format!("xmlns:{prefix}=\"{ns}\"")), "{body}");
    assert_eq!(status, if soap_ns == SOAP11 { 500 } else { 400 }, "{body}");
    (status, format!("{prefix}:{local}"), reason)
}

fn read_account() -> Request {
    Request::get_account("DS1000001").user(None)
}

#[tokio::test]
async fn a_password_text_token_signs_in_with_and_without_a_body_user_on_both_soap_versions() {
    let app = spawn_app().await;
    let now = Utc::now();
    for soap_ns in [SOAP11, SOAP12] {
        let token = Token::text(USER, PASSWORD).xml();
        let header = format!("{}{token}", timestamp(now, now + Duration::minutes(5)));
        let alone = call_secured(&app, soap_ns, &read_account(), &header).await;
        assert_eq!(alone.status, "Succeed", "{}", alone.body);
        let with_user = Request::get_account("DS1000001").user(Some((USER, PASSWORD)));
        let both = call_secured(&app, soap_ns, &with_user, &header).await;
        assert_eq!(both.status, "Succeed", "{}", both.body);
        // A body naming the same user without a password is fine too.
        let named = Request::get_account("DS1000001").user(Some((USER, "")));
        let named = call_secured(&app, soap_ns, &named, &header).await;
        assert_eq!(named.status, "Succeed", "{}", named.body);
    }
}

#[tokio::test]
async fn a_wrong_body_password_beside_a_good_token_is_still_02() {
    let app = spawn_app().await;
    let request = Request::get_account("DS1000001").user(Some((USER, "not-the-password")));
    let outcome = call_secured(&app, SOAP11, &request, &Token::text(USER, PASSWORD).xml()).await;
    assert_eq!(outcome.status, "Failed");
    assert_eq!(outcome.codes(), ["02"], "{}", outcome.body);
}

#[tokio::test]
async fn the_sample_wcf_request_is_answered() {
    let app = spawn_app().await;
    let sample = std::fs::read_to_string("fixtures/debitsuccess/wcf-username-token.xml").unwrap();
    let now = Utc::now();
    let sample = sample
        .replace("2024-05-01T10:00:00.000Z", &stamp(now))
        .replace(
            "2024-05-01T10:05:00.000Z",
            &stamp(now + Duration::minutes(5)),
        );
    let (status, ct, body) = post_soap(
        &app,
        "text/xml; charset=utf-8",
        Some(&format!("\"{}\"", action(GET_ACCOUNT))),
        sample,
    )
    .await;
    let outcome = soap_outcome(status, ct, body, SOAP11);
    assert_eq!(outcome.status, "Succeed", "{}", outcome.body);
}

#[tokio::test]
async fn a_password_digest_signs_in_the_digest_user() {
    let app = spawn_app().await;
    for soap_ns in [SOAP11, SOAP12] {
        let token = Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
        let outcome = call_secured(&app, soap_ns, &read_account(), &token).await;
        assert_eq!(outcome.status, "Succeed", "{}", outcome.body);
    }
}

#[tokio::test]
async fn a_wrong_password_a_wrong_digest_and_an_unknown_user_get_the_same_fault() {
    let app = spawn_app().await;
    let tokens = [
        Token::text(USER, "Wrong-Pass-2024"),
        Token::digest(DIGEST_USER, "Wrong-Pass-2024"),
        Token::text("nobody-here", PASSWORD),
        Token::digest("nobody-here", DIGEST_PASSWORD),
    ];
    let mut answers = Vec::new();
    for token in tokens {
        answers.push(fault_of(&app, SOAP11, &read_account(), &token.xml()).await);
    }
    assert_eq!(answers[0].1, "wsse:FailedAuthentication");
    for answer in &answers {
        assert_eq!(answer, &answers[0], "the same answer whatever was wrong");
        assert!(!answer.2.contains("nobody-here"), "{}", answer.2);
    }
}

#[tokio::test]
async fn a_digest_for_a_user_without_a_digest_secret_is_refused() {
    let app = spawn_app().await;
    let token = Token::digest(USER, PASSWORD).xml();
    let (_, code, _) = fault_of(&app, SOAP12, &read_account(), &token).await;
    assert_eq!(code, "wsse:FailedAuthentication");
}

#[tokio::test]
async fn a_digest_without_a_nonce_or_a_created_is_refused_as_replayable() {
    let app = spawn_app().await;
    let without_nonce = Token {
        nonce: None,
        ..Token::digest(DIGEST_USER, DIGEST_PASSWORD)
    };
    let without_created = Token {
        created: None,
        ..Token::digest(DIGEST_USER, DIGEST_PASSWORD)
    };
    for token in [without_nonce, without_created] {
        let (_, code, reason) = fault_of(&app, SOAP11, &read_account(), &token.xml()).await;
        assert_eq!(code, "wsse:InvalidSecurity");
        assert!(reason.contains("Nonce and a Created"), "{reason}");
    }
}

#[tokio::test]
async fn a_stale_or_future_created_and_a_passed_expires_are_message_expired() {
    let app = spawn_app().await;
    let now = Utc::now();
    let at = |created| Token {
        created: Some(stamp(created)),
        ..Token::digest(DIGEST_USER, DIGEST_PASSWORD)
    };
    let cases = [
        at(now - Duration::minutes(6)).xml(),
        at(now + Duration::minutes(6)).xml(),
        format!(
            "{}{}",
            timestamp(now - Duration::minutes(4), now - Duration::seconds(1)),
            Token::text(USER, PASSWORD).xml()
        ),
        format!(
            "{}{}",
            timestamp(now - Duration::minutes(10), now + Duration::minutes(1)),
            Token::text(USER, PASSWORD).xml()
        ),
    ];
    for (i, content) in cases.iter().enumerate() {
        let (_, code, _) = fault_of(&app, SOAP12, &read_account(), content).await;
        assert_eq!(code, "wsu:MessageExpired", "case {i}");
    }
    let malformed = "<wsu:Timestamp><wsu:Created>yesterday</wsu:Created></wsu:Timestamp>";
    let (_, code, _) = fault_of(&app, SOAP11, &read_account(), malformed).await;
    assert_eq!(code, "wsse:InvalidSecurity");
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let app = spawn_app().await;
    let token = Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
    let first = call_secured(&app, SOAP11, &read_account(), &token).await;
    assert_eq!(first.status, "Succeed", "{}", first.body);
    let (_, code, reason) = fault_of(&app, SOAP11, &read_account(), &token).await;
    assert_eq!(code, "wsse:FailedAuthentication");
    assert!(reason.contains("replayed"), "{reason}");
    // The same nonce from another user is that user's own.
    let text = Token {
        nonce: Some(fresh_nonce()),
        created: Some(stamp(Utc::now())),
        ..Token::text(USER, PASSWORD)
    };
    assert_eq!(
        call_secured(&app, SOAP11, &read_account(), &text.xml())
            .await
            .status,
        "Succeed"
    );
    let (_, code, _) = fault_of(&app, SOAP11, &read_account(), &text.xml()).await;
    assert_eq!(code, "wsse:FailedAuthentication");
}

#[tokio::test]
#[ignore = "PostgreSQL only: run with TEST_DATABASE_URL=postgres://… and -- --include-ignored"]
async fn a_nonce_accepted_by_one_instance_is_refused_by_another_on_the_same_database() {
    let first = spawn_app().await;
    crate::helpers::require_postgres(&first.db);
    let second = spawn_on(first.db.clone(), |_| {}).await;
    let token = Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
    let accepted = call_secured(&first, SOAP11, &read_account(), &token).await;
    assert_eq!(accepted.status, "Succeed", "{}", accepted.body);
    let (_, code, reason) = fault_of(&second, SOAP11, &read_account(), &token).await;
    assert_eq!(code, "wsse:FailedAuthentication");
    assert!(reason.contains("replayed"), "{reason}");
}

#[tokio::test]
async fn header_and_body_naming_different_users_are_refused() {
    let app = spawn_app().await;
    let request = Request::get_account("DS1000001").user(Some(("gx-all", "Globex-Pass-2024")));
    let (_, code, reason) =
        fault_of(&app, SOAP11, &request, &Token::text(USER, PASSWORD).xml()).await;
    assert_eq!(code, "wsse:FailedAuthentication");
    assert!(reason.contains("differ"), "{reason}");
}

/// A server whose throttle opens a minute-long window after two failures.
async fn throttled_app() -> TestApp {
    spawn_app_with(|settings| {
        let throttle = &mut settings.service.auth.throttle;
        throttle.per_user_threshold = 2;
        throttle.per_source_threshold = 2;
        throttle.base_window = std::time::Duration::from_secs(60);
    })
    .await
}

#[tokio::test]
async fn header_failures_are_throttled_and_then_refused_without_a_hash() {
    let app = throttled_app().await;
    for guess in ["Guess-One-2024", "Guess-Two-2024"] {
        let (_, code, _) = fault_of(
            &app,
            SOAP11,
            &read_account(),
            &Token::text(USER, guess).xml(),
        )
        .await;
        assert_eq!(code, "wsse:FailedAuthentication");
    }
    // The right password, never verified before, from the guessing source: refused with the
    // same fault, without hashing.
    let hashes = app.services.auth.hashes_verified();
    let (_, code, _) = fault_of(
        &app,
        SOAP11,
        &read_account(),
        &Token::text(USER, PASSWORD).xml(),
    )
    .await;
    assert_eq!(code, "wsse:FailedAuthentication");
    assert_eq!(app.services.auth.hashes_verified(), hashes);
    // A right digest is throttled by the same record.
    let (_, code, _) = fault_of(
        &app,
        SOAP11,
        &read_account(),
        &Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml(),
    )
    .await;
    assert_eq!(code, "wsse:FailedAuthentication");
}

#[tokio::test]
async fn digest_failures_count_towards_the_throttle() {
    let app = throttled_app().await;
    for _ in 0..2 {
        let token = Token::digest(DIGEST_USER, "Wrong-Pass-2024").xml();
        fault_of(&app, SOAP11, &read_account(), &token).await;
    }
    let right = Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
    let (_, code, _) = fault_of(&app, SOAP11, &read_account(), &right).await;
    assert_eq!(code, "wsse:FailedAuthentication");
}

#[tokio::test]
async fn a_digest_user_already_verified_keeps_signing_in_while_its_source_is_throttled() {
    let app = throttled_app().await;
    let right = || Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
    let signed_in = |body: &str| body.contains(">00<");
    let (status, body) = send(&app, SOAP11, &read_account(), &security(SOAP11, &right())).await;
    assert!(status == 200 && signed_in(&body), "{body}");
    // A guesser from the same address (one NAT) opens a window …
    for _ in 0..2 {
        let token = Token::digest(DIGEST_USER, "Wrong-Pass-2024").xml();
        fault_of(&app, SOAP11, &read_account(), &token).await;
    }
    let wrong = Token::digest(DIGEST_USER, "Another-Guess-2024").xml();
    let (_, code, _) = fault_of(&app, SOAP11, &read_account(), &wrong).await;
    assert_eq!(code, "wsse:FailedAuthentication");
    // … and the integration's next digest, with a fresh nonce, still passes.
    let (status, body) = send(&app, SOAP11, &read_account(), &security(SOAP11, &right())).await;
    assert!(status == 200 && signed_in(&body), "{body}");
}

#[tokio::test]
async fn unsupported_tokens_are_faults_not_ignored() {
    let app = spawn_app().await;
    let token = Token::text(USER, PASSWORD).xml();
    let cases = [
        (
            format!("<wsse:BinarySecurityToken>AAAA</wsse:BinarySecurityToken>{token}"),
            "wsse:UnsupportedSecurityToken",
        ),
        (
            format!("{token}<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>"),
            "wsse:UnsupportedAlgorithm",
        ),
        (
            token.replace(TEXT, "urn:example:PasswordHash"),
            "wsse:UnsupportedSecurityToken",
        ),
        (format!("{token}{token}"), "wsse:InvalidSecurity"),
        (
            format!(
                "<wsse:UsernameToken><wsse:Username>{USER}</wsse:Username><wsse:Password>{PASSWORD}</wsse:Password>\
                 <wsse:Nonce>{}</wsse:Nonce></wsse:UsernameToken>",
                STANDARD.encode([7u8; 65])
            ),
            "wsse:InvalidSecurity",
        ),
    ];
    for (content, expected) in cases {
        let (_, code, _) = fault_of(&app, SOAP11, &read_account(), &content).await;
        assert_eq!(code, expected, "{content}");
    }
    // A second Security block for us.
    let block = security(SOAP11, &token);
    let inner = block
        .trim_start_matches("<soapenv:Header>")
        .trim_end_matches("</soapenv:Header>");
    let twice = format!("<soapenv:Header>{inner}{inner}</soapenv:Header>");
    let (status, body) = send(&app, SOAP11, &read_account(), &twice).await;
    assert_eq!(status, 500);
    assert!(body.contains("wsse:InvalidSecurity"), "{body}");
}

#[tokio::test]
async fn a_refused_header_changes_nothing() {
    let app = spawn_app().await;
    let before = account(&app, "acme", "DS1000001").await;
    let adjust = Request::adjust("DS1000001", "2031-12-31").user(None);
    for token in [
        Token::text(USER, "Wrong-Pass-2024"),
        Token::digest(USER, PASSWORD),
    ] {
        fault_of(&app, SOAP11, &adjust, &token.xml()).await;
    }
    assert_eq!(account(&app, "acme", "DS1000001").await, before);
    assert!(audit(&app, "acme").await.is_empty());
    // The same request with a good token does change it.
    let done = call_secured(&app, SOAP11, &adjust, &Token::text(USER, PASSWORD).xml()).await;
    assert_eq!(done.status, "Succeed", "{}", done.body);
    assert_ne!(account(&app, "acme", "DS1000001").await, before);
}

struct Manual(Mutex<DateTime<Utc>>);

impl Clock for Manual {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

#[tokio::test]
async fn accepted_nonces_are_purged_once_their_window_has_passed() {
    let app = spawn_app().await;
    let token = Token::digest(DIGEST_USER, DIGEST_PASSWORD).xml();
    assert_eq!(
        call_secured(&app, SOAP11, &read_account(), &token)
            .await
            .status,
        "Succeed"
    );
    let clock = Arc::new(Manual(Mutex::new(Utc::now())));
    let services = Services::with_clock(app.store(), ServiceSettings::default(), clock.clone());
    let settings = WorkerSettings::default();
    assert_eq!(
        retention::purge(&services, &settings).await.unwrap().nonces,
        0
    );
    *clock.0.lock().unwrap() = Utc::now() + Duration::minutes(11);
    assert_eq!(
        retention::purge(&services, &settings).await.unwrap().nonces,
        1
    );
    assert_eq!(
        retention::purge(&services, &settings).await.unwrap().nonces,
        0
    );
}
