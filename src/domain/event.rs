//! The event feed's model (issue 18 item 2; docs/events.md): the kinds of change the
//! use-cases make, the feed's cursor, and one event as the feed reads it.
//!
//! An event *is* the audit row its change's transaction wrote (docs/design.md §3 "written
//! in the same transaction as the change"): the use-case names the row's [`EventType`], and
//! audit rows without one (token mints and releases: credentials, not billing changes) are
//! not events.

use std::fmt;

use chrono::{DateTime, Utc};

use super::audit::Channel;
use super::DomainError;

/// The CloudEvents `type` prefix: reverse-DNS, as CloudEvents 1.0 §3.1.1 recommends.
pub const TYPE_PREFIX: &str = "com.billing-compat.";

macro_rules! event_types {
    ($($(#[$doc:meta])* $variant:ident => $text:literal, $api:literal;)+) => {
        /// One per kind of change our use-cases make (docs/events.md "Event types").
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum EventType { $($(#[$doc])* $variant),+ }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            /// The CloudEvents `type`.
            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => concat!("com.billing-compat.", $text)),+ }
            }

            /// The vendor API whose call (or whose queued job) made the change, or `admin`
            /// for an operator's change through the admin API.
            pub fn api(self) -> &'static str {
                match self { $(EventType::$variant => $api),+ }
            }
        }
    };
}

event_types! {
    /// Debitsuccess `AdjustAccountTerminationDate` set an account's termination date.
    AccountTerminationDateChanged => "account.termination_date_changed", "debitsuccess";
    /// floLIVE accepted an attach or detach request (it completes on the queue).
    OperationRequestAccepted => "operation_request.accepted", "flolive";
    /// floLIVE's queued detach ended the product instance (DETACHED).
    ProductInstanceDetached => "product_instance.detached", "flolive";
    /// floLIVE's queued attach created the product instance (ACTIVE).
    ProductInstanceAttached => "product_instance.attached", "flolive";
    /// floLIVE's queued attach or detach failed; the request is FAILED, the instance as it was.
    ProductInstanceOperationFailed => "product_instance.operation_failed", "flolive";
    /// Billing Care cancelled a bundle, now or from a later date (`data.after`).
    BundleCancelled => "bundle.cancelled", "billing_care";
    /// CRM.COM created a provisioning request.
    ProvisioningRequestCreated => "provisioning_request.created", "crmcom";
    /// Verizon's confirmation answered a disconnect order's charge items.
    DisconnectOrderAnswered => "disconnect_order.answered", "verizon";
    /// Verizon's disconnect cancelled one of the account's product instances.
    ProductInstanceCancelled => "product_instance.cancelled", "verizon";
    /// Verizon's disconnect cancelled the account and set its termination date.
    AccountCancelled => "account.cancelled", "verizon";
    /// Verizon's disconnect was carried out: the order is COMPLETED.
    DisconnectOrderCompleted => "disconnect_order.completed", "verizon";
    /// An operator put the database back to the loaded fixture (`POST /admin/v1/reset`,
    /// docs/operations.md "Reset"): everything a reader derived from the tenant's earlier
    /// events is void. One per tenant the reset left.
    TenantReset => "tenant.reset", "admin";
}

impl EventType {
    /// The type named by its CloudEvents `type`; an unknown name is the client's error.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == text)
            .ok_or_else(|| {
                DomainError::invalid(
                    "type",
                    format!("unknown event type '{text}' (see docs/events.md \"Event types\")"),
                )
            })
    }
}

/// A position in the feed: after the event of transaction `xid` with sequence number `seq`
/// (docs/events.md "The cursor"). Feed order is `(xid, seq)`; on SQLite `xid` is always 0.
/// Written `xid-seq`; clients treat it as opaque.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FeedCursor {
    pub xid: i64,
    pub seq: i64,
}

impl FeedCursor {
    /// Before every event.
    pub const START: FeedCursor = FeedCursor { xid: 0, seq: 0 };

    /// A cursor as `next` gave it; anything else is the client's error.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::invalid("after", "not a cursor this feed returned");
        let (xid, seq) = text.split_once('-').ok_or_else(bad)?;
        let number = |part: &str| {
            // Digits only: no sign, no spaces, nothing a number parser would forgive.
            if part.is_empty() || part.len() > 19 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse::<i64>().map_err(|_| bad())
        };
        Ok(Self {
            xid: number(xid)?,
            seq: number(seq)?,
        })
    }
}

impl fmt::Display for FeedCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.xid, self.seq)
    }
}

/// What a page keeps (docs/events.md "Filters"): the cursor still advances over the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedFilter {
    /// A tenant's code.
    pub tenant: Option<String>,
    pub event_type: Option<EventType>,
}

/// One event as stored: its audit row, with where it sits in the feed.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedEvent {
    /// The audit row's id: stable and unique, the CloudEvents `id`.
    pub id: String,
    pub position: FeedCursor,
    pub event_type: EventType,
    pub tenant_code: String,
    /// When the change was made, inside its transaction.
    pub at: DateTime<Utc>,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub operation: String,
    pub channel: Channel,
    pub initiator: Option<String>,
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_anything_else() {
        let cursor = FeedCursor { xid: 812, seq: 40 };
        assert_eq!(FeedCursor::parse(&cursor.to_string()).unwrap(), cursor);
        assert_eq!(FeedCursor::parse("0-0").unwrap(), FeedCursor::START);
        for bad in [
            "",
            "1",
            "-1-2",
            "1--2",
            "1-+2",
            " 1-2",
            "a-b",
            "99999999999999999999-1",
        ] {
            assert!(FeedCursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_type_is_reverse_dns_unique_and_parses_back() {
        let mut seen = std::collections::HashSet::new();
        for t in EventType::ALL {
            assert!(t.as_str().starts_with(TYPE_PREFIX), "{t:?}");
            assert!(seen.insert(t.as_str()), "{t:?}");
            assert_eq!(EventType::parse(t.as_str()).unwrap(), *t);
        }
        assert!(EventType::parse("account.cancelled").is_err());
    }
}
