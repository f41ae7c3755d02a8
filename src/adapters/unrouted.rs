//! No empty answers (issue 14 item 5): a request no route takes is answered with a body in
//! the caller's format — the vendor's own error shape under a vendor's base path (each
//! vendor adapter renders its own), RFC 9457 problem details elsewhere.
//!
//! Two ways in: [`not_found`] is the app's default service (no resource matches the path),
//! and [`fill_empty`] is a middleware that gives a body to an empty 404 or 405 — actix
//! answers a resource's method mismatch with an empty 405 and its `Allow` header, which is
//! kept.

use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::user::Api;

use super::http::miss::{api_at, Miss};
use super::http::problem;
use super::{billing_care, crmcom, debitsuccess, flolive, verizon};

/// The app's default service: no resource at this path.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    answer(&req, &Miss::NotFound)
}

/// Fills an empty-bodied 404 or 405 from whatever produced it, keeping its headers' `Allow`.
pub async fn fill_empty(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let response = next.call(req).await?;
    let empty = matches!(
        response.response().body().size(),
        BodySize::None | BodySize::Sized(0)
    );
    let allow = response
        .headers()
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let miss = match response.status() {
        StatusCode::NOT_FOUND => Miss::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => Miss::MethodNotAllowed {
            allow: allow.clone().unwrap_or_default(),
        },
        _ => return Ok(response.map_into_left_body()),
    };
    if !empty {
        return Ok(response.map_into_left_body());
    }
    let (req, _empty) = response.into_parts();
    let mut filled = answer(&req, &miss);
    if let Some(allow) = allow.and_then(|a| header::HeaderValue::from_str(&a).ok()) {
        filled.headers_mut().insert(header::ALLOW, allow);
    }
    Ok(ServiceResponse::new(req, filled).map_into_right_body())
}

/// The miss in the shape of the API that owns the path.
fn answer(req: &HttpRequest, miss: &Miss) -> HttpResponse {
    match api_at(req.path()) {
        Some(Api::Debitsuccess) => debitsuccess::unrouted(req, miss),
        Some(Api::Flolive) => flolive::unrouted(req, miss),
        Some(Api::Crmcom) => crmcom::unrouted(req, miss),
        Some(Api::BillingCare) => billing_care::unrouted(req, miss),
        Some(Api::Verizon) => verizon::unrouted(req, miss),
        None => problem::unrouted(req, miss),
    }
}
