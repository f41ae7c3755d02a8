//! Oracle Billing Care's bundle cancel (docs/design.md §6.4, the Billing Care *Cancel a
//! Bundle* page). The adapter answers each with an HTTP status and an `o:errorCode`
//! (docs/billing-care.md, the error code table).

/// A Billing Care refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BillingCareRule {
    /// "BAD REQUEST (400) on null Account Id/Service Id/Deal Id" (the Billing Care *Cancel a Bundle* page); empty counts as null.
    NullId,
    /// An id that is not a POID (`0.0.0.1+-account+174257`), or not a string.
    MalformedId,
    /// A POID of the wrong type (a `/deal` where an `/account` belongs).
    WrongIdType,
    /// No account with that POID in the caller's tenant.
    AccountNotFound,
    /// The account and service hold no bundle of that deal (and package, when given).
    BundleNotFound,
    /// Several live purchases of the deal on that service: `packageId` must pick one.
    AmbiguousBundle,
    /// A cancel is already recorded on the bundle, effective or scheduled.
    AlreadyCancelled,
}

impl BillingCareRule {
    /// The rule's stable name (logs only: the wire code is the adapter's).
    pub fn id(self) -> &'static str {
        match self {
            BillingCareRule::NullId => "billing_care.null_id",
            BillingCareRule::MalformedId => "billing_care.malformed_id",
            BillingCareRule::WrongIdType => "billing_care.wrong_id_type",
            BillingCareRule::AccountNotFound => "billing_care.account_not_found",
            BillingCareRule::BundleNotFound => "billing_care.bundle_not_found",
            BillingCareRule::AmbiguousBundle => "billing_care.ambiguous_bundle",
            BillingCareRule::AlreadyCancelled => "billing_care.already_cancelled",
        }
    }
}
