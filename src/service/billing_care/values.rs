//! The cancel-bundle request's own values (the Billing Care *Cancel a Bundle* page): when it takes effect and its
//! description, each parsed once with the reason it may be refused.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone as _, Utc};

use crate::domain::tenant::TimeZone;
use crate::domain::DomainError;

/// BRM description fields hold 255 characters.
pub const DESCRIPTION_MAX_CHARS: usize = 255;

/// When the cancel takes effect, as the client wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effective {
    /// RFC 3339 with `Z` or an offset.
    At(DateTime<Utc>),
    /// An `xs:dateTime` without an offset: read in the tenant's time zone.
    Local(NaiveDateTime),
}

impl Effective {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(Effective::At(at.with_timezone(&Utc)));
        }
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .map(Effective::Local)
            .map_err(|_| {
                DomainError::invalid(
                    "effective",
                    format!(
                        "'{text}' is not a date-time; send RFC 3339 such as \
                         2026-07-01T00:00:00+12:00 (without an offset it is read in the \
                         tenant's time zone)"
                    ),
                )
            })
    }

    /// The instant, in `zone` for a local time. A local time that occurs twice (the
    /// daylight-saving fall-back hour) is its earlier occurrence; one that never occurs
    /// (the spring-forward gap) is refused.
    pub(super) fn instant(&self, zone: TimeZone) -> Result<DateTime<Utc>, DomainError> {
        match self {
            Effective::At(at) => Ok(*at),
            Effective::Local(local) => match zone.tz().from_local_datetime(local) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => {
                    Ok(at.with_timezone(&Utc))
                }
                LocalResult::None => Err(DomainError::invalid(
                    "effective",
                    format!(
                        "{} does not exist in {} (a daylight-saving gap); send an offset",
                        local.format("%Y-%m-%dT%H:%M:%S"),
                        zone.name()
                    ),
                )),
            },
        }
    }
}

/// A cancellation description: at most [`DESCRIPTION_MAX_CHARS`] characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        if text.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(DomainError::invalid(
                "description",
                format!("is longer than {DESCRIPTION_MAX_CHARS} characters"),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn effective_takes_rfc3339_or_a_local_time() {
        assert_eq!(
            Effective::parse("2026-07-01T00:00:00+12:00").unwrap(),
            Effective::At(Utc.with_ymd_and_hms(2026, 6, 30, 12, 0, 0).unwrap())
        );
        let local = NaiveDate::from_ymd_opt(2026, 7, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(
            Effective::parse("2026-07-01T00:00:00").unwrap(),
            Effective::Local(local)
        );
        // Winter in Auckland: +12:00.
        assert_eq!(
            Effective::Local(local)
                .instant(TimeZone::parse("Pacific/Auckland").unwrap())
                .unwrap(),
            Utc.with_ymd_and_hms(2026, 6, 30, 12, 0, 0).unwrap()
        );
        // What JSON Schema's date-time admits: lowercase separators, long fractions.
        for good in [
            "2000-01-01t00:00:00z",
            "2000-01-01T00:00:00.1234567891234Z",
            "1990-12-31T23:59:60Z",
        ] {
            assert!(
                matches!(Effective::parse(good), Ok(Effective::At(_))),
                "{good}"
            );
        }
        for bad in ["tomorrow", "2026-07-01", "2026-13-01T00:00:00Z", ""] {
            assert!(Effective::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_local_time_in_the_spring_gap_is_refused() {
        // Auckland skips 02:00-03:00 on 2026-09-27.
        let gap = Effective::parse("2026-09-27T02:30:00").unwrap();
        let err = gap
            .instant(TimeZone::parse("Pacific/Auckland").unwrap())
            .unwrap_err();
        assert!(err.to_string().contains("daylight-saving gap"), "{err}");
    }

    #[test]
    fn descriptions_hold_255_characters() {
        assert!(Description::parse(&"é".repeat(255)).is_ok());
        assert!(Description::parse(&"é".repeat(256)).is_err());
    }
}
