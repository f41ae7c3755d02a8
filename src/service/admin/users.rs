//! API users through the admin API (issue 19 item 2; docs/operations.md "Admin API"):
//! create, rotate the password, issue and revoke the API key, set the allowed APIs,
//! disable and enable. Every change is one unit of work with its audit row; secrets are
//! generated here, hashed before the unit (argon2id for passwords, SHA-256 for keys, as
//! `service::auth` does), and shown to the operator once.
//!
//! Credentials already checked stay consistent without a cache flush: the verdict cache is
//! keyed by the stored hash (`service::auth`), so a rotated password misses at once, and
//! the user row — disabled flags, APIs, key — is read on every request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use crate::domain::ids::{ApiUserId, CustomerId};
use crate::domain::operator::Operator;
use crate::domain::store::{Kept, NewApiUser, Tx};
use crate::domain::tenant::TenantCode;
use crate::domain::user::{Api, ApiSet, ApiUser, Username};
use crate::domain::DomainError;
use crate::service::auth::{hash_api_key, hash_password, token_secret};
use crate::service::Services;

use super::changes::AdminChange;
use super::operators::generate_password;

/// The audit rows' `entity_type`; the entity id is the user's id (as Billing Care's token
/// mints audit it).
pub const ENTITY: &str = "api_user";

/// API keys start with this, so a leaked one is recognisable (secret scanners).
const API_KEY_PREFIX: &str = "bcak_";

/// Passwords an operator gives: as the fixture format takes them (fixtures/README.md).
const MIN_PASSWORD: usize = 8;
const MAX_PASSWORD: usize = 256;

/// A user to create, as the operator sent it.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    /// Generated when absent.
    pub password: Option<String>,
    pub apis: Vec<String>,
    /// The floLIVE requestor: a customer of the tenant.
    pub customer: Option<String>,
}

/// A user as audit rows record it: no secret, only whether a key or digest secret is set.
pub fn user_view(user: &ApiUser) -> serde_json::Value {
    json!({
        "username": user.username.as_str(),
        "apis": user.apis.iter().map(Api::as_str).collect::<Vec<_>>(),
        "customer": user.customer.map(|c| c.to_string()),
        "disabled": user.disabled_at.is_some(),
        "apiKey": user.has_api_key,
        "wsDigest": user.digest_secret.is_some(),
    })
}

/// The allowed APIs, at least one, each named once at most.
pub fn parse_apis(names: &[String]) -> Result<ApiSet, DomainError> {
    if names.is_empty() {
        return Err(DomainError::invalid("apis", "name at least one API"));
    }
    if names.len() > Api::ALL.len() * 2 {
        return Err(DomainError::invalid("apis", "too many entries"));
    }
    let apis = names
        .iter()
        .map(|n| n.parse::<Api>())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ApiSet::new(apis))
}

fn check_password(password: &str) -> Result<(), DomainError> {
    let length = password.chars().count();
    if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&length) || password.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "password",
            format!("must be {MIN_PASSWORD} to {MAX_PASSWORD} printable characters"),
        ));
    }
    Ok(())
}

fn generate_api_key() -> String {
    format!("{API_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(token_secret()))
}

/// The user named `username` in the tenant `code`; a user of another tenant is not found.
async fn user_in(
    tx: &mut dyn Tx,
    code: &TenantCode,
    username: &str,
) -> Result<ApiUser, DomainError> {
    let tenant = tx
        .tenant_by_code(code)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    // A name that cannot be a username names no user (and PostgreSQL refuses a NUL in a
    // parameter: an error, not "no such user").
    if Username::parse(username).is_err() {
        return Err(DomainError::NotFound("user"));
    }
    match tx.user_by_username(username).await? {
        Some(user) if user.tenant.id == tenant.id => Ok(user),
        _ => Err(DomainError::NotFound("user")),
    }
}

/// What a user change does inside its unit, given the user as found.
type Change = Box<
    dyn for<'t> FnOnce(&'t mut dyn Tx, &'t ApiUser) -> crate::domain::store::UnitFuture<'t, ()>
        + Send,
>;

impl Services {
    /// The tenant's users by username after `after`, at most `limit`.
    pub async fn admin_users(
        &self,
        code: &TenantCode,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ApiUser>, DomainError> {
        if let Some(after) = after {
            Username::parse(after).map_err(|_| DomainError::invalid("after", "a page's `next`"))?;
        }
        let mut read = self.store.read().await?;
        let tenant = read
            .tenant_by_code(code)
            .await?
            .ok_or(DomainError::NotFound("tenant"))?;
        read.users_of_tenant(tenant.id, after, limit).await
    }

    pub async fn admin_user(
        &self,
        code: &TenantCode,
        username: &str,
    ) -> Result<ApiUser, DomainError> {
        let mut read = self.store.read().await?;
        user_in(read.as_mut(), code, username).await
    }

    /// Creates a user; the password is the one given or a generated one, returned once.
    /// A username in use (in any tenant: SOAP and Basic callers name no tenant) is
    /// `Conflict { constraint: "uq_api_users_username" }`.
    pub async fn admin_create_user(
        &self,
        operator: &Operator,
        code: &TenantCode,
        new: NewUser,
    ) -> Result<(ApiUser, Option<String>), DomainError> {
        let username = Username::parse(&new.username)?;
        let apis = parse_apis(&new.apis)?;
        let customer = new.customer.as_deref().map(CustomerId::parse).transpose()?;
        let generated = match &new.password {
            Some(password) => {
                check_password(password)?;
                None
            }
            None => Some(generate_password()),
        };
        let password = new
            .password
            .or_else(|| generated.clone())
            .unwrap_or_default();
        // Hashed before the unit: no slow work inside one (docs/architecture.md).
        let password_hash = hash_password(&password)?;
        let now = self.clock.now();
        let (operator, code) = (operator.clone(), code.clone());
        let user = self
            .write(move |tx| {
                Box::pin(async move {
                    let tenant = tx
                        .tenant_by_code(&code)
                        .await?
                        .ok_or(DomainError::NotFound("tenant"))?;
                    if let Some(customer) = customer {
                        if tx.customer(tenant.id, customer).await?.is_none() {
                            return Err(DomainError::invalid(
                                "customer",
                                "no such customer in this tenant",
                            ));
                        }
                    }
                    let id = ApiUserId::new();
                    tx.insert_user(&NewApiUser {
                        id,
                        tenant: tenant.id,
                        username: username.clone(),
                        password_hash,
                        api_key_hash: None,
                        apis,
                        customer,
                    })
                    .await?;
                    let user = tx
                        .api_user(id)
                        .await?
                        .ok_or_else(|| DomainError::internal("the user just inserted is gone"))?;
                    AdminChange {
                        operator: &operator,
                        at: now,
                        tenant: tenant.id,
                        operation: "admin.api_user.create",
                        entity_type: ENTITY,
                        entity_id: id.to_string(),
                    }
                    .record(tx, None, Some(user_view(&user)))
                    .await?;
                    Ok(Kept::commit(user))
                })
            })
            .await?;
        Ok((user, generated))
    }

    /// A new generated password, returned once. The old one is refused from the commit
    /// on; the WS-Security digest secret (the old password itself) is cleared, so digest
    /// sign-in stays off until an operator enables it again with the new password
    /// (`billing-compat user digest`); the user's live CRM.COM and Billing Care tokens end.
    pub async fn admin_rotate_password(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
    ) -> Result<(ApiUser, String), DomainError> {
        let password = generate_password();
        let hash = hash_password(&password)?;
        let now = self.clock.now();
        let user = self
            .change_user(
                operator,
                code,
                username,
                "admin.api_user.rotate_password",
                true,
                {
                    Box::new(move |tx, user| {
                        Box::pin(async move {
                            tx.set_password_hash(user.id, &hash).await?;
                            tx.set_digest_secret(user.id, None).await?;
                            tx.expire_user_tokens(user.id, now).await?;
                            Ok(())
                        })
                    })
                },
            )
            .await?;
        Ok((user, password))
    }

    /// A new API key (replacing any), returned once; only its SHA-256 is stored.
    pub async fn admin_issue_api_key(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
    ) -> Result<(ApiUser, String), DomainError> {
        let key = generate_api_key();
        let hash = hash_api_key(&key);
        let user = self
            .change_user(
                operator,
                code,
                username,
                "admin.api_user.issue_api_key",
                true,
                {
                    Box::new(move |tx, user| {
                        Box::pin(async move { tx.set_api_key_hash(user.id, Some(&hash)).await })
                    })
                },
            )
            .await?;
        Ok((user, key))
    }

    pub async fn admin_revoke_api_key(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
    ) -> Result<ApiUser, DomainError> {
        self.change_user(
            operator,
            code,
            username,
            "admin.api_user.revoke_api_key",
            false,
            {
                Box::new(move |tx, user| {
                    Box::pin(async move { tx.set_api_key_hash(user.id, None).await })
                })
            },
        )
        .await
    }

    pub async fn admin_set_apis(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
        apis: &[String],
    ) -> Result<ApiUser, DomainError> {
        let apis = parse_apis(apis)?;
        self.change_user(
            operator,
            code,
            username,
            "admin.api_user.set_apis",
            false,
            {
                Box::new(move |tx, user| {
                    Box::pin(async move { tx.set_user_apis(user.id, &apis).await })
                })
            },
        )
        .await
    }

    pub async fn admin_set_user_disabled(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
        disabled: bool,
    ) -> Result<ApiUser, DomainError> {
        let at = disabled.then(|| self.clock.now());
        let operation = if disabled {
            "admin.api_user.disable"
        } else {
            "admin.api_user.enable"
        };
        self.change_user(operator, code, username, operation, false, {
            Box::new(move |tx, user| {
                Box::pin(async move {
                    tx.set_user_disabled(user.id, at).await?;
                    Ok(())
                })
            })
        })
        .await
    }

    /// One change of one user: found in the tenant, changed, read back, audited with the
    /// user as it was and as it is — one unit of work. A change that leaves the user as it
    /// was (disabling a disabled user) writes no audit row, unless it set a `secret`.
    async fn change_user(
        &self,
        operator: &Operator,
        code: &TenantCode,
        username: &str,
        operation: &'static str,
        secret: bool,
        change: Change,
    ) -> Result<ApiUser, DomainError> {
        let now = self.clock.now();
        let (operator, code, username) = (operator.clone(), code.clone(), username.to_owned());
        self.write(move |tx| {
            Box::pin(async move {
                let before = user_in(tx, &code, &username).await?;
                change(tx, &before).await?;
                let after = tx
                    .api_user(before.id)
                    .await?
                    .ok_or_else(|| DomainError::internal("the user changed is gone"))?;
                let (was, is) = (user_view(&before), user_view(&after));
                // A new key or password shows in no view: always a change, always audited.
                if was != is || secret {
                    AdminChange {
                        operator: &operator,
                        at: now,
                        tenant: before.tenant.id,
                        operation,
                        entity_type: ENTITY,
                        entity_id: before.id.to_string(),
                    }
                    .record(tx, Some(was), Some(is))
                    .await?;
                }
                Ok(Kept::commit(after))
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apis_are_named_and_known() {
        assert!(parse_apis(&[]).is_err());
        assert!(parse_apis(&["sap".into()]).is_err());
        let set = parse_apis(&["flolive".into(), "verizon".into(), "flolive".into()]).unwrap();
        assert_eq!(set.to_csv(), "flolive,verizon");
    }

    #[test]
    fn given_passwords_are_bounded() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password("tab\tinside").is_err());
        assert!(check_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn api_keys_are_long_prefixed_and_distinct() {
        let (a, b) = (generate_api_key(), generate_api_key());
        assert!(a.starts_with(API_KEY_PREFIX) && a.len() > 40);
        assert_ne!(a, b);
    }
}
