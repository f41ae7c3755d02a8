use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::operator::{Operator, OperatorToken};
use crate::domain::DomainError;

/// Operators and their bearer tokens (docs/operations.md "Operators and the admin API").
#[async_trait]
pub trait OperatorRepo: Send {
    /// A taken name is `Conflict { constraint: "uq_operators_name" }`.
    async fn insert_operator(&mut self, operator: &Operator) -> Result<(), DomainError>;
    async fn operator_by_name(&mut self, name: &str) -> Result<Option<Operator>, DomainError>;
    /// Stores `token` and deletes its operator's oldest tokens beyond `keep` (the newest
    /// `keep`, this one included, stay): an operator's tokens are bounded.
    async fn insert_operator_token(
        &mut self,
        token: &OperatorToken,
        keep: i64,
    ) -> Result<(), DomainError>;
    /// The operator holding the token with this SHA-256, if it is unexpired at `now`.
    async fn operator_by_token(
        &mut self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Operator>, DomainError>;
    /// Deletes the token with this SHA-256 (a console sign-out, docs/console.md
    /// "Sessions"); false if there was none.
    async fn delete_operator_token(&mut self, hash: &str) -> Result<bool, DomainError>;
}
