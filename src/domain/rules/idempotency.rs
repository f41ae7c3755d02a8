//! `Idempotency-Key` (docs/design.md §7), shared by every REST API: each adapter answers it
//! with its own "key reused with another request" error.

/// An `Idempotency-Key` refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdempotencyRule {
    /// The key was already used with a different request (method, path or body).
    KeyReused,
}

impl IdempotencyRule {
    /// The rule's stable name (logs only: the wire code is the adapter's).
    pub fn id(self) -> &'static str {
        match self {
            IdempotencyRule::KeyReused => "idempotency_key_reused",
        }
    }
}
