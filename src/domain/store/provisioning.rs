//! Provisioning requests (docs/design.md §6.3: CRM.COM's Conax SMS-SAS requests), numbered from
//! the per-tenant counters ([`super::Tx::next_counter`]).

use async_trait::async_trait;

use crate::domain::ids::{AccountId, ProvisioningRequestId, TenantId};
use crate::domain::provisioning::{ProvisioningFilter, ProvisioningRequest};
use crate::domain::DomainError;

#[async_trait]
pub trait ProvisioningRepo: Send {
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
    /// The provisioning requests on the subscriptions of `account`, by sequence number, at
    /// most `limit`.
    async fn provisioning_requests_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<ProvisioningRequest>, DomainError>;
    async fn provisioning_requests(
        &mut self,
        tenant: TenantId,
        filter: &ProvisioningFilter,
    ) -> Result<Vec<ProvisioningRequest>, DomainError>;
}
