//! floLIVE customer products (docs/design.md §6.2, the floLIVE *Detach Customer Product* page):
//! the refusals of a detach or attach, and the reasons an accepted one is recorded FAILED.

/// A floLIVE refusal, or the reason stored on a FAILED operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloliveRule {
    /// The floLIVE *Detach Customer Product* page: "Reject any request to detach an offer whose planType is not ACCOUNT_PRODUCT".
    NotAccountProduct,
    /// The instance is not attached (ACTIVE): detached already, or cancelled (e.g. its
    /// Billing Care bundle cancel took effect).
    NotAttached,
    /// A detach of this instance is in flight or done (the live-detach unique index).
    DetachExists,
    /// The attach body's `customerId` names another customer than the path.
    CustomerMismatch,
    /// Stored on a FAILED operation whose customer stopped being eligible meanwhile.
    NotEligible,
    /// Stored on a FAILED operation whose customer, product or instance vanished meanwhile.
    Gone,
    /// Stored on a FAILED operation whose completion job gave up (its retries spent while
    /// the store was unavailable, or a permanent error).
    NotCompleted,
}

impl FloliveRule {
    /// The rule's stable name. It is also the `error_code` stored on a FAILED operation
    /// (and in its audit row; docs/flolive.md), so a name never changes once released.
    pub fn id(self) -> &'static str {
        match self {
            FloliveRule::NotAccountProduct => "flolive.not_account_product",
            FloliveRule::NotAttached => "flolive.instance_not_attached",
            FloliveRule::DetachExists => "flolive.detach_exists",
            FloliveRule::CustomerMismatch => "flolive.customer_mismatch",
            FloliveRule::NotEligible => "flolive.customer_not_eligible",
            FloliveRule::Gone => "flolive.not_found",
            FloliveRule::NotCompleted => "flolive.not_completed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stored in `operation_requests.error_code` by releases before this one: never renamed.
    #[test]
    fn stored_codes_keep_their_names() {
        assert_eq!(
            FloliveRule::NotAttached.id(),
            "flolive.instance_not_attached"
        );
        assert_eq!(
            FloliveRule::NotEligible.id(),
            "flolive.customer_not_eligible"
        );
        assert_eq!(FloliveRule::Gone.id(), "flolive.not_found");
        assert_eq!(FloliveRule::NotCompleted.id(), "flolive.not_completed");
        assert_eq!(
            FloliveRule::NotAccountProduct.id(),
            "flolive.not_account_product"
        );
    }
}
