//! `/admin/v1/tenants` (issue 19 item 2; docs/operations.md "Admin API"): list, read,
//! create, disable and enable tenants.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::store::TenantRecord;
use crate::domain::tenant::TenantCode;
use crate::service::admin::changes::page_limit;
use crate::service::admin::tenants::NewTenant as NewTenantRequest;

use super::error;
use super::reply::{self, json, ok_or_problem};

pub const PATH: &str = "/admin/v1/tenants";
pub const ONE: &str = "/admin/v1/tenants/{code}";
pub const DISABLE: &str = "/admin/v1/tenants/{code}/disable";
pub const ENABLE: &str = "/admin/v1/tenants/{code}/enable";

/// A tenant to create (fixtures/README.md "tenants").
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = admin::NewTenant)]
pub(super) struct NewTenant {
    /// The tenant's code: 1–64 letters, digits, `-` or `_`; CRM.COM's `organisation`.
    #[schema(example = "initech", pattern = "^[A-Za-z0-9_-]{1,64}$")]
    code: String,
    /// 1–200 characters, no control characters.
    #[schema(
        example = "Initech Ltd",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    name: String,
    /// IANA time zone; "today" for date rules is judged in it. Default `Pacific/Auckland`.
    #[schema(example = "Europe/London", schema_with = time_zone_schema)]
    timezone: Option<String>,
}

/// `timezone`: one of the tz database's names.
fn time_zone_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
        .build()
}

/// A tenant.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Tenant)]
pub(super) struct Tenant {
    id: String,
    code: String,
    name: String,
    timezone: &'static str,
    created_at: String,
    /// Whether every vendor API refuses its users.
    disabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled_at: Option<String>,
}

pub(super) fn tenant(record: TenantRecord) -> Tenant {
    Tenant {
        id: record.tenant.id.to_string(),
        code: record.tenant.code.as_str().to_owned(),
        name: record.tenant.name,
        timezone: record.tenant.time_zone.name(),
        created_at: clock::to_storage(record.created_at),
        disabled: record.disabled_at.is_some(),
        disabled_at: record.disabled_at.map(clock::to_storage),
    }
}

/// A page of tenants, by code.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::TenantPage)]
pub(super) struct TenantPage {
    tenants: Vec<Tenant>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for OpenAPI; the handler parses it by hand.
pub(super) struct PageQuery {
    /// Continue after this code (a page's `next`).
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    after: Option<String>,
    /// Tenants per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The tenants, by code.
#[utoipa::path(
    get, path = "/admin/v1/tenants", tag = "admin", operation_id = "adminListTenants",
    params(PageQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of tenants", body = TenantPage),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let page = async {
        let [after, limit] = reply::query(req.query_string(), ["after", "limit"])?;
        let limit = page_limit(limit.as_deref())?;
        let after = after.as_deref().map(TenantCode::parse).transpose()?;
        let tenants = state.services.admin_tenants(after.as_ref(), limit).await?;
        let next = (tenants.len() as i64 == limit)
            .then(|| tenants.last().map(|t| t.tenant.code.as_str().to_owned()))
            .flatten();
        Ok(TenantPage {
            tenants: tenants.into_iter().map(tenant).collect(),
            next,
        })
    }
    .await;
    ok_or_problem(&req, page, |page| json(StatusCode::OK, page))
}

/// One tenant.
#[utoipa::path(
    get, path = "/admin/v1/tenants/{code}", tag = "admin", operation_id = "adminGetTenant",
    params(("code" = String, Path, description = "The tenant's code")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The tenant", body = Tenant),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = reply::operator(&req, &state).await {
        return refusal;
    }
    let found = match TenantCode::parse(&code) {
        Ok(code) => state.services.admin_tenant(&code).await,
        Err(_) => Err(crate::domain::DomainError::NotFound("tenant")),
    };
    ok_or_problem(&req, found, |t| json(StatusCode::OK, tenant(t)))
}

/// Creates a tenant (audited with the operator's name).
#[utoipa::path(
    post, path = "/admin/v1/tenants", tag = "admin", operation_id = "adminCreateTenant",
    request_body = NewTenant,
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Tenant),
        (status = 400, description = "Not a valid tenant; nothing was written", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A tenant with this code exists", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let new: NewTenant = match reply::body(&body) {
        Ok(new) => new,
        Err(e) => return error::respond(&req, &e),
    };
    let new = NewTenantRequest {
        code: new.code,
        name: new.name,
        timezone: new.timezone,
    };
    let created = state.services.admin_create_tenant(&operator, new).await;
    ok_or_problem(&req, created, |t| json(StatusCode::CREATED, tenant(t)))
}

/// Disables a tenant: every vendor API refuses its users (their sessions included) until
/// it is enabled; its data stays.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/disable", tag = "admin", operation_id = "adminDisableTenant",
    params(("code" = String, Path, description = "The tenant's code")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The tenant, disabled", body = Tenant),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn disable(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    set_disabled(req, state, code, true).await
}

/// Enables a disabled tenant.
#[utoipa::path(
    post, path = "/admin/v1/tenants/{code}/enable", tag = "admin", operation_id = "adminEnableTenant",
    params(("code" = String, Path, description = "The tenant's code")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The tenant, enabled", body = Tenant),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tenant", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn enable(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> HttpResponse {
    set_disabled(req, state, code, false).await
}

async fn set_disabled(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    disabled: bool,
) -> HttpResponse {
    let operator = match reply::operator(&req, &state).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let changed = match TenantCode::parse(&code) {
        Ok(code) => {
            state
                .services
                .admin_set_tenant_disabled(&operator, &code, disabled)
                .await
        }
        Err(_) => Err(crate::domain::DomainError::NotFound("tenant")),
    };
    ok_or_problem(&req, changed, |t| json(StatusCode::OK, tenant(t)))
}
