//! `GET /api/v2/request/{requestId}` (docs/design.md §6.2; floLIVE documents the requestId as the
//! way "to query the call (operation) status, whether in progress, successful or failed").

use crate::domain::ids::RequestId;
use crate::domain::operation::OperationRequest;
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::Services;

use super::requestor;

/// The request as its requestor sees it. Requests of other requestors, and of other
/// tenants, are not found.
pub async fn request_status(
    services: &Services,
    principal: &Principal,
    id: RequestId,
) -> Result<OperationRequest, DomainError> {
    let requestor = requestor(principal)?;
    services
        .store
        .read()
        .await?
        .operation_of_requestor(principal.tenant.id, requestor, id)
        .await?
        .ok_or(DomainError::NotFound("request"))
}
