//! Tenants (docs/design.md §3): a Debitsuccess client, a CRM.COM organisation, a floLIVE root
//! customer, a Billing Care brand — one concept. "Today" for date rules is today in
//! the tenant's IANA time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::ids::TenantId;
use super::DomainError;

/// `Pacific/Auckland` unless a tenant says otherwise (docs/design.md §3).
pub const DEFAULT_TIME_ZONE: &str = "Pacific/Auckland";

/// A tenant's short code, the natural key fixtures and CRM.COM `organisation` use.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TenantCode(String);

impl TenantCode {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let valid = !text.is_empty()
            && text.len() <= 64
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(text.to_owned()))
        } else {
            Err(DomainError::invalid(
                "tenant code",
                format!("'{text}' must be 1-64 letters, digits, '-' or '_'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IANA time zone, validated against the tz database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    pub fn parse(name: &str) -> Result<Self, DomainError> {
        name.parse::<Tz>().map(Self).map_err(|_| {
            DomainError::invalid("timezone", format!("'{name}' is not an IANA time zone"))
        })
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    /// The calendar date at `now` in this zone.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.0).date_naive()
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self(chrono_tz::Pacific::Auckland)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant {
    pub id: TenantId,
    pub code: TenantCode,
    pub name: String,
    pub time_zone: TimeZone,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn today_is_judged_in_the_tenants_zone() {
        // 2026-11-23 11:30 UTC is already the 24th in Auckland (+13:00 in summer).
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 11, 30, 0).unwrap();
        let auckland = TimeZone::parse("Pacific/Auckland").unwrap();
        let london = TimeZone::parse("Europe/London").unwrap();
        assert_eq!(
            auckland.today(now),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        assert_eq!(
            london.today(now),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(TimeZone::parse("Mars/Olympus").is_err());
        assert_eq!(TimeZone::default().name(), DEFAULT_TIME_ZONE);
    }

    #[test]
    fn tenant_codes_are_plain_tokens() {
        assert!(TenantCode::parse("acme-2").is_ok());
        assert!(TenantCode::parse("").is_err());
        assert!(TenantCode::parse("a b").is_err());
    }
}
