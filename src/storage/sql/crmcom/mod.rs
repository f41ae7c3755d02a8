//! SQL for the crmcom API's own storage needs: tokens ([`tokens`]), catalogue lookups by
//! CRM.COM identifier fields ([`lookups`]) and provisioning requests ([`requests`]).

mod lookups;
mod requests;
mod tokens;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{InstalledItem, Product, Subscription};
use crate::domain::crmcom_token::{CrmToken, TokenId};
use crate::domain::ids::{ApiUserId, ProductId, ProvisioningRequestId, SubscriptionId, TenantId};
use crate::domain::provisioning::{ProvisioningFilter, ProvisioningRequest};
use crate::domain::store::CrmcomRepo;
use crate::domain::user::ApiUser;
use crate::domain::DomainError;

use super::{Dialect, SqlTx};

/// SQLite's column lists for this API's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    ("crmcom_tokens.token_hash", "uq_crmcom_tokens_hash"),
    (
        "provisioning_requests.tenant_id, provisioning_requests.number",
        "uq_provisioning_requests_number",
    ),
    (
        "provisioning_requests.tenant_id, provisioning_requests.sequence_number",
        "uq_provisioning_requests_sequence_number",
    ),
];

#[async_trait]
impl<D: Dialect> CrmcomRepo for SqlTx<'_, D> {
    async fn insert_token(&mut self, token: &CrmToken) -> Result<(), DomainError> {
        tokens::insert(self, token).await
    }

    async fn token_by_hash(&mut self, hash: &str) -> Result<Option<CrmToken>, DomainError> {
        tokens::by_hash(self, hash).await
    }

    async fn touch_token(
        &mut self,
        hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<CrmToken>, DomainError> {
        tokens::touch(self, hash, now, expires_at).await
    }

    async fn api_user(&mut self, id: ApiUserId) -> Result<Option<ApiUser>, DomainError> {
        tokens::api_user(self, id).await
    }

    async fn release_token(&mut self, id: TokenId, now: DateTime<Utc>) -> Result<(), DomainError> {
        tokens::release(self, id, now).await
    }

    async fn purge_tokens(
        &mut self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<u64, DomainError> {
        tokens::purge(self, before, limit).await
    }

    async fn release_tokens_beyond(
        &mut self,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError> {
        tokens::release_beyond(self, user, keep, now).await
    }

    async fn subscription_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Subscription>, DomainError> {
        lookups::subscription_by_number(self, tenant, number).await
    }

    async fn products_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<Product>, DomainError> {
        lookups::products_by_alternative_code(self, tenant, code).await
    }

    async fn installed_item_by_serial(
        &mut self,
        tenant: TenantId,
        serial_number: &str,
    ) -> Result<Option<InstalledItem>, DomainError> {
        lookups::installed_item_by_serial(self, tenant, serial_number).await
    }

    async fn installed_items_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<InstalledItem>, DomainError> {
        lookups::installed_items_by_alternative_code(self, tenant, code).await
    }

    async fn product_on_subscription(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        subscription: SubscriptionId,
    ) -> Result<bool, DomainError> {
        lookups::product_on_subscription(self, tenant, product, subscription).await
    }

    async fn insert_provisioning_request(
        &mut self,
        request: &ProvisioningRequest,
    ) -> Result<(), DomainError> {
        requests::insert(self, request).await
    }

    async fn provisioning_request(
        &mut self,
        tenant: TenantId,
        id: ProvisioningRequestId,
    ) -> Result<Option<ProvisioningRequest>, DomainError> {
        requests::one(self, tenant, "r.id", &id.to_string()).await
    }

    async fn provisioning_request_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<ProvisioningRequest>, DomainError> {
        requests::one(self, tenant, "r.number", number).await
    }

    async fn provisioning_requests(
        &mut self,
        tenant: TenantId,
        filter: &ProvisioningFilter,
    ) -> Result<Vec<ProvisioningRequest>, DomainError> {
        requests::list(self, tenant, filter).await
    }
}
