//! The CRM.COM Web API (docs/design.md §6.3, the CRM.COM *cancel_subscriptions* page): `/crmapi/rest/v2/…`, JSON or XML by
//! content negotiation, the `{data, status}` envelope, token in the body (POST) or the query
//! string (GET). Files mirror the vendor's method groups: [`authentication`] and
//! [`provisioning_requests`].

mod authentication;
mod conax;
mod dto;
mod envelope;
mod provisioning_requests;
mod query;
mod xml_shape;

use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::adapters::http::miss::Miss;
use crate::adapters::http::negotiation::{error_format, Format, Negotiated, WireError};
use crate::adapters::http::origin::origin_of;
use crate::domain::DomainError;
use crate::service::idempotency::IdempotentRequest;
use crate::service::Origin;

/// The base path of every CRM.COM Web API method.
pub const BASE: &str = "/crmapi/rest/v2";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(format!("{BASE}/authentication/token"))
            .route(web::post().to(authentication::token)),
    )
    .service(
        web::resource(format!("{BASE}/authentication/token/release"))
            .route(web::post().to(authentication::release)),
    )
    .service(
        web::resource(format!(
            "{BASE}/conax_sms_sas/provisioning_requests/cancel_subscriptions"
        ))
        .route(web::post().to(provisioning_requests::cancel_subscriptions)),
    )
    .service(
        web::resource(format!(
            "{BASE}/conax_sms_sas/provisioning_requests/add_subscriptions"
        ))
        .route(web::post().to(provisioning_requests::add_subscriptions)),
    )
    .service(
        web::resource(format!("{BASE}/conax_sms_sas/provisioning_requests/show"))
            .route(web::get().to(provisioning_requests::show)),
    )
    .service(
        web::resource(format!("{BASE}/conax_sms_sas/provisioning_requests/list"))
            .route(web::get().to(provisioning_requests::list)),
    );
}

/// A request under `/crmapi` that no route takes: `MethodNotFoundException` (404) or
/// `HttpMethodNotAllowedException` (405) in the envelope (docs/crmcom.md).
pub fn unrouted(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    envelope::unrouted(error_format(req), miss, miss.describe(req))
}

/// The decoded body, or the reply for one that cannot be read (in the CRM.COM envelope).
/// `objects` names the body's object-valued fields (see [`xml_shape`]).
fn accept_body<T>(
    operation: &'static str,
    objects: &[&str],
    body: Result<Negotiated<T>, WireError>,
) -> Result<Negotiated<T>, Box<HttpResponse>> {
    let body = body.map_err(|err| Box::new(envelope::wire_error(operation, err)))?;
    if body.request == Format::Xml {
        if let Err(message) = xml_shape::check(&body.raw, objects) {
            return Err(Box::new(envelope::invalid_request(
                body.reply, operation, message,
            )));
        }
    }
    Ok(body)
}

/// How the call arrived: its channel (request format), `X-Request-Id` and client.
fn call_origin(req: &HttpRequest, request_format: Format) -> Origin {
    origin_of(req, request_format.channel())
}

/// The `Idempotency-Key` header (docs/design.md §7), fingerprinted with the method, path and body.
fn idempotency_key(
    req: &HttpRequest,
    raw: &[u8],
) -> Result<Option<IdempotentRequest>, DomainError> {
    let Some(value) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let key = value.to_str().map_err(|_| {
        DomainError::invalid("Idempotency-Key", "must be 1-255 visible ASCII characters")
    })?;
    IdempotentRequest::new(key, req.method().as_str(), req.path(), raw).map(Some)
}

/// Documents the token: CRM.COM sends it as a parameter (`token` in the POST body, in the
/// query string on GET), never as a header. The scheme is described but not attached to the
/// operations: an unusable token is answered with HTTP 200 and a `status.code`, not a 401.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "crmcomToken",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "token",
                "CRM.COM token from POST /crmapi/rest/v2/authentication/token; sent as the \
                 `token` query parameter on GET and as the `token` body field on POST",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        authentication::token,
        authentication::release,
        provisioning_requests::cancel_subscriptions,
        provisioning_requests::add_subscriptions,
        provisioning_requests::show,
        provisioning_requests::list,
    ),
    components(schemas(
        envelope::Code,
        envelope::Status,
        dto::LoginBody,
        dto::ReleaseBody,
        dto::ProvisioningBody,
        dto::SubscriptionIdentifierDto,
        dto::ProductIdentifierDto,
        dto::InstalledItemIdentifierDto,
        dto::TokenData,
        dto::EmptyData,
        dto::ProvisioningRequestDto,
        dto::TokenReply,
        dto::ReleaseReply,
        dto::ProvisioningReply,
        dto::ProvisioningListReply,
        dto::ErrorReply,
    )),
    modifiers(&TokenScheme),
    tags((name = "crmcom", description = "CRM.COM Web API: token login and Conax SMS-SAS \
        provisioning requests. Every reply is `{data, status}`; errors keep HTTP 200 with a \
        `status.code` other than `OK`."))
)]
struct CrmcomDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    CrmcomDoc::openapi()
}

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
#[doc(hidden)]
pub fn fuzz_decode(bytes: &[u8], format: Format) {
    use crate::adapters::http::negotiation::decode;
    use dto::{LoginBody, Object, ProvisioningBody, ReleaseBody};
    let req = actix_web::test::TestRequest::default().to_http_request();
    if format == Format::Xml {
        let _ = xml_shape::check(bytes, &[]);
        let _ = xml_shape::check(bytes, ProvisioningBody::OBJECTS);
    }
    let _ = decode::<Object<LoginBody>>(bytes, format, format, &req);
    let _ = decode::<Object<ReleaseBody>>(bytes, format, format, &req);
    if let Ok(body) = decode::<Object<ProvisioningBody>>(bytes, format, format, &req) {
        let _ = body.0.into_parts();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_part_is_namespaced_so_merging_cannot_collide() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(schemas.len() >= 20, "{}", schemas.len());
        for name in schemas.keys() {
            assert!(name.starts_with("Crmcom"), "{name}");
        }
        assert!(doc["components"]["securitySchemes"]["crmcomToken"].is_object());
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 6);
        for (path, item) in paths {
            assert!(path.starts_with("/crmapi/rest/v2/"), "{path}");
            for (method, operation) in item.as_object().unwrap() {
                assert_eq!(
                    operation["tags"],
                    serde_json::json!(["crmcom"]),
                    "{method} {path}"
                );
                assert!(operation.get("security").is_none(), "{method} {path}");
            }
        }
        // Every $ref points at a schema this part defines.
        let text = doc.to_string();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "{name}");
        }
    }
}
