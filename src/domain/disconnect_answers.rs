//! A customer's answers to a disconnect order's charge items (docs/design.md §3, §6.5; the Verizon *disconnectCustomerConfirmation* page
//! `acknowledgementRequest` with `{id, acceptanceIndicator}`), and the pure decision of what
//! they do to the order: record them and move the order on, change nothing (the same answers
//! repeated), or refuse.

use std::collections::HashSet;

use super::disconnect::{Acceptance, DisconnectOrder, ExternalId, OrderState};
use super::rules::DisconnectRule;
use super::DomainError;

/// MEFAcceptedRejectedType: the two answers a customer can give (`awaitingResponse` is
/// the state before any answer, not an answer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    Rejected,
}

impl Answer {
    pub fn acceptance(self) -> Acceptance {
        match self {
            Answer::Accepted => Acceptance::Accepted,
            Answer::Rejected => Acceptance::Rejected,
        }
    }
}

/// One `acknowledgementRequest` item: "an identifier that is unique among Charge. Used for
/// Charge Item matching" (the Verizon *disconnectCustomerConfirmation* page) and the answer for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChargeAnswer {
    pub item_id: String,
    pub answer: Answer,
}

/// The command of `disconnectCustomerConfirmation`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmation {
    /// The order the answers are for (the query's `externalId`, or the body's without one).
    pub external_id: ExternalId,
    /// The body's `externalId` when the query also named one: both must name the same order.
    pub restated_external_id: Option<ExternalId>,
    pub answers: Vec<ChargeAnswer>,
}

impl Confirmation {
    /// The body's own consistency: every id non-empty and named once, a restated
    /// `externalId` equal to the query's. The service checks this once the order is known,
    /// so a request naming an unknown order is answered 404 whatever its body says.
    pub fn check(&self) -> Result<(), DomainError> {
        if let Some(restated) = self.restated_external_id {
            if restated != self.external_id {
                return Err(DomainError::invalid(
                    "externalId",
                    format!(
                        "the body's externalId {} differs from the query's {}",
                        restated.value(),
                        self.external_id.value()
                    ),
                ));
            }
        }
        if self.answers.is_empty() {
            return Err(DomainError::invalid(
                "acknowledgementRequest",
                "must hold at least one item",
            ));
        }
        let mut seen = HashSet::new();
        for answer in &self.answers {
            if answer.item_id.is_empty() {
                return Err(DomainError::invalid(
                    "acknowledgementRequest.id",
                    "must not be empty",
                ));
            }
            if !seen.insert(answer.item_id.as_str()) {
                return Err(DomainError::invalid(
                    "acknowledgementRequest.id",
                    format!("'{}' is answered more than once", answer.item_id),
                ));
            }
        }
        Ok(())
    }
}

/// An order read under its row lock (`DisconnectRepo::lock_disconnect_order`), with the
/// version its state changes must still match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedOrder {
    pub order: DisconnectOrder,
    pub version: i64,
}

/// What a set of answers does to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Every answer repeats what is stored: nothing changes (the call is idempotent).
    Unchanged,
    /// Answers to record, and the state the order moves to.
    Apply {
        answers: Vec<(String, Acceptance)>,
        next: OrderState,
    },
}

/// Judges `answers` against `order` (whose items were read under the order's lock).
/// Unknown items come first (404), then answers contradicting stored ones, then answers
/// to an order that no longer takes them (both 409).
pub fn decide(order: &DisconnectOrder, answers: &[ChargeAnswer]) -> Result<Decision, DomainError> {
    let mut fresh = Vec::new();
    let mut contradiction = None;
    for answer in answers {
        let Some(item) = order.charge_items.iter().find(|i| i.id == answer.item_id) else {
            return Err(DomainError::rule(
                DisconnectRule::UnknownChargeItem,
                format!(
                    "disconnect order {} has no charge item '{}'",
                    order.external_id.value(),
                    answer.item_id
                ),
            ));
        };
        let wanted = answer.answer.acceptance();
        match item.acceptance {
            Acceptance::AwaitingResponse => fresh.push((item.id.clone(), wanted)),
            stored if stored == wanted => {}
            stored => {
                contradiction.get_or_insert_with(|| {
                    format!(
                        "charge item '{}' was already answered {}",
                        item.id,
                        stored.as_str()
                    )
                });
            }
        }
    }
    if let Some(message) = contradiction {
        return Err(DomainError::rule(
            DisconnectRule::AnsweredDifferently,
            message,
        ));
    }
    if fresh.is_empty() {
        return Ok(Decision::Unchanged);
    }
    if !matches!(order.state, OrderState::Acknowledged | OrderState::Pending) {
        return Err(DomainError::rule(
            DisconnectRule::OrderClosed,
            format!(
                "disconnect order {} is {} and takes no more answers",
                order.external_id.value(),
                order.state.as_str()
            ),
        ));
    }
    let mut after = order.clone();
    for (id, acceptance) in &fresh {
        if let Some(item) = after.charge_items.iter_mut().find(|i| &i.id == id) {
            item.acceptance = *acceptance;
        }
    }
    Ok(Decision::Apply {
        answers: fresh,
        next: after.state_after_answers(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::disconnect::ChargeItem;
    use crate::domain::ids::{AccountId, DisconnectOrderId, TenantId};
    use crate::domain::money::Money;
    use crate::domain::rules::Rule;

    fn order(state: OrderState, items: &[(&str, Acceptance)]) -> DisconnectOrder {
        DisconnectOrder {
            id: DisconnectOrderId::new(),
            tenant: TenantId::new(),
            external_id: ExternalId::new(9001).unwrap(),
            account: AccountId::new(),
            state,
            charge_items: items
                .iter()
                .map(|(id, acceptance)| ChargeItem {
                    id: (*id).into(),
                    description: String::new(),
                    amount: Money::from_cents(100),
                    acceptance: *acceptance,
                })
                .collect(),
        }
    }

    fn answer(id: &str, answer: Answer) -> ChargeAnswer {
        ChargeAnswer {
            item_id: id.into(),
            answer,
        }
    }

    use Acceptance::{Accepted as A, AwaitingResponse as W, Rejected as R};
    use Answer::{Accepted, Rejected};

    #[test]
    fn partial_answers_leave_the_order_pending_and_the_last_one_proceeds() {
        let open = order(OrderState::Acknowledged, &[("CI-1", W), ("CI-2", W)]);
        assert_eq!(
            decide(&open, &[answer("CI-1", Accepted)]).unwrap(),
            Decision::Apply {
                answers: vec![("CI-1".into(), A)],
                next: OrderState::Pending
            }
        );
        let half = order(OrderState::Pending, &[("CI-1", A), ("CI-2", W)]);
        assert_eq!(
            decide(&half, &[answer("CI-2", Accepted)]).unwrap(),
            Decision::Apply {
                answers: vec![("CI-2".into(), A)],
                next: OrderState::InProgress
            }
        );
    }

    #[test]
    fn any_rejection_cancels() {
        let open = order(OrderState::Acknowledged, &[("CI-1", W), ("CI-2", W)]);
        let decision = decide(&open, &[answer("CI-2", Rejected)]).unwrap();
        assert_eq!(
            decision,
            Decision::Apply {
                answers: vec![("CI-2".into(), R)],
                next: OrderState::Cancelled
            }
        );
    }

    #[test]
    fn repeating_stored_answers_changes_nothing_even_on_a_closed_order() {
        let done = order(OrderState::Completed, &[("CI-1", A), ("CI-2", A)]);
        assert_eq!(
            decide(&done, &[answer("CI-2", Accepted), answer("CI-1", Accepted)]).unwrap(),
            Decision::Unchanged
        );
    }

    #[test]
    fn contradicting_a_stored_answer_is_refused() {
        let half = order(OrderState::Pending, &[("CI-1", A), ("CI-2", W)]);
        let err = decide(&half, &[answer("CI-2", Accepted), answer("CI-1", Rejected)]).unwrap_err();
        assert!(
            matches!(&err, DomainError::Rule {
                rule: Rule::Disconnect(DisconnectRule::AnsweredDifferently),
                message,
            } if message == "charge item 'CI-1' was already answered accepted"),
            "{err:?}"
        );
    }

    #[test]
    fn a_cancelled_order_takes_no_new_answers() {
        let cancelled = order(OrderState::Cancelled, &[("CI-1", R), ("CI-2", W)]);
        let err = decide(&cancelled, &[answer("CI-2", Rejected)]).unwrap_err();
        assert!(
            matches!(&err, DomainError::Rule {
                rule: Rule::Disconnect(DisconnectRule::OrderClosed),
                message,
            } if message == "disconnect order 9001 is cancelled and takes no more answers"),
            "{err:?}"
        );
    }

    #[test]
    fn unknown_items_win_over_conflicts() {
        let half = order(OrderState::Pending, &[("CI-1", A)]);
        let err = decide(&half, &[answer("CI-1", Rejected), answer("CI-9", Accepted)]).unwrap_err();
        assert!(
            matches!(
                &err,
                DomainError::Rule {
                    rule: Rule::Disconnect(DisconnectRule::UnknownChargeItem),
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn the_body_must_be_consistent() {
        let id = |n| ExternalId::new(n).unwrap();
        let command = |restated, answers: Vec<ChargeAnswer>| Confirmation {
            external_id: id(9001),
            restated_external_id: restated,
            answers,
        };
        assert!(command(Some(id(9001)), vec![answer("CI-1", Accepted)])
            .check()
            .is_ok());
        let invalid = |c: Confirmation| match c.check() {
            Err(DomainError::Invalid { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            invalid(command(Some(id(9002)), vec![answer("CI-1", Accepted)])),
            "the body's externalId 9002 differs from the query's 9001"
        );
        assert_eq!(
            invalid(command(
                None,
                vec![answer("CI-1", Accepted), answer("CI-1", Accepted)]
            )),
            "'CI-1' is answered more than once"
        );
        assert_eq!(
            invalid(command(None, vec![answer("", Accepted)])),
            "must not be empty"
        );
        assert_eq!(
            invalid(command(None, vec![])),
            "must hold at least one item"
        );
    }
}
