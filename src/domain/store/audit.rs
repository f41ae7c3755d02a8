use async_trait::async_trait;

use crate::domain::audit::AuditEvent;
use crate::domain::ids::TenantId;
use crate::domain::DomainError;

#[async_trait]
pub trait AuditRepo: Send {
    async fn insert_audit(&mut self, event: &AuditEvent) -> Result<(), DomainError>;
    /// The newest events of a tenant, newest first (operators and tests read them).
    async fn recent_audit(
        &mut self,
        tenant: TenantId,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, DomainError>;
}
