use crate::storage::sql::exec::{Query, Row};
use async_trait::async_trait;
use chrono::NaiveDate;

use crate::domain::account::{Account, AccountReferenceNo, AccountStatus, ExternalReferenceNo};
use crate::domain::ids::{AccountId, CustomerId, TenantId};
use crate::domain::money::Money;
use crate::domain::poid::Poid;
use crate::domain::store::AccountRepo;
use crate::domain::DomainError;

use super::row::{date, date_text, opt_date, opt_int, opt_text, parsed, text, uuid};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    (
        "accounts.tenant_id, accounts.reference_no",
        "uq_accounts_reference_no",
    ),
    ("accounts.tenant_id, accounts.poid", "uq_accounts_poid"),
];

const COLUMNS: &str =
    "id, tenant_id, customer_id, reference_no, external_reference_no, poid, status, \
     start_date, termination_date, final_bill_date, total_contract_value";

fn account_from(row: &Row) -> Result<Account, DomainError> {
    Ok(Account {
        id: AccountId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        customer: CustomerId::from_uuid(uuid(row, "customer_id")?),
        reference_no: parsed(
            "reference_no",
            &text(row, "reference_no")?,
            AccountReferenceNo::parse,
        )?,
        external_reference_no: opt_text(row, "external_reference_no")?
            .map(|v| parsed("external_reference_no", &v, ExternalReferenceNo::parse))
            .transpose()?,
        poid: opt_text(row, "poid")?
            .map(|v| parsed("poid", &v, Poid::parse))
            .transpose()?,
        status: parsed("status", &text(row, "status")?, AccountStatus::parse)?,
        start_date: date(row, "start_date")?,
        termination_date: opt_date(row, "termination_date")?,
        final_bill_date: opt_date(row, "final_bill_date")?,
        total_contract_value: opt_int(row, "total_contract_value")?.map(Money::from_cents),
    })
}

/// An account's values, shared by the plain and the if-absent insert: $1 to $11 in
/// [`COLUMNS`] order.
fn bind_account<'q, 'c>(query: Query<'q, 'c>, a: &Account) -> Query<'q, 'c> {
    query
        .bind(a.id.to_string())
        .bind(a.tenant.to_string())
        .bind(a.customer.to_string())
        .bind(a.reference_no.as_str())
        .bind(
            a.external_reference_no
                .as_ref()
                .map(|r| r.as_str().to_owned()),
        )
        .bind(a.poid.as_ref().map(|p| p.to_string()))
        .bind(a.status.as_str())
        .bind(date_text(a.start_date))
        .bind(a.termination_date.map(date_text))
        .bind(a.final_bill_date.map(date_text))
        .bind(a.total_contract_value.map(Money::cents))
}

#[async_trait]
impl<D: Dialect> AccountRepo for SqlTx<'_, D> {
    async fn insert_account(&mut self, a: &Account) -> Result<(), DomainError> {
        bind_account(
            self.query(&format!(
                "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            )),
            a,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn account(
        &mut self,
        tenant: TenantId,
        id: AccountId,
    ) -> Result<Option<Account>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?
        .map(|row| account_from(&row))
        .transpose()
    }

    async fn account_by_reference(
        &mut self,
        tenant: TenantId,
        reference: &AccountReferenceNo,
    ) -> Result<Option<Account>, DomainError> {
        self.query(&format!(
            "SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND reference_no = $2"
        ))
        .bind(tenant.to_string())
        .bind(reference.as_str())
        .fetch_optional()
        .await?
        .map(|row| account_from(&row))
        .transpose()
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

    async fn find_accounts(
        &mut self,
        tenant: TenantId,
        reference: Option<&AccountReferenceNo>,
        external: Option<&ExternalReferenceNo>,
        limit: i64,
    ) -> Result<Vec<Account>, DomainError> {
        // One statement per combination of given fields: `($2 IS NULL OR reference_no = $2)`
        // kept one prepared plan but no index could serve it, so every look-up scanned the
        // tenant's accounts (issue 9: 13 req/s at 1 000 000 accounts).
        let mut sql = format!("SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1");
        let mut values: Vec<String> = Vec::with_capacity(2);
        if let Some(reference) = reference {
            values.push(reference.as_str().to_owned());
            sql.push_str(&format!(" AND reference_no = ${}", values.len() + 1));
        }
        if let Some(external) = external {
            values.push(external.as_str().to_owned());
            sql.push_str(&format!(
                " AND external_reference_no = ${}",
                values.len() + 1
            ));
        }
        sql.push_str(&format!(
            " ORDER BY reference_no LIMIT ${}",
            values.len() + 2
        ));
        let mut query = self.query(&sql).bind(tenant.to_string());
        for value in values {
            query = query.bind(value);
        }
        let rows = query.bind(limit).fetch_all().await?;
        rows.iter().map(account_from).collect()
    }

    async fn account_anywhere(&mut self, id: AccountId) -> Result<Option<Account>, DomainError> {
        self.query(&format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional()
            .await?
            .map(|row| account_from(&row))
            .transpose()
    }

    async fn accounts_identified_by(
        &mut self,
        tenant: TenantId,
        text: &str,
        poid: Option<&Poid>,
        customer: Option<CustomerId>,
        limit: i64,
    ) -> Result<Vec<Account>, DomainError> {
        // One indexed branch per identifier (uq_accounts_reference_no,
        // ix_accounts_external_reference_no, uq_accounts_poid, ix_accounts_customer): an
        // OR across the columns could be served by no single index.
        let sql = format!(
            "SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND reference_no = $2 \
             UNION SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND external_reference_no = $2 \
             UNION SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND poid = $3 \
             UNION SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND customer_id = $4 \
             ORDER BY reference_no LIMIT $5"
        );
        let rows = self
            .query(&sql)
            .bind(tenant.to_string())
            .bind(text.to_owned())
            .bind(poid.map(|p| p.to_string()))
            .bind(customer.map(|c| c.to_string()))
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(account_from).collect()
    }

    async fn set_termination_date(
        &mut self,
        tenant: TenantId,
        id: AccountId,
        date: Option<NaiveDate>,
    ) -> Result<(), DomainError> {
        self.query("UPDATE accounts SET termination_date = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(date.map(date_text))
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn set_account_status(
        &mut self,
        tenant: TenantId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<(), DomainError> {
        self.query("UPDATE accounts SET status = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(status.as_str())
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute()
            .await?;
        Ok(())
    }

    async fn insert_account_if_absent(&mut self, a: &Account) -> Result<bool, DomainError> {
        let inserted = bind_account(
            self.query(&format!(
                "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (tenant_id, reference_no) DO NOTHING"
            )),
            a,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
