//! Cancel a bundle (the Billing Care *Cancel a Bundle* page: "Cancels the bundle associated with account/service that is
//! passed in the request payload"; docs/design.md §6.4).
//!
//! The bundle is found by account POID, service POID and deal POID (and `packageId` when
//! given); the cancel is recorded on the bundle with its effective time, description, flag
//! and extension. A cancel that takes effect at once also ends the bundle's ACTIVE product
//! instances through the lifecycle's guarded transition (docs/design.md §3 "Product
//! instance lifecycle"); a scheduled one writes nothing else: the instances read as
//! CANCELLED from its time on through every API (`ProductInstance::effective_status`,
//! docs/design.md §3 "state derived from dates, no timer needed").

use chrono::{DateTime, SubsecRound, TimeZone as _, Utc};
use serde_json::{json, Value};

use crate::domain::audit::AuditEvent;
use crate::domain::catalog::{Bundle, BundleCancellation, ProductInstance};
use crate::domain::event::EventType;
use crate::domain::ids::ProductInstanceId;
use crate::domain::instance_lifecycle::{InstanceEnd, Transition};
use crate::domain::poid::Poid;
use crate::domain::rules::BillingCareRule;
use crate::domain::store::Tx;
use crate::domain::user::Principal;
use crate::domain::{clock, DomainError};
use crate::service::Origin;

pub use super::values::{Description, Effective, DESCRIPTION_MAX_CHARS};

/// The request, parsed (the adapter builds it from the wire body).
#[derive(Clone, Debug, PartialEq)]
pub struct CancelBundle {
    pub account: Poid,
    pub service: Poid,
    pub deal: Poid,
    /// When given, the bundle's package id must equal it.
    pub package_id: Option<i64>,
    /// Absent: now.
    pub effective: Option<Effective>,
    pub description: Option<Description>,
    pub flag: Option<i32>,
    /// The Oracle `extension` object as compact JSON text, kept as sent.
    pub extension: Option<String>,
}

/// Who is calling, when and how: what the use-case and its audit row need.
pub struct Caller<'a> {
    pub principal: &'a Principal,
    pub now: DateTime<Utc>,
    pub origin: &'a Origin,
}

/// What the cancel did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancelled {
    pub bundle: Poid,
    pub effective_at: DateTime<Utc>,
    /// True when `effective_at` is still ahead: the instances stay active until then.
    pub scheduled: bool,
    pub instances: Vec<ProductInstanceId>,
}

/// The latest instant storage can order as text (fixed-width years, `clock::to_storage`).
fn latest_storable() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// One transaction (the caller's), audit row included (docs/design.md §4).
#[tracing::instrument(skip_all, fields(account = %cmd.account, service = %cmd.service, deal = %cmd.deal))]
pub async fn run(
    tx: &mut dyn Tx,
    call: &Caller<'_>,
    cmd: &CancelBundle,
) -> Result<Cancelled, DomainError> {
    let tenant = &call.principal.tenant;
    // "effective … default now; future = scheduled cancel" (docs/design.md §6.4). A time already
    // past cancels now: the stored history is never rewritten backwards.
    let requested = cmd
        .effective
        .as_ref()
        .map(|e| e.instant(tenant.time_zone))
        .transpose()?;
    // Microseconds: the precision storage keeps (`clock::to_storage`).
    let effective_at = requested
        .unwrap_or(call.now)
        .clamp(call.now, latest_storable().max(call.now))
        .trunc_subsecs(6);

    let bundle = find_bundle(tx, call, cmd).await?;
    if let Some(existing) = &bundle.cancellation {
        return Err(already_cancelled(&bundle, existing.effective_at, call.now));
    }
    let mut instances: Vec<ProductInstance> = tx
        .product_instances_of_account(tenant.id, bundle.account)
        .await?
        .into_iter()
        .filter(|i| i.bundle == Some(bundle.id))
        .collect();
    let cancellation = BundleCancellation {
        effective_at,
        description: cmd.description.as_ref().map(|d| d.as_str().to_owned()),
        flag: cmd.flag,
        extension: cmd.extension.clone(),
    };
    if !tx
        .record_bundle_cancel(tenant.id, bundle.id, &cancellation)
        .await?
    {
        // A concurrent cancel committed between our read and our write.
        return Err(DomainError::rule(
            BillingCareRule::AlreadyCancelled,
            format!(
                "bundle {} was cancelled by a concurrent request",
                bundle.poid
            ),
        ));
    }
    let before_state = state(&bundle, cmd, &instances, call.now);
    if effective_at <= call.now {
        end_instances(tx, &mut instances, effective_at).await?;
    }
    let after = Bundle {
        cancellation: Some(cancellation),
        ..bundle.clone()
    };
    let mut after_state = state(&after, cmd, &instances, call.now);
    after_state["requested_effective"] = json!(requested.map(clock::to_storage));
    tx.insert_audit(&AuditEvent {
        at: call.now,
        tenant: tenant.id,
        user: Some(call.principal.user_id),
        initiator: None,
        channel: call.origin.channel,
        operation: "billing_care.cancelBundle".into(),
        entity_type: "bundle".into(),
        entity_id: bundle.poid.to_string(),
        before: Some(before_state),
        after: Some(after_state),
        request_id: call.origin.request_id.clone(),
        event: Some(EventType::BundleCancelled),
    })
    .await?;
    Ok(Cancelled {
        bundle: bundle.poid,
        effective_at,
        scheduled: effective_at > call.now,
        instances: instances.iter().map(|i| i.id).collect(),
    })
}

/// The Billing Care *Cancel a Bundle* page: "Cancels the bundle associated with account/service": the deal must match
/// too, and `packageId` when given. Other tenants' rows are never read (docs/design.md §3).
async fn find_bundle(
    tx: &mut dyn Tx,
    call: &Caller<'_>,
    cmd: &CancelBundle,
) -> Result<Bundle, DomainError> {
    let tenant = call.principal.tenant.id;
    let Some(account) = tx.account_id_by_poid(tenant, &cmd.account).await? else {
        return Err(DomainError::rule(
            BillingCareRule::AccountNotFound,
            format!("no account {} exists", cmd.account),
        ));
    };
    let of_deal: Vec<Bundle> = tx
        .bundles_on_service(tenant, account, &cmd.service)
        .await?
        .into_iter()
        .filter(|b| b.deal == cmd.deal)
        .collect();
    let on = format!(
        "account {} and service {} hold no bundle of deal {}",
        cmd.account, cmd.service, cmd.deal
    );
    if of_deal.is_empty() {
        return Err(DomainError::rule(BillingCareRule::BundleNotFound, on));
    }
    let candidates: Vec<Bundle> = match cmd.package_id {
        None => of_deal,
        Some(package) => {
            let held = package_list(&of_deal);
            let matching: Vec<Bundle> = of_deal
                .into_iter()
                .filter(|b| b.package_id == package)
                .collect();
            if matching.is_empty() {
                return Err(DomainError::rule(
                    BillingCareRule::BundleNotFound,
                    format!("{on} with packageId {package} (packageId {held} does not match)"),
                ));
            }
            matching
        }
    };
    pick_one(candidates, cmd, call.now)
}

/// One purchase: the only one, or the only one not yet cancelled. Several live purchases
/// of the same deal on one service need `packageId` to tell them apart.
fn pick_one(
    mut candidates: Vec<Bundle>,
    cmd: &CancelBundle,
    now: DateTime<Utc>,
) -> Result<Bundle, DomainError> {
    if candidates.len() == 1 {
        return Ok(candidates.remove(0));
    }
    let live: Vec<&Bundle> = candidates
        .iter()
        .filter(|b| !b.has_cancellation())
        .collect();
    match live.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let last = candidates
                .last()
                .cloned()
                .ok_or_else(|| DomainError::internal("pick_one called without candidates"))?;
            let at = last.cancellation.as_ref().map_or(now, |c| c.effective_at);
            Err(already_cancelled(&last, at, now))
        }
        several => Err(DomainError::rule(
            BillingCareRule::AmbiguousBundle,
            format!(
                "account {} and service {} hold {} live purchases of deal {} (packageId {}); \
                 send packageId to choose one",
                cmd.account,
                cmd.service,
                several.len(),
                cmd.deal,
                several
                    .iter()
                    .map(|b| b.package_id.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

fn package_list(bundles: &[Bundle]) -> String {
    bundles
        .iter()
        .map(|b| b.package_id.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// 409: a cancel already recorded, whether it has taken effect or is still scheduled.
fn already_cancelled(bundle: &Bundle, at: DateTime<Utc>, now: DateTime<Utc>) -> DomainError {
    let when = clock::to_storage(at);
    let message = if at <= now {
        format!(
            "bundle {} is already cancelled (effective {when})",
            bundle.poid
        )
    } else {
        format!(
            "bundle {} already has a cancel scheduled for {when}",
            bundle.poid
        )
    };
    DomainError::rule(BillingCareRule::AlreadyCancelled, message)
}

/// Ends the bundle's ACTIVE instances (an immediate cancel). Each instance keeps the status
/// the guard saw, so the audit row's after-state is what the store holds: one detached by
/// a concurrent floLIVE completion stays DETACHED.
async fn end_instances(
    tx: &mut dyn Tx,
    instances: &mut [ProductInstance],
    at: DateTime<Utc>,
) -> Result<(), DomainError> {
    for instance in instances.iter_mut().filter(|i| i.status.can_end()) {
        match tx
            .end_instance(instance.tenant, instance.id, InstanceEnd::Cancelled, at)
            .await?
        {
            Transition::Applied { at } => {
                instance.status = InstanceEnd::Cancelled.status();
                instance.effective_to = Some(at);
            }
            Transition::Refused { seen } => instance.status = seen,
            Transition::Missing => {}
        }
    }
    Ok(())
}

/// The bundle as the audit row shows it, with its instances' status as every API reads it.
fn state(
    bundle: &Bundle,
    cmd: &CancelBundle,
    instances: &[ProductInstance],
    now: DateTime<Utc>,
) -> Value {
    let cancellation = bundle.cancellation.as_ref().map(|c| {
        let extension = c
            .extension
            .as_deref()
            .map(|text| serde_json::from_str::<Value>(text).unwrap_or_else(|_| json!(text)));
        json!({
            "effective_at": clock::to_storage(c.effective_at),
            "scheduled": c.effective_at > now,
            "description": c.description,
            "flag": c.flag,
            "extension": extension,
        })
    });
    json!({
        "poid": bundle.poid.to_string(),
        "account": cmd.account.to_string(),
        "service": bundle.service.to_string(),
        "deal": bundle.deal.to_string(),
        "package_id": bundle.package_id,
        "cancellation": cancellation,
        "instances": instances.iter().map(|i| json!({
            "id": i.id.to_string(),
            "status": i.effective_status(Some(bundle), now).as_str(),
        })).collect::<Vec<_>>(),
    })
}
