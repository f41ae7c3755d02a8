//! The admin API (issue 18; docs/events.md, docs/operations.md "Operators and the admin
//! API"), under `/admin/v1/`, for operators only:
//! - `POST tokens` — Basic operator credentials → a bearer operator token;
//! - `GET events` — the event feed;
//! - `webhooks` — receivers the feed is POSTed to (docs/events.md "Webhooks");
//! - `GET requests`, `GET requests/{id}`, `GET traffic` — the request journal
//!   (docs/operations.md "Request journal").
//!
//! Errors are RFC 9457 problem details (`error.rs`).

mod auth;
mod error;
mod events;
mod requests;
mod tokens;
mod webhooks;

use actix_web::web;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// The base path of the admin API.
pub const BASE: &str = "/admin/v1";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(tokens::PATH).route(web::post().to(tokens::issue)))
        .service(web::resource(events::PATH).route(web::get().to(events::list)))
        .service(
            web::resource(webhooks::PATH)
                .route(web::post().to(webhooks::create))
                .route(web::get().to(webhooks::list)),
        )
        .service(
            web::resource(webhooks::ONE)
                .route(web::get().to(webhooks::get))
                .route(web::delete().to(webhooks::delete)),
        )
        .service(web::resource(webhooks::DELIVERIES).route(web::get().to(webhooks::deliveries)))
        .service(web::resource(requests::PATH).route(web::get().to(requests::list)))
        .service(web::resource(requests::ONE).route(web::get().to(requests::get)))
        .service(web::resource(requests::TRAFFIC).route(web::get().to(requests::traffic)));
}

/// RFC 9457 problem details, as every admin error is answered (for OpenAPI).
#[derive(Serialize, ToSchema)]
#[schema(as = admin::Problem)]
#[allow(dead_code)] // Documents `adapters::http::problem`'s body, which is built there.
pub(crate) struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: String,
    #[schema(example = "Unauthorized")]
    title: String,
    #[schema(example = 401)]
    status: u16,
    detail: String,
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut basic = Http::new(HttpAuthScheme::Basic);
        basic.description =
            Some("An operator's name and password (billing-compat operator add NAME)".into());
        components.add_security_scheme("admin_basic", SecurityScheme::Http(basic));
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("An operator token from POST /admin/v1/tokens".into());
        components.add_security_scheme("admin_bearer", SecurityScheme::Http(bearer));
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        tokens::issue,
        events::list,
        webhooks::create,
        webhooks::list,
        webhooks::get,
        webhooks::delete,
        webhooks::deliveries,
        requests::list,
        requests::get,
        requests::traffic,
    ),
    components(schemas(
        tokens::TokenReply,
        events::EventPage,
        events::CloudEvent,
        events::EventData,
        webhooks::NewWebhook,
        webhooks::Webhook,
        webhooks::WebhookList,
        webhooks::DeliveryReply,
        webhooks::DeliveryPage,
        webhooks::Deleted,
        requests::Entry,
        requests::Page,
        requests::Body,
        requests::Detail,
        requests::Header,
        requests::Traffic,
        requests::Count,
        Problem,
    )),
    modifiers(&SecuritySchemes),
    tags((name = "admin", description = "Operators only: operator tokens, the event feed and webhooks (docs/events.md), the request journal (docs/operations.md)"))
)]
struct AdminDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    AdminDoc::openapi()
}
