//! Oracle Billing Care REST (docs/design.md §6.4, the Billing Care *Cancel a Bundle* page), under `/bcws/webresources/v1.0/`:
//! - `GET authentication/queryAccessToken` — Basic client credentials → bearer token;
//! - `POST subscriptions/cancel/bundle` — cancel a purchased bundle, JSON or XML.

mod access_token;
mod body;
mod cancel_bundle;
mod error;
mod wire;

#[doc(hidden)]
pub use cancel_bundle::fuzz_decode;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use error::ORACLE_NS;

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::error_format;

/// The base path of every Billing Care operation.
pub const BASE: &str = "/bcws/webresources/v1.0";

/// A request under `/bcws` that no route takes: Oracle's error, `NOT_FOUND` (404) or
/// `METHOD_NOT_ALLOWED` (405) (docs/billing-care.md).
pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    error::ApiError::Unrouted {
        miss: miss.clone(),
        detail: miss.describe(req),
    }
    .respond(error_format(req))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(access_token::PATH).route(web::get().to(access_token::query_access_token)),
    )
    .service(
        web::resource(cancel_bundle::PATH).route(web::post().to(cancel_bundle::cancel_bundle)),
    );
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut basic = Http::new(HttpAuthScheme::Basic);
        basic.description = Some(
            "client_id:client_secret: an API user allowed the billing_care API and its password"
                .into(),
        );
        components.add_security_scheme("billing_care_basic", SecurityScheme::Http(basic));
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("access_token from GET …/authentication/queryAccessToken".into());
        components.add_security_scheme("billing_care_bearer", SecurityScheme::Http(bearer));
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(access_token::query_access_token, cancel_bundle::cancel_bundle),
    components(schemas(
        access_token::AccessTokenReply,
        cancel_bundle::CancelBundleRequest,
        cancel_bundle::AccountRef,
        cancel_bundle::ServiceRef,
        cancel_bundle::DealRef,
        error::OracleError,
    )),
    modifiers(&SecuritySchemes),
    tags((name = "billing_care", description = "Oracle Billing Care REST: access token and cancel bundle"))
)]
struct BillingCareDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    BillingCareDoc::openapi()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_builds_with_both_operations() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        let paths = &doc["paths"];
        assert!(paths["/bcws/webresources/v1.0/subscriptions/cancel/bundle"]["post"].is_object());
        assert!(
            paths["/bcws/webresources/v1.0/authentication/queryAccessToken"]["get"].is_object()
        );
        println!("{}", serde_json::to_string_pretty(&doc).unwrap());
    }
}
