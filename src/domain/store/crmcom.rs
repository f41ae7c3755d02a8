//! Storage the crmcom API needs beyond the shared areas.

use async_trait::async_trait;

#[async_trait]
pub trait CrmcomRepo: Send {}
