//! Storage the billing_care API needs beyond the shared areas.

use async_trait::async_trait;

#[async_trait]
pub trait BillingCareRepo: Send {}
