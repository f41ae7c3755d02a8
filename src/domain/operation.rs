//! Asynchronous operations a client can follow by request id (floLIVE `requestId`,
//! docs/design.md §3 operation_request and §6.2).

use chrono::{DateTime, Utc};

use super::catalog::text_enum;
use super::ids::{ApiUserId, CustomerId, ProductId, ProductInstanceId, RequestId, TenantId};

/// The unique index allowing one live (in flight or done) detach per product instance
/// (migrations `0003_flolive.sql`); the service matches on this name.
pub const LIVE_DETACH_CONSTRAINT: &str = "uq_operation_requests_live_detach";

text_enum!(
    OperationStatus, "status", {
        InProgress => "IN_PROGRESS",
        Success => "SUCCESS",
        Failed => "FAILED",
    }
);

text_enum!(
    OperationKind, "kind", {
        DetachProduct => "DETACH_PRODUCT",
        AttachProduct => "ATTACH_PRODUCT",
    }
);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRequest {
    pub id: RequestId,
    pub tenant: TenantId,
    pub kind: OperationKind,
    pub status: OperationStatus,
    /// The customer the caller acts as (floLIVE's "Requestor"); only it sees the request.
    pub requestor: CustomerId,
    /// The sub-customer the product is detached from or attached to.
    pub customer: CustomerId,
    pub product: ProductId,
    /// The instance detached, or for an attach the id reserved for the instance it creates.
    pub instance: ProductInstanceId,
    pub user: Option<ApiUserId>,
    /// Why a FAILED operation failed: a stable rule id (`FloliveRule::id`) and a sentence for people.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
