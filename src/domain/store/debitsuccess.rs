//! Storage the debitsuccess API needs beyond the shared areas: replies kept under the
//! client's request `Id` (DESIGN §6.1: "A repeated request `Id` from the same user with the
//! same body replays the stored reply; with a different body it fails with 09").

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::debitsuccess::StoredMessageReply;
use crate::domain::ids::{ApiUserId, TenantId};
use crate::domain::DomainError;

/// Keys are scoped by tenant and user: two clients may pick the same `Id`.
#[async_trait]
pub trait DebitsuccessRepo: Send {
    /// The live reply stored under `message_key`, if any.
    async fn ds_message_reply(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        message_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredMessageReply>, DomainError>;

    /// Records `reply` unless a live one exists (an expired one is replaced); returns the
    /// live one otherwise. One statement, so two concurrent claimants cannot both win: on
    /// PostgreSQL the second waits on the key until the first commits (DESIGN §4).
    async fn ds_claim_message_reply(
        &mut self,
        tenant: TenantId,
        user: ApiUserId,
        message_key: &str,
        reply: &StoredMessageReply,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredMessageReply>, DomainError>;
}
