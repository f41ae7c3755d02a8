//! The admin API's refusals of a request that is valid in itself but not in the current
//! state (docs/operations.md "Operators and the admin API"): answered `409 Conflict` with a
//! problem, never `400` — the request would succeed in another state.

/// An admin use-case's refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AdminRule {
    /// As many webhooks as allowed already exist (`service.webhooks.max_webhooks`).
    WebhookLimitReached,
}

impl AdminRule {
    /// The rule's stable name (logs only: the problem's detail is the rule's message).
    pub fn id(self) -> &'static str {
        match self {
            AdminRule::WebhookLimitReached => "webhook_limit_reached",
        }
    }
}
