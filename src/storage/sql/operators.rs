//! Operators and their bearer tokens (migration 0010; docs/operations.md "Operators and
//! the admin API"). Tokens are stored as SHA-256 only.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::clock;
use crate::domain::operator::{Operator, OperatorId, OperatorName, OperatorToken};
use crate::domain::store::OperatorRepo;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for these tables' unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("operators.name", "uq_operators_name"),
    ("operator_tokens.token_hash", "pk_operator_tokens"),
];

fn operator_from(row: &Row) -> Result<Operator, DomainError> {
    Ok(Operator {
        id: OperatorId(uuid(row, "id")?),
        name: parsed("name", &text(row, "name")?, OperatorName::parse)?,
        password_hash: text(row, "password_hash")?,
        created_at: timestamp(row, "created_at")?,
    })
}

#[async_trait]
impl<D: Dialect> OperatorRepo for SqlTx<'_, D> {
    async fn insert_operator(&mut self, o: &Operator) -> Result<(), DomainError> {
        self.query(
            "INSERT INTO operators (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(o.id.to_string())
        .bind(o.name.as_str())
        .bind(&o.password_hash)
        .bind(clock::to_storage(o.created_at))
        .execute()
        .await?;
        Ok(())
    }

    async fn operator_by_name(&mut self, name: &str) -> Result<Option<Operator>, DomainError> {
        self.query("SELECT id, name, password_hash, created_at FROM operators WHERE name = $1")
            .bind(name)
            .fetch_optional()
            .await?
            .as_ref()
            .map(operator_from)
            .transpose()
    }

    async fn insert_operator_token(
        &mut self,
        t: &OperatorToken,
        keep: i64,
    ) -> Result<(), DomainError> {
        self.query(
            "INSERT INTO operator_tokens (token_hash, operator_id, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&t.hash)
        .bind(t.operator.to_string())
        .bind(clock::to_storage(t.issued_at))
        .bind(clock::to_storage(t.expires_at))
        .execute()
        .await?;
        // The cap (docs/operations.md): the newest `keep` stay, expired or not, so the
        // table holds at most `keep` rows per operator without a purge.
        self.query(
            "DELETE FROM operator_tokens WHERE operator_id = $1 AND token_hash NOT IN (\
             SELECT token_hash FROM operator_tokens WHERE operator_id = $1 \
             ORDER BY issued_at DESC, token_hash DESC LIMIT $2)",
        )
        .bind(t.operator.to_string())
        .bind(keep)
        .execute()
        .await?;
        Ok(())
    }

    async fn operator_by_token(
        &mut self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Operator>, DomainError> {
        self.query(
            "SELECT o.id, o.name, o.password_hash, o.created_at FROM operator_tokens k \
             JOIN operators o ON o.id = k.operator_id WHERE k.token_hash = $1 AND k.expires_at > $2",
        )
        .bind(hash)
        .bind(clock::to_storage(now))
        .fetch_optional()
        .await?
        .as_ref()
        .map(operator_from)
        .transpose()
    }

    async fn delete_operator_token(&mut self, hash: &str) -> Result<bool, DomainError> {
        self.query("DELETE FROM operator_tokens WHERE token_hash = $1")
            .bind(hash)
            .execute()
            .await
            .map(|n| n == 1)
    }
}
