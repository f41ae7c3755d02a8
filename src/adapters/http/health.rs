//! `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics`.

use actix_web::http::header::ContentType;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `unavailable`.
    status: &'static str,
    /// The storage backend: `sqlite` or `postgres`.
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'static str>,
    /// SQLite's `synchronous` (`full` or `normal`): whether an acknowledged write survives
    /// power loss (docs/operations.md "Durability"). Absent on PostgreSQL.
    #[serde(skip_serializing_if = "Option::is_none")]
    synchronous: Option<&'static str>,
}

/// Liveness: answers while the process serves HTTP.
#[utoipa::path(get, path = "/healthz", tag = "service", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
        synchronous: None,
    })
}

/// Readiness: 200 when the database answers a query, 503 otherwise.
#[utoipa::path(get, path = "/readyz", tag = "service", responses(
    (status = 200, body = Health), (status = 503, body = Health)
))]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = &state.services.store;
    match store.ping().await {
        Ok(()) => HttpResponse::Ok().json(Health {
            status: "ready",
            database: Some(store.backend()),
            synchronous: store.synchronous(),
        }),
        Err(error) => {
            tracing::warn!(?error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(Health {
                status: "unavailable",
                database: Some(store.backend()),
                synchronous: store.synchronous(),
            })
        }
    }
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "service", responses((status = 200, description = "Prometheus metrics", content_type = "text/plain")))]
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ContentType(
            "text/plain; version=0.0.4; charset=utf-8"
                .parse()
                .expect("static media type parses"),
        ))
        .body(super::observability::prometheus().render())
}
