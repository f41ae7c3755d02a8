//! The storage port (docs/design.md §4). The domain owns these traits; `crate::storage`
//! implements them for SQLite and PostgreSQL. A use-case opens one [`Tx`], does all its
//! reads and writes (its audit row included) through it, and commits once.
//!
//! The repository traits are split by area so each file stays small; [`Tx`] is all of them.

mod accounts;
mod audit;
mod billing_care;
mod catalog;
mod crmcom;
mod customers;
mod debitsuccess;
mod disconnect;
mod flolive;
mod idempotency;
mod queue;
mod tenants;
mod verizon;

pub use accounts::AccountRepo;
pub use audit::AuditRepo;
pub use billing_care::BillingCareRepo;
pub use catalog::CatalogRepo;
pub use crmcom::CrmcomRepo;
pub use customers::CustomerRepo;
pub use debitsuccess::DebitsuccessRepo;
pub use disconnect::DisconnectRepo;
pub use flolive::FloliveRepo;
pub use idempotency::{IdempotencyRecord, IdempotencyRepo, StoredReply};
pub use queue::{FinishedStatus, Job, JobId, NewJob, QueueRepo};
pub use tenants::{NewApiUser, TenantRepo};
pub use verizon::VerizonRepo;

use async_trait::async_trait;

use super::DomainError;

/// A database: hands out units of work.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A read-write transaction. On SQLite these are serialised through one writer
    /// connection, so they never meet `SQLITE_BUSY` from each other.
    async fn begin(&self) -> Result<Box<dyn Tx>, DomainError>;
    /// A read-write transaction for a bulk load (`import`): like [`Store::begin`], with
    /// statements planned for the tables as they grow inside it (PostgreSQL's cached
    /// generic plans, chosen while a table was empty, turned the import quadratic).
    async fn begin_bulk(&self) -> Result<Box<dyn Tx>, DomainError>;
    /// A read-only snapshot (dropped, never committed), served by the reader pool.
    async fn read(&self) -> Result<Box<dyn Tx>, DomainError>;
    /// The user (with its tenant) behind a username or an API-key hash: one statement on a
    /// reader, outside any transaction. Authentication runs on every request, and a
    /// transaction around one look-up would cost two more round trips (issue 9).
    async fn user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<super::user::ApiUser>, DomainError>;
    async fn user_by_api_key_hash(
        &self,
        hash: &str,
    ) -> Result<Option<super::user::ApiUser>, DomainError>;
    /// A trivial round trip, for `/readyz`.
    async fn ping(&self) -> Result<(), DomainError>;
    /// `sqlite` or `postgres`, for logs and metrics.
    fn backend(&self) -> &'static str;
}

/// One transaction. Dropping it without [`Tx::commit`] rolls everything back.
#[async_trait]
pub trait Tx:
    TenantRepo
    + CustomerRepo
    + AccountRepo
    + CatalogRepo
    + DisconnectRepo
    + AuditRepo
    + IdempotencyRepo
    + QueueRepo
    + DebitsuccessRepo
    + FloliveRepo
    + CrmcomRepo
    + BillingCareRepo
    + VerizonRepo
    + Send
{
    async fn commit(self: Box<Self>) -> Result<(), DomainError>;

    /// Whether this transaction put work on the durable queue: only then is the worker
    /// woken after the commit (issue 9: waking it for every write cost a claim
    /// transaction per request on SQLite's single writer).
    fn enqueued_jobs(&self) -> bool;

    /// Atomically increments and returns the named per-tenant counter (CRM.COM numbers):
    /// one `UPDATE … RETURNING`, never read-then-write (docs/design.md §4).
    async fn next_counter(
        &mut self,
        tenant: crate::domain::ids::TenantId,
        name: &str,
    ) -> Result<i64, DomainError>;
}
