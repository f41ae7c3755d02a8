//! The durable queue's side of detach and attach (docs/design.md §6.2): the worker runs these in
//! a transaction that also completes the job, so the instance changes and the operation
//! leaves IN_PROGRESS exactly once. If the state changed between accept and completion the
//! operation is recorded FAILED with the reason (a business outcome: the job still succeeds).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::domain::audit::{AuditEvent, Channel};
use crate::domain::catalog::{InstanceStatus, ProductInstance};
use crate::domain::event::EventType;
use crate::domain::ids::RequestId;
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
use crate::domain::operation::{OperationKind, OperationRequest, OperationStatus};
use crate::domain::rules::FloliveRule;
use crate::domain::store::{Job, Tx};
use crate::domain::DomainError;
use crate::service::jobs::{JobError, JobHandler};
use crate::service::Services;

use super::{not_account_product, not_sub_customer};

/// Why a completion could not apply: the rule (its id is the stored `error_code`) and a
/// sentence.
struct Failure {
    rule: FloliveRule,
    message: String,
    /// The instance's status when the completion gave up, if it was read: the audit row
    /// records what was seen (docs/design.md §3 "Product instance lifecycle").
    seen: Option<InstanceStatus>,
}

impl Failure {
    fn new(rule: FloliveRule, message: String) -> Self {
        Self {
            rule,
            message,
            seen: None,
        }
    }

    fn seen(self, status: InstanceStatus) -> Self {
        Self {
            seen: Some(status),
            ..self
        }
    }
}

/// The completion of an accepted detach or attach (one handler per job kind).
pub(super) enum Completion {
    Detach,
    Attach,
}

#[async_trait]
impl JobHandler for Completion {
    async fn run(&self, tx: &mut dyn Tx, job: &Job, services: &Services) -> Result<(), JobError> {
        let Some(operation) = in_progress(tx, job).await? else {
            return Ok(());
        };
        let now = services.clock.now();
        let outcome = match self {
            Completion::Detach => detach_now(tx, &operation, now).await?,
            Completion::Attach => attach_now(tx, &operation, now).await?,
        };
        finish(tx, &operation, outcome, now).await?;
        Ok(())
    }

    /// The job will not be retried: the operation becomes FAILED (the floLIVE *Detach Customer Product* page's status query
    /// must not answer IN_PROGRESS for ever). The reason stays in the `jobs` row; the client
    /// is told only that the request could not be completed.
    async fn give_up(
        &self,
        tx: &mut dyn Tx,
        job: &Job,
        services: &Services,
        reason: &str,
    ) -> Result<(), DomainError> {
        let operation = match in_progress(tx, job).await {
            Ok(Some(operation)) => operation,
            Ok(None) => return Ok(()),
            Err(JobError::Transient(error)) => return Err(error),
            Err(JobError::Permanent(why)) => {
                tracing::warn!(%why, %reason, "failed job names no operation");
                return Ok(());
            }
        };
        let failure = Failure::new(
            FloliveRule::NotCompleted,
            "the request could not be completed; it may be sent again".to_owned(),
        );
        finish(tx, &operation, Err(failure), services.clock.now()).await
    }
}

/// The job's operation, unless it already left IN_PROGRESS (a replayed job does nothing).
async fn in_progress(tx: &mut dyn Tx, job: &Job) -> Result<Option<OperationRequest>, JobError> {
    let id = job
        .payload
        .get("requestId")
        .and_then(|v| v.as_str())
        .and_then(|v| RequestId::parse(v).ok())
        .ok_or_else(|| {
            JobError::Permanent(format!("payload without requestId: {}", job.payload))
        })?;
    let operation = tx
        .operation(job.tenant, id)
        .await?
        .ok_or_else(|| JobError::Permanent(format!("request {id} does not exist")))?;
    Ok((operation.status == OperationStatus::InProgress).then_some(operation))
}

/// The instance must still be attached, read as every API reads it (a bundle cancel that
/// took effect meanwhile makes it CANCELLED); the update itself is conditional on ACTIVE.
async fn detach_now(
    tx: &mut dyn Tx,
    op: &OperationRequest,
    now: DateTime<Utc>,
) -> Result<Result<(), Failure>, DomainError> {
    let Some(instance) = tx.product_instance(op.tenant, op.instance).await? else {
        return Ok(Err(Failure::new(
            FloliveRule::Gone,
            format!("product instance {} no longer exists", op.instance),
        )));
    };
    let bundle = match instance.bundle {
        Some(id) => tx.bundle(op.tenant, id).await?,
        None => None,
    };
    let status = instance.effective_status(bundle.as_ref(), now);
    if status != InstanceStatus::Active {
        return Ok(Err(Failure::new(
            FloliveRule::NotAttached,
            format!(
                "product instance {} became {} before the detach completed",
                op.instance,
                status.as_str()
            ),
        )
        .seen(status)));
    }
    // The lifecycle's guarded transition (docs/design.md §3): a cancel committed since our
    // read is seen by the guard, not overwritten.
    match tx
        .end_instance(op.tenant, op.instance, InstanceEnd::Detached, now)
        .await?
    {
        Transition::Applied { .. } => Ok(Ok(())),
        Transition::Refused { seen } => Ok(Err(changed_state(op).seen(seen))),
        Transition::Missing => Ok(Err(changed_state(op))),
    }
}

fn changed_state(op: &OperationRequest) -> Failure {
    Failure::new(
        FloliveRule::NotAttached,
        format!(
            "product instance {} changed state before the detach completed",
            op.instance
        ),
    )
}

/// The eligibility and planType rules are checked again: the hierarchy or the catalogue
/// may have changed since the call was accepted.
async fn attach_now(
    tx: &mut dyn Tx,
    op: &OperationRequest,
    now: DateTime<Utc>,
) -> Result<Result<(), Failure>, DomainError> {
    let Some(customer) = tx.customer(op.tenant, op.customer).await? else {
        return Ok(Err(Failure::new(
            FloliveRule::Gone,
            format!("customer {} no longer exists", op.customer),
        )));
    };
    if !customer.is_direct_child_of(op.requestor) {
        return Ok(Err(Failure::new(
            FloliveRule::NotEligible,
            not_sub_customer(op.customer, op.requestor),
        )));
    }
    let Some(product) = tx.product(op.tenant, op.product).await? else {
        return Ok(Err(Failure::new(
            FloliveRule::Gone,
            format!("product {} no longer exists", op.product),
        )));
    };
    if !product
        .plan_type
        .as_ref()
        .is_some_and(|t| t.is_account_product())
    {
        return Ok(Err(Failure::new(
            FloliveRule::NotAccountProduct,
            not_account_product(&product),
        )));
    }
    tx.insert_product_instance(&ProductInstance {
        id: op.instance,
        tenant: op.tenant,
        product: product.id,
        customer: customer.id,
        account: None,
        subscription: None,
        installed_item: None,
        bundle: None,
        status: InstanceStatus::Active,
        effective_from: Some(now),
        effective_to: None,
    })
    .await?;
    Ok(Ok(()))
}

/// Records the outcome on the operation, with its audit row.
async fn finish(
    tx: &mut dyn Tx,
    op: &OperationRequest,
    outcome: Result<(), Failure>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let (status, error) = match &outcome {
        Ok(()) => (OperationStatus::Success, None),
        Err(f) => (
            OperationStatus::Failed,
            Some((f.rule.id(), f.message.as_str())),
        ),
    };
    if !tx
        .finish_operation(op.tenant, op.id, status, error, now)
        .await?
    {
        // Only reachable if two workers raced past the lease; the loser changes nothing.
        return Err(DomainError::internal(
            "operation left IN_PROGRESS meanwhile",
        ));
    }
    // The instance as the completion found it and left it: a detach that applied moved it
    // from ACTIVE (what the guard saw) to DETACHED; an attach created it ACTIVE; a failure
    // left it as it was seen.
    let (instance_before, instance_after) = match (&outcome, op.kind) {
        (Ok(()), OperationKind::DetachProduct) => {
            (Some(InstanceStatus::Active), Some(InstanceStatus::Detached))
        }
        (Ok(()), OperationKind::AttachProduct) => (None, Some(InstanceStatus::Active)),
        (Err(f), _) => (f.seen, f.seen),
    };
    let name = |status: Option<InstanceStatus>| status.map(|s| s.as_str());
    if let Err(f) = &outcome {
        tracing::info!(request = %op.id, code = f.rule.id(), reason = %f.message, "floLIVE operation failed");
    }
    tx.insert_audit(&AuditEvent {
        at: now,
        tenant: op.tenant,
        user: op.user,
        initiator: None,
        channel: Channel::Worker,
        operation: format!("flolive.{}.completed", op.kind.as_str().to_lowercase()),
        entity_type: "product_instance".into(),
        entity_id: op.instance.to_string(),
        before: Some(json!({
            "request": op.id.to_string(),
            "status": op.status.as_str(),
            "instanceStatus": name(instance_before),
        })),
        after: Some(json!({
            "request": op.id.to_string(),
            "status": status.as_str(),
            "instanceStatus": name(instance_after),
            "errorCode": error.map(|(code, _)| code),
            "errorMessage": error.map(|(_, message)| message),
        })),
        request_id: None,
        // One type per outcome (docs/events.md): the instance detached or attached, or the
        // request failed and left it as it was.
        event: Some(match (&outcome, op.kind) {
            (Ok(()), OperationKind::DetachProduct) => EventType::ProductInstanceDetached,
            (Ok(()), OperationKind::AttachProduct) => EventType::ProductInstanceAttached,
            (Err(_), _) => EventType::ProductInstanceOperationFailed,
        }),
    })
    .await
}
