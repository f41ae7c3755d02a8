use async_trait::async_trait;

use crate::domain::customer::Customer;
use crate::domain::ids::{CustomerId, TenantId};
use crate::domain::store::CustomerRepo;
use crate::domain::DomainError;

use super::exec::Query;
use super::row::{opt_uuid, text, uuid};
use super::{Dialect, SqlTx};

/// A customer's values, shared by the plain and the if-absent insert: $1 to $4 as
/// `id, tenant_id, parent_id, name`.
fn bind_customer<'q, 'c>(query: Query<'q, 'c>, customer: &Customer) -> Query<'q, 'c> {
    query
        .bind(customer.id.to_string())
        .bind(customer.tenant.to_string())
        .bind(customer.parent.map(|p| p.to_string()))
        .bind(&customer.name)
}

#[async_trait]
impl<D: Dialect> CustomerRepo for SqlTx<'_, D> {
    async fn insert_customer(&mut self, customer: &Customer) -> Result<(), DomainError> {
        bind_customer(
            self.query(
                "INSERT INTO customers (id, tenant_id, parent_id, name) VALUES ($1, $2, $3, $4)",
            ),
            customer,
        )
        .execute()
        .await?;
        Ok(())
    }

    async fn customer(
        &mut self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, DomainError> {
        let row = self.query(
            "SELECT id, tenant_id, parent_id, name FROM customers WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional()
        .await?;
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

    async fn insert_customer_if_absent(
        &mut self,
        customer: &Customer,
    ) -> Result<bool, DomainError> {
        // Not `ON CONFLICT (id)`: the key is the id within the tenant, and an id another
        // tenant holds must stay a conflict (the primary key refuses it).
        let inserted = bind_customer(
            self.query(
                "INSERT INTO customers (id, tenant_id, parent_id, name) SELECT $1, $2, $3, $4 \
                 WHERE NOT EXISTS (SELECT 1 FROM customers WHERE id = $1 AND tenant_id = $2)",
            ),
            customer,
        )
        .execute()
        .await?;
        Ok(inserted == 1)
    }
}
