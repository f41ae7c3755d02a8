//! `DELETE /api/v2/customer/{customerId}/detach-product/{productInstanceId}` (the floLIVE *Detach Customer Product* page,
//! docs/design.md §6.2): "detach (deallocate) a single product instance from a single sub-customer".

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::negotiation::{render, reply_format_of, to_response};
use crate::adapters::http::AppState;
use crate::domain::ids::{CustomerId, ProductInstanceId};
use crate::service::flolive::{detach, DetachProduct};

use super::envelope::{ack, XML_ROOT};
use super::error::{FloliveError, Operation};
use super::{authenticate, idempotency, origin};

/// The floLIVE *Detach Customer Product* page, "Content data objects".
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FloliveDetachContent)]
pub(super) struct DetachContent {
    /// Request instance ID: "to be used by external systems to query the call (operation)
    /// status, whether in progress, successful or failed" (`GET /api/v2/request/{requestId}`).
    #[schema(value_type = uuid::Uuid)]
    pub request_id: String,
}

/// Detach Customer Product.
///
/// Detaches one product instance from one of the requestor's direct sub-customers. The call
/// is accepted at once (the ACK carries the requestId, status IN_PROGRESS) and completed
/// in the background: the instance becomes DETACHED and the request SUCCESS, or FAILED
/// with the reason if the instance changed meanwhile.
#[utoipa::path(
    delete,
    path = "/api/v2/customer/{customerId}/detach-product/{productInstanceId}",
    tag = "flolive",
    operation_id = "floliveDetachProduct",
    params(
        ("customerId" = uuid::Uuid, Path, description = "A direct sub-customer of the requestor",
            example = "c0000000-0000-4000-8000-000000000002"),
        ("productInstanceId" = uuid::Uuid, Path, description = "The product instance to detach (deallocate)"),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$",
            description = "Replays the first reply of a repeated call for 24 h"),
    ),
    responses(
        (status = 200, description = "ACK: accepted, IN_PROGRESS", content(
            (super::envelope::Ack<DetachContent> = "application/json"),
            (super::envelope::Ack<DetachContent> = "application/xml"))),
        (status = 400, description = "CUSTOMER_1049: malformed id or key, not an ACCOUNT_PRODUCT, not attached, or a detach already in flight or done", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 401, description = "AUTH_1001: missing or wrong credentials", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 403, description = "AUTH_1003: the user acts for no customer, or the customer is not its direct sub-customer", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 404, description = "CUSTOMER_1049: no such customer, or no such instance on it", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 406, description = "CUSTOMER_1049: Accept names neither JSON nor XML", content(
            (super::envelope::Nak = "application/json"))),
        (status = 409, description = "CUSTOMER_1049: met a concurrent change; retry", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 422, description = "CUSTOMER_1049: Idempotency-Key reused with another request", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 500, description = "CUSTOMER_1049: internal error", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 503, description = "GLOBAL_1001: Service unavailable. Please try again (the store \
            is unavailable, or the tenant already has the maximum of operations queued: \
            `Retry-After` says when)", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
    ),
    security(("flolive_basic" = []), ("flolive_bearer" = []))
)]
pub(super) async fn detach_product(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let operation = Operation::Detach;
    let format = match reply_format_of(&req) {
        Ok(format) => format,
        Err(error) => return FloliveError::wire(operation, error).respond(),
    };
    let result = async {
        let principal = authenticate(&req, &state).await?;
        let (customer, instance) = path.into_inner();
        let command = DetachProduct {
            customer: CustomerId::parse(&customer)?,
            instance: ProductInstanceId::parse(&instance)?,
        };
        let key = idempotency(&req, b"")?;
        detach(
            &state.services,
            &principal,
            command,
            &origin(&req, format),
            key.as_ref(),
            move |accepted| {
                let content = DetachContent {
                    request_id: accepted.request.to_string(),
                };
                render(format, StatusCode::OK, XML_ROOT, &ack(content))
            },
        )
        .await
    }
    .await;
    match result {
        Ok(reply) => to_response(reply),
        Err(error) => FloliveError::domain(operation, error, format).respond(),
    }
}
