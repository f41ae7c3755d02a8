use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_and_echoes_a_given_request_id() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    assert_eq!(response.text().await.unwrap(), r#"{"status":"ok"}"#);
}

#[tokio::test]
async fn a_request_id_is_generated_when_absent_or_unusable() {
    let app = spawn_app().await;
    for given in [None, Some("has spaces in it")] {
        let mut request = app.client.get(app.url("/healthz"));
        if let Some(id) = given {
            request = request.header("X-Request-Id", id);
        }
        let response = request.send().await.unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            uuid::Uuid::parse_str(&id).is_ok(),
            "generated id {id} is a UUID"
        );
    }
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(
        body["database"],
        if app.db.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    // The durable choice is visible (issue 15): SQLite's synchronous mode, FULL by default;
    // PostgreSQL has its own and says nothing here.
    if app.db.is_postgres() {
        assert!(body.get("synchronous").is_none(), "{body}");
    } else {
        assert_eq!(body["synchronous"], "full");
    }
}

#[tokio::test]
async fn readyz_states_an_explicitly_relaxed_sqlite_synchronous_mode() {
    let app = spawn_app_with(|settings| {
        settings.pool.synchronous = billing_compat::storage::Synchronous::Normal;
    })
    .await;
    let body: serde_json::Value = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    if !app.db.is_postgres() {
        assert_eq!(body["synchronous"], "normal");
    }
}

#[tokio::test]
async fn metrics_count_requests_by_api_operation_and_outcome() {
    let app = spawn_app().await;
    app.client.get(app.url("/healthz")).send().await.unwrap();
    app.client
        .get(app.url("/no/such/path"))
        .send()
        .await
        .unwrap();
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"billing_compat_http_requests_total{api="service",operation="/healthz",outcome="ok"}"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"operation="unmatched",outcome="client_error""#),
        "{text}"
    );
    assert!(
        text.contains("billing_compat_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_the_service_endpoints() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}
