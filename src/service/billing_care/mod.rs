//! Oracle Billing Care use-cases (docs/design.md §6.4, the Billing Care *Cancel a Bundle* page): the access-token flow and
//! cancelling a purchased bundle.

pub mod cancel_bundle;
pub mod refs;
pub mod tokens;
pub mod values;

use std::sync::Arc;

use super::jobs::JobHandler;

/// Background work this API hands to the durable queue: none, a scheduled cancel needs no
/// timer (a bundle reads cancelled once `now ≥ cancel_effective_at`, docs/design.md §3).
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    Vec::new()
}
