//! The console's session and its forms' protection (docs/console.md "Sessions and CSRF").
//!
//! - The session is an operator token (`service::admin::operators`: SHA-256 stored, 1 h,
//!   at most 10 per operator) in a cookie that scripts cannot read (`HttpOnly`), that no
//!   other site's request carries (`SameSite=Strict`), sent back only under `/console`,
//!   and only over https when the request came over https (`Secure`).
//! - Every form carries a CSRF token, HMAC-SHA256 keyed by the session token (by a random
//!   sign-in nonce in its own cookie, for the sign-in form): only a page we served knows
//!   it. Every POST must bring it, and a POST whose `Origin` (or `Sec-Fetch-Site`) says
//!   another site sent it is refused even before that.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::adapters::http::{public_url, AppState};
use crate::domain::operator::Operator;
use crate::service::admin::operators::TOKEN_LIFETIME;
use crate::service::auth::token_secret;

/// The session cookie: an operator token.
pub const SESSION_COOKIE: &str = "bc_console";
/// The sign-in form's nonce, before there is a session.
pub const LOGIN_COOKIE: &str = "bc_console_login";
/// Every cookie of the console is sent back under this path only.
pub const COOKIE_PATH: &str = "/console";
/// The hidden field every form carries.
pub const CSRF_FIELD: &str = "csrf";

/// A signed-in operator and the token that is their session.
pub struct Session {
    pub operator: Operator,
    pub token: String,
}

impl Session {
    /// The CSRF token of this session's forms.
    pub fn csrf(&self) -> String {
        csrf_for(&self.token)
    }
}

/// The operator whose unexpired, unrevoked token is in the session cookie, if any. A store
/// failure is logged and treated as no session (the page asks to sign in again).
pub async fn current(req: &HttpRequest, state: &AppState) -> Option<Session> {
    let token = req.cookie(SESSION_COOKIE)?.value().to_owned();
    if token.is_empty() || token.len() > 200 {
        return None;
    }
    match state.services.operator_by_token(&token).await {
        Ok(operator) => Some(Session { operator, token }),
        Err(crate::domain::DomainError::Unauthenticated) => None,
        Err(error) => {
            tracing::warn!(?error, "console: session look-up failed");
            None
        }
    }
}

/// The CSRF token of forms under `secret` (a session token or a sign-in nonce), hex.
pub fn csrf_for(secret: &str) -> String {
    // Hmac accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"billing-compat console form v1");
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `given` is the CSRF token under `secret`, compared in constant time.
pub fn csrf_matches(secret: &str, given: &str) -> bool {
    let expected = csrf_for(secret);
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// Why a POST was refused before anything was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `Origin` or `Sec-Fetch-Site` names another site.
    CrossSite,
    /// The CSRF token is missing or wrong.
    BadToken,
}

/// The checks every console POST passes first: the request comes from our own pages (when
/// the browser says where it comes from) and carries the form's token under `secret`.
pub fn check_post(req: &HttpRequest, secret: &str, given: Option<&str>) -> Result<(), Refusal> {
    if !same_origin(req) {
        return Err(Refusal::CrossSite);
    }
    match given {
        Some(given) if csrf_matches(secret, given) => Ok(()),
        _ => Err(Refusal::BadToken),
    }
}

/// False when the browser says the request was sent by another site: an `Origin` other
/// than ours (scheme, host and port as `public_url` finds them), or `Sec-Fetch-Site` other
/// than `same-origin` or `none` (typed in the address bar). Clients that send neither
/// (curl) pass to the token check.
fn same_origin(req: &HttpRequest) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.to_str(), Ok("same-origin") | Ok("none")) {
            return false;
        }
    }
    match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => match (origin.to_str(), url::Url::parse(&public_url::base(req))) {
            (Ok(origin), Ok(ours)) => origin == ours.origin().ascii_serialization(),
            _ => false,
        },
    }
}

/// Whether the browser reached us over https (directly, through a trusted proxy, or as
/// the configured public base URL says): the cookies are then `Secure`.
pub fn over_https(req: &HttpRequest) -> bool {
    public_url::base(req).starts_with("https://")
}

fn cookie(req: &HttpRequest, name: &'static str, value: String, max_age: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_https(req))
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

/// The session cookie holding `token`, for as long as the token lives.
pub fn session_cookie(req: &HttpRequest, token: String) -> Cookie<'static> {
    let lifetime = i64::try_from(TOKEN_LIFETIME.as_secs()).unwrap_or(3600);
    cookie(req, SESSION_COOKIE, token, lifetime)
}

/// A fresh sign-in nonce cookie (an hour to fill the form in).
pub fn login_cookie(req: &HttpRequest) -> Cookie<'static> {
    cookie(
        req,
        LOGIN_COOKIE,
        URL_SAFE_NO_PAD.encode(token_secret()),
        3600,
    )
}

/// An instruction to the browser to forget the cookie `name`.
pub fn removal(req: &HttpRequest, name: &'static str) -> Cookie<'static> {
    cookie(req, name, String::new(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_depend_on_the_secret_and_check_exactly() {
        let (a, b) = (csrf_for("session-a"), csrf_for("session-b"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(csrf_matches("session-a", &a));
        assert!(!csrf_matches("session-a", &b));
        assert!(!csrf_matches("session-a", ""));
        assert!(!csrf_matches("session-a", &a[..63]));
    }
}
