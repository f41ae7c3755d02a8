//! `GET /api/v2/request/{requestId}` (docs/design.md §6.2, ours: floLIVE documents the requestId as
//! queryable but not the endpoint) → `content:[{requestId, status, errorCode, errorMessage}]`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::adapters::http::negotiation::{reply, reply_format_of};
use crate::adapters::http::AppState;
use crate::domain::ids::RequestId;
use crate::domain::operation::{OperationKind, OperationRequest, OperationStatus};
use crate::service::flolive::request_status as status_of;

use super::authenticate;
use super::envelope::{ack, XML_ROOT};
use super::error::{FloliveError, Operation};

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
#[schema(as = FloliveRequestState)]
pub(super) enum State {
    #[serde(rename = "IN_PROGRESS")]
    InProgress,
    Success,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = FloliveRequestStatusContent)]
pub(super) struct StatusContent {
    #[schema(value_type = uuid::Uuid)]
    request_id: String,
    status: State,
    /// The instance detached, or created by an attach.
    #[schema(value_type = uuid::Uuid)]
    product_instance_id: String,
    /// Empty unless FAILED: then the operation's code (CUSTOMER_1049 detach, CUSTOMER_1048 attach).
    error_code: &'static str,
    /// Empty unless FAILED: then the code's message.
    error_message: &'static str,
    /// Only when FAILED: why (e.g. the instance was cancelled before the detach completed).
    #[serde(skip_serializing_if = "Option::is_none")]
    error_details: Option<String>,
}

impl From<OperationRequest> for StatusContent {
    fn from(op: OperationRequest) -> Self {
        let failure = match op.kind {
            OperationKind::DetachProduct => Operation::Detach,
            OperationKind::AttachProduct => Operation::Attach,
        }
        .failure();
        let (status, (error_code, error_message), error_details) = match op.status {
            OperationStatus::InProgress => (State::InProgress, ("", ""), None),
            OperationStatus::Success => (State::Success, ("", ""), None),
            OperationStatus::Failed => (State::Failed, failure, op.error_message),
        };
        Self {
            request_id: op.id.to_string(),
            status,
            product_instance_id: op.instance.to_string(),
            error_code,
            error_message,
            error_details,
        }
    }
}

/// Request status.
///
/// The status of a detach or attach request: IN_PROGRESS, SUCCESS, or FAILED with the
/// reason. Only the requestor that made the request sees it.
#[utoipa::path(
    get,
    path = "/api/v2/request/{requestId}",
    tag = "flolive",
    operation_id = "floliveRequestStatus",
    params(("requestId" = uuid::Uuid, Path, description = "The requestId of an ACK",
        example = "ff74dca6-8e7f-4b85-a42b-13860913b370")),
    responses(
        (status = 200, description = "The request's status", content(
            (super::envelope::Ack<StatusContent> = "application/json"),
            (super::envelope::Ack<StatusContent> = "application/xml"))),
        (status = 400, description = "REQUEST_1001: malformed requestId", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 401, description = "AUTH_1001: missing or wrong credentials", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 403, description = "AUTH_1003: the user acts for no customer", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 404, description = "REQUEST_1001: no such request of this requestor", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 406, description = "REQUEST_1001: Accept names neither JSON nor XML", content(
            (super::envelope::Nak = "application/json"))),
        (status = 500, description = "REQUEST_1001: internal error", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
        (status = 503, description = "GLOBAL_1001: Service unavailable. Please try again", content(
            (super::envelope::Nak = "application/json"), (super::envelope::Nak = "application/xml"))),
    ),
    security(("flolive_basic" = []), ("flolive_bearer" = []))
)]
pub(super) async fn request_status(
    req: HttpRequest,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let operation = Operation::RequestStatus;
    let format = match reply_format_of(&req) {
        Ok(format) => format,
        Err(error) => return FloliveError::wire(operation, error).respond(),
    };
    let result = async {
        let principal = authenticate(&req, &state).await?;
        let id = RequestId::parse(&path.into_inner())?;
        status_of(&state.services, &principal, id).await
    }
    .await;
    match result {
        Ok(op) => reply(
            format,
            StatusCode::OK,
            XML_ROOT,
            &ack(StatusContent::from(op)),
        ),
        Err(error) => FloliveError::domain(operation, error, format).respond(),
    }
}
