//! The floLIVE part of `/openapi.json`: three operations tagged `flolive`, both content
//! types, and the two security schemes (HTTP Basic and Bearer API key).

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    paths(
        super::detach::detach_product,
        super::attach::attach_product,
        super::request_status::request_status
    ),
    modifiers(&SecuritySchemes),
    tags((name = "flolive", description = "floLIVE customer products: detach (seed 001), attach, request status"))
)]
struct FloliveDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut basic = Http::new(HttpAuthScheme::Basic);
        basic.description =
            Some("An API user allowed the floLIVE API, acting for a customer".into());
        components.add_security_scheme("flolive_basic", SecurityScheme::Http(basic));
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("The API key of such a user".into());
        components.add_security_scheme("flolive_bearer", SecurityScheme::Http(bearer));
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    FloliveDoc::openapi()
}
