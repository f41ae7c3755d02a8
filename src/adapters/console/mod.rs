//! The operator console at `/console/` (issue 19 item 3; docs/console.md): server-rendered
//! HTML from askama templates (`templates/console/`, autoescaped), no script, nothing
//! fetched from elsewhere (the stylesheet is inline, allowed by its hash). Signed in with
//! operator credentials (`session.rs`); every form carries a CSRF token.
//!
//! Pages: the dashboard, traffic, the request journal, accounts, jobs (with retry),
//! webhooks and their deliveries. A page is a file
//! here, a template, a [`Section`] and a route below.

mod accounts;
pub mod chart;
mod dashboard;
mod jobs;
mod login;
mod requests;
pub mod session;
mod traffic;
mod webhooks;

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::adapters::http::AppState;

use session::Session;

/// The console's stylesheet, inlined in every page.
pub const CSS: &str = include_str!("console.css");

/// The pages' Content-Security-Policy: nothing but this origin, no script at all, the one
/// inline stylesheet by its hash, forms only to us, never framed.
pub static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'self'; script-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; \
         form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
});

pub fn configure(cfg: &mut web::ServiceConfig) {
    // `NormalizePath` trims the trailing slash: `/console/` arrives as `/console`.
    cfg.service(web::resource("/console").route(web::get().to(dashboard::page)))
        .service(
            web::resource(login::PATH)
                .route(web::get().to(login::form))
                .route(web::post().to(login::sign_in)),
        )
        .service(web::resource(login::LOGOUT).route(web::post().to(login::sign_out)))
        .service(web::resource(traffic::PATH).route(web::get().to(traffic::page)))
        .service(web::resource(requests::PATH).route(web::get().to(requests::list)))
        .service(web::resource(requests::ONE).route(web::get().to(requests::one)))
        .service(web::resource(accounts::PATH).route(web::get().to(accounts::search)))
        .service(web::resource(accounts::ONE).route(web::get().to(accounts::one)))
        .service(web::resource(jobs::PATH).route(web::get().to(jobs::list)))
        .service(web::resource(jobs::ONE).route(web::get().to(jobs::one)))
        .service(web::resource(jobs::RETRY).route(web::post().to(jobs::retry)))
        .service(web::resource(webhooks::PATH).route(web::get().to(webhooks::list)))
        .service(web::resource(webhooks::ONE).route(web::get().to(webhooks::one)));
}

/// The console's sections, in the navigation's order. A page that does not exist has no
/// entry (docs/console.md "Adding a page").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Traffic,
    Requests,
    Accounts,
    Jobs,
    Webhooks,
}

impl Section {
    pub const ALL: &'static [Section] = &[
        Section::Dashboard,
        Section::Traffic,
        Section::Requests,
        Section::Accounts,
        Section::Jobs,
        Section::Webhooks,
    ];

    fn label(self) -> &'static str {
        match self {
            Section::Dashboard => "Dashboard",
            Section::Traffic => "Traffic",
            Section::Requests => "Requests",
            Section::Accounts => "Accounts",
            Section::Jobs => "Jobs",
            Section::Webhooks => "Webhooks",
        }
    }

    fn href(self) -> &'static str {
        match self {
            Section::Dashboard => "/console",
            Section::Traffic => traffic::PATH,
            Section::Requests => requests::PATH,
            Section::Accounts => accounts::PATH,
            Section::Jobs => jobs::PATH,
            Section::Webhooks => webhooks::PATH,
        }
    }
}

/// One navigation link.
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// What the page shell (`templates/console/base.html`) shows around every page.
pub struct Layout {
    pub title: String,
    pub css: &'static str,
    /// Present when signed in: the navigation, the operator and the sign-out form.
    pub nav: Vec<NavItem>,
    pub operator: Option<String>,
    pub csrf: String,
}

impl Layout {
    /// A signed-in page of `section`.
    pub fn signed_in(title: impl Into<String>, section: Section, session: &Session) -> Self {
        Self {
            title: title.into(),
            css: CSS,
            nav: Section::ALL
                .iter()
                .map(|s| NavItem {
                    label: s.label(),
                    href: s.href(),
                    current: *s == section,
                })
                .collect(),
            operator: Some(session.operator.name.as_str().to_owned()),
            csrf: session.csrf(),
        }
    }

    /// A page shown without a session (sign-in, refusals).
    pub fn signed_out(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            css: CSS,
            nav: Vec::new(),
            operator: None,
            csrf: String::new(),
        }
    }
}

/// `template` rendered as a page with `status` and the console's security headers.
pub fn render(status: StatusCode, template: &impl askama::Template) -> HttpResponse {
    match template.render() {
        Ok(html) => secured(
            HttpResponse::build(status)
                .content_type("text/html; charset=utf-8")
                .body(html),
        ),
        Err(error) => {
            tracing::error!(%error, "console: a template failed to render");
            secured(
                HttpResponse::InternalServerError()
                    .content_type("text/plain; charset=utf-8")
                    .body("internal error"),
            )
        }
    }
}

/// The headers every console answer carries: the CSP above, no MIME sniffing, no referrer
/// leaving with links, never framed, never cached (pages show operators' data).
pub fn secured(mut response: HttpResponse) -> HttpResponse {
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 303 to `location` (after a POST, the browser GETs it).
pub fn see_other(location: &str) -> HttpResponse {
    let mut response = HttpResponse::SeeOther().finish();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    secured(response)
}

/// The signed-in operator, or the answer that sends the browser to sign in.
pub async fn signed_in(req: &HttpRequest, state: &AppState) -> Result<Session, HttpResponse> {
    session::current(req, state)
        .await
        .ok_or_else(|| see_other(login::PATH))
}

/// A form's fields (`application/x-www-form-urlencoded`), or `None` if the body is not one.
pub fn form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    let text = std::str::from_utf8(body).ok()?;
    web::Query::<T>::from_query(text)
        .ok()
        .map(web::Query::into_inner)
}

/// The page of a refused or failed request: `message` under `title`, with `status`.
#[derive(askama::Template)]
#[template(path = "console/message.html")]
pub struct Message {
    pub layout: Layout,
    pub message: String,
    /// Where to go from here: the link and its text.
    pub back_href: &'static str,
    pub back_text: &'static str,
}

/// A message page, inside the navigation when signed in.
pub fn message(
    status: StatusCode,
    session: Option<&Session>,
    title: &str,
    message: impl Into<String>,
) -> HttpResponse {
    let layout = match session {
        Some(session) => Layout::signed_in(title, Section::Dashboard, session),
        None => Layout::signed_out(title),
    };
    let (back_href, back_text) = match session {
        Some(_) => ("/console", "Back to the dashboard"),
        None => (login::PATH, "Sign in"),
    };
    render(
        status,
        &Message {
            layout,
            message: message.into(),
            back_href,
            back_text,
        },
    )
}

/// The answer to a POST refused by the CSRF checks: nothing was changed.
pub fn refused(refusal: session::Refusal) -> HttpResponse {
    tracing::info!(?refusal, "console: form refused");
    message(
        StatusCode::FORBIDDEN,
        None,
        "Request refused",
        "This form was not sent from a console page of this session (or its session \
         ended). Nothing was changed. Reload the page and try again.",
    )
}

/// A service error as a page: the client's mistake (400, 404), a throttle or a busy
/// store (429, 503 with `Retry-After`), or an internal error (500, cause logged only).
pub fn failure(session: Option<&Session>, error: &crate::domain::DomainError) -> HttpResponse {
    use crate::domain::DomainError;
    let (status, text, retry_after) = match error {
        DomainError::Invalid { field, reason } => {
            (StatusCode::BAD_REQUEST, format!("{field}: {reason}"), None)
        }
        DomainError::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what} not found"), None),
        DomainError::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-ins from this client; retry later.".to_owned(),
            Some(crate::domain::limits::whole_seconds(*retry_after)),
        ),
        DomainError::Busy(busy) => (
            StatusCode::SERVICE_UNAVAILABLE,
            busy.to_string(),
            Some(busy.retry_after_secs()),
        ),
        DomainError::Unavailable { .. } => {
            tracing::warn!(?error, "console: store unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The database is unavailable; retry shortly.".to_owned(),
                Some(1),
            )
        }
        DomainError::Unauthenticated | DomainError::Forbidden(_) => {
            (StatusCode::UNAUTHORIZED, "Sign in again.".to_owned(), None)
        }
        DomainError::Conflict { .. } | DomainError::Rule { .. } | DomainError::Internal(_) => {
            tracing::error!(?error, "console: internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal error.".to_owned(),
                None,
            )
        }
    };
    let mut response = message(
        status,
        session,
        status.canonical_reason().unwrap_or("Error"),
        text,
    );
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}
