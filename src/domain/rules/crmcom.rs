//! CRM.COM (docs/design.md §6.3, the CRM.COM *cancel_subscriptions* page): token login and
//! release, and Conax provisioning requests. The adapter answers each with one CRM.COM
//! `status.code` (docs/crmcom.md, "Error codes").

/// A CRM.COM refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CrmcomRule {
    /// No organisation has the login's code (checked before the credentials).
    UnknownOrganisation,
    /// `token` missing or empty, not issued here (or forgotten), or its user lost the `crmcom` API.
    InvalidToken,
    /// The token was idle longer than the idle time.
    ExpiredToken,
    /// The token was released.
    ReleasedToken,
    /// A mandatory parameter or identifier object is absent (`subscription_identifier is mandatory`).
    MissingParameter,
    /// An identifier object with none or several of its semi-optional fields.
    InvalidIdentifier,
    /// An alternative code that matches several records.
    AmbiguousIdentifier,
    /// `start_date` is not `YYYY-MM-DD`.
    InvalidDate,
    /// `start_date` is before today in the organisation's time zone (today is allowed).
    StartDateInPast,
    /// No subscription of the organisation matches `subscription_identifier`.
    SubscriptionNotFound,
    /// No product of the organisation matches `service_identifier`.
    ServiceNotFound,
    /// No installed item of the organisation matches `smartcard_identifier`.
    SmartcardNotFound,
    /// `show`: no provisioning request of the organisation matches the identifier.
    ProvisioningRequestNotFound,
    /// The product is not classified `SERVICE`.
    NotAService,
    /// The subscription has no instance of that service.
    ServiceNotOnSubscription,
    /// The installed item is not a `SMARTCARD`.
    NotASmartcard,
    /// The smartcard is installed on another subscription (or none).
    SmartcardNotOnSubscription,
}

impl CrmcomRule {
    /// The rule's stable name (logs only: the wire code is the adapter's).
    pub fn id(self) -> &'static str {
        match self {
            CrmcomRule::UnknownOrganisation => "crmcom.unknown_organisation",
            CrmcomRule::InvalidToken => "crmcom.invalid_token",
            CrmcomRule::ExpiredToken => "crmcom.expired_token",
            CrmcomRule::ReleasedToken => "crmcom.released_token",
            CrmcomRule::MissingParameter => "crmcom.missing_parameter",
            CrmcomRule::InvalidIdentifier => "crmcom.invalid_identifier",
            CrmcomRule::AmbiguousIdentifier => "crmcom.ambiguous_identifier",
            CrmcomRule::InvalidDate => "crmcom.invalid_date",
            CrmcomRule::StartDateInPast => "crmcom.start_date_in_past",
            CrmcomRule::SubscriptionNotFound => "crmcom.subscription_not_found",
            CrmcomRule::ServiceNotFound => "crmcom.service_not_found",
            CrmcomRule::SmartcardNotFound => "crmcom.smartcard_not_found",
            CrmcomRule::ProvisioningRequestNotFound => "crmcom.provisioning_request_not_found",
            CrmcomRule::NotAService => "crmcom.not_a_service",
            CrmcomRule::ServiceNotOnSubscription => "crmcom.service_not_on_subscription",
            CrmcomRule::NotASmartcard => "crmcom.not_a_smartcard",
            CrmcomRule::SmartcardNotOnSubscription => "crmcom.smartcard_not_on_subscription",
        }
    }
}
