//! Per-user rate limit on minting access tokens (issue 13, item 4: one client minted
//! 2 200–2 700 tokens a second, each a token row and an audit row). A token bucket per
//! user: `burst` mints at once, then `per_sec` a second; a mint over the rate is refused as
//! [`Limit::TokenMints`] with the time until the next one is allowed.
//!
//! Kept in process memory, deliberately: it is a brake on growth, not a source of truth
//! (docs/design.md §4 forbids memory only for the latter). With several instances behind a load
//! balancer a user can mint up to `instances × per_sec`; the live-token cap per user, which
//! is enforced in the database, still holds. One entry per user who minted, and only
//! authenticated users reach it, so the map is bounded by the `api_users` table.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::domain::ids::ApiUserId;
use crate::domain::limits::{Busy, Limit};
use crate::domain::DomainError;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Mints available now (fractional while refilling).
    available: f64,
    at: DateTime<Utc>,
}

pub struct MintRate {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<ApiUserId, Bucket>>,
}

impl MintRate {
    /// `per_sec` 0 turns the limit off; a burst below 1 is taken as 1.
    pub fn new(per_sec: u32, burst: u32) -> Self {
        Self {
            per_sec: f64::from(per_sec),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one mint from `user`'s bucket at `now` (the services' clock), or says when
    /// one will be available.
    pub fn take(&self, user: ApiUserId, now: DateTime<Utc>) -> Result<(), DomainError> {
        if self.per_sec <= 0.0 {
            return Ok(());
        }
        // A poisoned lock only means another thread panicked mid-update of plain numbers.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(user).or_insert(Bucket {
            available: self.burst,
            at: now,
        });
        // A clock that steps back refills nothing (never a negative refill).
        let elapsed = (now - bucket.at).to_std().unwrap_or_default().as_secs_f64();
        bucket.available = (bucket.available + elapsed * self.per_sec).min(self.burst);
        bucket.at = now.max(bucket.at);
        if bucket.available >= 1.0 {
            bucket.available -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.available) / self.per_sec;
        Err(DomainError::Busy(Busy::new(
            Limit::TokenMints,
            std::time::Duration::from_secs_f64(wait),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn user() -> ApiUserId {
        ApiUserId::from_uuid(uuid::Uuid::new_v4())
    }

    fn busy_for(result: Result<(), DomainError>) -> Option<std::time::Duration> {
        match result {
            Ok(()) => None,
            Err(DomainError::Busy(busy)) => {
                assert_eq!(busy.limit, Limit::TokenMints);
                Some(busy.retry_after)
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_burst_then_the_sustained_rate_per_user() {
        let rate = MintRate::new(10, 3);
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let (a, b) = (user(), user());
        for _ in 0..3 {
            assert_eq!(busy_for(rate.take(a, t0)), None);
        }
        let wait = busy_for(rate.take(a, t0)).expect("the fourth at once is refused");
        assert_eq!(wait, std::time::Duration::from_millis(100));
        // Another user has a bucket of its own.
        assert_eq!(busy_for(rate.take(b, t0)), None);
        // One tenth of a second refills one mint, and only one.
        let t1 = t0 + Duration::milliseconds(100);
        assert_eq!(busy_for(rate.take(a, t1)), None);
        assert!(busy_for(rate.take(a, t1)).is_some());
        // A long quiet spell refills up to the burst, not beyond.
        let t2 = t1 + Duration::hours(1);
        for _ in 0..3 {
            assert_eq!(busy_for(rate.take(a, t2)), None);
        }
        assert!(busy_for(rate.take(a, t2)).is_some());
    }

    #[test]
    fn a_clock_stepping_back_refills_nothing_and_zero_turns_the_limit_off() {
        let rate = MintRate::new(1, 1);
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let a = user();
        assert_eq!(busy_for(rate.take(a, t0)), None);
        assert!(busy_for(rate.take(a, t0 - Duration::hours(1))).is_some());
        let off = MintRate::new(0, 0);
        for _ in 0..1000 {
            assert_eq!(busy_for(off.take(a, t0)), None);
        }
    }
}
