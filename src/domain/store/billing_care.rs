//! Storage the Oracle Billing Care API needs beyond the shared areas (docs/design.md §6.4):
//! bearer access tokens, and bundles looked up the way Billing Care names them (account
//! POID, service POID, deal POID) and cancelled.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::access_token::{AccessTokenGrant, NewAccessToken};
use crate::domain::catalog::{Bundle, BundleCancellation};
use crate::domain::ids::{AccountId, ApiUserId, BundleId, TenantId};
use crate::domain::poid::Poid;
use crate::domain::DomainError;

#[async_trait]
pub trait BillingCareRepo: Send {
    async fn insert_access_token(&mut self, token: &NewAccessToken) -> Result<(), DomainError>;
    /// The grant behind a token hash, expired or not (the caller judges expiry).
    async fn access_token(&mut self, hash: &str) -> Result<Option<AccessTokenGrant>, DomainError>;
    /// Deletes the user's tokens that expired at or before `now`; returns how many.
    async fn purge_expired_tokens(
        &mut self,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;
    /// Deletes up to `limit` tokens (of any user) that expired at or before `now`; returns
    /// how many.
    async fn purge_access_tokens(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError>;
    /// Revokes (deletes) the user's live tokens beyond the newest `keep`, oldest first;
    /// returns how many. A revoked token gets the same 401 as an expired one.
    async fn revoke_access_tokens_beyond(
        &mut self,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;

    /// The tenant's account carrying this POID.
    async fn account_id_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<AccountId>, DomainError>;
    /// Every bundle (cancelled or not) purchased on `service` of `account`, oldest first.
    async fn bundles_on_service(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        service: &Poid,
    ) -> Result<Vec<Bundle>, DomainError>;
    /// Records a cancellation on a bundle that has none yet. Returns false (and changes
    /// nothing) when a cancellation is already recorded: one conditional `UPDATE`, so two
    /// concurrent cancels cannot both succeed (docs/design.md §4).
    async fn record_bundle_cancel(
        &mut self,
        tenant: TenantId,
        bundle: BundleId,
        cancellation: &BundleCancellation,
    ) -> Result<bool, DomainError>;
}
