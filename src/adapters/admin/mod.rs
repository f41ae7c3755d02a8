//! The admin API (issue 18; docs/events.md, docs/operations.md "Operators and the admin
//! API"), under `/admin/v1/`, for operators only:
//! - `POST tokens` — Basic operator credentials → a bearer operator token;
//! - `GET events` — the event feed;
//! - `webhooks` — receivers the feed is POSTed to (docs/events.md "Webhooks");
//! - `tenants`, `tenants/{code}/users` — tenants and their API users; `accounts` — an
//!   account by any vendor's identifier, across vendors; `audit` — an entity's history
//!   (docs/operations.md "Admin API").
//! - `jobs` — the durable queue's jobs by status, and the retry of a failed one
//!   (issue 19; docs/console.md "Jobs").
//! - `POST reset` — the database back to the loaded fixture, on test systems
//!   (`serve --allow-reset`; docs/operations.md "Reset").
//! - `GET requests`, `GET requests/{id}`, `GET traffic` — the request journal
//!   (docs/operations.md "Request journal").
//!
//! Errors are RFC 9457 problem details (`error.rs`).

mod account_parts;
mod accounts;
mod audit;
mod auth;
mod error;
mod events;
mod jobs;
mod reply;
mod requests;
mod reset;
mod tenants;
mod tokens;
mod user_changes;
mod users;
mod webhooks;

/// The admin API's account representation, shown as is by the console's account page.
pub(crate) use accounts::{account_json, view_json};

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
        .service(
            web::resource(tenants::PATH)
                .route(web::get().to(tenants::list))
                .route(web::post().to(tenants::create)),
        )
        .service(web::resource(tenants::ONE).route(web::get().to(tenants::get)))
        .service(web::resource(tenants::DISABLE).route(web::post().to(tenants::disable)))
        .service(web::resource(tenants::ENABLE).route(web::post().to(tenants::enable)))
        .service(
            web::resource(users::PATH)
                .route(web::get().to(users::list))
                .route(web::post().to(users::create)),
        )
        .service(web::resource(users::ONE).route(web::get().to(users::get)))
        .service(
            web::resource(user_changes::PASSWORD)
                .route(web::post().to(user_changes::rotate_password)),
        )
        .service(
            web::resource(user_changes::API_KEY)
                .route(web::post().to(user_changes::issue_api_key))
                .route(web::delete().to(user_changes::revoke_api_key)),
        )
        .service(web::resource(user_changes::APIS).route(web::put().to(user_changes::set_apis)))
        .service(web::resource(user_changes::DISABLE).route(web::post().to(user_changes::disable)))
        .service(web::resource(user_changes::ENABLE).route(web::post().to(user_changes::enable)))
        .service(web::resource(accounts::PATH).route(web::get().to(accounts::find)))
        .service(web::resource(accounts::ONE).route(web::get().to(accounts::get)))
        .service(web::resource(audit::PATH).route(web::get().to(audit::history)))
        .service(web::resource(jobs::PATH).route(web::get().to(jobs::list)))
        .service(web::resource(jobs::ONE).route(web::get().to(jobs::get)))
        .service(web::resource(jobs::RETRY).route(web::post().to(jobs::retry)))
        .service(web::resource(reset::PATH).route(web::post().to(reset::reset)))
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
        tenants::list,
        tenants::get,
        tenants::create,
        tenants::disable,
        tenants::enable,
        users::list,
        users::get,
        users::create,
        user_changes::rotate_password,
        user_changes::issue_api_key,
        user_changes::revoke_api_key,
        user_changes::set_apis,
        user_changes::disable,
        user_changes::enable,
        accounts::find,
        accounts::get,
        audit::history,
        jobs::list,
        jobs::get,
        jobs::retry,
        reset::reset,
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
        tenants::NewTenant,
        tenants::Tenant,
        tenants::TenantPage,
        users::NewUser,
        user_changes::Apis,
        users::User,
        users::UserPage,
        accounts::Account,
        accounts::AccountMatch,
        accounts::AccountMatches,
        accounts::AccountDetail,
        account_parts::Customer,
        account_parts::ProductInstance,
        account_parts::Bundle,
        account_parts::ChargeItem,
        account_parts::DisconnectOrder,
        account_parts::ProvisioningRequest,
        account_parts::Operation,
        audit::Entry,
        audit::AuditPage,
        jobs::JobReply,
        jobs::JobPageReply,
        reset::ResetReply,
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
    tags((name = "admin", description = "Operators only: operator tokens, the event feed and webhooks (docs/events.md); tenants, API users, accounts across vendors and audit history (docs/operations.md \"Admin API\"); jobs (docs/console.md); the reset of test systems and the request journal (docs/operations.md)"))
)]
struct AdminDoc;

pub fn openapi() -> utoipa::openapi::OpenApi {
    AdminDoc::openapi()
}
