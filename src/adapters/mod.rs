//! Adapters (docs/design.md §2): one folder per vendor, mirroring the vendor's API, each with
//! private wire types, `TryFrom<Dto>` into domain commands and one error type mapped once
//! from `DomainError` to the vendor's format.

pub mod admin;
pub mod billing_care;
pub mod console;
pub mod crmcom;
pub mod debitsuccess;
pub mod flolive;
pub mod http;
pub mod index;
pub mod unrouted;
pub mod verizon;

use actix_web::web;

/// Every route of the service. Routes are `web::resource(..)` with per-method routes, so a
/// known path called with another method answers 405, not 404 (both get a body from
/// [`unrouted`]).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/")
            .route(web::get().to(index::get))
            .route(web::head().to(index::get)),
    )
    .service(web::resource("/healthz").get(http::health::healthz))
    .service(web::resource("/readyz").get(http::health::readyz))
    .service(web::resource("/metrics").get(http::health::metrics))
    .service(web::resource("/openapi.json").get(http::openapi::openapi_json))
    .configure(debitsuccess::configure)
    .configure(flolive::configure)
    .configure(crmcom::configure)
    .configure(billing_care::configure)
    .configure(verizon::configure)
    .configure(admin::configure)
    .configure(console::configure);
}

/// The REST adapters' OpenAPI fragments, merged into `/openapi.json`.
pub fn openapi_parts() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        flolive::openapi(),
        crmcom::openapi(),
        billing_care::openapi(),
        verizon::openapi(),
        debitsuccess::openapi(),
        admin::openapi(),
    ]
}
