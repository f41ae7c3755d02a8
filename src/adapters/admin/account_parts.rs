//! The parts of the admin API's account view (`accounts.rs`), each as the core holds it:
//! customer, product instances, bundles, disconnect orders, provisioning requests and
//! floLIVE operations. Timestamps are RFC 3339 UTC, dates `YYYY-MM-DD`, money in cents.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::catalog;
use crate::domain::clock;
use crate::domain::customer;
use crate::domain::disconnect;
use crate::domain::operation;
use crate::domain::provisioning;

pub(super) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::Customer)]
pub(super) struct Customer {
    id: String,
    name: String,
    parent_id: Option<String>,
}

pub(super) fn customer(c: &customer::Customer) -> Customer {
    Customer {
        id: c.id.to_string(),
        name: c.name.clone(),
        parent_id: c.parent.map(|p| p.to_string()),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::ProductInstance)]
pub(super) struct ProductInstance {
    id: String,
    product_id: String,
    customer_id: String,
    subscription_id: Option<String>,
    installed_item_id: Option<String>,
    bundle_id: Option<String>,
    #[schema(example = "ACTIVE")]
    status: &'static str,
    effective_from: Option<String>,
    effective_to: Option<String>,
}

pub(super) fn product_instance(p: &catalog::ProductInstance) -> ProductInstance {
    ProductInstance {
        id: p.id.to_string(),
        product_id: p.product.to_string(),
        customer_id: p.customer.to_string(),
        subscription_id: p.subscription.map(|s| s.to_string()),
        installed_item_id: p.installed_item.map(|i| i.to_string()),
        bundle_id: p.bundle.map(|b| b.to_string()),
        status: p.status.as_str(),
        effective_from: p.effective_from.map(clock::to_storage),
        effective_to: p.effective_to.map(clock::to_storage),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::Bundle)]
pub(super) struct Bundle {
    id: String,
    poid: String,
    service_poid: String,
    deal_poid: String,
    package_id: i64,
    purchased_at: String,
    /// When a cancellation takes effect, once one is recorded.
    cancel_effective_at: Option<String>,
    cancel_description: Option<String>,
}

pub(super) fn bundle(b: &catalog::Bundle) -> Bundle {
    Bundle {
        id: b.id.to_string(),
        poid: b.poid.to_string(),
        service_poid: b.service.to_string(),
        deal_poid: b.deal.to_string(),
        package_id: b.package_id,
        purchased_at: clock::to_storage(b.purchased_at),
        cancel_effective_at: b
            .cancellation
            .as_ref()
            .map(|c| clock::to_storage(c.effective_at)),
        cancel_description: b.cancellation.as_ref().and_then(|c| c.description.clone()),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::ChargeItem)]
pub(super) struct ChargeItem {
    id: String,
    description: String,
    /// In cents.
    amount: i64,
    #[schema(example = "awaitingResponse")]
    acceptance: &'static str,
}

#[derive(Serialize, ToSchema)]
#[schema(as = admin::DisconnectOrder)]
pub(super) struct DisconnectOrder {
    id: String,
    /// Verizon's order id.
    external_id: i64,
    #[schema(example = "pending")]
    state: &'static str,
    charge_items: Vec<ChargeItem>,
}

pub(super) fn disconnect_order(o: &disconnect::DisconnectOrder) -> DisconnectOrder {
    DisconnectOrder {
        id: o.id.to_string(),
        external_id: o.external_id.value(),
        state: o.state.as_str(),
        charge_items: o
            .charge_items
            .iter()
            .map(|i| ChargeItem {
                id: i.id.clone(),
                description: i.description.clone(),
                amount: i.amount.cents(),
                acceptance: i.acceptance.as_str(),
            })
            .collect(),
    }
}

/// A CRM.COM (Conax) provisioning request on one of the account's subscriptions.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::ProvisioningRequest)]
pub(super) struct ProvisioningRequest {
    id: String,
    number: String,
    #[schema(example = "ADD_SUBSCRIPTIONS")]
    kind: &'static str,
    sequence_number: i64,
    #[schema(example = "PENDING")]
    life_cycle_state: &'static str,
    scheduled_date: String,
    subscription_number: String,
    service_code: String,
    smartcard_serial_number: String,
    created_at: String,
    created_by: String,
}

pub(super) fn provisioning_request(r: &provisioning::ProvisioningRequest) -> ProvisioningRequest {
    ProvisioningRequest {
        id: r.id.to_string(),
        number: r.number.clone(),
        kind: r.kind.as_str(),
        sequence_number: r.sequence_number,
        life_cycle_state: r.life_cycle_state.as_str(),
        scheduled_date: date_text(r.scheduled_date),
        subscription_number: r.subscription.number.clone(),
        service_code: r.service.code.clone(),
        smartcard_serial_number: r.smartcard.serial_number.clone(),
        created_at: clock::to_storage(r.log.created_at),
        created_by: r.log.created_by.username.clone(),
    }
}

/// A floLIVE detach or attach on the account's customer.
#[derive(Serialize, ToSchema)]
#[schema(as = admin::OperationRequest)]
pub(super) struct Operation {
    id: String,
    #[schema(example = "DETACH_PRODUCT")]
    kind: &'static str,
    #[schema(example = "IN_PROGRESS")]
    status: &'static str,
    requestor_id: String,
    product_id: String,
    product_instance_id: String,
    error_code: Option<String>,
    error_message: Option<String>,
    created_at: String,
    updated_at: String,
}

pub(super) fn operation(o: &operation::OperationRequest) -> Operation {
    Operation {
        id: o.id.to_string(),
        kind: o.kind.as_str(),
        status: o.status.as_str(),
        requestor_id: o.requestor.to_string(),
        product_id: o.product.to_string(),
        product_instance_id: o.instance.to_string(),
        error_code: o.error_code.clone(),
        error_message: o.error_message.clone(),
        created_at: clock::to_storage(o.created_at),
        updated_at: clock::to_storage(o.updated_at),
    }
}
