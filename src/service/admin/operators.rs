//! Operators and their bearer tokens (issue 18 item 1; docs/operations.md "Operators and
//! the admin API").

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

use crate::domain::operator::{Operator, OperatorId, OperatorName, OperatorToken};
use crate::domain::store::{Kept, Store};
use crate::domain::DomainError;
use crate::service::auth::{hash_api_key, hash_password, token_secret};
use crate::service::Services;

/// The demo operator `serve --demo` creates (README "Demo credentials").
pub const DEMO_OPERATOR: (&str, &str) = ("operator", "Operator-Pass-2024");

/// How long an operator token is accepted.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Live tokens kept per operator: a new one past it deletes the oldest, so the table is
/// bounded without a purge.
pub const TOKENS_PER_OPERATOR: i64 = 10;

/// Operator tokens start with this, so a leaked one is recognisable (secret scanners).
const TOKEN_PREFIX: &str = "bcop_";

/// A generated password: 128 random bits, base64url (22 characters).
pub fn generate_password() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Creates an operator with `password` (argon2id). A taken name is
/// `Conflict { constraint: "uq_operators_name" }`.
pub async fn add_operator(
    store: &dyn Store,
    now: DateTime<Utc>,
    name: &str,
    password: &str,
) -> Result<Operator, DomainError> {
    let operator = Operator {
        id: OperatorId(uuid::Uuid::new_v4()),
        name: OperatorName::parse(name)?,
        // Hashed before the unit: no slow work inside one (docs/architecture.md).
        password_hash: hash_password(password)?,
        created_at: now,
    };
    let stored = operator.clone();
    crate::domain::store::run(store, move |tx| {
        Box::pin(async move {
            tx.insert_operator(&stored).await?;
            Ok(Kept::commit(()))
        })
    })
    .await?;
    Ok(operator)
}

/// The demo operator, unless it exists already (`serve --demo` on a used database).
pub async fn ensure_demo_operator(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let (name, password) = DEMO_OPERATOR;
    match add_operator(store, now, name, password).await {
        Err(e) if e.is_conflict_on("uq_operators_name") => Ok(()),
        other => other.map(|_| ()),
    }
}

/// A token as handed to the operator once: the secret and its expiry.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl Services {
    /// Issues a bearer token to `operator` (already authenticated by password).
    pub async fn issue_operator_token(
        &self,
        operator: &Operator,
    ) -> Result<IssuedToken, DomainError> {
        let now = self.clock.now();
        let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(token_secret()));
        let lifetime =
            chrono::Duration::from_std(TOKEN_LIFETIME).unwrap_or(chrono::Duration::hours(1));
        let stored = OperatorToken {
            // Only the SHA-256 is stored (docs/architecture.md "Credentials").
            hash: hash_api_key(&token),
            operator: operator.id,
            issued_at: now,
            expires_at: now + lifetime,
        };
        let expires_at = stored.expires_at;
        self.write(move |tx| {
            Box::pin(async move {
                tx.insert_operator_token(&stored, TOKENS_PER_OPERATOR)
                    .await?;
                Ok(Kept::commit(()))
            })
        })
        .await?;
        Ok(IssuedToken { token, expires_at })
    }

    /// The operator holding an unexpired bearer `token`. A wrong token costs one indexed
    /// read and no hash, as vendor API keys do, so it is not throttled.
    pub async fn operator_by_token(&self, token: &str) -> Result<Operator, DomainError> {
        let now = self.clock.now();
        let mut read = self.store.read().await?;
        match read.operator_by_token(&hash_api_key(token), now).await? {
            Some(operator) => Ok(operator),
            None => {
                tracing::info!("operator token refused");
                Err(DomainError::Unauthenticated)
            }
        }
    }
}

impl Services {
    /// Revokes an operator token (the console's sign-out): from now on it is refused.
    /// Revoking a token that is unknown or gone already is not an error.
    pub async fn revoke_operator_token(&self, token: &str) -> Result<(), DomainError> {
        let hash = hash_api_key(token);
        let revoked = self
            .write(move |tx| {
                Box::pin(async move { Ok(Kept::commit(tx.delete_operator_token(&hash).await?)) })
            })
            .await?;
        tracing::info!(revoked, "operator token revoked");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_and_distinct() {
        let (a, b) = (generate_password(), generate_password());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
    }
}
