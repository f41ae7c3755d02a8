//! Time as a dependency, so date rules ("cannot be in the past") are testable.

use chrono::{DateTime, SecondsFormat, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The one text form timestamps are stored in (docs/design.md §3: UTC). Fixed width, so
/// text order is time order on both backends.
pub fn to_storage(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn from_storage(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn storage_form_round_trips_and_sorts() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(from_storage(&to_storage(a)), Some(a));
        assert!(to_storage(a) < to_storage(b));
        assert_eq!(to_storage(a), "2026-01-02T03:04:05.000000Z");
    }
}
