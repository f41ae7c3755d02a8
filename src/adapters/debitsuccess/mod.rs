//! The Debitsuccess adapter (docs/design.md §6.1, the Debitsuccess *AdjustAccountTerminationDate* page): the WCF service `IDSServices` at
//! `/DSWebService/DSServices.svc` — SOAP 1.1 and 1.2 (`soap/`), its WSDL and schemas
//! (`wsdl.rs`), and the JSON form (`json.rs`). Requests become the version-neutral messages
//! of `service::debitsuccess`; replies are rendered from [`reply`] in the caller's format.

mod amount;
#[doc(hidden)]
pub mod bench_hooks;
mod error;
mod fields;
mod json;
mod openapi;
mod reply;
mod result_xml;
mod soap;
mod unrouted;
mod wire_date;
mod wsdl;
mod xml_tree;

use actix_web::web;

pub use unrouted::unrouted;
pub use wsdl::SERVICE_PATH;

#[doc(hidden)]
pub use json::fuzz_decode as fuzz_decode_rest;
#[doc(hidden)]
pub use soap::fuzz_decode_soap;

/// IIS matches paths without regard to case, and one public PHP client writes
/// `DsWebService` (vendor notes): that spelling reaches the same service.
const ALIAS_PATH: &str = "/DsWebService/DSServices.svc";

pub fn configure(cfg: &mut web::ServiceConfig) {
    for path in [SERVICE_PATH, ALIAS_PATH] {
        cfg.service(
            web::resource(path)
                .route(web::post().to(soap::post))
                .route(web::get().to(wsdl::get)),
        );
    }
    cfg.service(
        web::resource(format!("{SERVICE_PATH}/json/AdjustAccountTerminationDate"))
            .route(web::post().to(json::adjust)),
    )
    .service(
        web::resource(format!("{SERVICE_PATH}/json/GetCustomerAccountByAccountId"))
            .route(web::post().to(json::get_account)),
    );
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    openapi::document()
}
