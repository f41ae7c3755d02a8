//! Webhooks (docs/console.md "Webhooks"; docs/events.md "Webhooks"): every registered
//! receiver, and one receiver's delivery attempts, newest first. Secrets are never shown.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::webhook::{Endpoint, EndpointId};

use super::{render, signed_in, Layout, Section};

pub const PATH: &str = "/console/webhooks";
pub const ONE: &str = "/console/webhooks/{id}";

/// Attempts per page.
const PAGE: i64 = 50;

struct Row {
    id: String,
    href: String,
    url: String,
    event_types: String,
    tenants: String,
    created_at: String,
    disabled: Option<String>,
}

impl From<Endpoint> for Row {
    fn from(e: Endpoint) -> Self {
        let id = e.id.to_string();
        let list = |items: Vec<String>| match items.is_empty() {
            true => "all".to_owned(),
            false => items.join(", "),
        };
        Row {
            href: format!("{PATH}/{id}"),
            id,
            url: e.url.as_str().to_owned(),
            event_types: list(
                e.event_types
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect(),
            ),
            tenants: list(e.tenants),
            created_at: clock::to_storage(e.created_at),
            disabled: e
                .disabled
                .map(|d| format!("{} ({})", d.reason, clock::to_storage(d.at))),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/webhooks.html")]
struct WebhooksPage {
    layout: Layout,
    rows: Vec<Row>,
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    match state.services.webhooks().await {
        Ok(all) => render(
            StatusCode::OK,
            &WebhooksPage {
                layout: Layout::signed_in("Webhooks", Section::Webhooks, &session),
                rows: all.into_iter().map(Row::from).collect(),
            },
        ),
        Err(error) => super::failure(Some(&session), &error),
    }
}

struct Attempt {
    event_id: String,
    attempt: i64,
    at: String,
    answer: String,
    latency_ms: i64,
    outcome: &'static str,
}

#[derive(askama::Template)]
#[template(path = "console/webhook.html")]
struct WebhookPage {
    layout: Layout,
    webhook: Row,
    attempts: Vec<Attempt>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct PageQuery {
    before: Option<i64>,
}

pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let before = match web::Query::<PageQuery>::from_query(req.query_string()) {
        Ok(query) => query.into_inner().before,
        Err(e) => {
            let error = crate::domain::DomainError::invalid("before", e.to_string());
            return super::failure(Some(&session), &error);
        }
    };
    let id = match EndpointId::parse(&id) {
        Ok(id) => id,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let services = &state.services;
    let found = match services.webhook(id).await {
        Ok(endpoint) => services
            .webhook_deliveries(id, before, PAGE)
            .await
            .map(|page| (endpoint, page)),
        Err(e) => Err(e),
    };
    let (endpoint, page) = match found {
        Ok(found) => found,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let webhook = Row::from(endpoint);
    let next = page.next.map(|n| format!("{}?before={n}", webhook.href));
    let attempts = page
        .deliveries
        .into_iter()
        .map(|d| Attempt {
            event_id: d.event_id,
            attempt: d.attempt,
            at: clock::to_storage(d.at),
            answer: match (d.http_status, d.error) {
                (Some(status), Some(error)) => format!("HTTP {status} ({error})"),
                (Some(status), None) => format!("HTTP {status}"),
                (None, Some(error)) => error,
                (None, None) => String::new(),
            },
            latency_ms: d.latency_ms,
            outcome: d.outcome.as_str(),
        })
        .collect();
    render(
        StatusCode::OK,
        &WebhookPage {
            layout: Layout::signed_in("Webhook", Section::Webhooks, &session),
            webhook,
            attempts,
            next,
        },
    )
}
