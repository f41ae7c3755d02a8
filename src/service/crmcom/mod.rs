//! CRM.COM use-cases (docs/design.md §6.3, the CRM.COM *cancel_subscriptions* page): token login and release, and Conax SMS-SAS
//! provisioning requests (add/cancel subscriptions, show, list).
//!
//! Refusals are `DomainError::Rule` with the ids in [`rules`] (or `Invalid` for a bad
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

/// Stable rule ids (`DomainError::Rule::rule`) the adapter maps to `status.code`s.
pub mod rules {
    pub const UNKNOWN_ORGANISATION: &str = "crmcom.unknown_organisation";
    pub const INVALID_TOKEN: &str = "crmcom.invalid_token";
    pub const EXPIRED_TOKEN: &str = "crmcom.expired_token";
    pub const RELEASED_TOKEN: &str = "crmcom.released_token";
    pub const MISSING_PARAMETER: &str = "crmcom.missing_parameter";
    /// An identifier object with none or several of its semi-optional fields.
    pub const INVALID_IDENTIFIER: &str = "crmcom.invalid_identifier";
    /// An alternative code that matches several records.
    pub const AMBIGUOUS_IDENTIFIER: &str = "crmcom.ambiguous_identifier";
    pub const INVALID_DATE: &str = "crmcom.invalid_date";
    pub const START_DATE_IN_PAST: &str = "crmcom.start_date_in_past";
    pub const SUBSCRIPTION_NOT_FOUND: &str = "crmcom.subscription_not_found";
    pub const SERVICE_NOT_FOUND: &str = "crmcom.service_not_found";
    pub const SMARTCARD_NOT_FOUND: &str = "crmcom.smartcard_not_found";
    pub const PROVISIONING_REQUEST_NOT_FOUND: &str = "crmcom.provisioning_request_not_found";
    pub const NOT_A_SERVICE: &str = "crmcom.not_a_service";
    pub const SERVICE_NOT_ON_SUBSCRIPTION: &str = "crmcom.service_not_on_subscription";
    pub const NOT_A_SMARTCARD: &str = "crmcom.not_a_smartcard";
    pub const SMARTCARD_NOT_ON_SUBSCRIPTION: &str = "crmcom.smartcard_not_on_subscription";
}

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
