//! The dashboard (docs/console.md "Dashboard"): the queue's jobs by status, as counts and
//! as a chart, and the webhooks, enabled and disabled. Each count is bounded
//! (`service::admin::jobs::COUNT_CAP`): a big backlog shows as "10000+".

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::AppState;
use crate::service::admin::jobs::COUNT_CAP;

use super::chart::{bar_chart, Svg};
use super::{render, signed_in, Layout, Section};

#[derive(askama::Template)]
#[template(path = "console/dashboard.html")]
struct Dashboard {
    layout: Layout,
    /// (status, count shown, link to the listing).
    jobs: Vec<(&'static str, String, String)>,
    chart: Svg,
    webhooks_enabled: usize,
    webhooks_disabled: usize,
}

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let counts = match state.services.job_counts().await {
        Ok(counts) => counts,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let webhooks = match state.services.webhooks().await {
        Ok(webhooks) => webhooks,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let disabled = webhooks.iter().filter(|w| w.disabled.is_some()).count();
    let shown = |n: i64| match n >= COUNT_CAP {
        true => format!("{COUNT_CAP}+"),
        false => n.to_string(),
    };
    let chart = bar_chart(
        "Jobs by status",
        &counts
            .iter()
            .map(|(status, n)| (status.as_str().to_owned(), *n))
            .collect::<Vec<_>>(),
    );
    render(
        StatusCode::OK,
        &Dashboard {
            layout: Layout::signed_in("Dashboard", Section::Dashboard, &session),
            jobs: counts
                .iter()
                .map(|(status, n)| {
                    let status = status.as_str();
                    (
                        status,
                        shown(*n),
                        format!("{}?status={status}", super::jobs::PATH),
                    )
                })
                .collect(),
            chart,
            webhooks_enabled: webhooks.len() - disabled,
            webhooks_disabled: disabled,
        },
    )
}
