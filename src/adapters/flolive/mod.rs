//! The floLIVE adapter (docs/design.md §6.2, the floLIVE *Detach Customer Product* page): detach and attach customer products, and
//! the status of such a request. Paths mirror floLIVE's, so an integration changes only
//! its base URL.

mod attach;
mod detach;
mod envelope;
mod error;
mod openapi;
mod request_status;

#[doc(hidden)]
pub use attach::fuzz_decode;

use actix_web::http::header::HeaderName;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::credentials::{attempt, credentials, Credentials};
use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{error_format, Format};
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::AppState;
use crate::domain::user::{Api, Principal};
use crate::domain::DomainError;
use crate::service::flolive::requestor;
use crate::service::idempotency::IdempotentRequest;
use crate::service::Origin;

pub use openapi::openapi;

/// The base path of every floLIVE operation.
pub const BASE: &str = "/api/v2";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/api/v2/customer/{customerId}/detach-product/{productInstanceId}")
            .route(web::delete().to(detach::detach_product)),
    )
    .service(
        web::resource("/api/v2/customer/{customerId}/attach-product")
            .route(web::post().to(attach::attach_product)),
    )
    .service(
        web::resource("/api/v2/request/{requestId}")
            .route(web::get().to(request_status::request_status)),
    );
}

/// A request under [`BASE`] that no route takes: a NAK, `GLOBAL_1002` (404) or
/// `GLOBAL_1003` (405), in the format `Accept` (else the body) asks for (docs/flolive.md).
pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    error::FloliveError::unrouted(miss, miss.describe(req), error_format(req)).respond()
}

/// HTTP Basic (an API user allowed the floLIVE API) or `Authorization: Bearer <api key>`
/// (docs/design.md §6.2). The user must act for a customer: that customer is the requestor.
async fn authenticate(req: &HttpRequest, state: &AppState) -> Result<Principal, DomainError> {
    let services = &state.services;
    let store = services.store.as_ref();
    let principal = match credentials(req) {
        Credentials::Basic { username, password } => {
            services
                .auth
                .password(store, attempt(req, &username, &password), Api::Flolive)
                .await?
        }
        Credentials::Bearer(key) => services.auth.api_key(store, &key, Api::Flolive).await?,
        Credentials::Missing | Credentials::Malformed => return Err(DomainError::Unauthenticated),
    };
    requestor(&principal)?;
    Ok(principal)
}

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The `Idempotency-Key` of a mutation, fingerprinted with its method, path and body.
fn idempotency(req: &HttpRequest, body: &[u8]) -> Result<Option<IdempotentRequest>, DomainError> {
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY);
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(DomainError::invalid("Idempotency-Key", "send it once"));
    }
    let key = value.to_str().map_err(|_| {
        DomainError::invalid("Idempotency-Key", "must be 1-255 visible ASCII characters")
    })?;
    IdempotentRequest::new(key, req.method().as_str(), req.path(), body).map(Some)
}

/// Where the call came from, for its audit row.
fn origin(req: &HttpRequest, format: Format) -> Origin {
    origin_of(req, format.channel())
}
