use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::ids::{ApiUserId, CustomerId, TenantId};
use crate::domain::tenant::{Tenant, TenantCode};
use crate::domain::user::{ApiSet, ApiUser, DigestSecret, Username};
use crate::domain::DomainError;

/// A user to create; secrets arrive already hashed.
#[derive(Clone, Debug)]
pub struct NewApiUser {
    pub id: ApiUserId,
    pub tenant: TenantId,
    pub username: Username,
    pub password_hash: String,
    /// SHA-256 (hex) of the API key: keys are 128-bit random tokens, so a fast hash is
    /// enough and lets us look a key up by its hash.
    pub api_key_hash: Option<String>,
    pub apis: ApiSet,
    pub customer: Option<CustomerId>,
}

/// A tenant as the admin API shows it: with when it was created and disabled.
#[derive(Clone, Debug)]
pub struct TenantRecord {
    pub tenant: Tenant,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

/// Tenants and their API users.
#[async_trait]
pub trait TenantRepo: Send {
    async fn insert_tenant(
        &mut self,
        tenant: &Tenant,
        created_at: DateTime<Utc>,
    ) -> Result<(), DomainError>;
    async fn tenant_by_code(&mut self, code: &TenantCode) -> Result<Option<Tenant>, DomainError>;
    /// The tenant by id (a job knows only the id; "today" is judged in its zone).
    async fn tenant(&mut self, id: TenantId) -> Result<Option<Tenant>, DomainError>;

    async fn insert_user(&mut self, user: &NewApiUser) -> Result<(), DomainError>;
    /// Usernames are unique across tenants: SOAP and Basic callers name no tenant.
    async fn user_by_username(&mut self, username: &str) -> Result<Option<ApiUser>, DomainError>;
    async fn user_by_api_key_hash(&mut self, hash: &str) -> Result<Option<ApiUser>, DomainError>;
    /// The user (with its tenant) by id: a token names its user by id.
    async fn api_user(&mut self, id: ApiUserId) -> Result<Option<ApiUser>, DomainError>;
    async fn set_password_hash(&mut self, user: ApiUserId, hash: &str) -> Result<(), DomainError>;
    /// Enables (`Some`) or disables (`None`) WS-Security PasswordDigest for the user
    /// (docs/operations.md "WS-Security digest secrets").
    async fn set_digest_secret(
        &mut self,
        user: ApiUserId,
        secret: Option<&DigestSecret>,
    ) -> Result<(), DomainError>;

    /// Tenants by code after `after` (exclusive), at most `limit` (the admin API's list).
    async fn tenants_page(
        &mut self,
        after: Option<&TenantCode>,
        limit: i64,
    ) -> Result<Vec<TenantRecord>, DomainError>;
    async fn tenant_record(
        &mut self,
        code: &TenantCode,
    ) -> Result<Option<TenantRecord>, DomainError>;
    /// Disables (`Some(at)`) or enables (`None`) the tenant; false when it already was.
    async fn set_tenant_disabled(
        &mut self,
        tenant: TenantId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, DomainError>;
    /// The tenant's users by username after `after` (exclusive), at most `limit`.
    async fn users_of_tenant(
        &mut self,
        tenant: TenantId,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ApiUser>, DomainError>;
    /// Disables (`Some(at)`) or enables (`None`) the user; false when it already was.
    async fn set_user_disabled(
        &mut self,
        user: ApiUserId,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, DomainError>;
    async fn set_user_apis(&mut self, user: ApiUserId, apis: &ApiSet) -> Result<(), DomainError>;
    /// Sets (`Some`, a SHA-256 hex) or removes (`None`) the user's API key; a hash another
    /// user holds is `Conflict { constraint: "uq_api_users_api_key" }`.
    async fn set_api_key_hash(
        &mut self,
        user: ApiUserId,
        hash: Option<&str>,
    ) -> Result<(), DomainError>;

    /// Inserts the tenant unless one with its code exists (`uq_tenants_code`): true when
    /// inserted. One statement (the fixture import, docs/design.md §5).
    async fn insert_tenant_if_absent(
        &mut self,
        tenant: &Tenant,
        created_at: DateTime<Utc>,
    ) -> Result<bool, DomainError>;
}
