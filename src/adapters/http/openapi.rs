//! `/openapi.json`: OpenAPI 3.1 generated from the handlers' own types (utoipa). Each REST
//! adapter contributes its paths; they are merged here.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "billing-compat",
        description = "Five legacy billing vendors' REST APIs over one domain core. The Debitsuccess SOAP \
                       service is described by its WSDL at /DSWebService/DSServices.svc?wsdl.",
    ),
    paths(
        crate::adapters::index::get,
        super::health::healthz,
        super::health::readyz,
        super::health::metrics
    ),
    components(schemas(
        super::health::Health,
        crate::adapters::index::Index,
        crate::adapters::index::Link
    )),
    tags((name = "service", description = "Operational endpoints"))
)]
struct ServiceDoc;

/// The whole document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = ServiceDoc::openapi();
        for part in crate::adapters::openapi_parts() {
            doc.merge(part);
        }
        doc
    })
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}
