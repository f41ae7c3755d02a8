//! `POST /admin/v1/tokens` (issue 18 item 1): an operator's name and password → a bearer
//! token for the admin API, with its expiry. Only its SHA-256 is stored.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::service::admin::operators::TOKEN_LIFETIME;

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/tokens";

/// An operator bearer token (the shape of RFC 6749 §5.1).
#[derive(Serialize, ToSchema)]
#[schema(as = admin::OperatorToken)]
pub(super) struct TokenReply {
    /// Send it as `Authorization: Bearer <access_token>`.
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until it expires.
    #[schema(example = 3600)]
    expires_in: u64,
    /// When it expires (RFC 3339).
    #[schema(example = "2026-01-02T04:04:05.000000Z")]
    expires_at: String,
}

/// Basic operator credentials → a bearer operator token. An operator keeps at most 10 live
/// tokens: a new one past that deletes its oldest.
#[utoipa::path(
    post,
    path = "/admin/v1/tokens",
    tag = "admin",
    operation_id = "adminIssueToken",
    security(("admin_basic" = [])),
    responses(
        (status = 200, description = "A bearer token", body = TokenReply,
         headers(("Cache-Control" = String, description = "no-store"))),
        (status = 401, description = "No valid operator name and password", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json",
         headers(("WWW-Authenticate" = String, description = "Basic and Bearer challenges"))),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json",
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Busy or the store is unavailable", body = crate::adapters::admin::Problem,
         content_type = "application/problem+json"),
    )
)]
pub async fn issue(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let operator = match auth::operator(&req, &state, Accepts::BasicOnly).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    match state.services.issue_operator_token(&operator).await {
        Ok(issued) => {
            tracing::info!(operator = operator.name.as_str(), "operator token issued");
            HttpResponse::Ok()
                // A secret: never cached (RFC 6749 §5.1).
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(TokenReply {
                    access_token: issued.token,
                    token_type: "Bearer",
                    expires_in: TOKEN_LIFETIME.as_secs(),
                    expires_at: clock::to_storage(issued.expires_at),
                })
        }
        Err(e) => error::respond(&req, &e),
    }
}
