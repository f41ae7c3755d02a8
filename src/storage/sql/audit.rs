use async_trait::async_trait;

use crate::domain::audit::{AuditEvent, AuditRecord, Channel};
use crate::domain::clock;
use crate::domain::event::EventType;
use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::store::AuditRepo;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{int, opt_text, opt_uuid, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

pub(super) fn json_text(value: &Option<serde_json::Value>) -> Option<String> {
    value.as_ref().map(serde_json::Value::to_string)
}

pub(super) fn json_value(
    column: &str,
    text: Option<String>,
) -> Result<Option<serde_json::Value>, DomainError> {
    text.map(|t| serde_json::from_str(&t).map_err(|_| super::row::corrupt(column, &t)))
        .transpose()
}

#[async_trait]
impl<D: Dialect> AuditRepo for SqlTx<'_, D> {
    async fn insert_audit(&mut self, e: &AuditEvent) -> Result<(), DomainError> {
        self.query(D::INSERT_AUDIT)
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(clock::to_storage(e.at))
            .bind(e.tenant.to_string())
            .bind(e.user.map(|u| u.to_string()))
            .bind(e.initiator.as_deref())
            .bind(e.channel.as_str())
            .bind(&e.operation)
            .bind(&e.entity_type)
            .bind(&e.entity_id)
            .bind(json_text(&e.before))
            .bind(json_text(&e.after))
            .bind(e.request_id.as_deref())
            .bind(e.event.map(EventType::as_str))
            .execute()
            .await?;
        // Long-polling feed readers are woken after the commit (docs/events.md).
        self.evented |= e.event.is_some();
        Ok(())
    }

    async fn recent_audit(
        &mut self,
        tenant: TenantId,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, DomainError> {
        let rows = self.query(
            "SELECT at, tenant_id, api_user_id, initiator, channel, operation, entity_type, entity_id, \
             before_json, after_json, request_id, event_type FROM audit_events WHERE tenant_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(tenant.to_string())
        .bind(limit)
        .fetch_all()
        .await?;
        rows.iter().map(audit_from).collect()
    }

    async fn entity_history(
        &mut self,
        entity_type: &str,
        entity_id: &str,
        tenant: Option<TenantId>,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>, DomainError> {
        let rows = self
            .query(
                "SELECT a.id, a.seq, a.at, a.tenant_id, a.api_user_id, a.initiator, a.channel, \
                 a.operation, a.entity_type, a.entity_id, a.before_json, a.after_json, \
                 a.request_id, a.event_type, t.code AS tenant_code, u.username \
                 FROM audit_events a JOIN tenants t ON t.id = a.tenant_id \
                 LEFT JOIN api_users u ON u.id = a.api_user_id \
                 WHERE a.entity_type = $1 AND a.entity_id = $2 AND a.seq > $3 \
                 AND ($4 IS NULL OR a.tenant_id = $4) ORDER BY a.seq LIMIT $5",
            )
            .bind(entity_type)
            .bind(entity_id)
            .bind(after_seq)
            .bind(tenant.map(|t| t.to_string()))
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AuditRecord {
                    id: text(row, "id")?,
                    seq: int(row, "seq")?,
                    tenant_code: text(row, "tenant_code")?,
                    username: opt_text(row, "username")?,
                    event: audit_from(row)?,
                })
            })
            .collect()
    }
}

fn audit_from(row: &Row) -> Result<AuditEvent, DomainError> {
    Ok(AuditEvent {
        at: timestamp(row, "at")?,
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        user: opt_uuid(row, "api_user_id")?.map(ApiUserId::from_uuid),
        initiator: opt_text(row, "initiator")?,
        channel: parsed("channel", &text(row, "channel")?, Channel::parse)?,
        operation: text(row, "operation")?,
        entity_type: text(row, "entity_type")?,
        entity_id: text(row, "entity_id")?,
        before: json_value("before_json", opt_text(row, "before_json")?)?,
        after: json_value("after_json", opt_text(row, "after_json")?)?,
        request_id: opt_text(row, "request_id")?,
        event: opt_text(row, "event_type")?
            .map(|t| parsed("event_type", &t, EventType::parse))
            .transpose()?,
    })
}
