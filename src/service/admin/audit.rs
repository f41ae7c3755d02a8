//! An entity's audit history through the admin API (issue 19 item 2; docs/operations.md
//! "Admin API"): the audit rows of one entity, oldest first, paged by a cursor.

use crate::domain::audit::AuditRecord;
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;
use crate::service::Services;

use super::changes::{page_limit, plain_text};

/// One history page request, already validated.
#[derive(Clone, Debug)]
pub struct HistoryRequest {
    pub entity_type: String,
    pub entity_id: String,
    pub tenant: Option<TenantCode>,
    /// The last `seq` seen (0: from the start).
    pub after: i64,
    pub limit: i64,
}

impl HistoryRequest {
    /// `entity` is `TYPE:ID` — `account:<uuid>`, `bundle:<POID>`, `api_user:<uuid>`,
    /// `tenant:<code>` … (the audit rows' `entity_type` and `entity_id`).
    pub fn parse(
        entity: Option<&str>,
        tenant: Option<&str>,
        after: Option<&str>,
        limit: Option<&str>,
    ) -> Result<Self, DomainError> {
        let entity = entity.ok_or_else(|| DomainError::invalid("entity", "required: TYPE:ID"))?;
        let (kind, id) = entity
            .split_once(':')
            .ok_or_else(|| DomainError::invalid("entity", "must be TYPE:ID, e.g. account:<id>"))?;
        let type_ok = !kind.is_empty()
            && kind.len() <= 64
            && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !type_ok {
            return Err(DomainError::invalid(
                "entity",
                "the type is 1 to 64 lower-case letters or '_' (account, bundle, api_user, …)",
            ));
        }
        let entity_id = plain_text("entity", id, 200)?;
        let after = match after {
            None => 0,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => return Err(DomainError::invalid("after", "a page's `next` cursor")),
            },
        };
        Ok(Self {
            entity_type: kind.to_owned(),
            entity_id,
            tenant: tenant.map(TenantCode::parse).transpose()?,
            after,
            limit: page_limit(limit)?,
        })
    }
}

/// A page of history and the cursor to continue from (the last row's, or the one given).
#[derive(Clone, Debug)]
pub struct HistoryPage {
    pub records: Vec<AuditRecord>,
    pub next: i64,
}

impl Services {
    pub async fn admin_audit(&self, request: &HistoryRequest) -> Result<HistoryPage, DomainError> {
        let mut read = self.store.read().await?;
        let tenant = match &request.tenant {
            None => None,
            Some(code) => Some(
                read.tenant_by_code(code)
                    .await?
                    .ok_or(DomainError::NotFound("tenant"))?
                    .id,
            ),
        };
        let records = read
            .entity_history(
                &request.entity_type,
                &request.entity_id,
                tenant,
                request.after,
                request.limit,
            )
            .await?;
        let next = records.last().map_or(request.after, |r| r.seq);
        Ok(HistoryPage { records, next })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_type_colon_id() {
        let ok = HistoryRequest::parse(
            Some("bundle:0.0.0.1 /purchased_bundle 5001 0"),
            Some("acme"),
            Some("7"),
            Some("10"),
        )
        .unwrap();
        assert_eq!(
            (ok.entity_type.as_str(), ok.after, ok.limit),
            ("bundle", 7, 10)
        );
        assert_eq!(ok.entity_id, "0.0.0.1 /purchased_bundle 5001 0");
        for bad in [
            None,
            Some("account"),
            Some(":x"),
            Some("Account:x"),
            Some("account:"),
        ] {
            assert!(
                HistoryRequest::parse(bad, None, None, None).is_err(),
                "{bad:?}"
            );
        }
        assert!(HistoryRequest::parse(Some("a:b"), None, Some("-1"), None).is_err());
        assert!(HistoryRequest::parse(Some("a:b"), Some("a b"), None, None).is_err());
        assert!(HistoryRequest::parse(Some("a:b"), None, None, Some("0")).is_err());
    }
}
