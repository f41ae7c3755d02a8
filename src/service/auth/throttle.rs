//! Failed sign-ins, counted per (username, source) and per source; past a threshold the
//! source is refused without hashing for a window that doubles with each further failure
//! (issue 13 row 1; docs/operations.md "Credential checks under attack").
//!
//! No hard lock-out: the longest window is bounded, a record is forgotten after a quiet
//! period, and a pair of credentials already verified is never throttled (the caller
//! checks that first), so the real integration keeps working while someone guesses from
//! its own address. Only verified failures count: attempts refused while a window is open
//! do not extend it, so the window grows with the guesses actually tried.
//!
//! A source with failures on record is checked one attempt at a time: when a window ends,
//! a guesser's 64 waiting connections would otherwise all pass the check before the first
//! of them fails again, and cost 64 hashes; instead one is hashed and the rest are refused
//! as throttled for one base window.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug)]
pub struct ThrottleSettings {
    /// Failures of one username from one source before that pair is throttled.
    pub per_user_threshold: u32,
    /// Failures from one source, any usernames, before the source is throttled.
    pub per_source_threshold: u32,
    /// The first window; each further failure doubles it.
    pub base_window: Duration,
    /// The longest window.
    pub max_window: Duration,
    /// A record with no new failure for this long is forgotten (at least `max_window`).
    pub forget_after: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            per_user_threshold: 5,
            per_source_threshold: 20,
            base_window: Duration::from_secs(1),
            max_window: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(3600),
        }
    }
}

#[derive(Default)]
struct Record {
    failures: u32,
    blocked_until: Option<Instant>,
    /// Checks of this source under way (kept for source records only).
    in_flight: u32,
}

/// Leave to hash one attempt; while it lives, the source's other attempts wait their turn.
pub struct Admission {
    gate: Option<Arc<Mutex<Record>>>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        if let Some(gate) = &self.gate {
            if let Ok(mut record) = gate.lock() {
                record.in_flight = record.in_flight.saturating_sub(1);
            }
        }
    }
}

type Key = [u8; 32];

pub struct Throttle {
    settings: ThrottleSettings,
    /// Bounded: a source rotating usernames fills the per-source record long before this.
    records: Cache<Key, Arc<Mutex<Record>>>,
}

impl Throttle {
    pub fn new(settings: ThrottleSettings) -> Self {
        let idle = settings.forget_after.max(settings.max_window);
        Self {
            records: Cache::builder()
                .max_capacity(200_000)
                .time_to_idle(idle)
                .build(),
            settings,
        }
    }

    /// Leave to hash this attempt (the caller has already passed [`Throttle::check`]), or
    /// `Err(retry_after)` while another attempt of a source with failures on record is
    /// being checked.
    pub fn admit(&self, source: IpAddr) -> Result<Admission, Duration> {
        let Some(gate) = self.records.get(&source_key(source)) else {
            return Ok(Admission { gate: None });
        };
        {
            let mut record = gate.lock().map_err(|_| self.settings.base_window)?;
            if record.failures > 0 && record.in_flight > 0 {
                return Err(self.settings.base_window);
            }
            record.in_flight += 1;
        }
        Ok(Admission { gate: Some(gate) })
    }

    /// `Err(remaining)` while `source`, or `username` from `source`, is in a window.
    pub fn check(&self, username: &str, source: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let remaining = [pair_key(username, source), source_key(source)]
            .iter()
            .filter_map(|key| self.records.get(key))
            .filter_map(|record| {
                let until = record.lock().ok()?.blocked_until?;
                until.checked_duration_since(now)
            })
            .max();
        match remaining {
            Some(left) if !left.is_zero() => Err(left),
            _ => Ok(()),
        }
    }

    /// A verified failure: counts for the pair and the source.
    pub fn failed(&self, username: &str, source: IpAddr) {
        let now = Instant::now();
        let thresholds = [
            (pair_key(username, source), self.settings.per_user_threshold),
            (source_key(source), self.settings.per_source_threshold),
        ];
        for (key, threshold) in thresholds {
            let record = self.records.get_with(key, Default::default);
            let Ok(mut record) = record.lock() else {
                continue;
            };
            record.failures = record.failures.saturating_add(1);
            if record.failures >= threshold.max(1) {
                let doublings = (record.failures - threshold.max(1)).min(30);
                let window = self
                    .settings
                    .base_window
                    .saturating_mul(1u32 << doublings)
                    .min(self.settings.max_window);
                record.blocked_until = Some(now + window);
            }
        }
    }
}

/// An IPv6 client controls its whole /64: count it as one source.
pub fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
        v4 => v4,
    }
}

fn source_key(source: IpAddr) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(b"source\0");
    hasher.update(source_of(source).to_string());
    hasher.finalize().into()
}

fn pair_key(username: &str, source: IpAddr) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(b"pair\0");
    hasher.update(source_of(source).to_string());
    hasher.update([0]);
    hasher.update(username.as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_user: u32, per_source: u32, base_ms: u64) -> Throttle {
        Throttle::new(ThrottleSettings {
            per_user_threshold: per_user,
            per_source_threshold: per_source,
            base_window: Duration::from_millis(base_ms),
            max_window: Duration::from_secs(60),
            forget_after: Duration::from_secs(60),
        })
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn the_threshold_opens_a_window_that_doubles() {
        let t = throttle(3, 100, 10_000);
        for _ in 0..2 {
            t.failed("u", A);
            assert!(t.check("u", A).is_ok());
        }
        t.failed("u", A);
        let first = t.check("u", A).unwrap_err();
        assert!(first > Duration::from_secs(9) && first <= Duration::from_secs(10));
        t.failed("u", A);
        let second = t.check("u", A).unwrap_err();
        assert!(second > Duration::from_secs(19), "{second:?}");
        // Another username from A, and the same username from B, are not affected.
        assert!(t.check("v", A).is_ok());
        assert!(t.check("u", B).is_ok());
    }

    #[test]
    fn windows_expire() {
        let t = throttle(1, 100, 30);
        t.failed("u", A);
        assert!(t.check("u", A).is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.check("u", A).is_ok());
    }

    #[test]
    fn a_source_rotating_usernames_is_throttled_as_a_whole() {
        let t = throttle(100, 5, 10_000);
        for i in 0..5 {
            t.failed(&format!("user{i}"), A);
        }
        assert!(t.check("someone-else", A).is_err());
        assert!(t.check("someone-else", B).is_ok());
    }

    #[test]
    fn a_source_with_failures_is_checked_one_attempt_at_a_time() {
        let t = throttle(100, 100, 1_000);
        // No failures yet: attempts run side by side.
        let (a, b) = (t.admit(A).unwrap(), t.admit(A).unwrap());
        drop((a, b));
        t.failed("u", A);
        let first = t.admit(A).unwrap();
        assert_eq!(t.admit(A).err(), Some(Duration::from_millis(1_000)));
        assert!(t.admit(B).is_ok(), "another source is not held up");
        drop(first);
        assert!(t.admit(A).is_ok());
    }

    #[test]
    fn the_longest_window_is_bounded() {
        let t = throttle(1, 1, 1_000);
        for _ in 0..200 {
            t.failed("u", A);
        }
        assert!(t.check("u", A).unwrap_err() <= Duration::from_secs(60));
    }

    #[test]
    fn ipv6_sources_are_counted_per_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(source_of(one), source_of(other));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(source_of(mapped), A);
    }
}
