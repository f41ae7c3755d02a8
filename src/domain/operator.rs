//! Operators (issue 18 item 1; docs/operations.md "Operators and the admin API"): our own
//! people and systems, who use the admin API. They are not vendor API users and no vendor
//! API accepts their credentials.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperatorId(pub Uuid);

impl std::fmt::Display for OperatorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An operator's name: 1–64 characters of letters, digits, `.`, `_` and `-`, so it fits a
/// Basic credential (no `:`) and reads cleanly in logs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorName(String);

impl OperatorName {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if text.is_empty() || text.len() > 64 || !text.chars().all(allowed) {
            return Err(DomainError::invalid(
                "name",
                "an operator name is 1 to 64 letters, digits, '.', '_' or '-'",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub id: OperatorId,
    pub name: OperatorName,
    /// argon2id PHC string.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// An operator bearer token as stored: its SHA-256 only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorToken {
    pub hash: String,
    pub operator: OperatorId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_and_plain() {
        assert!(OperatorName::parse("operator").is_ok());
        assert!(OperatorName::parse("ops.team-1_x").is_ok());
        for bad in ["", "a:b", "a b", "é", &"x".repeat(65)] {
            assert!(OperatorName::parse(bad).is_err(), "{bad}");
        }
    }
}
