//! Oracle Billing Care use-cases (docs/design.md §6.4, the Billing Care *Cancel a Bundle* page): the access-token flow and
//! cancelling a purchased bundle.

pub mod cancel_bundle;
pub mod refs;
pub mod tokens;
pub mod values;

use std::sync::Arc;

use super::jobs::JobHandler;

/// Stable rule ids the adapter maps to HTTP statuses and `o:errorCode`s.
pub mod rules {
    /// "BAD REQUEST (400) on null Account Id/Service Id/Deal Id" (the Billing Care *Cancel a Bundle* page); empty counts as null.
    pub const NULL_ID: &str = "billing_care.null_id";
    /// An id that is not a POID (`0.0.0.1+-account+174257`), or not a string.
    pub const MALFORMED_ID: &str = "billing_care.malformed_id";
    /// A POID of the wrong type (a `/deal` where an `/account` belongs).
    pub const WRONG_ID_TYPE: &str = "billing_care.wrong_id_type";
    /// No account with that POID in the caller's tenant.
    pub const ACCOUNT_NOT_FOUND: &str = "billing_care.account_not_found";
    /// The account and service hold no bundle of that deal (and package, when given).
    pub const BUNDLE_NOT_FOUND: &str = "billing_care.bundle_not_found";
    /// Several live purchases of the deal on that service: `packageId` must pick one.
    pub const AMBIGUOUS_BUNDLE: &str = "billing_care.ambiguous_bundle";
    /// A cancel is already recorded on the bundle, effective or scheduled.
    pub const ALREADY_CANCELLED: &str = "billing_care.already_cancelled";
}

/// Background work this API hands to the durable queue: none, a scheduled cancel needs no
/// timer (a bundle reads cancelled once `now ≥ cancel_effective_at`, docs/design.md §3).
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    Vec::new()
}
