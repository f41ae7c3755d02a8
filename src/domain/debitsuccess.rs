//! Debitsuccess records of the domain (DESIGN §6.1): replies kept under a client's
//! request `Id`, so a retried message gets its first answer again.

use chrono::{DateTime, Utc};

/// A reply recorded under a request `Id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessageReply {
    pub operation: String,
    /// Fingerprint of the operation and its data fields: a reuse with another body is refused.
    pub request_hash: String,
    /// The reply's fields (JSON), rendered again in the format of whoever asks.
    pub reply: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}
