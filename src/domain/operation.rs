//! Asynchronous operations a client can follow by request id (floLIVE `requestId`).

use chrono::{DateTime, Utc};

use super::catalog::text_enum;
use super::ids::{ProductInstanceId, RequestId, TenantId};

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
    pub instance: Option<ProductInstanceId>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
