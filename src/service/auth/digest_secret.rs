//! Enabling WS-Security PasswordDigest for one user (`billing-compat user digest`;
//! docs/operations.md "WS-Security digest secrets"). The digest secret is the user's
//! password itself, so the operator must prove it: it is checked against the stored argon2
//! hash before it is stored.

use std::time::Duration;

use crate::domain::store::{erase, Kept, Store};
use crate::domain::user::DigestSecret;
use crate::domain::DomainError;

use super::Verifier;

#[derive(Debug, thiserror::Error)]
pub enum DigestSecretError {
    #[error("no user named '{0}'")]
    UnknownUser(String),
    #[error("the password does not match the user's stored password")]
    WrongPassword,
    #[error(transparent)]
    Store(#[from] DomainError),
}

/// `Some(password)`: verify it and store it as the user's digest secret; `None`: clear it.
pub async fn set_digest_secret(
    store: &dyn Store,
    username: &str,
    password: Option<&str>,
) -> Result<(), DigestSecretError> {
    let user = store
        .user_by_username(username)
        .await?
        .ok_or_else(|| DigestSecretError::UnknownUser(username.to_owned()))?;
    let secret = match password {
        None => None,
        Some(password) => {
            // One check, no contention: a generous wait.
            let verifier = Verifier::new(1, Duration::from_secs(60));
            let verified = verifier
                .verify(&user.password_hash, password)
                .await
                .map_err(|_| DomainError::internal("password check could not start"))?;
            if !verified {
                return Err(DigestSecretError::WrongPassword);
            }
            Some(DigestSecret::new(password))
        }
    };
    let id = user.id;
    store
        .write(erase(move |tx| {
            Box::pin(async move {
                tx.set_digest_secret(id, secret.as_ref()).await?;
                Ok(Kept::commit(()))
            })
        }))
        .await?;
    Ok(())
}
