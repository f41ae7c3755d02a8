//! Verizon Digital Connect (docs/design.md §6.5, the Verizon *disconnectCustomerConfirmation* page): `POST
//! /proquest/disconnectCustomerConfirmation`, with MEF LSO Sonata errors. JSON and XML by
//! content negotiation; HTTP Basic or a Bearer API key.

mod confirm;
mod error;
mod wire;

#[doc(hidden)]
pub use confirm::fuzz_decode;

use actix_web::web;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/proquest/disconnectCustomerConfirmation")
            .route(web::post().to(confirm::disconnect_customer_confirmation)),
    );
}

#[derive(OpenApi)]
#[openapi(
    paths(confirm::disconnect_customer_confirmation),
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
