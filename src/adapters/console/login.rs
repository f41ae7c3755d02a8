//! Signing in and out of the console (docs/console.md "Sessions and CSRF"). The password
//! is checked by the admin API's own path (`AuthService::operator_password`): bounded,
//! throttled per client, the same delay on every failure.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::adapters::http::credentials::attempt;
use crate::adapters::http::AppState;
use crate::domain::DomainError;

use super::session::{self, LOGIN_COOKIE, SESSION_COOKIE};
use super::{render, see_other, Layout};

pub const PATH: &str = "/console/login";
pub const LOGOUT: &str = "/console/logout";

#[derive(askama::Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<String>,
}

/// The sign-in form, with a fresh nonce cookie its CSRF token is keyed by. Signed in
/// already: the dashboard.
pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if session::current(&req, &state).await.is_some() {
        return see_other("/console");
    }
    let nonce = session::login_cookie(&req);
    let mut response = render(
        StatusCode::OK,
        &LoginPage {
            layout: Layout::signed_out("Sign in"),
            csrf: session::csrf_for(nonce.value()),
            username: String::new(),
            error: None,
        },
    );
    let _ = response.add_cookie(&nonce);
    response
}

#[derive(Deserialize)]
struct SignIn {
    username: Option<String>,
    password: Option<String>,
    csrf: Option<String>,
}

/// Checks the form's token (keyed by the nonce cookie) and the credentials; on success
/// the session cookie is set and the browser goes to the dashboard.
pub async fn sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let fields: SignIn = super::form(&body).unwrap_or(SignIn {
        username: None,
        password: None,
        csrf: None,
    });
    let nonce = req
        .cookie(LOGIN_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    // No nonce cookie: no page of ours was loaded in this browser, whatever the field says.
    let checked = match nonce.is_empty() {
        true => Err(session::Refusal::BadToken),
        false => session::check_post(&req, &nonce, fields.csrf.as_deref()),
    };
    if let Err(refusal) = checked {
        return super::refused(refusal);
    }
    let username = fields.username.unwrap_or_default();
    let password = fields.password.unwrap_or_default();
    let services = &state.services;
    let found = services
        .auth
        .operator_password(services.store.as_ref(), attempt(&req, &username, &password))
        .await;
    let operator = match found {
        Ok(operator) => operator,
        Err(error) => return refused_sign_in(&nonce, username, &error),
    };
    match services.issue_operator_token(&operator).await {
        Ok(issued) => {
            tracing::info!(operator = operator.name.as_str(), "console: signed in");
            let mut response = see_other("/console");
            let _ = response.add_cookie(&session::session_cookie(&req, issued.token));
            let _ = response.add_cookie(&session::removal(&req, LOGIN_COOKIE));
            response
        }
        Err(error) => super::failure(None, &error),
    }
}

/// The form again with why: 401 for wrong credentials, 429 (with `Retry-After`) when this
/// client is throttled. Which part was wrong is never said.
fn refused_sign_in(nonce: &str, username: String, error: &DomainError) -> HttpResponse {
    let (status, text, retry_after) = match error {
        DomainError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "Wrong operator name or password.".to_owned(),
            None,
        ),
        DomainError::Throttled { retry_after } => {
            let secs = crate::domain::limits::whole_seconds(*retry_after);
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many failed sign-ins from this client; retry in {secs} s."),
                Some(secs),
            )
        }
        other => return super::failure(None, other),
    };
    let mut response = render(
        status,
        &LoginPage {
            layout: Layout::signed_out("Sign in"),
            csrf: session::csrf_for(nonce),
            username: username.chars().take(64).collect(),
            error: Some(text),
        },
    );
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    }
    response
}

#[derive(Deserialize)]
struct SignOut {
    csrf: Option<String>,
}

/// Revokes the session's token (it is refused from now on, by the console and the admin
/// API alike) and forgets the cookie.
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(current) = session::current(&req, &state).await else {
        // No live session: nothing to revoke; forget whatever cookie is left.
        let mut response = see_other(PATH);
        let _ = response.add_cookie(&session::removal(&req, SESSION_COOKIE));
        return response;
    };
    let fields: Option<SignOut> = super::form(&body);
    let given = fields.and_then(|f| f.csrf);
    if let Err(refusal) = session::check_post(&req, &current.token, given.as_deref()) {
        return super::refused(refusal);
    }
    if let Err(error) = state.services.revoke_operator_token(&current.token).await {
        return super::failure(Some(&current), &error);
    }
    tracing::info!(
        operator = current.operator.name.as_str(),
        "console: signed out"
    );
    let mut response = see_other(PATH);
    let _ = response.add_cookie(&session::removal(&req, SESSION_COOKIE));
    response
}
