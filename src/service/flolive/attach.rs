//! Attach Customer Product (floLIVE KB, vendor-notes D): `POST /api/v2/customer/{id}/
//! attach-product` with `{customerId, productId}`; same planType and eligibility rules as
//! the detach, and the same product may be attached several times. Accepted at once with
//! the id of the instance to be created; the durable queue creates it (docs/design.md §6.2).

use std::sync::Arc;

use crate::domain::ids::{CustomerId, ProductId, ProductInstanceId, RequestId};
use crate::domain::operation::{OperationKind, OperationRequest, OperationStatus};
use crate::domain::rules::FloliveRule;
use crate::domain::store::StoredReply;
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::idempotency::{execute, IdempotentRequest};
use crate::service::{Origin, Services};

use super::{
    audit_accepted, enqueue_completion, requestor, require_account_product, sub_customer, Accepted,
    ATTACH_JOB,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttachProduct {
    /// The customer of the path.
    pub customer: CustomerId,
    /// The body's `customerId`, when sent: it must name the path's customer.
    pub body_customer: Option<CustomerId>,
    pub product: ProductId,
}

pub async fn attach(
    services: &Arc<Services>,
    principal: &Principal,
    command: AttachProduct,
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
                let tenant = principal.tenant.id;
                let customer = sub_customer(tx, tenant, requestor, command.customer).await?;
                if let Some(named) = command.body_customer.filter(|c| *c != customer.id) {
                    return Err(DomainError::rule(
                        FloliveRule::CustomerMismatch,
                        format!(
                            "the body's customerId {named} differs from the path's customer {}",
                            customer.id
                        ),
                    ));
                }
                let product = tx
                    .product(tenant, command.product)
                    .await?
                    .ok_or(DomainError::NotFound("product"))?;
                require_account_product(&product)?;
                let operation = OperationRequest {
                    id: RequestId::new(),
                    tenant,
                    kind: OperationKind::AttachProduct,
                    status: OperationStatus::InProgress,
                    requestor,
                    customer: customer.id,
                    product: product.id,
                    // Reserved now so the ACK can name it (content[].productInstanceId).
                    instance: ProductInstanceId::new(),
                    user: Some(principal.user_id),
                    error_code: None,
                    error_message: None,
                    created_at: now,
                    updated_at: now,
                };
                tx.insert_operation(&operation).await?;
                enqueue_completion(tx, services, ATTACH_JOB, &operation).await?;
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
