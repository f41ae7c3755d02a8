//! A customer's answers to a disconnect order's charge items (docs/design.md §3, §6.5; the
//! Verizon *disconnectCustomerConfirmation* page), judged in `domain/disconnect_answers.rs`.
//! The Verizon adapter answers them 404 `notFound` and 409 `conflict` (docs/verizon.md).

/// Why a set of answers is refused, in the order they are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisconnectRule {
    /// An answer names a charge item the order does not have: "an identifier that is unique
    /// among Charge. Used for Charge Item matching".
    UnknownChargeItem,
    /// An answer contradicts the one stored for its charge item: an item is answered once.
    AnsweredDifferently,
    /// New answers to an order that is no longer `acknowledged` or `pending`.
    OrderClosed,
}

impl DisconnectRule {
    /// The rule's stable name (logs only: the wire code is the adapter's).
    pub fn id(self) -> &'static str {
        match self {
            DisconnectRule::UnknownChargeItem => "disconnect.unknown_charge_item",
            DisconnectRule::AnsweredDifferently => "disconnect.answered_differently",
            DisconnectRule::OrderClosed => "disconnect.order_closed",
        }
    }
}
