//! What every change made through the admin API shares (docs/operations.md "Admin API"):
//! its audit row, written in the change's own transaction, naming the operator.
//!
//! Admin changes are audit rows, not events of the feed (docs/events.md): every event type
//! names the vendor API whose call made the change, and the feed tells integrations about
//! billing data; tenants and credentials are neither, as token mints are not.

use chrono::{DateTime, Utc};

use crate::domain::audit::{AuditEvent, Channel};
use crate::domain::ids::TenantId;
use crate::domain::operator::Operator;
use crate::domain::store::Tx;
use crate::domain::DomainError;

/// Page sizes of the admin lists: 1–500, 100 when not given.
pub const MAX_PAGE: i64 = 500;
pub const DEFAULT_PAGE: i64 = 100;

/// A change about to be audited: which entity, through which admin operation.
pub struct AdminChange<'a> {
    pub operator: &'a Operator,
    pub at: DateTime<Utc>,
    pub tenant: TenantId,
    /// `admin.<noun>.<verb>`, e.g. `admin.api_user.rotate_password`.
    pub operation: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
}

impl AdminChange<'_> {
    /// Writes the audit row: initiator the operator's name, channel `admin`, no vendor
    /// user, no event type. `before`/`after` never hold a secret (callers pass views).
    pub async fn record(
        self,
        tx: &mut dyn Tx,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), DomainError> {
        tx.insert_audit(&AuditEvent {
            at: self.at,
            tenant: self.tenant,
            user: None,
            initiator: Some(self.operator.name.as_str().to_owned()),
            channel: Channel::Admin,
            operation: self.operation.to_owned(),
            entity_type: self.entity_type.to_owned(),
            entity_id: self.entity_id,
            before,
            after,
            request_id: None,
            event: None,
        })
        .await
    }
}

/// A page size as given in a query: refused, not clamped, when out of range.
pub fn page_limit(text: Option<&str>) -> Result<i64, DomainError> {
    match text {
        None => Ok(DEFAULT_PAGE),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            _ => Err(DomainError::invalid(
                "limit",
                format!("a whole number from 1 to {MAX_PAGE}"),
            )),
        },
    }
}

/// Free text an operator gives (a name, a search): 1 to `max` characters, no control
/// characters — exactly what the admin API's OpenAPI says (`pattern`
/// `^[^\u0000-\u001f\u007f-\u009f]*$`, Rust's `char::is_control`, and the lengths), so a
/// client's schema check and ours agree; nothing is trimmed behind its back.
pub fn plain_text(field: &str, text: &str, max: usize) -> Result<String, DomainError> {
    if text.is_empty() || text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            format!("must be 1 to {max} printable characters"),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_not_clamped() {
        assert_eq!(page_limit(None).unwrap(), DEFAULT_PAGE);
        assert_eq!(page_limit(Some("500")).unwrap(), 500);
        for bad in ["0", "501", "-1", "x", ""] {
            assert!(page_limit(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn plain_text_is_bounded_and_printable() {
        assert_eq!(plain_text("name", " Acme ", 10).unwrap(), " Acme ");
        assert!(plain_text("name", "", 10).is_err());
        assert!(plain_text("name", "a\u{85}b", 10).is_err());
        assert!(plain_text("name", "a\nb", 10).is_err());
        assert!(plain_text("name", &"x".repeat(11), 10).is_err());
    }
}
