//! Changes to one API user (issue 19 item 2; docs/operations.md "Admin API"): rotate the
//! password, issue and revoke the API key, set the allowed APIs, disable and enable. Each is
//! one transaction with its audit row; a secret is in the reply that made it, once.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::adapters::http::AppState;

use super::reply::{self, json, ok_or_problem};
use super::users::{apis_schema, code_of, user, User};

pub const PASSWORD: &str = "/admin/v1/tenants/{code}/users/{username}/password";
pub const API_KEY: &str = "/admin/v1/tenants/{code}/users/{username}/api-key";
pub const APIS: &str = "/admin/v1/tenants/{code}/users/{username}/apis";
pub const DISABLE: &str = "/admin/v1/tenants/{code}/users/{username}/disable";
pub const ENABLE: &str = "/admin/v1/tenants/{code}/users/{username}/enable";

/// The allowed APIs.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = admin::ApiUserApis)]
pub(super) struct Apis {
    /// debitsuccess, flolive, crmcom, billing_care, verizon; at least one.
    #[schema(example = json!(["verizon"]), schema_with = apis_schema)]
    apis: Vec<String>,
}

/// Rotates the password: a new one is generated and shown in this reply only. The old one
/// is refused from now on, the user's CRM.COM and Billing Care tokens end, and WS-Security
/// PasswordDigest is switched off (its secret was the old password).
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/users/{username}/password", tag = "admin", operation_id = "adminRotatePassword",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user with its new password", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let (code, username) = path.into_inner();
    let rotated = match code_of(&code) {
        Ok(code) => {
            state
                .services
                .admin_rotate_password(&operator, &code, &username)
                .await
        }
        Err(e) => Err(e),
    };
    ok_or_problem(&req, rotated, |(u, password)| {
        let mut reply: User = user(u);
        reply.password = Some(password);
        json(StatusCode::OK, reply)
    })
}

/// Issues an API key (replacing any), shown in this reply only.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/users/{username}/api-key", tag = "admin", operation_id = "adminIssueApiKey",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user with its new API key", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn issue_api_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let (code, username) = path.into_inner();
    let issued = match code_of(&code) {
        Ok(code) => {
            state
                .services
                .admin_issue_api_key(&operator, &code, &username)
                .await
        }
        Err(e) => Err(e),
    };
    ok_or_problem(&req, issued, |(u, key)| {
        let mut reply: User = user(u);
        reply.api_key = Some(key);
        json(StatusCode::OK, reply)
    })
}

/// Revokes the API key: refused from now on.
#[utoipa::path(
    delete, path = "/admin/v1/tenants/{code}/users/{username}/api-key", tag = "admin", operation_id = "adminRevokeApiKey",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user, without an API key", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_api_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let (code, username) = path.into_inner();
    let revoked = match code_of(&code) {
        Ok(code) => {
            state
                .services
                .admin_revoke_api_key(&operator, &code, &username)
                .await
        }
        Err(e) => Err(e),
    };
    ok_or_problem(&req, revoked, |u| json(StatusCode::OK, user(u)))
}

/// Sets the vendor APIs the user may call.
#[utoipa::path(
    put, path = "/admin/v1/tenants/{code}/users/{username}/apis", tag = "admin", operation_id = "adminSetApis",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    request_body = Apis,
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 400, description = "Not a valid list of APIs; nothing was written", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_apis(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let (code, username) = path.into_inner();
    let set = async {
        let apis: Apis = reply::body(&body)?;
        state
            .services
            .admin_set_apis(&operator, &code_of(&code)?, &username, &apis.apis)
            .await
    }
    .await;
    ok_or_problem(&req, set, |u| json(StatusCode::OK, user(u)))
}

/// Disables the user: every vendor API refuses it (tokens included) until enabled.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/users/{username}/disable", tag = "admin", operation_id = "adminDisableApiUser",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user, disabled", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    set_disabled(req, state, path, true).await
}

/// Enables a disabled user.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/users/{username}/enable", tag = "admin", operation_id = "adminEnableApiUser",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user, enabled", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enable(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    set_disabled(req, state, path, false).await
}

async fn set_disabled(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    disabled: bool,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let (code, username) = path.into_inner();
    let changed = match code_of(&code) {
        Ok(code) => {
            state
                .services
                .admin_set_user_disabled(&operator, &code, &username, disabled)
                .await
        }
        Err(e) => Err(e),
    };
    ok_or_problem(&req, changed, |u| json(StatusCode::OK, user(u)))
}
