//! Every refusal, in MEF's `{code, reason, message, referenceError}`: the seed's four 400
//! codes for what they name, 401, 404, 409; none of them changes anything.

use super::support::*;
use crate::helpers::{spawn_app, TestApp};

/// Asserts that order 9001 is still as the demo data has it.
async fn untouched(app: &TestApp) {
    assert_eq!(
        order_view(app, "acme", 9001).await,
        (
            "acknowledged".into(),
            vec![
                ("CI-1".into(), "awaitingResponse".into()),
                ("CI-2".into(), "awaitingResponse".into())
            ]
        )
    );
    assert_eq!(disconnect_jobs(app).await, 0);
}

fn ok_body() -> String {
    answers(&[("CI-1", "accepted"), ("CI-2", "accepted")])
}

#[tokio::test]
async fn without_credentials_the_answer_is_missing_credentials_with_a_challenge() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "externalId=9001",
        Auth::None,
        "application/json",
        ok_body(),
    )
    .await;
    assert_eq!(
        response.headers()["www-authenticate"],
        "Basic realm=\"verizon\", Bearer realm=\"verizon\""
    );
    let reason = assert_mef(response, 401, "missingCredentials").await;
    assert_eq!(reason, "No credentials were provided");
    untouched(&app).await;
}

#[tokio::test]
async fn every_bad_credential_gets_the_same_invalid_credentials_answer() {
    let app = spawn_app().await;
    let mut bodies = Vec::new();
    for auth in [
        Auth::Header("Bearer not-a-key"),
        // Right password of a user without the Verizon API; wrong password; unknown user.
        Auth::Header("Basic ZHMtZ3ltOkd5bS1QYXNzLTIwMjQ="),
        Auth::Header("Basic dnotcGFydG5lcjp3cm9uZw=="),
        Auth::Header("Basic bm9ib2R5OlZ6LVBhc3MtMjAyNA=="),
        Auth::Header("Digest abc"),
        Auth::Header("Basic !!!"),
    ] {
        let response = post(&app, "externalId=9001", auth, "application/json", ok_body()).await;
        assert_eq!(response.status().as_u16(), 401, "{auth:?}");
        bodies.push(response.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    let body: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(body["code"], "invalidCredentials");
    assert_eq!(
        body["reason"],
        "The credentials provided are not valid for this API"
    );
    untouched(&app).await;
}

#[tokio::test]
async fn credentials_are_checked_before_anything_else() {
    let app = spawn_app().await;
    let response = post(&app, "externalId=x", Auth::None, "text/plain", "junk").await;
    assert_mef(response, 401, "missingCredentials").await;
}

#[tokio::test]
async fn the_seeds_query_codes_name_exactly_what_is_wrong() {
    let app = spawn_app().await;
    let cases = [
        ("", "missingQueryParameter", "The URI is missing a required query-string parameter: externalId"),
        ("externalid=9001", "missingQueryParameter", "The URI is missing a required query-string parameter: externalId"),
        ("externalId=", "missingQueryValue", "The URI is missing a required query-string parameter value: externalId"),
        ("externalId=abc", "invalidQuery", "The query section of the URI is invalid: externalId must be a non-negative integer, not 'abc'"),
        ("externalId=-9001", "invalidQuery", "The query section of the URI is invalid: externalId must be a non-negative integer, not '-9001'"),
        ("externalId=9001.0", "invalidQuery", "The query section of the URI is invalid: externalId must be a non-negative integer, not '9001.0'"),
        ("externalId=9001&externalId=9001", "invalidQuery", "The query section of the URI is invalid: externalId is given more than once"),
    ];
    for (query, code, reason) in cases {
        let response = post(&app, query, Auth::Key, "application/json", ok_body()).await;
        assert_eq!(assert_mef(response, 400, code).await, reason, "{query}");
    }
    untouched(&app).await;
}

#[tokio::test]
async fn bodies_that_say_nothing_usable_are_invalid_bodies() {
    let app = spawn_app().await;
    let cases = [
        ("{not json", "The request has an invalid body: the body is not valid JSON"),
        ("", "The request has an invalid body: the body is not valid JSON"),
        (r#"{"acknowledgementRequest":[]}"#, "The request has an invalid body: acknowledgementRequest must hold at least one item"),
        (r#"{}"#, "The request has an invalid body: acknowledgementRequest must hold at least one item"),
        (r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"maybe"}]}"#, "The request has an invalid body: the body is not valid JSON: unknown variant `maybe`"),
        (r#"{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"Accepted"}]}"#, "The request has an invalid body: the body is not valid JSON: unknown variant `Accepted`"),
        (r#"{"acknowledgementRequest":[{"id":"CI-1"}]}"#, "The request has an invalid body: acknowledgementRequest[0].acceptanceIndicator is missing"),
        (r#"{"externalId":"9001","acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#, "The request has an invalid body: externalId must be a non-negative integer, not '9001'"),
    ];
    for (body, reason) in cases {
        let response = post(&app, "externalId=9001", Auth::Key, "application/json", body).await;
        let got = assert_mef(response, 400, "invalidBody").await;
        assert!(got.starts_with(reason), "{body}: {got}");
    }
    untouched(&app).await;
}

#[tokio::test]
async fn duplicate_empty_or_missing_ids_and_a_contradicting_external_id_are_invalid_bodies() {
    let app = spawn_app().await;
    let cases = [
        (answers(&[("CI-1", "accepted"), ("CI-1", "accepted")]), "The request has an invalid body: acknowledgementRequest.id: 'CI-1' is answered more than once"),
        (answers(&[("CI-1", "accepted"), ("CI-1", "rejected")]), "The request has an invalid body: acknowledgementRequest.id: 'CI-1' is answered more than once"),
        (answers(&[("", "accepted")]), "The request has an invalid body: acknowledgementRequest.id: must not be empty"),
        (r#"{"acknowledgementRequest":[{"acceptanceIndicator":"accepted"}]}"#.into(), "The request has an invalid body: acknowledgementRequest.id: must not be empty"),
        (r#"{"externalId":9002,"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}"#.into(), "The request has an invalid body: externalId: the body's externalId 9002 differs from the query's 9001"),
    ];
    for (body, reason) in cases {
        let response = post(
            &app,
            "externalId=9001",
            Auth::Key,
            "application/json",
            body.clone(),
        )
        .await;
        assert_eq!(
            assert_mef(response, 400, "invalidBody").await,
            reason,
            "{body}"
        );
    }
    untouched(&app).await;
}

#[tokio::test]
async fn an_unknown_order_is_not_found_and_so_are_other_tenants_orders() {
    let app = spawn_app().await;
    let response = confirm(&app, 4242, &[("CI-1", "accepted")]).await;
    assert_eq!(
        assert_mef(response, 404, "notFound").await,
        "Disconnect order 4242 not found"
    );
    // globex has an order 9001 of its own but none 9002: acme's 9002 stays invisible to it.
    let response = post(
        &app,
        "externalId=9002",
        Auth::Globex,
        "application/json",
        answers(&[("CI-1", "accepted")]),
    )
    .await;
    assert_eq!(
        assert_mef(response, 404, "notFound").await,
        "Disconnect order 9002 not found"
    );
    assert_eq!(order_view(&app, "acme", 9002).await.0, "acknowledged");
}

#[tokio::test]
async fn each_tenant_answers_its_own_order_of_the_same_external_id() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "externalId=9001",
        Auth::Globex,
        "application/json",
        answers(&[("CI-1", "rejected")]),
    )
    .await;
    assert_no_content(response).await;
    assert_eq!(order_view(&app, "globex", 9001).await.0, "cancelled");
    untouched(&app).await;
}

#[tokio::test]
async fn an_unknown_charge_item_is_not_found_and_nothing_of_the_call_is_kept() {
    let app = spawn_app().await;
    let response = confirm(&app, 9001, &[("CI-1", "accepted"), ("CI-9", "accepted")]).await;
    let reason = assert_mef(response, 404, "notFound").await;
    assert_eq!(reason, "Disconnect order 9001 has no charge item 'CI-9'");
    untouched(&app).await;
}

#[tokio::test]
async fn changing_an_answer_is_a_conflict() {
    let app = spawn_app().await;
    assert_no_content(confirm(&app, 9001, &[("CI-1", "accepted")]).await).await;
    let response = confirm(&app, 9001, &[("CI-2", "accepted"), ("CI-1", "rejected")]).await;
    let reason = assert_mef(response, 409, "conflict").await;
    assert_eq!(reason, "Charge item 'CI-1' was already answered accepted");
    // The whole call was refused: CI-2 is still awaiting its answer.
    assert_eq!(
        order_view(&app, "acme", 9001).await,
        (
            "pending".into(),
            vec![
                ("CI-1".into(), "accepted".into()),
                ("CI-2".into(), "awaitingResponse".into())
            ]
        )
    );
}

#[tokio::test]
async fn a_cancelled_order_takes_no_more_answers() {
    let app = spawn_app().await;
    assert_no_content(confirm(&app, 9001, &[("CI-1", "rejected")]).await).await;
    let response = confirm(&app, 9001, &[("CI-2", "accepted")]).await;
    let reason = assert_mef(response, 409, "conflict").await;
    assert_eq!(
        reason,
        "Disconnect order 9001 is cancelled and takes no more answers"
    );
    assert_eq!(disconnect_jobs(&app).await, 0);
}

#[tokio::test]
async fn a_completed_order_cannot_be_answered_differently() {
    let app = spawn_app().await;
    assert_no_content(confirm(&app, 9002, &[("CI-1", "accepted")]).await).await;
    assert!(completed(&app, "acme", 9002).await);
    let response = confirm(&app, 9002, &[("CI-1", "rejected")]).await;
    let reason = assert_mef(response, 409, "conflict").await;
    assert_eq!(reason, "Charge item 'CI-1' was already answered accepted");
    assert_eq!(order_view(&app, "acme", 9002).await.0, "completed");
}

#[tokio::test]
async fn reasons_are_cut_to_255_characters_without_splitting_a_character() {
    let app = spawn_app().await;
    let long_id = "é".repeat(300);
    let response = confirm(&app, 9001, &[(&long_id, "accepted")]).await;
    let reason = assert_mef(response, 404, "notFound").await;
    assert_eq!(reason.chars().count(), 255);
    assert!(reason.starts_with("Disconnect order 9001 has no charge item 'éé"));
    assert!(reason.ends_with('…'));
}
