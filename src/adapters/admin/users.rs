//! `/admin/v1/tenants/{code}/users` (issue 19 item 2; docs/operations.md "Admin API"): a
//! tenant's API users — list, read, create (`user_changes.rs` changes them). A user of
//! another tenant is not found under this one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::tenant::TenantCode;
use crate::domain::user::{Api, ApiUser};
use crate::domain::DomainError;
use crate::service::admin::changes::page_limit;
use crate::service::admin::users::NewUser as NewUserRequest;

use super::reply::{self, json, ok_or_problem};

pub const PATH: &str = "/admin/v1/tenants/{code}/users";
pub const ONE: &str = "/admin/v1/tenants/{code}/users/{username}";

/// A user to create.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = admin::NewApiUser)]
pub(super) struct NewUser {
    /// Unique across tenants (SOAP and Basic callers name no tenant); 1–100 printable characters.
    #[schema(
        example = "initech-gym",
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    username: String,
    /// 8–256 printable characters; generated (and shown once in the reply) when absent.
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    password: Option<String>,
    /// The vendor APIs the user may call, at least one.
    #[schema(example = json!(["debitsuccess", "flolive"]), schema_with = apis_schema)]
    apis: Vec<String>,
    /// The customer (of this tenant) the user acts as on floLIVE.
    #[schema(format = Uuid)]
    customer: Option<String>,
}

/// `apis`: 1–10 of the five API names (a repeat counts once).
pub(super) fn apis_schema() -> utoipa::openapi::Array {
    let item = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Api::ALL.iter().map(|a| a.as_str())));
    utoipa::openapi::ArrayBuilder::new()
        .items(item)
        .min_items(Some(1))
        .max_items(Some(10))
        .build()
}

/// An API user. Secrets appear only in the reply that made them, once.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::ApiUser)]
pub(super) struct User {
    id: String,
    tenant: String,
    username: String,
    apis: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<String>,
    /// Whether the user is disabled (by itself; `tenant_disabled` says if its tenant is).
    disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_at: Option<String>,
    tenant_disabled: bool,
    /// Whether an API key is set (floLIVE and Verizon take it as a bearer).
    api_key_set: bool,
    /// Whether WS-Security PasswordDigest is enabled (docs/debitsuccess.md "WS-Security").
    ws_digest: bool,
    /// The password: in the reply that created (without a given password) or rotated it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) password: Option<String>,
    /// The API key: in the reply that issued it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) api_key: Option<String>,
}

pub(super) fn user(u: ApiUser) -> User {
    User {
        id: u.id.to_string(),
        tenant: u.tenant.code.as_str().to_owned(),
        username: u.username.as_str().to_owned(),
        apis: u.apis.iter().map(Api::as_str).collect(),
        customer: u.customer.map(|c| c.to_string()),
        disabled: u.disabled_at.is_some(),
        disabled_at: u.disabled_at.map(clock::to_storage),
        tenant_disabled: u.tenant_disabled_at.is_some(),
        api_key_set: u.has_api_key,
        ws_digest: u.digest_secret.is_some(),
        password: None,
        api_key: None,
    }
}

/// A page of users, by username.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::ApiUserPage)]
pub(super) struct UserPage {
    users: Vec<User>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct PageQuery {
    /// Continue after this username (a page's `next`).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    after: Option<String>,
    /// Users per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The tenant code in a path: one that cannot be a code names no tenant.
pub(super) fn code_of(text: &str) -> Result<TenantCode, DomainError> {
    TenantCode::parse(text).map_err(|_| DomainError::NotFound("tenant"))
}

/// The tenant's users, by username.
#[utoipa::path(
    get, path = "/admin/v1/tenants/{code}/users", tag = "admin", operation_id = "adminListApiUsers",
    params(("code" = String, Path, description = "The tenant's code"), PageQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let page = async {
        let [after, limit] = reply::query(req.query_string(), ["after", "limit"])?;
        let limit = page_limit(limit.as_deref())?;
        let users = state
            .services
            .admin_users(&code_of(&code)?, after.as_deref(), limit)
            .await?;
        let next = (users.len() as i64 == limit)
            .then(|| users.last().map(|u| u.username.as_str().to_owned()))
            .flatten();
        Ok(UserPage {
            users: users.into_iter().map(user).collect(),
            next,
        })
    }
    .await;
    ok_or_problem(&req, page, |page| json(StatusCode::OK, page))
}

/// One user of the tenant.
#[utoipa::path(
    get, path = "/admin/v1/tenants/{code}/users/{username}", tag = "admin", operation_id = "adminGetApiUser",
    params(("code" = String, Path, description = "The tenant's code"), ("username" = String, Path)),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant, or no such user in it", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let (code, username) = path.into_inner();
    let found = match code_of(&code) {
        Ok(code) => state.services.admin_user(&code, &username).await,
        Err(e) => Err(e),
    };
    ok_or_problem(&req, found, |u| json(StatusCode::OK, user(u)))
}

/// Creates a user in the tenant; without a `password` one is generated and shown in this
/// reply only.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/users", tag = "admin", operation_id = "adminCreateApiUser",
    params(("code" = String, Path, description = "The tenant's code")),
    request_body = NewUser,
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 201, description = "Created (with the generated password, if one was)", body = User),
        (status = 400, description = "Not a valid user; nothing was written", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let created = async {
        let new: NewUser = reply::body(&body)?;
        let new = NewUserRequest {
            username: new.username,
            password: new.password,
            apis: new.apis,
            customer: new.customer,
        };
        state
            .services
            .admin_create_user(&operator, &code_of(&code)?, new)
            .await
    }
    .await;
    ok_or_problem(&req, created, |(u, password)| {
        json(
            StatusCode::CREATED,
            User {
                password,
                ..user(u)
            },
        )
    })
}
