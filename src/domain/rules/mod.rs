//! The business rules a use-case refuses a request by (`DomainError::Rule`), one enum per
//! use-case family, one file per family.
//!
//! A rule is a domain fact ("the account is not active"), not a wire code: each vendor adapter
//! maps its own family's rules to its codes with an exhaustive `match`, so a new rule does not
//! compile until every adapter that can meet it says how it is answered (docs/architecture.md,
//! "Typed outcomes"). Rules of other families are matched by family and answered as that
//! adapter's internal error: a vendor's use-cases never raise them.

mod admin;
mod billing_care;
mod crmcom;
mod debitsuccess;
mod disconnect;
mod flolive;
mod idempotency;

pub use admin::AdminRule;
pub use billing_care::BillingCareRule;
pub use crmcom::CrmcomRule;
pub use debitsuccess::DebitsuccessRule;
pub use disconnect::DisconnectRule;
pub use flolive::FloliveRule;
pub use idempotency::IdempotencyRule;

/// A rule of one use-case family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Debitsuccess *AdjustAccountTerminationDate* / *GetCustomerAccountByAccountId*
    /// (docs/design.md §6.1).
    Debitsuccess(DebitsuccessRule),
    /// floLIVE detach and attach (docs/design.md §6.2).
    Flolive(FloliveRule),
    /// CRM.COM tokens and provisioning requests (docs/design.md §6.3).
    Crmcom(CrmcomRule),
    /// Oracle Billing Care's bundle cancel (docs/design.md §6.4).
    BillingCare(BillingCareRule),
    /// A customer's answers to a disconnect order (Verizon, docs/design.md §6.5).
    Disconnect(DisconnectRule),
    /// `Idempotency-Key`, shared by every REST API (docs/design.md §7).
    Idempotency(IdempotencyRule),
    /// The admin API's state refusals (docs/operations.md "Operators and the admin API").
    Admin(AdminRule),
}

impl Rule {
    /// A stable, vendor-neutral name, for logs (and, for floLIVE, the code stored on a FAILED
    /// operation).
    pub fn id(self) -> &'static str {
        match self {
            Rule::Debitsuccess(rule) => rule.id(),
            Rule::Flolive(rule) => rule.id(),
            Rule::Crmcom(rule) => rule.id(),
            Rule::BillingCare(rule) => rule.id(),
            Rule::Disconnect(rule) => rule.id(),
            Rule::Idempotency(rule) => rule.id(),
            Rule::Admin(rule) => rule.id(),
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

macro_rules! family {
    ($family:ident, $variant:ident) => {
        impl From<$family> for Rule {
            fn from(rule: $family) -> Self {
                Rule::$variant(rule)
            }
        }
    };
}

family!(DebitsuccessRule, Debitsuccess);
family!(FloliveRule, Flolive);
family!(CrmcomRule, Crmcom);
family!(BillingCareRule, BillingCare);
family!(DisconnectRule, Disconnect);
family!(IdempotencyRule, Idempotency);
family!(AdminRule, Admin);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_rule_converts_into_its_family() {
        let rule: Rule = FloliveRule::DetachExists.into();
        assert_eq!(rule, Rule::Flolive(FloliveRule::DetachExists));
        assert_eq!(rule.to_string(), "flolive.detach_exists");
    }
}
