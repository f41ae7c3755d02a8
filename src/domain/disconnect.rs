//! Disconnect orders with charge items (docs/design.md §3, §6.5): every item accepted → the
//! disconnect proceeds; any item rejected → the order is cancelled.

use super::catalog::text_enum;
use super::ids::{AccountId, DisconnectOrderId, TenantId};
use super::money::Money;
use super::DomainError;

text_enum!(
    /// TMF622-style order state, as MEF Sonata names them.
    OrderState, "state", {
        Acknowledged => "acknowledged",
        Pending => "pending",
        InProgress => "inProgress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// MEFAcceptedRejectedType plus the state before any answer.
    Acceptance, "acceptanceIndicator", {
        AwaitingResponse => "awaitingResponse",
        Accepted => "accepted",
        Rejected => "rejected",
    }
);

/// The integer id the MEF client knows the order by; unique per tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternalId(i64);

impl ExternalId {
    pub fn new(value: i64) -> Result<Self, DomainError> {
        if value < 0 {
            return Err(DomainError::invalid("externalId", "must not be negative"));
        }
        Ok(Self(value))
    }

    pub fn value(self) -> i64 {
        self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeItem {
    pub id: String,
    pub description: String,
    pub amount: Money,
    pub acceptance: Acceptance,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisconnectOrder {
    pub id: DisconnectOrderId,
    pub tenant: TenantId,
    pub external_id: ExternalId,
    pub account: AccountId,
    pub state: OrderState,
    pub charge_items: Vec<ChargeItem>,
}

impl DisconnectOrder {
    /// The state the items call for: any rejection cancels, all accepted proceeds.
    pub fn state_after_answers(&self) -> OrderState {
        if self
            .charge_items
            .iter()
            .any(|i| i.acceptance == Acceptance::Rejected)
        {
            OrderState::Cancelled
        } else if !self.charge_items.is_empty()
            && self
                .charge_items
                .iter()
                .all(|i| i.acceptance == Acceptance::Accepted)
        {
            OrderState::InProgress
        } else if self
            .charge_items
            .iter()
            .any(|i| i.acceptance != Acceptance::AwaitingResponse)
        {
            OrderState::Pending
        } else {
            self.state
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(answers: &[Acceptance]) -> DisconnectOrder {
        DisconnectOrder {
            id: DisconnectOrderId::new(),
            tenant: TenantId::new(),
            external_id: ExternalId::new(1).unwrap(),
            account: AccountId::new(),
            state: OrderState::Acknowledged,
            charge_items: answers
                .iter()
                .enumerate()
                .map(|(n, a)| ChargeItem {
                    id: format!("CI-{n}"),
                    description: String::new(),
                    amount: Money::from_cents(100),
                    acceptance: *a,
                })
                .collect(),
        }
    }

    #[test]
    fn all_accepted_proceeds_any_rejected_cancels() {
        use Acceptance::*;
        assert_eq!(
            order(&[Accepted, Accepted]).state_after_answers(),
            OrderState::InProgress
        );
        assert_eq!(
            order(&[Accepted, AwaitingResponse]).state_after_answers(),
            OrderState::Pending
        );
        assert_eq!(
            order(&[Accepted, Rejected]).state_after_answers(),
            OrderState::Cancelled
        );
        assert_eq!(
            order(&[AwaitingResponse]).state_after_answers(),
            OrderState::Acknowledged
        );
    }

    #[test]
    fn indicators_parse_as_mef_spells_them() {
        assert_eq!(Acceptance::parse("accepted").unwrap(), Acceptance::Accepted);
        assert!(Acceptance::parse("Accepted").is_err());
        assert_eq!(
            OrderState::parse("inProgress").unwrap(),
            OrderState::InProgress
        );
    }
}
