use async_trait::async_trait;

use crate::domain::audit::{AuditEvent, AuditRecord};
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
    /// The audit rows of one entity (`entity_type`, `entity_id`), optionally of one tenant,
    /// oldest first, after `after_seq` (exclusive), at most `limit` (ix_audit_events_entity).
    async fn entity_history(
        &mut self,
        entity_type: &str,
        entity_id: &str,
        tenant: Option<TenantId>,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, DomainError>;
}
