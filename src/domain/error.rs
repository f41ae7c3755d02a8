//! The one error type of the domain and service layers (docs/design.md §2: each adapter
//! has one `match` from `DomainError` to its vendor's format).

use std::error::Error as StdError;
use std::time::Duration;

use super::limits::Busy;
use super::rules::Rule;

type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of outage made the store unavailable, classified once where the cause is known
/// (`src/storage/sql/errors.rs` and the SQLite writer), so adapters whose vendor tells the two
/// apart answer by the kind, never by the cause's text (Debitsuccess: 11 "Timeout/Deadlock,
/// please retry" for `Busy`, 01 "Server not available" for `Down`; docs/debitsuccess.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailability {
    /// The store answered too late or refused this attempt only: a time-out, busy or locked,
    /// a deadlock or serialisation victim, no pooled connection within the acquire time-out.
    /// A retry soon may succeed.
    Busy,
    /// The store cannot be used: it cannot be reached, refuses connections, is shutting down
    /// or closed, an I/O failure, a full disk.
    Down,
}

impl std::fmt::Display for Unavailability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unavailability::Busy => "busy",
            Unavailability::Down => "down",
        })
    }
}

#[derive(thiserror::Error)]
pub enum DomainError {
    /// A value failed its type's validation (a malformed reference, an unknown enum value…).
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The entity does not exist *in the caller's tenant* (other tenants' rows are invisible).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A named unique constraint refused the write (docs/design.md §4: races resolve through constraints).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    /// A business rule refused the request. `rule` is one of the use-case family's rules
    /// (`domain/rules/`); each adapter maps its family's rules with an exhaustive `match`.
    #[error("rule {rule}: {message}")]
    Rule { rule: Rule, message: String },
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many failed sign-ins from this source: refused without checking, for
    /// `retry_after` (docs/operations.md "Credential checks under attack"). Adapters
    /// answer in their vendor's authentication-failure format.
    #[error("throttled for {retry_after:?}")]
    Throttled { retry_after: Duration },
    /// The store could not be reached or timed out: a retry later may succeed. `kind` says
    /// which (see [`Unavailability`]).
    #[error("storage unavailable ({kind})")]
    Unavailable {
        kind: Unavailability,
        #[source]
        cause: Cause,
    },
    /// Anything else: logged in full, shown to clients as a generic failure.
    #[error("internal error")]
    Internal(#[source] Cause),
    /// A limit refused the request before it changed anything (issue 13: every
    /// credential-check slot busy, a tenant's queue full, tokens minted too fast): the
    /// vendor's "busy, try later" answer, with when to retry.
    #[error("busy: {0}")]
    Busy(Busy),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        DomainError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    pub fn rule(rule: impl Into<Rule>, message: impl Into<String>) -> Self {
        DomainError::Rule {
            rule: rule.into(),
            message: message.into(),
        }
    }

    /// The store is unavailable, of the `kind` its cause was classified as.
    pub fn unavailable(kind: Unavailability, cause: impl Into<Cause>) -> Self {
        DomainError::Unavailable {
            kind,
            cause: cause.into(),
        }
    }

    /// `Retry-After` in whole seconds, at least one.
    pub fn retry_after_secs(retry_after: Duration) -> u64 {
        super::limits::whole_seconds(retry_after)
    }

    pub fn internal(cause: impl Into<Cause>) -> Self {
        DomainError::Internal(cause.into())
    }

    /// True for the constraint named `name` (see the migrations for the names).
    pub fn is_conflict_on(&self, name: &str) -> bool {
        matches!(self, DomainError::Conflict { constraint } if constraint == name)
    }
}

/// Debug prints the whole cause chain, for logs; clients only ever see adapter-chosen text.
impl std::fmt::Debug for DomainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut source = self.source();
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_the_cause_chain() {
        let io = std::io::Error::other("disk on fire");
        let err = DomainError::unavailable(Unavailability::Down, io);
        let text = format!("{err:?}");
        assert!(text.contains("storage unavailable (down)"));
        assert!(text.contains("caused by: disk on fire"));
    }

    #[test]
    fn conflict_matches_only_its_constraint() {
        let err = DomainError::Conflict {
            constraint: "uq_a".into(),
        };
        assert!(err.is_conflict_on("uq_a"));
        assert!(!err.is_conflict_on("uq_b"));
    }
}
