//! Verizon Digital Connect (docs/design.md §6.5, the Verizon *disconnectCustomerConfirmation* page): `POST
//! /proquest/disconnectCustomerConfirmation`, with MEF LSO Sonata errors. JSON and XML by
//! content negotiation; HTTP Basic or a Bearer API key.

mod code;
mod confirm;
mod error;
mod error_page;
mod wire;

#[doc(hidden)]
pub use confirm::fuzz_decode;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::error_format;

/// The base path of the Verizon operation.
pub const BASE: &str = "/proquest";
/// The page `referenceError` links to: one anchor per error code.
pub const ERROR_PAGE: &str = error_page::PATH;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/proquest/disconnectCustomerConfirmation")
            .route(web::post().to(confirm::disconnect_customer_confirmation)),
    )
    .service(
        web::resource(error_page::PATH)
            .route(web::get().to(error_page::get))
            .route(web::head().to(error_page::get)),
    );
}

/// A request under [`BASE`] that no route takes: MEF's `notFound` (404) or our
/// `methodNotAllowed` (405), as JSON or XML (docs/verizon.md "Error codes").
pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    error::VerizonError::unrouted(miss, &miss.describe(req)).response(req, error_format(req))
}

#[derive(OpenApi)]
#[openapi(
    paths(confirm::disconnect_customer_confirmation, error_page::get),
    components(schemas(
        wire::ConfirmationDto,
        wire::AcknowledgementDto,
        wire::AcceptanceIndicatorDto,
        error::ErrorBody
    )),
    modifiers(&Security),
    tags((name = "verizon", description = "Verizon Digital Connect: disconnect order confirmation \
        (MEF LSO Sonata errors). See the README's Verizon section."))
)]
struct VerizonDoc;

/// The two ways in: an API user's password, or its API key as a Bearer token.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "verizon_basic",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some("An API user allowed the Verizon API"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "verizon_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The API user's API key"))
                    .build(),
            ),
        );
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    VerizonDoc::openapi()
}
