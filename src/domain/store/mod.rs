//! The storage port (docs/design.md §4). The domain owns these traits; `crate::storage`
//! implements them for SQLite and PostgreSQL. A use-case opens one [`Tx`], does all its
//! reads and writes (its audit row included) through it, and commits once.
//!
//! One repository trait per aggregate (docs/design.md §4: by aggregate, never by vendor; the
//! table is in docs/architecture.md "The storage port"); [`Tx`] is all of them. A vendor's
//! use-case composes aggregate methods.

mod accounts;
mod audit;
mod bundles;
mod catalog;
mod customers;
mod disconnect;
mod events;
mod idempotency;
mod instances;
mod journal;
mod nonces;
mod operations;
mod operators;
mod provisioning;
mod queue;
mod reset;
mod tenants;
mod tokens;
mod unit;
mod webhooks;

pub use accounts::AccountRepo;
pub use audit::AuditRepo;
pub use bundles::BundleRepo;
pub use catalog::CatalogRepo;
pub use customers::CustomerRepo;
pub use disconnect::DisconnectRepo;
pub use events::EventRepo;
pub use idempotency::{IdempotencyRecord, IdempotencyRepo, StoredReply};
pub use instances::ProductInstanceRepo;
pub use journal::JournalRepo;
pub use nonces::{NonceRepo, NONCE_CONSTRAINT};
pub use operations::OperationRepo;
pub use operators::OperatorRepo;
pub use provisioning::ProvisioningRepo;
pub use queue::{FinishedStatus, Job, JobId, JobLane, NewJob, QueueRepo};
pub use reset::{ResetRepo, Retired};
pub use tenants::{NewApiUser, TenantRecord, TenantRepo};
pub use tokens::TokenRepo;
pub use unit::{erase, run, value_of, Batching, Committed, Kept, Settled, Unit, UnitFuture};
pub use webhooks::WebhookRepo;

use async_trait::async_trait;

use super::DomainError;

/// A database: hands out units of work.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Runs a unit of work in a read-write transaction and answers after its commit
    /// (docs/architecture.md "The write path"). An `Err` from the unit rolls back its
    /// effects alone and is returned; so is a failure to commit, for every unit in it.
    async fn write(&self, unit: Unit) -> Result<Committed, DomainError>;
    /// Like [`Store::write`], for a bulk load (`import`): alone in its transaction, with
    /// statements planned for the tables as they grow inside it (PostgreSQL's cached
    /// generic plans, chosen while a table was empty, turned the import quadratic).
    async fn write_bulk(&self, unit: Unit) -> Result<Committed, DomainError>;
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
    /// SQLite's `synchronous` setting (`full` or `normal`), shown by `/readyz` and logged at
    /// start-up; `None` on PostgreSQL (docs/operations.md "Durability").
    fn synchronous(&self) -> Option<&'static str>;
    /// How units were grouped into commits; `None` where the store does not batch
    /// (PostgreSQL: one transaction per unit on a pooled connection).
    fn batching(&self) -> Option<Batching>;
    /// Closes the store on shutdown, once nothing else will use it (the HTTP server and the
    /// job worker have stopped): every connection closed, and on SQLite the writer's thread
    /// ended after a final WAL checkpoint. A unit sent afterwards is answered "unavailable".
    async fn close(&self);
}

/// One transaction, as a unit of work sees it. The store commits or rolls back around the
/// unit; read snapshots ([`Store::read`]) are dropped, never committed.
#[async_trait]
pub trait Tx:
    TenantRepo
    + CustomerRepo
    + AccountRepo
    + CatalogRepo
    + ProductInstanceRepo
    + BundleRepo
    + DisconnectRepo
    + ProvisioningRepo
    + OperationRepo
    + TokenRepo
    + AuditRepo
    + EventRepo
    + OperatorRepo
    + QueueRepo
    + IdempotencyRepo
    + NonceRepo
    + WebhookRepo
    + ResetRepo
    + JournalRepo
    + Send
{
    /// Atomically increments and returns the named per-tenant counter (CRM.COM numbers):
    /// one `UPDATE … RETURNING`, never read-then-write (docs/design.md §4).
    async fn next_counter(
        &mut self,
        tenant: crate::domain::ids::TenantId,
        name: &str,
    ) -> Result<i64, DomainError>;
}
