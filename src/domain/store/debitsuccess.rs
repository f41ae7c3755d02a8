//! Storage the debitsuccess API needs beyond the shared areas: none. Replies kept under a
//! client's request `Id` (docs/design.md §6.1) live in the shared Idempotency-Key store
//! (`IdempotencyRepo`), under keys namespaced `debitsuccess-request-id:`.

use async_trait::async_trait;

#[async_trait]
pub trait DebitsuccessRepo: Send {}
