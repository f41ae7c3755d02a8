//! Operations (migration 0003): floLIVE's asynchronous operation requests.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::ids::{
    ApiUserId, CustomerId, ProductId, ProductInstanceId, RequestId, TenantId,
};
use crate::domain::operation::{OperationKind, OperationRequest, OperationStatus};
use crate::domain::store::OperationRepo;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{opt_text, opt_uuid, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[(
    "operation_requests.tenant_id, operation_requests.instance_id",
    crate::domain::operation::LIVE_DETACH_CONSTRAINT,
)];

const COLUMNS: &str = "id, tenant_id, kind, status, requestor_id, customer_id, product_id, \
                       instance_id, api_user_id, error_code, error_message, created_at, updated_at";

fn operation_from(row: &Row) -> Result<OperationRequest, DomainError> {
    Ok(OperationRequest {
        id: RequestId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        kind: parsed("kind", &text(row, "kind")?, OperationKind::parse)?,
        status: parsed("status", &text(row, "status")?, OperationStatus::parse)?,
        requestor: CustomerId::from_uuid(uuid(row, "requestor_id")?),
        customer: CustomerId::from_uuid(uuid(row, "customer_id")?),
        product: ProductId::from_uuid(uuid(row, "product_id")?),
        instance: ProductInstanceId::from_uuid(uuid(row, "instance_id")?),
        user: opt_uuid(row, "api_user_id")?.map(ApiUserId::from_uuid),
        error_code: opt_text(row, "error_code")?,
        error_message: opt_text(row, "error_message")?,
        created_at: timestamp(row, "created_at")?,
        updated_at: timestamp(row, "updated_at")?,
    })
}

#[async_trait]
impl<D: Dialect> OperationRepo for SqlTx<'_, D> {
    async fn insert_operation(&mut self, op: &OperationRequest) -> Result<(), DomainError> {
        self.query(&format!(
            "INSERT INTO operation_requests ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(op.id.to_string())
        .bind(op.tenant.to_string())
        .bind(op.kind.as_str())
        .bind(op.status.as_str())
        .bind(op.requestor.to_string())
        .bind(op.customer.to_string())
        .bind(op.product.to_string())
        .bind(op.instance.to_string())
        .bind(op.user.map(|u| u.to_string()))
        .bind(op.error_code.as_deref())
        .bind(op.error_message.as_deref())
        .bind(clock::to_storage(op.created_at))
        .bind(clock::to_storage(op.updated_at))
        .execute()
        .await?;
        Ok(())
    }

    async fn operation(
        &mut self,
        tenant: TenantId,
        id: RequestId,
    ) -> Result<Option<OperationRequest>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM operation_requests WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| operation_from(&row))
        .transpose()
    }

    async fn operation_of_requestor(
        &mut self,
        tenant: TenantId,
        requestor: CustomerId,
        id: RequestId,
    ) -> Result<Option<OperationRequest>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM operation_requests \
             WHERE tenant_id = $1 AND requestor_id = $2 AND id = $3"
        ))
        .bind(tenant.to_string())
        .bind(requestor.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| operation_from(&row))
        .transpose()
    }

    async fn live_detach(
        &mut self,
        tenant: TenantId,
        instance: ProductInstanceId,
    ) -> Result<Option<OperationRequest>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM operation_requests \
             WHERE tenant_id = $1 AND instance_id = $2 \
             AND kind = 'DETACH_PRODUCT' AND status <> 'FAILED'"
        ))
        .bind(tenant.to_string())
        .bind(instance.to_string())
        .fetch_optional()
        .await?
        .map(|row| operation_from(&row))
        .transpose()
    }

    async fn operations_of_customer(
        &mut self,
        tenant: TenantId,
        customer: CustomerId,
        limit: i64,
    ) -> Result<Vec<OperationRequest>, DomainError> {
        // ix_operation_requests_customer.
        let rows = self
            .query(&format!(
                "SELECT {COLUMNS} FROM operation_requests WHERE tenant_id = $1 AND customer_id = $2 \
                 ORDER BY created_at DESC, id DESC LIMIT $3"
            ))
            .bind(tenant.to_string())
            .bind(customer.to_string())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(operation_from).collect()
    }

    async fn finish_operation(
        &mut self,
        tenant: TenantId,
        id: RequestId,
        status: OperationStatus,
        error: Option<(&str, &str)>,
        at: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        let done = self
            .query(
                "UPDATE operation_requests \
             SET status = $1, error_code = $2, error_message = $3, updated_at = $4 \
             WHERE tenant_id = $5 AND id = $6 AND status = 'IN_PROGRESS'",
            )
            .bind(status.as_str())
            .bind(error.map(|(code, _)| code.to_owned()))
            .bind(error.map(|(_, message)| message.to_owned()))
            .bind(clock::to_storage(at))
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute()
            .await?;
        Ok(done == 1)
    }
}
