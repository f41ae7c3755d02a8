//! `disconnectCustomerConfirmation` (docs/design.md §6.5): record the customer's answers to a
//! disconnect order's charge items. "All items accepted → disconnect proceeds; any rejected
//! → order cancelled" (docs/design.md §3); acknowledgements may arrive over several calls.
//!
//! Concurrency: the first thing the use-case does to the order is take its row lock
//! (`lock_disconnect_order`), and only then reads its items. Two calls on one order
//! therefore run one after the other: the second sees the first's answers, so the order
//! can neither stay stuck in `pending` with every item answered nor be handed to the
//! disconnect twice (the state change is also guarded by the version read under the lock).
//! The `Idempotency-Key` look-up that may run before the lock reads another table; under
//! PostgreSQL's default READ COMMITTED every statement sees the latest commits, so the items
//! read after the lock are current. (Under a stricter isolation level a lost race surfaces as
//! a serialisation failure: `Unavailable`, answered 503, nothing applied.)

use serde_json::json;

use std::sync::Arc;

use crate::domain::audit::AuditEvent;
use crate::domain::disconnect::{DisconnectOrder, OrderState};
use crate::domain::disconnect_answers::{decide, Confirmation, Decision};
use crate::domain::event::EventType;
use crate::domain::store::{NewJob, StoredReply, Tx};
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::idempotency::{self, IdempotentRequest};
use crate::service::jobs;
use crate::service::{Origin, Services};

use super::disconnect_job::{DisconnectPayload, DISCONNECT_JOB};

/// What the answers did; either way the caller gets 204 (the Verizon *disconnectCustomerConfirmation* page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answers recorded; the order is now in this state.
    Recorded(OrderState),
    /// Every answer was already stored: nothing changed.
    Unchanged(OrderState),
}

/// Records `command`'s answers in one transaction (audit row and, when the last item is
/// accepted, the disconnect job included) and renders the reply with `render`.
#[tracing::instrument(skip_all, fields(external_id = command.external_id.value(), tenant = %principal.tenant.code.as_str()))]
pub async fn confirm_disconnect(
    services: &Arc<Services>,
    principal: &Principal,
    command: &Confirmation,
    origin: &Origin,
    idempotency: Option<&IdempotentRequest>,
    render: impl FnOnce(&Outcome) -> StoredReply + Send + 'static,
) -> Result<StoredReply, DomainError> {
    let (services_in, principal_in, command_in, origin_in) = (
        services.clone(),
        principal.clone(),
        command.clone(),
        origin.clone(),
    );
    idempotency::execute(
        services,
        principal,
        idempotency,
        move |tx| {
            Box::pin(async move {
                apply(tx, &services_in, &principal_in, &command_in, &origin_in).await
            })
        },
        render,
    )
    .await
}

async fn apply(
    tx: &mut dyn Tx,
    services: &Services,
    principal: &Principal,
    command: &Confirmation,
    origin: &Origin,
) -> Result<Outcome, DomainError> {
    let now = services.clock.now();
    let Some(locked) = tx
        .lock_disconnect_order(principal.tenant.id, command.external_id)
        .await?
    else {
        // Other tenants' orders are invisible: the same answer as for no order at all.
        return Err(DomainError::NotFound("disconnect order"));
    };
    // The body's consistency is judged once the order is known (see Confirmation::check).
    command.check()?;
    let order = &locked.order;
    let (answers, next) = match decide(order, &command.answers)? {
        Decision::Unchanged => return Ok(Outcome::Unchanged(order.state)),
        Decision::Apply { answers, next } => (answers, next),
    };
    tx.record_charge_answers(order.id, &answers, principal.user_id, now)
        .await?;
    tx.advance_disconnect_order(order.id, locked.version, next, now)
        .await?;
    if next == OrderState::InProgress {
        // Every item accepted: the disconnect proceeds, carried out by the queue. Enqueued
        // in this transaction, so it exists if and only if these answers committed.
        // Refused as busy when the tenant's queue is full (issue 13): nothing is recorded.
        jobs::enqueue(
            tx,
            &services.settings,
            &NewJob {
                tenant: principal.tenant.id,
                kind: DISCONNECT_JOB.to_owned(),
                payload: DisconnectPayload { order: order.id }.to_json(),
                // Due at once: the worker leases by the same injected clock.
                run_at: now,
                max_attempts: 10,
            },
            now,
        )
        .await?;
    }
    let mut after = order.clone();
    for (id, acceptance) in &answers {
        if let Some(item) = after.charge_items.iter_mut().find(|i| &i.id == id) {
            item.acceptance = *acceptance;
        }
    }
    after.state = next;
    tx.insert_audit(&AuditEvent {
        at: now,
        tenant: principal.tenant.id,
        user: Some(principal.user_id),
        initiator: None,
        channel: origin.channel,
        operation: "verizon.disconnectCustomerConfirmation".into(),
        entity_type: "disconnect_order".into(),
        entity_id: order.external_id.value().to_string(),
        before: Some(snapshot(order)),
        after: Some(snapshot(&after)),
        request_id: origin.request_id.clone(),
        event: Some(EventType::DisconnectOrderAnswered),
    })
    .await?;
    tracing::info!(
        state = next.as_str(),
        answered = answers.len(),
        "charge items answered"
    );
    Ok(Outcome::Recorded(next))
}

/// The order as audit rows show it.
pub(super) fn snapshot(order: &DisconnectOrder) -> serde_json::Value {
    json!({
        "externalId": order.external_id.value(),
        "state": order.state.as_str(),
        "chargeItems": order
            .charge_items
            .iter()
            .map(|i| json!({ "id": i.id, "acceptanceIndicator": i.acceptance.as_str() }))
            .collect::<Vec<_>>(),
    })
}
