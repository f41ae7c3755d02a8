//! floLIVE customer products (docs/design.md §6.2, the floLIVE *Detach Customer Product* page): detach and attach a product instance
//! on a sub-customer, accepted at once and completed by the durable queue, and the status
//! of such a request.
//!
//! Shared here: who the requestor is, which customers it may act on, which products
//! qualify. Refusals are `FloliveRule`s (`domain/rules/flolive.rs`), which the adapter maps
//! to the vendor's codes.

mod attach;
mod completion;
mod detach;
mod status;

use std::sync::Arc;

use serde_json::json;

use crate::domain::audit::AuditEvent;
use crate::domain::catalog::Product;
use crate::domain::customer::Customer;
use crate::domain::event::EventType;
use crate::domain::ids::{CustomerId, ProductInstanceId, RequestId, TenantId};
use crate::domain::operation::OperationRequest;
use crate::domain::rules::FloliveRule;
use crate::domain::store::{NewJob, Tx};
use crate::domain::user::Principal;
use crate::domain::DomainError;
use crate::service::Origin;

use super::jobs::{self, JobHandler};
use super::Services;

pub use attach::{attach, AttachProduct};
pub use detach::{detach, DetachProduct};
pub use status::request_status;

/// Job kinds this API puts on the durable queue.
pub const DETACH_JOB: &str = "flolive.detach";
pub const ATTACH_JOB: &str = "flolive.attach";

/// Transient failures (the store unavailable) are retried with backoff up to this many times.
const MAX_ATTEMPTS: i32 = 8;

/// An accepted detach or attach: what the ACK carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub request: RequestId,
    pub instance: ProductInstanceId,
}

/// Background work this API hands to the durable queue.
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    vec![
        (
            DETACH_JOB,
            Arc::new(completion::Completion::Detach) as Arc<dyn JobHandler>,
        ),
        (
            ATTACH_JOB,
            Arc::new(completion::Completion::Attach) as Arc<dyn JobHandler>,
        ),
    ]
}

/// docs/design.md §6.2: "the requestor is the user's customer". A user acting for no customer
/// cannot use this API.
pub fn requestor(principal: &Principal) -> Result<CustomerId, DomainError> {
    principal.customer.ok_or_else(|| {
        DomainError::Forbidden(format!(
            "user '{}' does not act for a customer, so it has no sub-customers",
            principal.username.as_str()
        ))
    })
}

/// The floLIVE *Detach Customer Product* page, Eligibility: "The Requestor is eligible to detach a product from his
/// sub-customers only. It is not allowed to detach a product from any other level of the
/// customer hierarchy." Unknown customers (other tenants' too) are not found; known ones
/// that are not direct children of the requestor are forbidden.
async fn sub_customer(
    tx: &mut dyn Tx,
    tenant: TenantId,
    requestor: CustomerId,
    id: CustomerId,
) -> Result<Customer, DomainError> {
    let customer = tx
        .customer(tenant, id)
        .await?
        .ok_or(DomainError::NotFound("customer"))?;
    if customer.is_direct_child_of(requestor) {
        Ok(customer)
    } else {
        Err(DomainError::Forbidden(not_sub_customer(id, requestor)))
    }
}

fn not_sub_customer(id: CustomerId, requestor: CustomerId) -> String {
    format!(
        "customer {id} is not a direct sub-customer of the requestor {requestor}; \
         only direct sub-customers are eligible"
    )
}

/// The floLIVE *Detach Customer Product* page developer note: only `ACCOUNT_PRODUCT` plans may be detached (and, by the
/// floLIVE Attach page, attached).
fn require_account_product(product: &Product) -> Result<(), DomainError> {
    if product
        .plan_type
        .as_ref()
        .is_some_and(|t| t.is_account_product())
    {
        return Ok(());
    }
    Err(DomainError::rule(
        FloliveRule::NotAccountProduct,
        not_account_product(product),
    ))
}

fn not_account_product(product: &Product) -> String {
    format!(
        "product {} ({}) has planType {}; only ACCOUNT_PRODUCT products can be attached or detached",
        product.id,
        product.code,
        product.plan_type.as_ref().map_or("(none)", |t| t.as_str())
    )
}

/// The job that completes `operation`, enqueued in the accepting transaction; refused as
/// busy when the tenant's queue is full (issue 13), which rolls the acceptance back.
async fn enqueue_completion(
    tx: &mut dyn Tx,
    services: &Services,
    kind: &str,
    operation: &OperationRequest,
) -> Result<(), DomainError> {
    jobs::enqueue(
        tx,
        &services.settings,
        &NewJob {
            tenant: operation.tenant,
            kind: kind.to_owned(),
            payload: json!({ "requestId": operation.id.to_string() }),
            run_at: operation.created_at,
            max_attempts: MAX_ATTEMPTS,
        },
        services.clock.now(),
    )
    .await?;
    Ok(())
}

/// The audit row of an accepted request (docs/design.md §4: same transaction as the change).
async fn audit_accepted(
    tx: &mut dyn Tx,
    principal: &Principal,
    origin: &Origin,
    operation: &OperationRequest,
) -> Result<(), DomainError> {
    tx.insert_audit(&AuditEvent {
        at: operation.created_at,
        tenant: operation.tenant,
        user: Some(principal.user_id),
        initiator: None,
        channel: origin.channel,
        operation: format!(
            "flolive.{}.accepted",
            operation.kind.as_str().to_lowercase()
        ),
        entity_type: "operation_request".into(),
        entity_id: operation.id.to_string(),
        before: None,
        after: Some(json!({
            "kind": operation.kind.as_str(),
            "status": operation.status.as_str(),
            "customer": operation.customer.to_string(),
            "product": operation.product.to_string(),
            "productInstance": operation.instance.to_string(),
        })),
        request_id: origin.request_id.clone(),
        // An accepted request is a change: the request now exists (docs/events.md).
        event: Some(EventType::OperationRequestAccepted),
    })
    .await
}
