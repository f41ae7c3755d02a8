//! `POST /api/v2/customer/{customerId}/attach-product` with `{customerId, productId}`
//! (floLIVE "Attach Customer Product", vendor-notes D; docs/design.md §6.2).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::adapters::http::negotiation::{render, to_response, Negotiated, WireError};
use crate::adapters::http::AppState;
use crate::domain::ids::{CustomerId, ProductId};
use crate::domain::DomainError;
use crate::service::flolive::{attach, AttachProduct};

use super::envelope::{ack, XML_ROOT};
use super::error::{FloliveError, Operation};
use super::{authenticate, idempotency, origin};

/// The request body. XML: any root element (`<attachProduct>` documented), children named
/// as the JSON fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
// No examples on purpose (here or on the path): schemathesis would post them and meet rules
// a schema cannot state (the body's customerId must equal the path's; a key reused after a
// success is 422).
#[schema(as = FloliveAttachProductRequest)]
pub(super) struct AttachBody {
    /// The customer to attach to. Optional here: when sent it must be the path's customerId.
    #[schema(value_type = uuid::Uuid, required = false)]
    customer_id: Option<String>,
    /// The product to attach; its planType must be ACCOUNT_PRODUCT.
    #[schema(value_type = uuid::Uuid, required = true)]
    product_id: Option<String>,
}

impl AttachBody {
    /// The single bridge from the wire into the domain command.
    fn command(self, path_customer: &str) -> Result<AttachProduct, DomainError> {
        let product = self
            .product_id
            .ok_or_else(|| DomainError::invalid("productId", "is required"))?;
        Ok(AttachProduct {
            customer: CustomerId::parse(path_customer)?,
            body_customer: self
                .customer_id
                .map(|c| CustomerId::parse(&c))
                .transpose()?,
            product: ProductId::parse(&product)?,
        })
    }
}

/// floLIVE Attach Customer Product, "Content data objects".
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FloliveAttachContent)]
pub(super) struct AttachContent {
    /// Follow it with `GET /api/v2/request/{requestId}`.
    #[schema(value_type = uuid::Uuid)]
    pub request_id: String,
    /// The id the new product instance will have once the request succeeds.
    #[schema(value_type = uuid::Uuid)]
    pub product_instance_id: String,
}

/// Attach Customer Product.
///
/// Attaches (allocates) a product to one of the requestor's direct sub-customers; the same
/// product may be attached several times. Accepted at once with the new instance's id;
/// completed in the background (the instance is created ACTIVE and the request SUCCESS).
#[utoipa::path(
    post,
    path = "/api/v2/customer/{customerId}/attach-product",
    tag = "flolive",
    operation_id = "floliveAttachProduct",
    params(
        ("customerId" = uuid::Uuid, Path, description = "A direct sub-customer of the requestor"),
        ("Idempotency-Key" = Option<String>, Header, min_length = 1, max_length = 255, pattern = "^[!-~]{1,255}$",
            description = "Replays the first reply of a repeated call for 24 h"),
    ),
    request_body(content(
        (AttachBody = "application/json"),
        (AttachBody = "application/xml"))),
    responses(
        (status = 200, description = "ACK: accepted, IN_PROGRESS", content(
            (super::envelope::Ack<AttachContent> = "application/json"),
            (super::envelope::Ack<AttachContent> = "application/xml"))),
        (status = 400, description = "CUSTOMER_1048: malformed body, id or key, body customerId differs from the path's, or not an ACCOUNT_PRODUCT", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 401, description = "AUTH_1001: missing or wrong credentials", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 403, description = "AUTH_1003: the user acts for no customer, or the customer is not its direct sub-customer", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 404, description = "CUSTOMER_1048: no such customer or product", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 406, description = "CUSTOMER_1048: Accept names neither JSON nor XML", content(
            (super::envelope::Nak = "application/json"))),
        (status = 409, description = "CUSTOMER_1048: met a concurrent change; retry", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 413, description = "CUSTOMER_1048: body too large", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 415, description = "CUSTOMER_1048: Content-Type is neither JSON nor XML", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 422, description = "CUSTOMER_1048: Idempotency-Key reused with another request", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 500, description = "CUSTOMER_1048: internal error", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 503, description = "GLOBAL_1001: Service unavailable. Please try again (the store \
            is unavailable, or the tenant already has the maximum of operations queued: \
            `Retry-After` says when)", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
    ),
    security(("flolive_basic" = []), ("flolive_bearer" = []))
)]
pub(super) async fn attach_product(
    req: HttpRequest,
    path: web::Path<String>,
    body: Result<Negotiated<AttachBody>, WireError>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let operation = Operation::Attach;
    // As for the bodiless operations, an unacceptable Accept is answered first; the
    // credentials are checked before the body is judged.
    let body = match body {
        Err(WireError::NotAcceptable) => {
            return FloliveError::wire(operation, WireError::NotAcceptable).respond()
        }
        body => body,
    };
    let body = match authenticate(&req, &state).await {
        Ok(principal) => body.map(|body| (principal, body)),
        Err(error) => {
            let format = match &body {
                Ok(body) => body.reply,
                Err(wire) => wire.reply_format(),
            };
            return FloliveError::domain(operation, error, format).respond();
        }
    };
    let (principal, body) = match body {
        Ok(ok) => ok,
        Err(wire) => return FloliveError::wire(operation, wire).respond(),
    };
    let format = body.reply;
    let result = async {
        let command = body.body.command(&path.into_inner())?;
        let key = idempotency(&req, &body.raw)?;
        attach(
            &state.services,
            &principal,
            command,
            &origin(&req, body.request),
            key.as_ref(),
            move |accepted| {
                let content = AttachContent {
                    request_id: accepted.request.to_string(),
                    product_instance_id: accepted.instance.to_string(),
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

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
#[doc(hidden)]
pub fn fuzz_decode(bytes: &[u8], format: crate::adapters::http::negotiation::Format) {
    let req = actix_web::test::TestRequest::default().to_http_request();
    if let Ok(body) =
        crate::adapters::http::negotiation::decode::<AttachBody>(bytes, format, format, &req)
    {
        let _ = body.command("5f0c2a4e-0000-4000-8000-000000000001");
    }
}
