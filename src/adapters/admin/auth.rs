//! Who is calling the admin API (issue 18 item 1; docs/operations.md "Operators and the
//! admin API"): an operator by HTTP Basic (name and password, through the same bounded,
//! throttled check as vendor users) or by an operator bearer token. Vendor API users'
//! credentials are unknown here and get 401.

use actix_web::{HttpRequest, HttpResponse};

use crate::adapters::http::credentials::{attempt, credentials, Credentials};
use crate::adapters::http::AppState;
use crate::domain::operator::Operator;

use super::error;

/// Which credentials a route takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Name and password only (`POST /admin/v1/tokens`: a token does not mint tokens).
    BasicOnly,
    BasicOrBearer,
}

/// The calling operator, or the answer that refuses the request.
pub async fn operator(
    req: &HttpRequest,
    state: &AppState,
    accepts: Accepts,
) -> Result<Operator, HttpResponse> {
    let services = &state.services;
    let found = match credentials(req) {
        Credentials::Basic { username, password } => {
            services
                .auth
                .operator_password(services.store.as_ref(), attempt(req, &username, &password))
                .await
        }
        Credentials::Bearer(token) if accepts == Accepts::BasicOrBearer => {
            services.operator_by_token(&token).await
        }
        Credentials::Bearer(_) | Credentials::Missing | Credentials::Malformed => {
            return Err(error::unauthenticated(req))
        }
    };
    found.map_err(|e| error::respond(req, &e))
}
