//! Requests (docs/console.md "Pages"): the request journal with the filters of
//! `GET /admin/v1/requests` as a GET form, paged newest first, and one request's redacted
//! request and reply side by side. Same service and validation as the admin API
//! (`service::journal::query`), so the same bounds: 50 a page, filter values capped.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::adapters::http::AppState;
use crate::domain::clock;
use crate::domain::journal::{JournalCursor, JournalEntry, RecordedRequest};
use crate::domain::user::Api;
use crate::domain::DomainError;
use crate::service::journal::query::{JournalQuery, RawQuery};

use super::{render, signed_in, Layout, Section};

pub const PATH: &str = "/console/requests";
pub const ONE: &str = "/console/requests/{id}";

/// The filter form's fields; it sends every one, empty when unused (empty means "any").
#[derive(Default, Deserialize)]
struct Filters {
    tenant: Option<String>,
    api: Option<String>,
    operation: Option<String>,
    user: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
    request_id: Option<String>,
    cursor: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Filters {
    /// The admin API's validation. An empty tenant means "any" here (the API's `tenant=`
    /// selects unauthenticated requests; a form cannot tell "empty" from "unused").
    fn query(&self) -> Result<JournalQuery, DomainError> {
        JournalQuery::parse(RawQuery {
            tenant: given(&self.tenant),
            api: given(&self.api),
            operation: given(&self.operation),
            user: given(&self.user),
            outcome: given(&self.outcome),
            from: given(&self.from),
            to: given(&self.to),
            request_id: given(&self.request_id),
            cursor: given(&self.cursor),
            limit: None,
        })
    }

    /// The link to the page after this one, the filters kept.
    fn next_link(&self, next: JournalCursor) -> String {
        let mut link = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("tenant", &self.tenant),
            ("api", &self.api),
            ("operation", &self.operation),
            ("user", &self.user),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
            ("request_id", &self.request_id),
        ] {
            if let Some(value) = given(value) {
                link.append_pair(name, value);
            }
        }
        link.append_pair("cursor", &next.encode());
        format!("{PATH}?{}", link.finish())
    }

    fn shown(value: &Option<String>) -> String {
        given(value).unwrap_or_default().to_owned()
    }
}

/// A journal entry as its row (and the request's page) shows it.
struct Row {
    href: String,
    at: String,
    tenant: String,
    user: String,
    api: &'static str,
    operation: String,
    channel: String,
    method: String,
    path: String,
    status: u16,
    outcome: String,
    latency: String,
    request_id: String,
}

impl From<JournalEntry> for Row {
    fn from(e: JournalEntry) -> Self {
        Row {
            href: format!("{PATH}/{}", e.id),
            at: clock::to_storage(e.at),
            tenant: e.tenant.unwrap_or_else(|| "—".to_owned()),
            user: e.username.unwrap_or_else(|| "—".to_owned()),
            api: e.api.as_str(),
            operation: e.operation,
            channel: e.channel,
            method: e.method,
            path: e.path,
            status: e.status,
            outcome: e.outcome,
            latency: format!("{:.1} ms", e.latency_us as f64 / 1000.0),
            request_id: e.request_id,
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/requests.html")]
struct RequestsPage {
    layout: Layout,
    apis: &'static [Api],
    tenant: String,
    api: String,
    operation: String,
    user: String,
    outcome: String,
    from: String,
    to: String,
    request_id: String,
    rows: Vec<Row>,
    next: Option<String>,
    error: Option<String>,
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let parsed = web::Query::<Filters>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|_| DomainError::invalid("query", "not a valid query string"));
    let filters = parsed.as_ref().ok();
    let shown = |f: fn(&Filters) -> &Option<String>| {
        filters.map(|fs| Filters::shown(f(fs))).unwrap_or_default()
    };
    let mut page = RequestsPage {
        layout: Layout::signed_in("Requests", Section::Requests, &session),
        apis: &Api::ALL,
        tenant: shown(|f| &f.tenant),
        api: shown(|f| &f.api),
        operation: shown(|f| &f.operation),
        user: shown(|f| &f.user),
        outcome: shown(|f| &f.outcome),
        from: shown(|f| &f.from),
        to: shown(|f| &f.to),
        request_id: shown(|f| &f.request_id),
        rows: Vec::new(),
        next: None,
        error: None,
    };
    let query = parsed.and_then(|f| f.query().map(|q| (f, q)));
    let (filters, query) = match query {
        Ok(found) => found,
        Err(error) => {
            page.error = Some(error.to_string());
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    match state.services.journal_page(&query).await {
        Ok(found) => {
            page.next = found.next.map(|next| filters.next_link(next));
            page.rows = found.entries.into_iter().map(Row::from).collect();
            render(StatusCode::OK, &page)
        }
        Err(error @ DomainError::Invalid { .. }) => {
            page.error = Some(error.to_string());
            render(StatusCode::BAD_REQUEST, &page)
        }
        Err(error) => super::failure(Some(&session), &error),
    }
}

/// Headers as `(name, value)`, in the order stored.
type Headers = Vec<(String, String)>;

/// A body as the page shows it.
struct Body {
    text: String,
    truncated: bool,
}

#[derive(askama::Template)]
#[template(path = "console/request.html")]
struct RequestPage {
    layout: Layout,
    entry: Row,
    request_headers: Headers,
    reply_headers: Headers,
    request: Body,
    reply: Body,
}

/// The stored headers are one list; the reply's carry the prefix `reply-`
/// (`service::journal::writer`).
fn split_headers(headers: Headers) -> (Headers, Headers) {
    let mut request = Vec::new();
    let mut reply = Vec::new();
    for (name, value) in headers {
        match name.strip_prefix("reply-") {
            Some(name) => reply.push((name.to_owned(), value)),
            None => request.push((name, value)),
        }
    }
    (request, reply)
}

/// One request: its entry, and its redacted request and reply side by side.
pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let RecordedRequest { entry, detail } = match state.services.journal_request(&id).await {
        Ok(found) => found,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let (request_headers, reply_headers) = split_headers(detail.headers);
    render(
        StatusCode::OK,
        &RequestPage {
            layout: Layout::signed_in("Request", Section::Requests, &session),
            entry: Row::from(entry),
            request_headers,
            reply_headers,
            request: Body {
                text: detail.request_body,
                truncated: detail.request_truncated,
            },
            reply: Body {
                text: detail.reply_body,
                truncated: detail.reply_truncated,
            },
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_mean_any_and_the_next_link_keeps_the_filters() {
        let filters = Filters {
            tenant: Some(String::new()),
            api: Some("debitsuccess".into()),
            operation: Some(" ".into()),
            request_id: Some("a&b".into()),
            ..Filters::default()
        };
        let query = filters.query().unwrap();
        assert_eq!(
            query.filter.tenant, None,
            "an empty tenant is any, not none"
        );
        assert_eq!(query.filter.api, Some(Api::Debitsuccess));
        assert_eq!(query.filter.operation, None);
        let cursor = JournalCursor {
            at: clock::from_storage("2026-01-02T03:04:05Z").unwrap(),
            id: uuid::Uuid::nil(),
        };
        let link = filters.next_link(cursor);
        assert!(
            link.starts_with("/console/requests?api=debitsuccess&request_id=a%26b&cursor="),
            "{link}"
        );
        let bad = Filters {
            api: Some("soap".into()),
            ..Filters::default()
        };
        assert!(bad.query().is_err());
    }

    #[test]
    fn reply_headers_are_told_apart_by_their_prefix() {
        let (request, reply) = split_headers(vec![
            ("content-type".into(), "text/xml".into()),
            ("reply-content-type".into(), "application/json".into()),
        ]);
        assert_eq!(request, vec![("content-type".into(), "text/xml".into())]);
        assert_eq!(
            reply,
            vec![("content-type".into(), "application/json".into())]
        );
    }
}
