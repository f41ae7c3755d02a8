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
}
