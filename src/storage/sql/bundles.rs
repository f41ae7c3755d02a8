//! Bundles (migration 0001; docs/design.md §6.4): deals purchased on an account's service,
//! looked up the way Billing Care names them (POID), and their cancellation.

use async_trait::async_trait;

use crate::domain::catalog::{Bundle, BundleCancellation};
use crate::domain::clock;
use crate::domain::ids::{AccountId, BundleId, TenantId};
use crate::domain::poid::Poid;
use crate::domain::store::BundleRepo;
use crate::domain::DomainError;

use super::exec::{Query, Row};
use super::row::{int, opt_int, opt_text, opt_timestamp, parsed, text, timestamp, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] =
    &[("bundles.tenant_id, bundles.poid", "uq_bundles_poid")];

const BUNDLE_COLUMNS: &str =
    "id, tenant_id, poid, account_id, service_poid, deal_poid, package_id, purchased_at, \
     cancel_effective_at, cancel_description, cancel_flag, cancel_extension";
/// [`BUNDLE_COLUMNS`] of the table aliased `b`.
const B_BUNDLE_COLUMNS: &str =
    "b.id, b.tenant_id, b.poid, b.account_id, b.service_poid, b.deal_poid, b.package_id, \
     b.purchased_at, b.cancel_effective_at, b.cancel_description, b.cancel_flag, b.cancel_extension";

fn bundle_from(row: &Row) -> Result<Bundle, DomainError> {
    let cancellation = match opt_timestamp(row, "cancel_effective_at")? {
        None => None,
        Some(effective_at) => Some(BundleCancellation {
            effective_at,
            description: opt_text(row, "cancel_description")?,
            flag: opt_int(row, "cancel_flag")?.map(|f| f as i32),
            extension: opt_text(row, "cancel_extension")?,
        }),
    };
    Ok(Bundle {
        id: BundleId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        poid: parsed("poid", &text(row, "poid")?, Poid::parse)?,
        account: AccountId::from_uuid(uuid(row, "account_id")?),
        service: parsed("service_poid", &text(row, "service_poid")?, Poid::parse)?,
        deal: parsed("deal_poid", &text(row, "deal_poid")?, Poid::parse)?,
        package_id: int(row, "package_id")?,
        purchased_at: timestamp(row, "purchased_at")?,
        cancellation,
    })
}

/// A bundle's values, shared by the plain and the if-absent insert: $1 to $12 in
/// [`BUNDLE_COLUMNS`] order.
fn bind_bundle<'q, 'c>(query: Query<'q, 'c>, b: &Bundle) -> Query<'q, 'c> {
    let cancel = b.cancellation.as_ref();
    query
        .bind(b.id.to_string())
        .bind(b.tenant.to_string())
        .bind(b.poid.to_string())
        .bind(b.account.to_string())
        .bind(b.service.to_string())
        .bind(b.deal.to_string())
        .bind(b.package_id)
        .bind(clock::to_storage(b.purchased_at))
        .bind(cancel.map(|c| clock::to_storage(c.effective_at)))
        .bind(cancel.and_then(|c| c.description.clone()))
        .bind(cancel.and_then(|c| c.flag).map(i64::from))
        .bind(cancel.and_then(|c| c.extension.clone()))
}

#[async_trait]
impl<D: Dialect> BundleRepo for SqlTx<'_, D> {
    async fn insert_bundle(&mut self, b: &Bundle) -> Result<(), DomainError> {
        bind_bundle(
            self.query(&format!(
                "INSERT INTO bundles ({BUNDLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            )),
            b,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn bundle_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<Bundle>, DomainError> {
        self.query(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE tenant_id = $1 AND poid = $2"
        ))
        .bind(tenant.to_string())
        .bind(poid.to_string())
        .fetch_optional()
        .await?
        .map(|row| bundle_from(&row))
        .transpose()
    }

    async fn bundle(
        &mut self,
        tenant: TenantId,
        id: BundleId,
    ) -> Result<Option<Bundle>, DomainError> {
        self.query(&format!(
            "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| bundle_from(&row))
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
                "SELECT {B_BUNDLE_COLUMNS} FROM bundles b \
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

    async fn bundles_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<Bundle>, DomainError> {
        // ix_bundles_account_service's prefix.
        let rows = self
            .query(&format!(
                "SELECT {BUNDLE_COLUMNS} FROM bundles WHERE tenant_id = $1 AND account_id = $2 \
                 ORDER BY purchased_at, id LIMIT $3"
            ))
            .bind(tenant.to_string())
            .bind(account.to_string())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(bundle_from).collect()
    }

    async fn insert_bundle_if_absent(&mut self, b: &Bundle) -> Result<bool, DomainError> {
        let inserted = bind_bundle(
            self.query(&format!(
                "INSERT INTO bundles ({BUNDLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (tenant_id, poid) DO NOTHING"
            )),
            b,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
