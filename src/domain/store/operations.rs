//! Operations (docs/design.md §6.2): floLIVE's asynchronous operation requests, accepted at once
//! and completed by the durable queue.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::ids::{CustomerId, ProductInstanceId, RequestId, TenantId};
use crate::domain::operation::{OperationRequest, OperationStatus};
use crate::domain::DomainError;

#[async_trait]
pub trait OperationRepo: Send {
    /// Records an accepted operation. A second live detach of one instance fails with
    /// `Conflict { constraint: operation::LIVE_DETACH_CONSTRAINT }`.
    async fn insert_operation(&mut self, operation: &OperationRequest) -> Result<(), DomainError>;

    async fn operation(
        &mut self,
        tenant: TenantId,
        id: RequestId,
    ) -> Result<Option<OperationRequest>, DomainError>;

    /// The operation as its requestor sees it: another requestor's id reads as absent.
    async fn operation_of_requestor(
        &mut self,
        tenant: TenantId,
        requestor: CustomerId,
        id: RequestId,
    ) -> Result<Option<OperationRequest>, DomainError>;

    /// The instance's live (IN_PROGRESS or SUCCESS) detach, if any. For the refusal's
    /// wording only: the unique index is what refuses.
    async fn live_detach(
        &mut self,
        tenant: TenantId,
        instance: ProductInstanceId,
    ) -> Result<Option<OperationRequest>, DomainError>;

    /// Moves an IN_PROGRESS operation to its outcome; false if it had already left
    /// IN_PROGRESS (a replayed job changes nothing).
    /// The floLIVE operations on `customer`'s products, newest first, at most `limit`.
    async fn operations_of_customer(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        limit: i64,
    ) -> Result<Vec<OperationRequest>, DomainError>;
    async fn finish_operation(
        &mut self,
        tenant: TenantId,
        id: RequestId,
        status: OperationStatus,
        error: Option<(&str, &str)>,
        at: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
}
