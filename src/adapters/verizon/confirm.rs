//! `POST /proquest/disconnectCustomerConfirmation` (docs/design.md §6.5, the Verizon *disconnectCustomerConfirmation* page): the customer
//! accepts or rejects a disconnect order's charge items; 204 on success.
//!
//! Checks, in order: credentials (401); media types and body size (415/406/413); the
//! query's `externalId` (400 missingQueryValue/invalidQuery); the body's syntax (400
//! invalidBody); an order to act on at all (400 missingQueryParameter); Idempotency-Key
//! (422); then, inside the use-case's transaction, the order (404), the body's consistency
//! (400 invalidBody), the charge items (404) and the answers (409).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::adapters::http::credentials::{attempt, credentials, Credentials};
use crate::adapters::http::negotiation::{to_response, Negotiated, WireError};
use crate::adapters::http::origin::origin_of;
use crate::adapters::http::AppState;
use crate::domain::store::StoredReply;
use crate::domain::user::{Api, Principal};
use crate::service::idempotency::IdempotentRequest;
use crate::service::verizon::confirm_disconnect;
use crate::service::Services;

use super::error::{ErrorBody, VerizonError};
use super::wire::{self, ConfirmationDto};

/// Accepts or rejects charge items of a disconnect order.
///
/// The customer answers the charge items of a disconnect order, in one call or several.
/// When every item is accepted the disconnect proceeds (carried out in the background: the
/// account's product instances are cancelled and its termination date set to today); any
/// rejection cancels the order. Repeating an answer already given is accepted (204) and
/// changes nothing; contradicting it is a 409.
#[utoipa::path(
    post,
    path = "/proquest/disconnectCustomerConfirmation",
    tag = "verizon",
    operation_id = "disconnectCustomerConfirmation",
    params(
        ("externalId" = i64, Query, minimum = 0, maximum = 9223372036854775807_i64,
         description = "The disconnect order's externalId (MEF: integer). A client may send it in the body \
                        instead; when both are sent they must be equal."),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 255, pattern = "^[!-~]+$",
         description = "Replays the first reply of a request for 24 h; reusing it with another request is a 409."),
    ),
    request_body(
        description = "The answers; XML documents use `<disconnectCustomerConfirmation>` with repeated \
                       `<acknowledgementRequest>` children.",
        content(
            (ConfirmationDto = "application/json"),
            (ConfirmationDto = "application/xml"),
        ),
    ),
    responses(
        (status = 204, description = "Answers recorded (or already recorded): no body."),
        (status = 400, description = "missingQueryParameter, missingQueryValue, invalidQuery or invalidBody.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 401, description = "missingCredentials or invalidCredentials.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 404, description = "notFound: no such disconnect order for these credentials, or no such charge item on it.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 406, description = "notAcceptable: Accept names neither JSON nor XML.",
         content((ErrorBody = "application/json"))),
        (status = 408, description = "requestTimeout: the body did not arrive in time.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 409, description = "conflict: a charge item was already answered differently, the order no longer takes answers, \
                                       or the Idempotency-Key was used with another request.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 413, description = "payloadTooLarge.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 415, description = "unsupportedMediaType: send application/json or application/xml.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 422, description = "invalidFormat: the Idempotency-Key header is malformed.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 500, description = "internalError.",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
        (status = 503, description = "serviceUnavailable: the store cannot be reached, or the answers \
            would start a disconnect while the tenant's queue is full; nothing changed \
            (`Retry-After`).",
         content((ErrorBody = "application/json"), (ErrorBody = "application/xml"))),
    ),
    security(("verizon_basic" = []), ("verizon_bearer" = [])),
)]
pub(super) async fn disconnect_customer_confirmation(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Result<Negotiated<ConfirmationDto>, WireError>,
) -> HttpResponse {
    let format = match &body {
        Ok(negotiated) => negotiated.reply,
        Err(error) => error.reply_format(),
    };
    match handle(&req, &state.services, body).await {
        Ok(reply) => to_response(reply),
        Err(error) => error.response(&req, format),
    }
}

async fn handle(
    req: &HttpRequest,
    services: &std::sync::Arc<Services>,
    body: Result<Negotiated<ConfirmationDto>, WireError>,
) -> Result<StoredReply, VerizonError> {
    let principal = authenticate(req, services).await?;
    let body = body.map_err(|error| VerizonError::wire(&error))?;
    let query = wire::query_external_id(req.query_string())?;
    let command = wire::confirmation(query, body.body, body.request)?;
    let origin = origin_of(req, body.request.channel());
    let idempotency = idempotency_key(req, &body.raw)?;
    confirm_disconnect(
        services,
        &principal,
        &command,
        &origin,
        idempotency.as_ref(),
        |_| no_content(),
    )
    .await
    .map_err(|error| VerizonError::from_domain(error, Some(command.external_id)))
}

/// HTTP Basic (an API user with the Verizon API) or `Bearer <API key>`.
async fn authenticate(req: &HttpRequest, services: &Services) -> Result<Principal, VerizonError> {
    let store = services.store.as_ref();
    let result = match credentials(req) {
        Credentials::Missing => return Err(VerizonError::missing_credentials()),
        Credentials::Malformed => return Err(VerizonError::invalid_credentials()),
        Credentials::Basic { username, password } => {
            services
                .auth
                .password(store, attempt(req, &username, &password), Api::Verizon)
                .await
        }
        Credentials::Bearer(key) => services.auth.api_key(store, &key, Api::Verizon).await,
    };
    result.map_err(|error| VerizonError::from_domain(error, None))
}

/// docs/design.md §7: every REST mutation takes `Idempotency-Key`. The fingerprint covers the
/// query too: the same body for another order is another request.
fn idempotency_key(
    req: &HttpRequest,
    raw: &[u8],
) -> Result<Option<IdempotentRequest>, VerizonError> {
    let mut keys = req.headers().get_all("Idempotency-Key");
    let Some(value) = keys.next() else {
        return Ok(None);
    };
    if keys.next().is_some() {
        return Err(VerizonError::invalid_idempotency_key(
            "is given more than once",
        ));
    }
    let key = value
        .to_str()
        .map_err(|_| VerizonError::invalid_idempotency_key("must be visible ASCII"))?;
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    IdempotentRequest::new(key, req.method().as_str(), &target, raw)
        .map(Some)
        .map_err(|_| {
            VerizonError::invalid_idempotency_key("must be 1-255 visible ASCII characters")
        })
}

fn no_content() -> StoredReply {
    StoredReply {
        status: StatusCode::NO_CONTENT.as_u16(),
        content_type: String::new(),
        body: String::new(),
    }
}

/// Fuzzing entry (issue 8, `crate::fuzzing`): this operation's real request decoding on
/// arbitrary bytes, up to the domain command, without a server. Must never panic.
#[doc(hidden)]
pub fn fuzz_decode(bytes: &[u8], format: crate::adapters::http::negotiation::Format) {
    let req = actix_web::test::TestRequest::default().to_http_request();
    // The query string is input too: the same bytes, read as one.
    let query = wire::query_external_id(&String::from_utf8_lossy(bytes))
        .ok()
        .flatten();
    if let Ok(body) =
        crate::adapters::http::negotiation::decode::<ConfirmationDto>(bytes, format, format, &req)
    {
        let _ = wire::confirmation(query, body, format);
    }
}
