//! `/admin/v1/jobs` (issue 19 item 2): jobs by status, kind and tenant with a cursor, and
//! the retry of a failed job — one transaction with its audit row naming the operator; a
//! job that is not failed is a 409 problem and stays as it was.

use billing_compat::domain::audit::Channel;
use billing_compat::domain::store::{JobId, Kept, NewJob};
use serde_json::Value;

use crate::helpers::{eventually, TestApp};

use super::support::{answer, operator_app, tenant_id, Answer, OPERATOR};

pub const JOBS: &str = "/admin/v1/jobs";

/// Queues a job of `kind` (no handler takes it) for `tenant` and waits until the worker
/// has given it up as failed ("no handler for this job kind"), as it does for real.
pub async fn failed_job(app: &TestApp, tenant: &str, kind: &str) -> JobId {
    let id = queued_job(app, tenant, kind).await;
    let failed = eventually(10, || async {
        let job = app.services.job(id).await.unwrap();
        job.status.as_str() == "failed"
    })
    .await;
    assert!(failed, "the worker did not fail the job within 10 s");
    id
}

/// Queues a job of `kind` for `tenant`, due now, with one attempt.
pub async fn queued_job(app: &TestApp, tenant: &str, kind: &str) -> JobId {
    let job = NewJob {
        tenant: tenant_id(app, tenant).await,
        kind: kind.to_owned(),
        payload: serde_json::json!({}),
        run_at: chrono::Utc::now(),
        max_attempts: 1,
    };
    app.services
        .write(move |tx| {
            Box::pin(async move { Ok(Kept::commit(tx.enqueue(&job, chrono::Utc::now()).await?)) })
        })
        .await
        .expect("the job is queued")
}

async fn get(app: &TestApp, path_and_query: &str) -> Answer {
    let response = app
        .client
        .get(app.url(path_and_query))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    answer(response).await
}

async fn retry(app: &TestApp, id: &str) -> Answer {
    let response = app
        .client
        .post(app.url(&format!("{JOBS}/{id}/retry")))
        .basic_auth(OPERATOR.0, Some(OPERATOR.1))
        .send()
        .await
        .unwrap();
    answer(response).await
}

fn ids(page: &Value) -> Vec<String> {
    page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_failed_job_is_listed_with_its_error_and_tenant() {
    let app = operator_app(|_| {}).await;
    let id = failed_job(&app, "acme", "test.unknown").await;

    let page = get(&app, &format!("{JOBS}?status=failed")).await;

    assert_eq!(page.status, 200, "{}", page.json);
    let jobs = page.json["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{}", page.json);
    let job = &jobs[0];
    assert_eq!(job["id"], id.0.to_string());
    assert_eq!(job["tenant"], "acme");
    assert_eq!(job["kind"], "test.unknown");
    assert_eq!(job["status"], "failed");
    assert_eq!(job["attempts"], 1);
    assert_eq!(job["last_error"], "no handler for this job kind");
    assert!(job.get("payload").is_none(), "{job}");
    assert!(page.json.get("next").is_none(), "{}", page.json);
    // Failed is the default status.
    assert_eq!(ids(&get(&app, JOBS).await.json), vec![id.0.to_string()]);
}

#[tokio::test]
async fn filters_by_kind_and_tenant_narrow_the_listing() {
    let app = operator_app(|_| {}).await;
    let a = failed_job(&app, "acme", "test.alpha").await;
    let b = failed_job(&app, "globex", "test.beta").await;

    let by_kind = get(&app, &format!("{JOBS}?status=failed&kind=test.alpha")).await;
    let by_tenant = get(&app, &format!("{JOBS}?status=failed&tenant=globex")).await;
    let neither = get(
        &app,
        &format!("{JOBS}?status=failed&kind=test.alpha&tenant=globex"),
    )
    .await;
    let done = get(&app, &format!("{JOBS}?status=done&kind=test.alpha")).await;
    let nobody = get(&app, &format!("{JOBS}?status=failed&tenant=nobody")).await;

    assert_eq!(ids(&by_kind.json), vec![a.0.to_string()]);
    assert_eq!(ids(&by_tenant.json), vec![b.0.to_string()]);
    assert!(ids(&neither.json).is_empty(), "{}", neither.json);
    assert!(ids(&done.json).is_empty(), "{}", done.json);
    assert_eq!(nobody.status, 200, "{}", nobody.json);
    assert!(ids(&nobody.json).is_empty(), "{}", nobody.json);
}

#[tokio::test]
async fn pages_follow_the_cursor_newest_change_first_without_gaps_or_repeats() {
    let app = operator_app(|_| {}).await;
    let mut made = Vec::new();
    for n in 0..5 {
        made.push(
            failed_job(&app, "acme", &format!("test.page{n}"))
                .await
                .0
                .to_string(),
        );
    }

    let (mut seen, mut before) = (Vec::new(), None::<String>);
    for _ in 0..10 {
        let query = match &before {
            Some(cursor) => format!("{JOBS}?status=failed&limit=2&before={cursor}"),
            None => format!("{JOBS}?status=failed&limit=2"),
        };
        let page = get(&app, &query).await;
        assert_eq!(page.status, 200, "{}", page.json);
        seen.extend(ids(&page.json));
        match page.json["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }

    made.reverse(); // each failed after the one before it
    assert_eq!(seen, made);
}

#[tokio::test]
async fn bad_parameters_are_problems() {
    let app = operator_app(|_| {}).await;
    for query in [
        "status=stuck",
        "limit=0",
        "limit=501",
        "before=yesterday",
        "tenant=not%20a%20code",
        "kind=",
        "color=blue",
    ] {
        let page = get(&app, &format!("{JOBS}?{query}")).await;
        assert_eq!(page.status, 400, "{query}: {}", page.json);
        assert_eq!(page.content_type, "application/problem+json", "{query}");
        assert!(!page.json["detail"].as_str().unwrap().is_empty(), "{query}");
    }
}

#[tokio::test]
async fn retrying_a_failed_job_queues_it_again_with_an_audit_row_naming_the_operator() {
    let app = operator_app(|_| {}).await;
    let id = failed_job(&app, "acme", "test.retry").await;

    let reply = retry(&app, &id.0.to_string()).await;

    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["status"], "queued");
    assert_eq!(reply.json["attempts"], 0);
    let retried_at =
        chrono::DateTime::parse_from_rfc3339(reply.json["updated_at"].as_str().unwrap()).unwrap();
    // The worker takes it again (and, no handler still, fails it again: one more attempt).
    let ran_again = eventually(10, || async {
        let job = app.services.job(id).await.unwrap();
        job.status.as_str() == "failed" && job.attempts == 1 && job.updated_at >= retried_at
    })
    .await;
    assert!(ran_again, "the retried job did not run again");
    let tenant = tenant_id(&app, "acme").await;
    let mut read = app.store().read().await.unwrap();
    let audit = read.recent_audit(tenant, 100).await.unwrap();
    let row = audit
        .iter()
        .find(|a| a.operation == "admin.retryJob")
        .expect("an audit row for the retry");
    assert_eq!(row.initiator.as_deref(), Some(OPERATOR.0));
    assert_eq!(row.channel, Channel::Admin);
    assert_eq!(row.entity_type, "job");
    assert_eq!(row.entity_id, id.0.to_string());
    assert_eq!(row.before.as_ref().unwrap()["status"], "failed");
    assert_eq!(
        row.before.as_ref().unwrap()["lastError"],
        "no handler for this job kind"
    );
    assert!(row.event.is_none(), "a retry is not an event of the feed");
}

#[tokio::test]
async fn retrying_a_job_that_is_not_failed_is_a_conflict_and_changes_nothing() {
    let app = operator_app(|settings| settings.run_worker = false).await;
    let id = queued_job(&app, "acme", "test.waiting").await;
    let before = app.services.job(id).await.unwrap();

    let reply = retry(&app, &id.0.to_string()).await;

    assert_eq!(reply.status, 409, "{}", reply.json);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(
        reply.json["detail"],
        "the job is queued: only a failed job can be retried"
    );
    assert_eq!(app.services.job(id).await.unwrap(), before);
    let tenant = tenant_id(&app, "acme").await;
    let mut read = app.store().read().await.unwrap();
    let audit = read.recent_audit(tenant, 100).await.unwrap();
    assert!(audit.iter().all(|a| a.operation != "admin.retryJob"));
}

#[tokio::test]
async fn retrying_an_unknown_or_malformed_job_id_is_a_problem() {
    let app = operator_app(|_| {}).await;

    let unknown = retry(&app, &uuid::Uuid::new_v4().to_string()).await;
    let malformed = retry(&app, "not-a-job").await;
    let one = get(&app, &format!("{JOBS}/{}", uuid::Uuid::new_v4())).await;

    assert_eq!(unknown.status, 404, "{}", unknown.json);
    assert_eq!(unknown.json["detail"], "job not found");
    assert_eq!(malformed.status, 400, "{}", malformed.json);
    assert_eq!(one.status, 404, "{}", one.json);
}

#[tokio::test]
async fn jobs_need_operator_credentials() {
    let app = operator_app(|_| {}).await;
    let id = failed_job(&app, "acme", "test.auth").await;

    let list = app.client.get(app.url(JOBS)).send().await.unwrap();
    let vendor = app
        .client
        .post(app.url(&format!("{JOBS}/{}/retry", id.0)))
        .basic_auth("ds-gym", Some("Gym-Pass-2024"))
        .send()
        .await
        .unwrap();

    assert_eq!(list.status(), 401);
    assert_eq!(vendor.status(), 401);
    assert_eq!(
        app.services.job(id).await.unwrap().status.as_str(),
        "failed"
    );
}

#[tokio::test]
async fn a_filtered_read_examines_a_bounded_window_and_goes_on_after_it() {
    use billing_compat::domain::job::{JobFilter, JobStatus};
    let app = operator_app(|_| {}).await;
    let wanted = failed_job(&app, "acme", "test.wanted").await;
    failed_job(&app, "acme", "test.other1").await;
    failed_job(&app, "acme", "test.other2").await;
    let filter = JobFilter {
        status: JobStatus::Failed,
        kind: Some("test.wanted".into()),
        tenant: None,
    };
    let mut read = app.store().read().await.unwrap();

    // A window of two holds the two newest failures, neither wanted: an empty page, and
    // the window's end to go on from.
    let first = read.jobs_page(&filter, None, 10, 2).await.unwrap();
    let end = read
        .jobs_window_end(JobStatus::Failed, None, 2)
        .await
        .unwrap()
        .expect("the window is full");
    let second = read.jobs_page(&filter, Some(end), 10, 2).await.unwrap();
    let last_end = read
        .jobs_window_end(JobStatus::Failed, Some(end), 2)
        .await
        .unwrap();

    assert!(first.is_empty());
    assert_eq!(
        second.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![wanted]
    );
    assert!(
        last_end.is_none(),
        "one job was left: the window is not full"
    );
}
