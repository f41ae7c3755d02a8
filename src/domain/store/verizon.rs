//! Storage the verizon API needs beyond the shared areas.

use async_trait::async_trait;

#[async_trait]
pub trait VerizonRepo: Send {}
