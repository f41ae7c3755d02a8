//! Storage the crmcom API needs beyond the shared areas: Web API tokens, provisioning
//! requests, and the catalogue lookups CRM.COM identifiers need (by number, serial number,
//! alternative code).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::catalog::{InstalledItem, Product, Subscription};
use crate::domain::crmcom_token::{CrmToken, TokenId};
use crate::domain::ids::{ApiUserId, ProductId, ProvisioningRequestId, SubscriptionId, TenantId};
use crate::domain::provisioning::{ProvisioningFilter, ProvisioningRequest};
use crate::domain::user::ApiUser;
use crate::domain::DomainError;

#[async_trait]
pub trait CrmcomRepo: Send {
    async fn insert_token(&mut self, token: &CrmToken) -> Result<(), DomainError>;
    async fn token_by_hash(&mut self, hash: &str) -> Result<Option<CrmToken>, DomainError>;
    /// Slides the idle expiry of a token that is usable at `now`, in one conditional
    /// `UPDATE` (so a concurrent release is never undone). `None`: not usable (unknown,
    /// released or expired; [`CrmcomRepo::token_by_hash`] tells which).
    async fn touch_token(
        &mut self,
        hash: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<CrmToken>, DomainError>;
    /// The user a token belongs to (with its tenant), to rebuild the caller's principal.
    async fn api_user(&mut self, id: ApiUserId) -> Result<Option<ApiUser>, DomainError>;
    async fn release_token(&mut self, id: TokenId, now: DateTime<Utc>) -> Result<(), DomainError>;
    /// Forgets up to `limit` tokens that expired or were released before `before` (they
    /// answer "invalid" afterwards); returns how many.
    async fn purge_tokens(&mut self, before: DateTime<Utc>, limit: i64)
        -> Result<u64, DomainError>;
    /// Releases the user's live tokens beyond the newest `keep`, least recently used
    /// first (soonest to expire: use slides the expiry); returns how many.
    async fn release_tokens_beyond(
        &mut self,
        user: ApiUserId,
        keep: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, DomainError>;

    async fn subscription_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<Subscription>, DomainError>;
    /// Alternative codes are not unique: every match is returned.
    async fn products_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<Product>, DomainError>;
    async fn installed_item_by_serial(
        &mut self,
        tenant: TenantId,
        serial_number: &str,
    ) -> Result<Option<InstalledItem>, DomainError>;
    async fn installed_items_by_alternative_code(
        &mut self,
        tenant: TenantId,
        code: &str,
    ) -> Result<Vec<InstalledItem>, DomainError>;
    /// Whether the subscription holds an instance of the product (in any status).
    async fn product_on_subscription(
        &mut self,
        tenant: TenantId,
        product: ProductId,
        subscription: SubscriptionId,
    ) -> Result<bool, DomainError>;

    async fn insert_provisioning_request(
        &mut self,
        request: &ProvisioningRequest,
    ) -> Result<(), DomainError>;
    async fn provisioning_request(
        &mut self,
        tenant: TenantId,
        id: ProvisioningRequestId,
    ) -> Result<Option<ProvisioningRequest>, DomainError>;
    async fn provisioning_request_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<ProvisioningRequest>, DomainError>;
    /// Oldest first (by sequence number), so `offset` pages are stable.
    async fn provisioning_requests(
        &mut self,
        tenant: TenantId,
        filter: &ProvisioningFilter,
    ) -> Result<Vec<ProvisioningRequest>, DomainError>;
}
