//! The envelope's WS-Security header on a Debitsuccess call (docs/debitsuccess.md
//! "WS-Security"): verified before the operation runs. When it carries a UsernameToken, the
//! token authenticates the request; a body `User` naming a username must name the same
//! user. Without a header everything runs as before (`run::authenticate`, the body's
//! `User`).

use crate::domain::user::{Api, Principal};
use crate::service::auth::{SecurityFailure, SecurityHeader, SecurityRefusal, TokenError};
use crate::service::{Origin, Services};

use super::command::RequestBase;
use super::rules;

/// `Ok(Some)`: the token signed the caller in; `Ok(None)`: a fresh header without a token.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    services: &Services,
    header: &SecurityHeader,
    base: &RequestBase,
    origin: &Origin,
) -> Result<Option<Principal>, TokenError> {
    if let Some(token) = &header.token {
        let body_username = base
            .user
            .as_ref()
            .and_then(|u| rules::present(u.username.as_deref()));
        // Checked before any look-up: both names are the client's own, so refusing costs
        // nothing and tells nothing about which users exist.
        if body_username.is_some_and(|name| name != token.username) {
            return Err(TokenError::Refused(SecurityRefusal {
                failure: SecurityFailure::FailedAuthentication,
                reason: "The UsernameToken's Username and the body's User.Username differ.".into(),
            }));
        }
    }
    let now = services.clock.now();
    services
        .auth
        .ws_security(
            services.store.as_ref(),
            header,
            origin.client,
            Api::Debitsuccess,
            now,
        )
        .await
}
