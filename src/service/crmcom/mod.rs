//! CRM.COM use-cases (docs/design.md §6.3, the CRM.COM *cancel_subscriptions* page): token login and release, and Conax SMS-SAS
//! provisioning requests (add/cancel subscriptions, show, list).
//!
//! Refusals are `DomainError::Rule` with a `CrmcomRule` (or `Invalid` for a bad
//! parameter value, `Unauthenticated` for wrong credentials); the adapter maps each to one
//! CRM.COM `status.code`.

mod identifiers;
mod provisioning;
mod queries;
mod tokens;

use std::sync::Arc;

use super::jobs::JobHandler;

pub use identifiers::{
    FieldValues, InstalledItemIdentifier, ProductIdentifier, ProvisioningRequestIdentifier,
    SubscriptionIdentifier,
};
pub use provisioning::{create, ConaxRequestText, ProvisioningCommand, RawProvisioning};
pub use queries::{list, show, ListQuery, DEFAULT_RESULTS, MAX_RESULTS};
pub use tokens::{authenticate, login, release, Login, Session, TokenPolicy};

/// Client-supplied text echoed in messages is cut to this many characters.
const ECHO_LIMIT: usize = 64;

/// `text` as it may appear inside an error message.
pub(crate) fn echo(text: &str) -> String {
    let mut cut: String = text.chars().take(ECHO_LIMIT).collect();
    if text.chars().count() > ECHO_LIMIT {
        cut.push('…');
    }
    cut
}

/// The CRM.COM methods queue no background work: requests stay PENDING (docs/design.md §6.3).
pub fn job_handlers() -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    Vec::new()
}
