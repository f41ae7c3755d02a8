//! Per-tenant and per-user limits that keep one client from hurting the others (issue 13,
//! docs/design.md §7 "Hostile clients"). A request over a limit is refused before it changes
//! anything, as [`DomainError::Busy`](super::DomainError::Busy); each adapter answers it in
//! its vendor's own "busy, try later" form.

use std::fmt;
use std::time::Duration;

/// Which limit refused the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// The tenant already has `cap` asynchronous operations waiting on the durable queue.
    QueuedJobs { cap: u32 },
    /// The user asked for access tokens faster than its minting rate allows.
    TokenMints,
    /// Every password-check slot stayed busy for the whole wait (docs/operations.md
    /// "Credential checks under attack").
    CredentialChecks,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::QueuedJobs { cap } => write!(
                f,
                "this tenant already has {cap} asynchronous operations waiting to complete"
            ),
            Limit::TokenMints => write!(f, "tokens are being requested too fast for this user"),
            Limit::CredentialChecks => write!(f, "the service is busy checking credentials"),
        }
    }
}

/// What a client is told: the limit and when a retry may succeed (whole seconds, at least
/// one, as HTTP `Retry-After` carries them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    pub limit: Limit,
    pub retry_after: Duration,
}

impl Busy {
    pub fn new(limit: Limit, retry_after: Duration) -> Self {
        Self { limit, retry_after }
    }

    /// `Retry-After` in whole seconds, rounded up, never 0 (RFC 9110 §10.2.3).
    pub fn retry_after_secs(&self) -> u64 {
        whole_seconds(self.retry_after)
    }
}

/// A wait as `Retry-After` carries it: whole seconds, rounded up, never 0.
pub fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; retry in {} s", self.limit, self.retry_after_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_is_never_zero() {
        let busy = |ms| Busy::new(Limit::TokenMints, Duration::from_millis(ms));
        assert_eq!(busy(0).retry_after_secs(), 1);
        assert_eq!(busy(100).retry_after_secs(), 1);
        assert_eq!(busy(1000).retry_after_secs(), 1);
        assert_eq!(busy(1001).retry_after_secs(), 2);
        assert_eq!(
            Busy::new(Limit::QueuedJobs { cap: 7 }, Duration::from_secs(5)).to_string(),
            "this tenant already has 7 asynchronous operations waiting to complete; retry in 5 s"
        );
    }
}
