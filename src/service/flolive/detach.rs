//! Detach Customer Product (the floLIVE *Detach Customer Product* page): `DELETE /api/v2/customer/{id}/detach-product/{id}`,
//! accepted synchronously and completed by the durable queue (docs/design.md §6.2).

use std::sync::Arc;

use crate::domain::catalog::InstanceStatus;
use crate::domain::ids::{CustomerId, ProductInstanceId, RequestId};
use crate::domain::operation::{
    OperationKind, OperationRequest, OperationStatus, LIVE_DETACH_CONSTRAINT,
};
use crate::domain::rules::FloliveRule;
use crate::domain::store::{StoredReply, Tx};
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::idempotency::{execute, IdempotentRequest};
use crate::service::{Origin, Services};

use super::{
    audit_accepted, enqueue_completion, requestor, require_account_product, sub_customer, Accepted,
    DETACH_JOB,
};

/// "detach (deallocate) a single product instance from a single sub-customer".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DetachProduct {
    pub customer: CustomerId,
    pub instance: ProductInstanceId,
}

/// Accepts the detach (operation IN_PROGRESS, completion job enqueued) in one
/// transaction, under the caller's `Idempotency-Key` when one is given.
pub async fn detach(
    services: &Arc<Services>,
    principal: &Principal,
    command: DetachProduct,
    origin: &Origin,
    idempotency: Option<&IdempotentRequest>,
    render: impl FnOnce(&Accepted) -> StoredReply + Send + 'static,
) -> Result<StoredReply, DomainError> {
    let requestor = requestor(principal)?;
    let (services_in, principal_in, origin_in) =
        (services.clone(), principal.clone(), origin.clone());
    execute(
        services,
        principal,
        idempotency,
        move |tx| {
            Box::pin(async move {
                let (services, principal, origin) = (&*services_in, &principal_in, &origin_in);
                let now = services.clock.now();
                let operation = check(tx, principal, requestor, command, now).await?;
                insert_live_detach(tx, &operation).await?;
                enqueue_completion(tx, services, DETACH_JOB, &operation).await?;
                audit_accepted(tx, principal, origin, &operation).await?;
                Ok(Accepted {
                    request: operation.id,
                    instance: operation.instance,
                })
            })
        },
        render,
    )
    .await
}

/// The rules, in the order docs/flolive.md lists them; returns the operation to record.
async fn check(
    tx: &mut dyn Tx,
    principal: &Principal,
    requestor: CustomerId,
    command: DetachProduct,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<OperationRequest, DomainError> {
    let tenant = principal.tenant.id;
    let customer = sub_customer(tx, tenant, requestor, command.customer).await?;
    // "the instance must belong to that customer" (docs/design.md §6.2): another customer's
    // instance is not found on this one.
    let instance = tx
        .product_instance(tenant, command.instance)
        .await?
        .filter(|i| i.customer == customer.id)
        .ok_or(DomainError::NotFound("product instance"))?;
    let product = tx
        .product(tenant, instance.product)
        .await?
        .ok_or_else(|| DomainError::internal("a product instance names a missing product"))?;
    require_account_product(&product)?;
    // A detach in flight or done is named with its request, so the client can follow it.
    if let Some(live) = tx.live_detach(tenant, instance.id).await? {
        return Err(detach_exists(instance.id, Some(&live)));
    }
    let bundle = match instance.bundle {
        Some(id) => tx.bundle(tenant, id).await?,
        None => None,
    };
    // Read as every API reads it: an instance whose bundle cancel took effect is CANCELLED.
    let status = instance.effective_status(bundle.as_ref(), now);
    if status != InstanceStatus::Active {
        return Err(DomainError::rule(
            FloliveRule::NotAttached,
            format!(
                "product instance {} is {}, not attached (ACTIVE)",
                instance.id,
                status.as_str()
            ),
        ));
    }
    Ok(OperationRequest {
        id: RequestId::new(),
        tenant,
        kind: OperationKind::DetachProduct,
        status: OperationStatus::InProgress,
        requestor,
        customer: customer.id,
        product: product.id,
        instance: instance.id,
        user: Some(principal.user_id),
        error_code: None,
        error_message: None,
        created_at: now,
        updated_at: now,
    })
}

/// The live-detach unique index is the guard (docs/design.md §4): of two concurrent detaches of
/// one instance exactly one inserts; the other is refused here, never by check-then-insert.
async fn insert_live_detach(
    tx: &mut dyn Tx,
    operation: &OperationRequest,
) -> Result<(), DomainError> {
    match tx.insert_operation(operation).await {
        Err(error) if error.is_conflict_on(LIVE_DETACH_CONSTRAINT) => {
            Err(detach_exists(operation.instance, None))
        }
        other => other,
    }
}

fn detach_exists(instance: ProductInstanceId, live: Option<&OperationRequest>) -> DomainError {
    let message = match live {
        Some(op) if op.status == OperationStatus::Success => format!(
            "product instance {instance} was already detached by request {}",
            op.id
        ),
        Some(op) => format!(
            "a detach of product instance {instance} is already in progress (request {})",
            op.id
        ),
        None => format!("a detach of product instance {instance} is already in progress"),
    };
    DomainError::rule(FloliveRule::DetachExists, message)
}
