//! The disconnect itself, carried out by the durable queue once every charge item of an
//! order is accepted (docs/design.md §3, §6.5). In one transaction with the job's completion:
//! - the order account's ACTIVE product instances become CANCELLED, each through the
//!   lifecycle's guarded transition (docs/design.md §3 "Product instance lifecycle"): one
//!   detached by floLIVE after our read stays DETACHED and gets no audit row;
//! - the account's termination becomes visible to the Debitsuccess API: its
//!   `termination_date` is today in the tenant's zone (an earlier date already set is kept:
//!   a disconnect never extends an account), and an Active or Suspended account becomes
//!   Cancelled (the status Debitsuccess shows for a terminated account; Closed stays Closed);
//! - the order becomes `completed`;
//! - each change gets its audit row (channel `worker`).
//!
//! The handler takes the order's lock first and acts only while the order is `inProgress`,
//! so a job that runs twice (a lost lease) changes nothing the second time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::account::AccountStatus;
use crate::domain::audit::{AuditEvent, Channel};
use crate::domain::disconnect::OrderState;
use crate::domain::event::EventType;
use crate::domain::ids::{DisconnectOrderId, TenantId};
use crate::domain::instance_lifecycle::InstanceEnd;
use crate::domain::store::{Job, Tx};
use crate::domain::DomainError;
use crate::service::jobs::{JobError, JobHandler};
use crate::service::Services;

use super::confirm::snapshot;

/// The job kind; its payload is [`DisconnectPayload`].
pub const DISCONNECT_JOB: &str = "verizon.disconnect";

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(super) struct DisconnectPayload {
    pub order: DisconnectOrderId,
}

impl DisconnectPayload {
    pub fn to_json(self) -> serde_json::Value {
        json!({ "order": self.order })
    }
}

pub struct DisconnectJob;

#[async_trait]
impl JobHandler for DisconnectJob {
    async fn run(&self, tx: &mut dyn Tx, job: &Job, services: &Services) -> Result<(), JobError> {
        let payload: DisconnectPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::Permanent(format!("bad payload: {e}")))?;
        disconnect(tx, services, job.tenant, payload.order).await?;
        Ok(())
    }
}

/// The disconnect's audit rows; each is the event of its entity's change (docs/events.md).
fn audit(
    tenant: TenantId,
    at: chrono::DateTime<chrono::Utc>,
) -> impl Fn(EventType, &str, String, serde_json::Value, serde_json::Value) -> AuditEvent {
    move |event, entity_type, entity_id, before, after| AuditEvent {
        at,
        tenant,
        user: None,
        initiator: None,
        channel: Channel::Worker,
        operation: DISCONNECT_JOB.into(),
        entity_type: entity_type.into(),
        entity_id,
        before: Some(before),
        after: Some(after),
        request_id: None,
        event: Some(event),
    }
}

async fn disconnect(
    tx: &mut dyn Tx,
    services: &Services,
    tenant_id: TenantId,
    order_id: DisconnectOrderId,
) -> Result<(), DomainError> {
    let Some(locked) = tx.lock_disconnect_order_by_id(tenant_id, order_id).await? else {
        return Err(DomainError::NotFound("disconnect order"));
    };
    let order = locked.order;
    if order.state != OrderState::InProgress {
        tracing::info!(
            state = order.state.as_str(),
            "disconnect already carried out"
        );
        return Ok(());
    }
    let tenant = tx
        .tenant(tenant_id)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    let now = services.clock.now();
    let today = tenant.time_zone.today(now);
    let event = audit(tenant_id, now);

    for instance in tx
        .product_instances_of_account(tenant_id, order.account)
        .await?
    {
        if !instance.status.can_end() {
            continue;
        }
        // Our read may be stale (PostgreSQL): the guard decides, and the audit row says
        // what it saw.
        let transition = tx
            .end_instance(tenant_id, instance.id, InstanceEnd::Cancelled, now)
            .await?;
        let Some((before, after)) = transition.audit_states(InstanceEnd::Cancelled) else {
            tracing::info!(instance = %instance.id, ?transition, "instance already ended");
            continue;
        };
        tx.insert_audit(&event(
            EventType::ProductInstanceCancelled,
            "product_instance",
            instance.id.to_string(),
            before,
            after,
        ))
        .await?;
    }

    let account = tx
        .account(tenant_id, order.account)
        .await?
        .ok_or(DomainError::NotFound("account"))?;
    let termination = account.termination_date.map_or(today, |d| d.min(today));
    let status = match account.status {
        AccountStatus::Active | AccountStatus::Suspended => AccountStatus::Cancelled,
        other => other,
    };
    tx.set_termination_date(tenant_id, account.id, Some(termination))
        .await?;
    tx.set_account_status(tenant_id, account.id, status).await?;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    tx.insert_audit(&event(
        EventType::AccountCancelled,
        "account",
        account.reference_no.as_str().to_owned(),
        json!({ "status": account.status.as_str(), "terminationDate": date(account.termination_date) }),
        json!({ "status": status.as_str(), "terminationDate": date(Some(termination)) }),
    ))
    .await?;

    tx.advance_disconnect_order(order.id, locked.version, OrderState::Completed, now)
        .await?;
    let mut after = order.clone();
    after.state = OrderState::Completed;
    tx.insert_audit(&event(
        EventType::DisconnectOrderCompleted,
        "disconnect_order",
        order.external_id.value().to_string(),
        snapshot(&order),
        snapshot(&after),
    ))
    .await?;
    tracing::info!(
        external_id = order.external_id.value(),
        "disconnect completed"
    );
    Ok(())
}
