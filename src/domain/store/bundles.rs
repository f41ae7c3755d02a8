//! Bundles (docs/design.md §6.4): deals purchased on an account's service, named by POID, and
//! their cancellation. A bundle's state is derived from its dates, so a cancellation is
//! recorded once and never undone.

use async_trait::async_trait;

use crate::domain::catalog::{Bundle, BundleCancellation};
use crate::domain::ids::{AccountId, BundleId, TenantId};
use crate::domain::poid::Poid;
use crate::domain::DomainError;

#[async_trait]
pub trait BundleRepo: Send {
    async fn insert_bundle(&mut self, bundle: &Bundle) -> Result<(), DomainError>;
    async fn bundle(
        &mut self,
        tenant: TenantId,
        id: BundleId,
    ) -> Result<Option<Bundle>, DomainError>;
    async fn bundle_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<Bundle>, DomainError>;
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

    /// The fixture import's insert, one statement: true when inserted, false when a
    /// bundle with its POID exists (`uq_bundles_poid`).
    /// The account's bundles (cancelled or not), oldest first, at most `limit`.
    async fn bundles_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<Bundle>, DomainError>;
    async fn insert_bundle_if_absent(&mut self, bundle: &Bundle) -> Result<bool, DomainError>;
}
