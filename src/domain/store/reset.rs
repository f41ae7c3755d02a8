use async_trait::async_trait;

use crate::domain::tenant::{Tenant, TenantCode};
use crate::domain::user::Username;
use crate::domain::DomainError;

use super::NewApiUser;

/// What became of the users and tenants the fixture does not name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retired {
    /// Users the fixture does not name, deleted (no audit row names them).
    pub users_deleted: u64,
    /// Users the fixture does not name that audit rows name: kept, with no APIs, key,
    /// digest secret or customer, so they can call nothing (docs/operations.md "Reset").
    pub users_retired: u64,
    /// Tenants the fixture does not name, deleted (nothing names them any more).
    pub tenants_deleted: u64,
}

/// Putting the database back to a fixture (issue 19 item 4; docs/operations.md "Reset").
/// Every method runs inside the reset's one transaction; the fixture's own entries are
/// then written by the import's insert-if-absent statements in the same transaction.
#[async_trait]
pub trait ResetRepo: Send {
    /// Puts the reset between other transactions, never inside one: on PostgreSQL it takes
    /// exclusive the advisory lock every other transaction holds shared (it waits for those
    /// under way; later ones wait for it); SQLite's single writer already runs the reset
    /// alone, and a unit's reads run inside it on the writer.
    async fn lock_for_reset(&mut self) -> Result<(), DomainError>;

    /// Deletes every tenant's vendor data — customers, accounts, the catalogue, product
    /// instances, bundles, disconnect orders, provisioning requests, floLIVE operations,
    /// CRM.COM and Billing Care tokens, stored replies, counters and the tenants' jobs — and
    /// clears users' customer links. Kept: tenants, users, operators and their tokens,
    /// webhooks and their deliveries and jobs, WS-Security nonces, the audit trail.
    /// Answers the number of rows deleted.
    async fn clear_vendor_data(&mut self) -> Result<u64, DomainError>;

    /// Gives the tenant with `tenant.code` the fixture's name and time zone (its id stays:
    /// audit rows name it).
    async fn restore_tenant(&mut self, tenant: &Tenant) -> Result<(), DomainError>;

    /// Gives the user with `user.username` the fixture's tenant, credentials, APIs, customer
    /// and digest secret (`user.id` is ignored: the stored id stays, audit rows name it).
    /// False when no such user exists.
    async fn restore_user(
        &mut self,
        user: &NewApiUser,
        digest_secret: Option<&str>,
    ) -> Result<bool, DomainError>;

    /// Users not in `keep`: deleted where no audit row names them, retired otherwise;
    /// then tenants not in `keep_tenants` that no audit row or user names are deleted.
    async fn retire_all_but(
        &mut self,
        keep: &[Username],
        keep_tenants: &[TenantCode],
    ) -> Result<Retired, DomainError>;

    /// Every tenant, by code (the reset records one event per tenant).
    async fn all_tenants(&mut self) -> Result<Vec<Tenant>, DomainError>;
}
