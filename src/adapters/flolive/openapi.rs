//! The floLIVE part of `/openapi.json`: three operations tagged `flolive`, both content
//! types, and the two security schemes (HTTP Basic and Bearer API key).

use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    paths(
        super::detach::detach_product,
        super::attach::attach_product,
        super::request_status::request_status
    ),
    modifiers(&SecuritySchemes, &IdempotencyKeyIsAString),
    tags((name = "flolive", description = "floLIVE customer products: detach (floLIVE Detach Customer Product), attach, request status"))
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

/// utoipa renders an optional header as `type: [string, null]`; a header is never null.
struct IdempotencyKeyIsAString;

impl Modify for IdempotencyKeyIsAString {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let operations = openapi.paths.paths.values_mut().flat_map(|item| {
            [&mut item.delete, &mut item.post]
                .into_iter()
                .flatten()
                .collect::<Vec<&mut Operation>>()
        });
        for operation in operations {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.name == "Idempotency-Key" {
                    let schema = ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255))
                        .pattern(Some("^[!-~]{1,255}$"));
                    parameter.schema = Some(schema.into());
                }
            }
        }
    }
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    FloliveDoc::openapi()
}
