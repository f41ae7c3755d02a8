//! The flolive adapter (DESIGN §6). Not implemented yet: registers no routes.

use actix_web::web;

pub fn configure(_cfg: &mut web::ServiceConfig) {}

pub fn openapi() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApi::default()
}
