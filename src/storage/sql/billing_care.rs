//! SQL for the Oracle Billing Care API's own storage needs (migration 0005 and bundles).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::access_token::{AccessTokenGrant, NewAccessToken};
use crate::domain::catalog::{Bundle, BundleCancellation};
use crate::domain::clock;
use crate::domain::ids::{AccountId, ApiUserId, BundleId, TenantId};
use crate::domain::poid::Poid;
use crate::domain::store::BillingCareRepo;
use crate::domain::DomainError;

use super::catalog::bundle_from;
use super::row::{text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] =
    &[("billing_care_tokens.token_hash", "pk_billing_care_tokens")];

/// The columns `catalog::bundle_from` reads.
const BUNDLE_COLUMNS: &str =
    "b.id, b.tenant_id, b.poid, b.account_id, b.service_poid, b.deal_poid, b.package_id, \
     b.purchased_at, b.cancel_effective_at, b.cancel_description, b.cancel_flag, b.cancel_extension";

#[async_trait]
impl<D: Dialect> BillingCareRepo for SqlTx<'_, D> {
    async fn insert_access_token(&mut self, token: &NewAccessToken) -> Result<(), DomainError> {
        self.query(
            "INSERT INTO billing_care_tokens (token_hash, tenant_id, api_user_id, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&token.hash)
        .bind(token.tenant.to_string())
        .bind(token.user.to_string())
        .bind(clock::to_storage(token.issued_at))
        .bind(clock::to_storage(token.expires_at))
        .execute()
        .await?;
        Ok(())
    }

    async fn access_token(&mut self, hash: &str) -> Result<Option<AccessTokenGrant>, DomainError> {
        // The user must still belong to the token's tenant (a token never moves tenants).
        let row = self
            .query(
                "SELECT t.tenant_id, t.api_user_id, u.username, t.expires_at \
             FROM billing_care_tokens t JOIN api_users u \
               ON u.id = t.api_user_id AND u.tenant_id = t.tenant_id \
             WHERE t.token_hash = $1",
            )
            .bind(hash)
            .fetch_optional()
            .await?;
        row.map(|row| {
            Ok(AccessTokenGrant {
                tenant: TenantId::from_uuid(uuid(&row, "tenant_id")?),
                user: ApiUserId::from_uuid(uuid(&row, "api_user_id")?),
                username: text(&row, "username")?,
                expires_at: timestamp(&row, "expires_at")?,
            })
        })
        .transpose()
    }

    async fn purge_expired_tokens(
        &mut self,
        user: ApiUserId,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        let done = self
            .query("DELETE FROM billing_care_tokens WHERE api_user_id = $1 AND expires_at <= $2")
            .bind(user.to_string())
            .bind(clock::to_storage(now))
            .execute()
            .await?;
        Ok(done)
    }

    async fn purge_access_tokens(
        &mut self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        // ix_billing_care_tokens_expires_at.
        self.delete_batch(
            "DELETE FROM billing_care_tokens WHERE token_hash IN (SELECT token_hash \
             FROM billing_care_tokens WHERE expires_at <= $1 LIMIT $2)",
            now,
            limit,
            None,
        )
        .await
    }

    async fn revoke_access_tokens_beyond(
        &mut self,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        // Newest first by ix_billing_care_tokens_user_expiry (tokens do not slide, so the
        // latest expiry is the latest issued); skip the `keep` kept, delete the rest.
        // SQL needs a LIMIT before OFFSET; i64::MAX means "all".
        let done = self
            .query(
                "DELETE FROM billing_care_tokens WHERE token_hash IN (SELECT token_hash \
             FROM billing_care_tokens WHERE api_user_id = $1 AND expires_at > $3 \
             ORDER BY expires_at DESC, token_hash DESC LIMIT $4 OFFSET $2)",
            )
            .bind(user.to_string())
            .bind(i64::from(keep))
            .bind(clock::to_storage(now))
            .bind(i64::MAX)
            .execute()
            .await?;
        Ok(done)
    }

    async fn account_id_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<AccountId>, DomainError> {
        let row = self
            .query("SELECT id FROM accounts WHERE tenant_id = $1 AND poid = $2")
            .bind(tenant.to_string())
            .bind(poid.to_string())
            .fetch_optional()
            .await?;
        row.map(|row| Ok(AccountId::from_uuid(uuid(&row, "id")?)))
            .transpose()
    }

    async fn bundles_on_service(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        service: &Poid,
    ) -> Result<Vec<Bundle>, DomainError> {
        let rows = self
            .query(&format!(
                "SELECT {BUNDLE_COLUMNS} FROM bundles b \
             WHERE b.tenant_id = $1 AND b.account_id = $2 AND b.service_poid = $3 \
             ORDER BY b.purchased_at, b.poid"
            ))
            .bind(tenant.to_string())
            .bind(account.to_string())
            .bind(service.to_string())
            .fetch_all()
            .await?;
        rows.iter().map(bundle_from).collect()
    }

    async fn record_bundle_cancel(
        &mut self,
        tenant: TenantId,
        bundle: BundleId,
        c: &BundleCancellation,
    ) -> Result<bool, DomainError> {
        let done = self
            .query(
                "UPDATE bundles SET cancel_effective_at = $1, cancel_description = $2, \
             cancel_flag = $3, cancel_extension = $4 \
             WHERE tenant_id = $5 AND id = $6 AND cancel_effective_at IS NULL",
            )
            .bind(clock::to_storage(c.effective_at))
            .bind(c.description.as_deref())
            .bind(c.flag.map(i64::from))
            .bind(c.extension.as_deref())
            .bind(tenant.to_string())
            .bind(bundle.to_string())
            .execute()
            .await?;
        Ok(done == 1)
    }
}
