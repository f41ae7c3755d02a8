use async_trait::async_trait;

use crate::domain::customer::Customer;
use crate::domain::ids::{CustomerId, TenantId};
use crate::domain::DomainError;

#[async_trait]
pub trait CustomerRepo: Send {
    async fn insert_customer(&mut self, customer: &Customer) -> Result<(), DomainError>;
    async fn customer(
        &mut self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, DomainError>;

    /// Inserts the customer unless its tenant already has one with its id: true when
    /// inserted. An id another tenant holds is still a conflict, as for
    /// [`CustomerRepo::insert_customer`]. One statement (the fixture import).
    async fn insert_customer_if_absent(&mut self, customer: &Customer)
        -> Result<bool, DomainError>;
}
