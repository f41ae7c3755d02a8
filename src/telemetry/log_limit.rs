//! At most a few log lines per second per client address (issue 13, item 5): a client that
//! sends 18 500 refused requests a second must not write 18 500 lines a second. Each
//! address has a small token bucket; lines past it are counted, and the count comes out
//! later as one "N similar log lines suppressed from ADDR" line. All addresses together
//! share a larger bucket, so many addresses cannot add up to an unbounded rate either.
//!
//! The table is fixed (`SLOTS` addresses, placed by a per-process keyed hash): memory stays
//! bounded whatever the number of addresses. An address that finds its slot taken replaces
//! the one there; what the old one had suppressed is still reported, as "from other
//! addresses".

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Addresses tracked at once.
const SLOTS: usize = 1024;
/// All addresses together may log this many times one address's rate.
const GLOBAL_FACTOR: f64 = 20.0;
/// A summary line per address at most this often.
const SUMMARY_EVERY: Duration = Duration::from_secs(1);
/// Lines per second per address unless configured (`--log-lines-per-client`).
pub const DEFAULT_PER_CLIENT: u32 = 5;

/// A token bucket: `rate` tokens a second, at most `rate` (at least one) held.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(rate: f64, now: Instant) -> Self {
        Self {
            tokens: rate.max(1.0),
            at: now,
        }
    }

    fn take(&mut self, rate: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(rate.max(1.0));
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

struct Slot {
    addr: IpAddr,
    bucket: Bucket,
    suppressed: u64,
    last_summary: Option<Instant>,
}

struct Table {
    /// Lines per second per address; 0: no limit.
    rate: u32,
    slots: Vec<Option<Slot>>,
    global: Bucket,
    /// Suppressed lines of addresses whose slot was taken over.
    untracked: u64,
    last_untracked_summary: Option<Instant>,
}

/// Lines a summary reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// `None`: addresses no longer tracked.
    pub from: Option<IpAddr>,
    pub lines: u64,
}

pub struct LogLimiter {
    hasher: RandomState,
    table: Mutex<Table>,
}

impl LogLimiter {
    pub fn new(per_client: u32) -> Self {
        let now = Instant::now();
        Self {
            hasher: RandomState::new(),
            table: Mutex::new(Table {
                rate: per_client,
                slots: (0..SLOTS).map(|_| None).collect(),
                global: Bucket::full(f64::from(per_client) * GLOBAL_FACTOR, now),
                untracked: 0,
                last_untracked_summary: None,
            }),
        }
    }

    /// The process's limiter: the log subscriber is process-wide, so this is too.
    pub fn global() -> &'static LogLimiter {
        static LIMITER: OnceLock<LogLimiter> = OnceLock::new();
        LIMITER.get_or_init(|| LogLimiter::new(DEFAULT_PER_CLIENT))
    }

    /// Lines per second per address (0: no limit).
    pub fn set_rate(&self, per_client: u32) {
        let mut table = self.lock();
        table.rate = per_client;
        table.global = Bucket::full(f64::from(per_client) * GLOBAL_FACTOR, Instant::now());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        // A panic while holding the lock cannot leave the table inconsistent in a way that
        // matters (counters only): keep logging rather than poison every later line.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether one more line from `addr` may be written now; if not, it is counted.
    pub fn admit(&self, addr: IpAddr, now: Instant) -> bool {
        let index = self.index(addr);
        let mut table = self.lock();
        let rate = f64::from(table.rate);
        if table.rate == 0 {
            return true;
        }
        let Table {
            slots,
            global,
            untracked,
            ..
        } = &mut *table;
        let slot = slot_for(&mut slots[index], addr, rate, now, untracked);
        if slot.bucket.take(rate, now) && global.take(rate * GLOBAL_FACTOR, now) {
            true
        } else {
            slot.suppressed += 1;
            false
        }
    }

    /// The summary due for `addr` now, if any: its own suppressed lines (at most one
    /// summary a second), else those of addresses no longer tracked. A summary is a line
    /// too, so it needs a token of the shared bucket.
    pub fn summary(&self, addr: IpAddr, now: Instant) -> Option<Suppressed> {
        let index = self.index(addr);
        let mut table = self.lock();
        let rate = f64::from(table.rate) * GLOBAL_FACTOR;
        let due = |last: Option<Instant>| {
            last.is_none_or(|at| now.saturating_duration_since(at) >= SUMMARY_EVERY)
        };
        let Table {
            slots,
            global,
            untracked,
            last_untracked_summary,
            ..
        } = &mut *table;
        if let Some(slot) = slots[index].as_mut().filter(|s| s.addr == addr) {
            if slot.suppressed > 0 && due(slot.last_summary) && global.take(rate, now) {
                slot.last_summary = Some(now);
                let lines = std::mem::take(&mut slot.suppressed);
                return Some(Suppressed {
                    from: Some(addr),
                    lines,
                });
            }
        }
        if *untracked > 0 && due(*last_untracked_summary) && global.take(rate, now) {
            *last_untracked_summary = Some(now);
            return Some(Suppressed {
                from: None,
                lines: std::mem::take(untracked),
            });
        }
        None
    }

    fn index(&self, addr: IpAddr) -> usize {
        (self.hasher.hash_one(addr) % SLOTS as u64) as usize
    }
}

/// `addr`'s slot, taking it over (and keeping the count of the address there) if needed.
fn slot_for<'a>(
    slot: &'a mut Option<Slot>,
    addr: IpAddr,
    rate: f64,
    now: Instant,
    untracked: &mut u64,
) -> &'a mut Slot {
    if slot.as_ref().is_some_and(|s| s.addr != addr) {
        *untracked += slot.take().map_or(0, |s| s.suppressed);
    }
    slot.get_or_insert_with(|| Slot {
        addr,
        bucket: Bucket::full(rate, now),
        suppressed: 0,
        last_summary: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_address_gets_its_burst_then_is_counted_then_summarised() {
        let limiter = LogLimiter::new(5);
        let now = Instant::now();
        let a = addr("192.0.2.1");
        let admitted = (0..100).filter(|_| limiter.admit(a, now)).count();
        assert_eq!(admitted, 5);
        assert_eq!(
            limiter.summary(a, now),
            Some(Suppressed {
                from: Some(a),
                lines: 95
            })
        );
        // Counted afresh; the next summary waits a second.
        assert!(!limiter.admit(a, now));
        assert_eq!(limiter.summary(a, now), None);
        let later = now + Duration::from_secs(1);
        assert_eq!(limiter.summary(a, later).map(|s| s.lines), Some(1));
        // The bucket refilled meanwhile: a second's worth of lines gets through.
        let admitted = (0..100).filter(|_| limiter.admit(a, later)).count();
        assert_eq!(admitted, 5);
    }

    #[test]
    fn another_address_is_unaffected() {
        let limiter = LogLimiter::new(5);
        let now = Instant::now();
        let (a, b) = (addr("192.0.2.1"), addr("2001:db8::1"));
        for _ in 0..1_000 {
            limiter.admit(a, now);
        }
        assert!((0..5).all(|_| limiter.admit(b, now)));
        assert_eq!(limiter.summary(b, now), None);
    }

    #[test]
    fn many_addresses_together_are_bounded_and_nothing_goes_uncounted() {
        let limiter = LogLimiter::new(5);
        let now = Instant::now();
        // 10 000 addresses, one line each, at the same instant: only the shared bucket's
        // worth gets through, whatever the table holds.
        let sent = 10_000u64;
        let admitted = (0..sent)
            .filter(|i| limiter.admit(IpAddr::from((*i as u32 + 1).to_be_bytes()), now))
            .count() as u64;
        assert_eq!(admitted, (5.0 * GLOBAL_FACTOR) as u64);
        // Every suppressed line is reported, by its address or as untracked.
        let later = now + Duration::from_secs(3_600);
        let mut reported = 0;
        for i in 0..sent {
            if let Some(s) = limiter.summary(IpAddr::from((i as u32 + 1).to_be_bytes()), later) {
                reported += s.lines;
            }
        }
        assert!(reported <= sent - admitted);
        let untracked = limiter.lock().untracked;
        let tracked: u64 = limiter
            .lock()
            .slots
            .iter()
            .flatten()
            .map(|s| s.suppressed)
            .sum();
        assert_eq!(reported + untracked + tracked, sent - admitted);
    }

    #[test]
    fn a_rate_of_zero_turns_the_limit_off() {
        let limiter = LogLimiter::new(0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limiter.admit(addr("192.0.2.9"), now)));
        assert_eq!(limiter.summary(addr("192.0.2.9"), now), None);
    }
}
