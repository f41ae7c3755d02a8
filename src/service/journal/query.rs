//! Reading the journal back (`GET /admin/v1/requests`, `…/requests/{id}`,
//! `GET /admin/v1/traffic`; docs/operations.md "Request journal").

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::journal::{
    JournalCursor, JournalEntry, JournalFilter, RecordedRequest, TrafficCount,
};
use crate::domain::tenant::TenantCode;
use crate::domain::user::Api;
use crate::domain::DomainError;
use crate::service::Services;

/// Page sizes: 1–500, 50 when not given.
pub const MAX_LIMIT: i64 = 500;
pub const DEFAULT_LIMIT: i64 = 50;
/// The traffic window: 1 minute to a day, an hour when not given.
pub const MAX_MINUTES: i64 = 24 * 60;
pub const DEFAULT_MINUTES: i64 = 60;
/// Filter values longer than this name nothing stored (operations, users, outcomes and
/// request ids are all shorter); refused rather than sent to the database.
const MAX_VALUE: usize = 256;

/// One listing request, validated.
#[derive(Clone, Debug, Default)]
pub struct JournalQuery {
    pub filter: JournalFilter,
    pub after: Option<JournalCursor>,
    pub limit: i64,
}

/// The raw query values, each at most once.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawQuery<'a> {
    pub tenant: Option<&'a str>,
    pub api: Option<&'a str>,
    pub operation: Option<&'a str>,
    pub user: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: Option<&'a str>,
}

fn bounded(field: &str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    match value {
        Some(v) if v.is_empty() || v.chars().count() > MAX_VALUE => Err(DomainError::invalid(
            field,
            format!("1 to {MAX_VALUE} characters"),
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

fn instant(field: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, DomainError> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| DomainError::invalid(field, "an RFC 3339 date-time"))
        })
        .transpose()
}

impl JournalQuery {
    /// Out-of-range values are refused, not clamped, so a client learns of its mistake.
    /// `tenant=` (empty) selects requests that authenticated no one.
    pub fn parse(raw: RawQuery<'_>) -> Result<Self, DomainError> {
        let tenant = raw
            .tenant
            .map(|code| match code {
                "" => Ok(None),
                code => TenantCode::parse(code)
                    .map(|c| Some(c.as_str().to_owned()))
                    .map_err(|_| DomainError::invalid("tenant", "not a tenant code")),
            })
            .transpose()?;
        let api = raw
            .api
            .map(|a| a.parse::<Api>().map_err(|e| relabel(e, "api")))
            .transpose()?;
        let limit = match raw.limit {
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
        let filter = JournalFilter {
            tenant,
            api,
            operation: bounded("operation", raw.operation)?,
            username: bounded("user", raw.user)?,
            outcome: bounded("outcome", raw.outcome)?,
            from: instant("from", raw.from)?,
            to: instant("to", raw.to)?,
            request_id: bounded("request_id", raw.request_id)?,
        };
        Ok(Self {
            filter,
            after: raw.cursor.map(JournalCursor::parse).transpose()?,
            limit,
        })
    }
}

fn relabel(error: DomainError, field: &str) -> DomainError {
    match error {
        DomainError::Invalid { reason, .. } => DomainError::invalid(field, reason),
        other => other,
    }
}

/// A page of the listing, and where the next one starts (`None`: this was the last).
#[derive(Clone, Debug)]
pub struct JournalPage {
    pub entries: Vec<JournalEntry>,
    pub next: Option<JournalCursor>,
}

/// The traffic window parameter, validated.
pub fn parse_minutes(minutes: Option<&str>) -> Result<i64, DomainError> {
    match minutes {
        None => Ok(DEFAULT_MINUTES),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_MINUTES).contains(&n) => Ok(n),
            _ => Err(DomainError::invalid(
                "minutes",
                format!("a whole number from 1 to {MAX_MINUTES}"),
            )),
        },
    }
}

impl Services {
    /// A page of journaled requests, newest first. A full page has a `next`.
    pub async fn journal_page(&self, query: &JournalQuery) -> Result<JournalPage, DomainError> {
        let mut read = self.store.read().await?;
        let entries = read
            .journal_page(&query.filter, query.after, query.limit)
            .await?;
        let next = match entries.last() {
            Some(last) if entries.len() as i64 == query.limit => Some(JournalCursor {
                at: last.at,
                id: last.id,
            }),
            _ => None,
        };
        Ok(JournalPage { entries, next })
    }

    /// One journaled request with its redacted bodies and headers.
    pub async fn journal_request(&self, id: &str) -> Result<RecordedRequest, DomainError> {
        let id = Uuid::parse_str(id).map_err(|_| DomainError::NotFound("request"))?;
        let mut read = self.store.read().await?;
        read.journal_entry(id)
            .await?
            .ok_or(DomainError::NotFound("request"))
    }

    /// Requests of the last `minutes`, counted by API, operation and outcome.
    pub async fn journal_traffic(
        &self,
        minutes: i64,
    ) -> Result<(DateTime<Utc>, Vec<TrafficCount>), DomainError> {
        let since = self.clock.now() - chrono::Duration::minutes(minutes);
        let mut read = self.store.read().await?;
        Ok((since, read.journal_traffic(since).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked_not_clamped() {
        let ok = JournalQuery::parse(RawQuery::default()).unwrap();
        assert_eq!(ok.limit, DEFAULT_LIMIT);
        assert_eq!(ok.filter, JournalFilter::default());
        let ok = JournalQuery::parse(RawQuery {
            tenant: Some(""),
            api: Some("crmcom"),
            from: Some("2026-01-02T03:04:05+01:00"),
            limit: Some("500"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(ok.filter.tenant, Some(None));
        assert_eq!(ok.filter.api, Some(Api::Crmcom));
        assert_eq!(
            ok.filter.from.unwrap().to_rfc3339(),
            "2026-01-02T02:04:05+00:00"
        );
        for bad in [
            RawQuery {
                limit: Some("0"),
                ..Default::default()
            },
            RawQuery {
                limit: Some("501"),
                ..Default::default()
            },
            RawQuery {
                api: Some("soap"),
                ..Default::default()
            },
            RawQuery {
                tenant: Some("a b"),
                ..Default::default()
            },
            RawQuery {
                to: Some("yesterday"),
                ..Default::default()
            },
            RawQuery {
                operation: Some(""),
                ..Default::default()
            },
            RawQuery {
                cursor: Some("x"),
                ..Default::default()
            },
        ] {
            assert!(JournalQuery::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_minutes(None).unwrap(), 60);
        assert!(parse_minutes(Some("0")).is_err());
        assert!(parse_minutes(Some("1441")).is_err());
    }
}
