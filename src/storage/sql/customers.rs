use async_trait::async_trait;

use crate::domain::customer::Customer;
use crate::domain::ids::{CustomerId, TenantId};
use crate::domain::store::CustomerRepo;
use crate::domain::DomainError;

use super::errors::db_error;
use super::row::{opt_uuid, text, uuid};
use super::{Dialect, SqlTx};

#[async_trait]
impl<D: Dialect> CustomerRepo for SqlTx<D> {
    async fn insert_customer(&mut self, customer: &Customer) -> Result<(), DomainError> {
        sqlx::query(
            "INSERT INTO customers (id, tenant_id, parent_id, name) VALUES ($1, $2, $3, $4)",
        )
        .bind(customer.id.to_string())
        .bind(customer.tenant.to_string())
        .bind(customer.parent.map(|p| p.to_string()))
        .bind(&customer.name)
        .execute(&mut *self.tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn customer(
        &mut self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, DomainError> {
        let row = sqlx::query(
            "SELECT id, tenant_id, parent_id, name FROM customers WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Ok(Customer {
                id: CustomerId::from_uuid(uuid(&row, "id")?),
                tenant: TenantId::from_uuid(uuid(&row, "tenant_id")?),
                parent: opt_uuid(&row, "parent_id")?.map(CustomerId::from_uuid),
                name: text(&row, "name")?,
            })
        })
        .transpose()
    }
}
