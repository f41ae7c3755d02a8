//! `/admin/v1/jobs` (issue 19 item 2, "jobs by status with retry of a failed one";
//! docs/console.md "Jobs"): the durable queue's jobs by status, kind and tenant, and the
//! retry of a failed one, audited with the operator's name.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::adapters::http::observability::RequestId;
use crate::adapters::http::{problem, AppState};
use crate::domain::clock;
use crate::domain::job::{JobCursor, JobRecord, JobStatus};
use crate::domain::store::JobId;
use crate::domain::DomainError;
use crate::service::admin::jobs::{JobQuery, Retry, DEFAULT_PAGE};

use super::auth::{self, Accepts};
use super::error;

pub const PATH: &str = "/admin/v1/jobs";
pub const ONE: &str = "/admin/v1/jobs/{id}";
pub const RETRY: &str = "/admin/v1/jobs/{id}/retry";

/// A job of the durable queue (docs/design.md §4). Its payload, the handler's input, is
/// not shown.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Job)]
pub(super) struct JobReply {
    id: String,
    /// The tenant's code (absent if the tenant is gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant: Option<String>,
    /// The handler, e.g. `flolive.detach` or `webhooks.deliver`.
    #[schema(example = "flolive.detach")]
    kind: String,
    #[schema(example = "failed")]
    status: &'static str,
    /// When it is (or was last) due.
    run_at: String,
    /// Attempts made since it was queued (or retried).
    attempts: i64,
    max_attempts: i64,
    /// Why the last attempt failed, as the worker recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
    created_at: String,
    /// When its status last changed.
    updated_at: String,
}

/// What the worker wrote is kept for operators, but a listing shows a bounded part of it.
const MAX_ERROR_CHARS: usize = 2000;

fn job_reply(job: JobRecord) -> JobReply {
    JobReply {
        id: job.id.0.to_string(),
        tenant: job.tenant_code,
        kind: job.kind,
        status: job.status.as_str(),
        run_at: clock::to_storage(job.run_at),
        attempts: job.attempts,
        max_attempts: job.max_attempts,
        last_error: job
            .last_error
            .map(|e| e.chars().take(MAX_ERROR_CHARS).collect()),
        created_at: clock::to_storage(job.created_at),
        updated_at: clock::to_storage(job.updated_at),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::JobPage)]
pub(super) struct JobPageReply {
    jobs: Vec<JobReply>,
    /// Pass as `before` for the next (older) page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct ListQuery {
    /// queued, running, done or failed (default failed).
    #[param(pattern = "^(queued|running|done|failed)$")]
    status: Option<String>,
    /// Only jobs of this kind (exact, at most 100 characters).
    #[param(min_length = 1, max_length = 100)]
    kind: Option<String>,
    /// Only this tenant's jobs (its code).
    #[param(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    tenant: Option<String>,
    /// A page's `next`: the jobs that changed before it.
    #[param(pattern = "^[0-9]{1,16}-[0-9a-f]{32}$")]
    before: Option<String>,
    /// Jobs per page, 1–500 (default 50). A page filtered by kind or tenant examines at
    /// most 10 000 jobs and may come back short with a `next`.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

impl ListQuery {
    /// The service's query, or what is wrong with this one.
    fn parse(text: &str) -> Result<JobQuery, DomainError> {
        let query = web::Query::<ListQuery>::from_query(text)
            .map_err(|e| DomainError::invalid("query", e.to_string()))?
            .into_inner();
        Ok(JobQuery {
            status: match query.status.as_deref() {
                None => JobStatus::Failed,
                Some(status) => JobStatus::parse(status)?,
            },
            kind: query.kind,
            tenant: query.tenant,
            before: query.before.as_deref().map(JobCursor::parse).transpose()?,
            limit: query.limit.unwrap_or(DEFAULT_PAGE),
        })
    }
}

fn json(status: StatusCode, body: impl Serialize) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

fn job_id(id: &str) -> Result<JobId, DomainError> {
    uuid::Uuid::parse_str(id)
        .map(JobId)
        .map_err(|_| DomainError::invalid("id", "a job id is a UUID"))
}

/// Jobs of one status, newest change first.
#[utoipa::path(
    get, path = "/admin/v1/jobs", tag = "admin", operation_id = "adminListJobs",
    params(ListQuery),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "A page of jobs", body = JobPageReply),
        (status = 400, description = "A parameter is not valid", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy or the store is unavailable", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let page = match ListQuery::parse(req.query_string()) {
        Ok(query) => state.services.jobs(query).await,
        Err(e) => Err(e),
    };
    match page {
        Ok(page) => json(
            StatusCode::OK,
            JobPageReply {
                next: page.next.map(|n| n.to_string()),
                jobs: page.jobs.into_iter().map(job_reply).collect(),
            },
        ),
        Err(e) => error::respond(&req, &e),
    }
}

/// One job.
#[utoipa::path(
    get, path = "/admin/v1/jobs/{id}", tag = "admin", operation_id = "adminGetJob",
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "The job", body = JobReply),
        (status = 400, description = "Not a job id", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(refusal) = auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        return refusal;
    }
    let found = match job_id(&id) {
        Ok(id) => state.services.job(id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(job) => json(StatusCode::OK, job_reply(job)),
        Err(e) => error::respond(&req, &e),
    }
}

/// Puts a failed job back on the queue, due now with its attempts counted afresh. One
/// transaction with an audit row naming the operator (`channel` admin, operation
/// `admin.retryJob`, the last error in its `before`).
#[utoipa::path(
    post, path = "/admin/v1/jobs/{id}/retry", tag = "admin", operation_id = "adminRetryJob",
    params(("id" = uuid::Uuid, Path, description = "The job's id")),
    security(("admin_basic" = []), ("admin_bearer" = [])),
    responses(
        (status = 200, description = "Queued again", body = JobReply),
        (status = 400, description = "Not a job id", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid operator credentials", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not failed; nothing changed", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed sign-ins from this client", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Busy or the store is unavailable", body = crate::adapters::admin::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let operator = match auth::operator(&req, &state, Accepts::BasicOrBearer).await {
        Ok(operator) => operator,
        Err(refusal) => return refusal,
    };
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let retried = match job_id(&id) {
        Ok(id) => state.services.retry_job(&operator, id, request_id).await,
        Err(e) => Err(e),
    };
    match retried {
        Ok(Retry::Queued(job)) => {
            tracing::info!(operator = operator.name.as_str(), job = %job.id.0, "job retried");
            json(StatusCode::OK, job_reply(job))
        }
        Ok(Retry::NotFailed(status)) => not_failed(&req, status),
        Err(e) => error::respond(&req, &e),
    }
}

/// 409: only a failed job is retried.
fn not_failed(req: &HttpRequest, status: JobStatus) -> HttpResponse {
    problem::response(
        req,
        StatusCode::CONFLICT,
        &format!(
            "the job is {}: only a failed job can be retried",
            status.as_str()
        ),
    )
}
