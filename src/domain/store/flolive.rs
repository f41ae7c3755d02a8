//! Storage the flolive API needs beyond the shared areas.

use async_trait::async_trait;

#[async_trait]
pub trait FloliveRepo: Send {}
