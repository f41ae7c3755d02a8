//! `POST /admin/v1/reset` (issue 19 item 4; docs/operations.md "Reset"): puts the database
//! back to the fixture the server loaded, in one transaction, for test systems started with
//! `--allow-reset`. Operators only; the use-case is `service::admin::reset`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::origin::origin_of;
use crate::adapters::http::{problem, AppState};
use crate::domain::audit::Channel;
use crate::domain::clock;
use crate::service::admin::reset::{reset as reset_database, ResetError, ResetOutcome};

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/reset";

/// What the reset did.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::ResetReply)]
pub(super) struct ResetReply {
    /// The fixture restored: `demo`, or the file `serve --fixture` named.
    #[schema(example = "demo")]
    fixture: String,
    /// When the reset's transaction ran (RFC 3339); its `tenant.reset` events carry it.
    reset_at: String,
    /// Vendor rows deleted before the fixture was written again.
    rows_deleted: u64,
    /// Fixture entries written afresh (tenants and users are restored in place and not counted).
    entries_written: usize,
    /// Every tenant after the reset, by code: each got a `tenant.reset` event.
    tenants: Vec<String>,
    /// Users the fixture does not name that were deleted.
    users_deleted: u64,
    /// Users the fixture does not name that audit rows name: kept, able to call nothing.
    users_retired: u64,
    /// Tenants the fixture does not name that were deleted.
    tenants_deleted: u64,
}

fn reply(outcome: ResetOutcome) -> ResetReply {
    ResetReply {
        fixture: outcome.fixture,
        reset_at: clock::to_storage(outcome.at),
        rows_deleted: outcome.rows_deleted,
        entries_written: outcome.entries_written,
        tenants: outcome.tenants,
        users_deleted: outcome.retired.users_deleted,
        users_retired: outcome.retired.users_retired,
        tenants_deleted: outcome.retired.tenants_deleted,
    }
}

/// Puts every tenant's data back to the loaded fixture in one transaction (test systems).
#[utoipa::path(
    post, path = "/admin/v1/reset", tag = "admin", operation_id = "adminReset",
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The database is the fixture again; concurrent requests saw it before or after, never between", body = ResetReply,
         headers(("Cache-Control" = String, description = "no-store"))),
        (status = 401, description = "No valid operator credentials (vendor API users included)", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Reset is not enabled on this server (serve --allow-reset)", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 409, description = "No fixture was loaded (serve --demo or --fixture FILE), or the fixture cannot be written over the database as it stands; nothing changed", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy or the store is unavailable; nothing changed, retry", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let operator = match auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let request_id = origin_of(&req, Channel::Admin).request_id;
    match reset_database(&state.services, &operator, request_id).await {
        Ok(outcome) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(reply(outcome)),
        // Authenticated operators only learn that it is off, and how to turn it on.
        Err(refused @ ResetError::Disabled) => {
            problem::response(&req, StatusCode::FORBIDDEN, &refused.to_string())
        }
        Err(refused @ (ResetError::NoFixture | ResetError::Fixture(_))) => {
            // The fixture's message names its entry and field, never SQL (service::import).
            problem::response(&req, StatusCode::CONFLICT, &refused.to_string())
        }
        Err(ResetError::Store(e)) => error::respond(&req, &e),
    }
}
