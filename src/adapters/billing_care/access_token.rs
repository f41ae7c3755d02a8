//! `GET /bcws/webresources/v1.0/authentication/queryAccessToken` (docs/design.md §6.4; Oracle's
//! "Authenticate" page) and the credential check every other Billing Care call makes.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::credentials::{attempt, credentials, Credentials};
use crate::adapters::http::negotiation::{render, reply_format_of, to_response, Format};
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::AppState;
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::billing_care::tokens;

use super::error::{ApiError, OracleError};

pub const PATH: &str = "/bcws/webresources/v1.0/authentication/queryAccessToken";

/// An OAuth 2.0 bearer token (RFC 6749 §5.1).
#[derive(Serialize, ToSchema)]
#[schema(as = billing_care::AccessToken, xml(name = "accessToken"))]
pub(super) struct AccessTokenReply {
    /// Send it as `Authorization: Bearer <access_token>`.
    access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 3600)]
    expires_in: u64,
}

/// Basic client_id:client_secret → a bearer token (the client secret is the API user's
/// password; the user must be allowed the billing_care API).
#[utoipa::path(
    get,
    path = "/bcws/webresources/v1.0/authentication/queryAccessToken",
    tag = "billing_care",
    operation_id = "billingCareQueryAccessToken",
    security(("billing_care_basic" = [])),
    responses(
        (status = 200, description = "A bearer token", body = AccessTokenReply,
         content((AccessTokenReply = "application/json"), (AccessTokenReply = "application/xml")),
         headers(("Cache-Control" = String, description = "no-store"))),
        (status = 401, description = "Missing or invalid client credentials", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml")),
         headers(("WWW-Authenticate" = String, description = "Basic realm=\"billing_care\""))),
        (status = 406, description = "Accept names neither JSON nor XML", body = OracleError,
         content((OracleError = "application/json"))),
        (status = 429, description = "The user requests tokens faster than allowed",
         body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml")),
         headers(("Retry-After" = u64, description = "Seconds until a token may be requested"))),
        (status = 500, description = "Internal error", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
        (status = 503, description = "The store is unavailable", body = OracleError,
         content((OracleError = "application/json"), (OracleError = "application/xml"))),
    )
)]
pub async fn query_access_token(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let format = match reply_format_of(&req) {
        Ok(format) => format,
        Err(wire) => return ApiError::Wire(wire).respond(Format::Json),
    };
    match issue(&req, &state, format).await {
        Ok(response) => response,
        Err(error) => error.respond(format),
    }
}

async fn issue(
    req: &HttpRequest,
    state: &AppState,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let principal = basic_principal(req, state).await?;
    let issued = tokens::issue(
        &state.services,
        &principal,
        state.settings.vendors.billing_care_token_ttl,
        state.settings.vendors.billing_care_tokens_per_user,
        &origin_of(req, format.channel()),
    )
    .await?;
    let reply = AccessTokenReply {
        access_token: issued.token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
    };
    let mut response = to_response(render(format, StatusCode::OK, "accessToken", &reply));
    // RFC 6749 §5.1: token responses must not be cached.
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    headers.insert(header::PRAGMA, header::HeaderValue::from_static("no-cache"));
    Ok(response)
}

/// HTTP Basic credentials of an API user allowed billing_care; anything else is one refusal.
async fn basic_principal(req: &HttpRequest, state: &AppState) -> Result<Principal, ApiError> {
    let Credentials::Basic { username, password } = credentials(req) else {
        return Err(ApiError::InvalidCredentials);
    };
    let services = &state.services;
    services
        .auth
        .password(
            services.store.as_ref(),
            attempt(req, &username, &password),
            Api::BillingCare,
        )
        .await
        .map_err(|e| match e {
            DomainError::Unauthenticated => ApiError::InvalidCredentials,
            DomainError::Throttled { retry_after } => ApiError::Throttled { retry_after },
            other => ApiError::Domain(other),
        })
}

/// Who is calling a Billing Care operation. Production (the default): a bearer token from
/// queryAccessToken. With `billing_care_require_token` off ("test systems", docs/design.md §6.4) a
/// token still works and HTTP Basic client credentials are accepted too; a call with no
/// credentials at all is still refused, because every row belongs to a tenant and no
/// query may cross tenants (docs/design.md §3), so nothing else could say whose bundle is meant.
pub(super) async fn caller(req: &HttpRequest, state: &AppState) -> Result<Principal, ApiError> {
    let basic_allowed = !state.settings.vendors.billing_care_require_token;
    match credentials(req) {
        Credentials::Bearer(token) => {
            tokens::authenticate(&state.services, &token)
                .await
                .map_err(|e| match e {
                    DomainError::Unauthenticated => ApiError::InvalidToken,
                    other => ApiError::Domain(other),
                })
        }
        Credentials::Basic { .. } if basic_allowed => basic_principal(req, state).await,
        Credentials::Basic { .. } | Credentials::Missing => {
            Err(ApiError::MissingToken { basic_allowed })
        }
        Credentials::Malformed => Err(ApiError::InvalidToken),
    }
}
