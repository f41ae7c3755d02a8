//! Jobs (docs/console.md "Jobs"): the listing by status, kind and tenant (the admin API's
//! `GET /admin/v1/jobs`, same service, same bounds), one job, and its Retry button.

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::adapters::http::observability::RequestId;
use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::job::{JobCursor, JobRecord, JobStatus};
use crate::domain::store::JobId;
use crate::domain::DomainError;
use crate::service::admin::jobs::{JobQuery, Retry, DEFAULT_PAGE};

use super::session::{self, Session};
use super::{form, render, see_other, signed_in, Layout, Section};

pub const PATH: &str = "/console/jobs";
pub const ONE: &str = "/console/jobs/{id}";
pub const RETRY: &str = "/console/jobs/{id}/retry";

/// A job as its row shows it.
struct Row {
    id: String,
    href: String,
    tenant: String,
    kind: String,
    status: &'static str,
    attempts: String,
    updated_at: String,
    run_at: String,
    created_at: String,
    last_error: String,
    failed: bool,
}

impl From<JobRecord> for Row {
    fn from(job: JobRecord) -> Self {
        let id = job.id.0.to_string();
        Row {
            href: format!("{PATH}/{id}"),
            id,
            tenant: job.tenant_code.unwrap_or_else(|| job.tenant.to_string()),
            kind: job.kind,
            status: job.status.as_str(),
            attempts: format!("{} / {}", job.attempts, job.max_attempts),
            updated_at: clock::to_storage(job.updated_at),
            run_at: clock::to_storage(job.run_at),
            created_at: clock::to_storage(job.created_at),
            // A listing shows a bounded part; the job's page shows it all.
            last_error: job.last_error.unwrap_or_default(),
            failed: job.status == JobStatus::Failed,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/jobs.html")]
struct JobsPage {
    layout: Layout,
    statuses: &'static [JobStatus],
    status: &'static str,
    kind: String,
    tenant: String,
    rows: Vec<Row>,
    next: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Filters {
    status: Option<String>,
    kind: Option<String>,
    tenant: Option<String>,
    before: Option<String>,
}

/// The filter form sends every field, empty when unused: empty means "any".
fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn query_of(filters: Filters) -> Result<JobQuery, DomainError> {
    Ok(JobQuery {
        status: match given(filters.status) {
            None => JobStatus::Failed,
            Some(status) => JobStatus::parse(&status)?,
        },
        kind: given(filters.kind),
        tenant: given(filters.tenant),
        before: given(filters.before)
            .as_deref()
            .map(JobCursor::parse)
            .transpose()?,
        limit: DEFAULT_PAGE,
    })
}

/// The link to the page after this one, its filters kept.
fn next_link(query: &JobQuery, next: JobCursor) -> String {
    let mut link = url::form_urlencoded::Serializer::new(String::new());
    link.append_pair("status", query.status.as_str());
    if let Some(kind) = &query.kind {
        link.append_pair("kind", kind);
    }
    if let Some(tenant) = &query.tenant {
        link.append_pair("tenant", tenant);
    }
    link.append_pair("before", &next.to_string());
    format!("{PATH}?{}", link.finish())
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let filters = web::Query::<Filters>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| DomainError::invalid("query", e.to_string()));
    let query = filters.and_then(query_of);
    let mut page = JobsPage {
        layout: Layout::signed_in("Jobs", Section::Jobs, &session),
        statuses: JobStatus::ALL,
        status: JobStatus::Failed.as_str(),
        kind: String::new(),
        tenant: String::new(),
        rows: Vec::new(),
        next: None,
        error: None,
    };
    let query = match query {
        Ok(query) => query,
        Err(error) => {
            page.error = Some(error.to_string());
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    page.status = query.status.as_str();
    page.kind = query.kind.clone().unwrap_or_default();
    page.tenant = query.tenant.clone().unwrap_or_default();
    match state.services.jobs(query.clone()).await {
        Ok(found) => {
            page.next = found.next.map(|next| next_link(&query, next));
            page.rows = found.jobs.into_iter().map(Row::from).collect();
            render(StatusCode::OK, &page)
        }
        Err(error @ DomainError::Invalid { .. }) => {
            page.error = Some(error.to_string());
            render(StatusCode::BAD_REQUEST, &page)
        }
        Err(error) => super::failure(Some(&session), &error),
    }
}

#[derive(askama::Template)]
#[template(path = "console/job.html")]
struct JobPage {
    layout: Layout,
    job: Row,
    notice: Option<String>,
    error: Option<String>,
}

fn job_id(id: &str) -> Result<JobId, DomainError> {
    uuid::Uuid::parse_str(id)
        .map(JobId)
        .map_err(|_| DomainError::invalid("id", "a job id is a UUID"))
}

#[derive(Deserialize)]
struct Shown {
    retried: Option<String>,
}

/// One job, with its whole last error and, when it failed, the Retry button.
pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let retried = web::Query::<Shown>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().retried)
        .is_some();
    let notice = retried.then(|| {
        "Queued again. Below is the job as it is now: the worker may have run it already."
            .to_owned()
    });
    job_page(&state, &session, &id, StatusCode::OK, notice, None).await
}

async fn job_page(
    state: &AppState,
    session: &Session,
    id: &str,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> HttpResponse {
    let found = match job_id(id) {
        Ok(id) => state.services.job(id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(job) => render(
            status,
            &JobPage {
                layout: Layout::signed_in("Job", Section::Jobs, session),
                job: Row::from(job),
                notice,
                error,
            },
        ),
        Err(error) => super::failure(Some(session), &error),
    }
}

#[derive(Deserialize)]
struct RetryForm {
    csrf: Option<String>,
}

/// The Retry button: the admin API's retry (one transaction, audited with the operator's
/// name), then back to the job's page.
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(session) = session::current(&req, &state).await else {
        // A POST without a session: refused like a forged one (no redirect that a
        // cross-site form could follow into a page).
        return super::refused(session::Refusal::BadToken);
    };
    let given = form::<RetryForm>(&body).and_then(|f| f.csrf);
    if let Err(refusal) = session::check_post(&req, &session.token, given.as_deref()) {
        return super::refused(refusal);
    }
    let job = match job_id(&id) {
        Ok(job) => job,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    match state
        .services
        .retry_job(&session.operator, job, request_id)
        .await
    {
        Ok(Retry::Queued(_)) => {
            tracing::info!(operator = session.operator.name.as_str(), job = %job.0, "console: job retried");
            see_other(&format!("{PATH}/{}?retried=1", job.0))
        }
        Ok(Retry::NotFailed(status)) => {
            let why = format!(
                "The job is {}: only a failed job can be retried. Nothing was changed.",
                status.as_str()
            );
            job_page(&state, &session, &id, StatusCode::CONFLICT, None, Some(why)).await
        }
        Err(error) => super::failure(Some(&session), &error),
    }
}
