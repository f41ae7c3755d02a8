//! The event feed (issue 18 item 2; docs/events.md): pages of committed changes in feed
//! order, each seen exactly once by a reader that follows `next`, with long polling.

use std::time::Duration;

use tokio::time::Instant;

use crate::domain::event::{FeedCursor, FeedEvent, FeedFilter};
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;
use crate::service::Services;

/// Page sizes (docs/events.md "Reading the feed"): 1–1000, 100 when not given.
pub const MAX_LIMIT: i64 = 1000;
pub const DEFAULT_LIMIT: i64 = 100;
/// Most events one filtered read examines (docs/events.md "Reading the feed"): a filter
/// that matches rarely comes back with a short page and a cursor moved past the window,
/// instead of walking every event after the cursor.
pub const MAX_SCAN: i64 = 10_000;
/// Longest `wait` a reader may ask for.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// While waiting, the feed is read again at least this often: a commit of another
/// instance (PostgreSQL) wakes no one here, and an event held back behind a transaction
/// still running shows once that transaction ends, which may wake no one either.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// One page request, already validated.
#[derive(Clone, Debug)]
pub struct FeedRequest {
    pub after: FeedCursor,
    pub limit: i64,
    pub filter: FeedFilter,
    pub wait: Duration,
}

impl FeedRequest {
    /// Parses the query's values (docs/events.md): anything out of range is refused, not
    /// clamped, so a client learns of its mistake.
    pub fn parse(
        after: Option<&str>,
        limit: Option<&str>,
        tenant: Option<&str>,
        event_type: Option<&str>,
        wait: Option<&str>,
    ) -> Result<Self, DomainError> {
        let after = after
            .map(FeedCursor::parse)
            .transpose()?
            .unwrap_or(FeedCursor::START);
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(DomainError::invalid(
                        "limit",
                        format!("a whole number from 1 to {MAX_LIMIT}"),
                    ))
                }
            },
        };
        let wait = match wait {
            None => Duration::ZERO,
            Some(text) => match text.parse::<u64>() {
                Ok(secs) if secs <= MAX_WAIT.as_secs() => Duration::from_secs(secs),
                _ => {
                    return Err(DomainError::invalid(
                        "wait",
                        format!("whole seconds from 0 to {}", MAX_WAIT.as_secs()),
                    ))
                }
            },
        };
        // A tenant is named by its code (docs/design.md §3): anything else names none.
        let tenant = tenant
            .map(|code| {
                TenantCode::parse(code)
                    .map(|code| code.as_str().to_owned())
                    .map_err(|_| DomainError::invalid("tenant", "not a tenant code"))
            })
            .transpose()?;
        let event_type = event_type
            .map(crate::domain::event::EventType::parse)
            .transpose()?;
        Ok(Self {
            after,
            limit,
            filter: FeedFilter { tenant, event_type },
            wait,
        })
    }
}

/// A page: its events and the cursor to continue from.
#[derive(Clone, Debug)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    pub next: FeedCursor,
}

impl Services {
    /// The page after `request.after`; with a `wait`, held until an event arrives or the
    /// wait ends. Events the filters skip still move the cursor on.
    pub async fn feed(&self, request: &FeedRequest) -> Result<FeedPage, DomainError> {
        let deadline = Instant::now() + request.wait;
        let mut woken = self.events_committed.subscribe();
        let mut after = request.after;
        loop {
            // Marked seen before the read: a commit after this point wakes the wait below.
            woken.borrow_and_update();
            let page = self.feed_page(after, request).await?;
            let now = Instant::now();
            if !page.events.is_empty() || now >= deadline {
                return Ok(page);
            }
            after = page.next;
            let nap = (deadline - now).min(POLL_INTERVAL);
            tokio::select! {
                changed = woken.changed() => {
                    // The sender lives as long as the services; were it gone, poll.
                    if changed.is_err() {
                        tokio::time::sleep(nap).await;
                    }
                }
                _ = tokio::time::sleep(nap) => {}
            }
        }
    }

    /// One read: the horizon, then the page below it (`EventRepo`).
    async fn feed_page(
        &self,
        after: FeedCursor,
        request: &FeedRequest,
    ) -> Result<FeedPage, DomainError> {
        let mut read = self.store.read().await?;
        let horizon = read.feed_horizon().await?;
        let filtered = request.filter != FeedFilter::default();
        let scan = if filtered { MAX_SCAN } else { request.limit };
        let events = read
            .feed_page(after, horizon, &request.filter, request.limit, scan)
            .await?;
        let next = match events.last() {
            // A full page ends at its last event; more may follow.
            Some(last) if events.len() as i64 == request.limit => last.position,
            // Unfiltered, a short page ends at the last event there is.
            Some(last) if !filtered => last.position,
            // Filtered, the window was read to its end: the cursor passes what it skipped.
            _ if filtered => read
                .feed_window_end(after, horizon, scan)
                .await?
                .unwrap_or(after),
            // Nothing new: the cursor given.
            _ => after,
        };
        Ok(FeedPage { events, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked_not_clamped() {
        let ok = FeedRequest::parse(None, None, None, None, None).unwrap();
        assert_eq!(
            (ok.after, ok.limit, ok.wait),
            (FeedCursor::START, 100, Duration::ZERO)
        );
        let ok =
            FeedRequest::parse(Some("3-9"), Some("1000"), Some("acme"), None, Some("30")).unwrap();
        assert_eq!(ok.after, FeedCursor { xid: 3, seq: 9 });
        assert_eq!(ok.filter.tenant.as_deref(), Some("acme"));
        for (limit, wait) in [
            ("0", "0"),
            ("1001", "0"),
            ("x", "0"),
            ("1", "31"),
            ("1", "-1"),
        ] {
            assert!(FeedRequest::parse(None, Some(limit), None, None, Some(wait)).is_err());
        }
        assert!(FeedRequest::parse(None, None, None, Some("nope"), None).is_err());
        assert!(FeedRequest::parse(Some("x"), None, None, None, None).is_err());
    }
}
