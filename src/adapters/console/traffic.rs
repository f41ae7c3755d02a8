//! Traffic (docs/console.md "Pages"): the last hour's requests to the five APIs, counted by
//! API, operation and outcome — the admin API's `GET /admin/v1/traffic` (same service, same
//! query), drawn with [`bar_chart`] and listed in a table.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::journal::TrafficCount;
use crate::service::journal::query::DEFAULT_MINUTES;

use super::chart::{bar_chart, Svg};
use super::{render, signed_in, Layout, Section};

pub const PATH: &str = "/console/traffic";

/// Bars drawn at most: the busiest combinations; the table lists them all (the counts are
/// grouped by API, operation and outcome, so their number is bounded by the routes and
/// outcome codes, not by the traffic).
const MAX_BARS: usize = 20;

/// One (API, operation, outcome) row and the journal listing it stands for.
struct Row {
    api: &'static str,
    operation: String,
    outcome: String,
    count: i64,
    href: String,
}

impl From<TrafficCount> for Row {
    fn from(c: TrafficCount) -> Self {
        let href = format!(
            "{}?{}",
            super::requests::PATH,
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("api", c.api.as_str())
                .append_pair("operation", &c.operation)
                .append_pair("outcome", &c.outcome)
                .finish()
        );
        Row {
            api: c.api.as_str(),
            operation: c.operation,
            outcome: c.outcome,
            count: c.count,
            href,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/traffic.html")]
struct TrafficPage {
    layout: Layout,
    minutes: i64,
    since: String,
    total: i64,
    chart: Svg,
    /// More combinations than bars: the chart shows the busiest.
    chart_cut: bool,
    rows: Vec<Row>,
}

pub async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let (since, counts) = match state.services.journal_traffic(DEFAULT_MINUTES).await {
        Ok(found) => found,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let rows: Vec<Row> = counts.into_iter().map(Row::from).collect();
    let mut busiest: Vec<&Row> = rows.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.count));
    let bars: Vec<(String, i64)> = busiest
        .iter()
        .take(MAX_BARS)
        .map(|r| (format!("{} {} {}", r.api, r.operation, r.outcome), r.count))
        .collect();
    render(
        StatusCode::OK,
        &TrafficPage {
            layout: Layout::signed_in("Traffic", Section::Traffic, &session),
            minutes: DEFAULT_MINUTES,
            since: clock::to_storage(since),
            total: rows.iter().map(|r| r.count).sum(),
            chart: bar_chart(
                "Requests of the last hour by API, operation and outcome",
                &bars,
            ),
            chart_cut: rows.len() > MAX_BARS,
            rows,
        },
    )
}
