//! The reset's statements (issue 19 item 4; docs/operations.md "Reset"): clear every
//! tenant's vendor data, restore the fixture's tenants and users in place (audit rows name
//! them, and the event feed keeps every audit row), retire the rest.

use async_trait::async_trait;

use crate::domain::store::{NewApiUser, ResetRepo, Retired};
use crate::domain::tenant::{Tenant, TenantCode};
use crate::domain::user::Username;
use crate::domain::DomainError;

use super::tenants::tenant_from;
use super::{Dialect, SqlTx};

/// The vendor tables, children before parents so each delete leaves no row pointing at a
/// deleted one (foreign keys are checked per statement on both backends). Webhook delivery
/// jobs belong to the nil tenant and stay with their webhooks.
const CLEAR: &[&str] = &[
    "UPDATE api_users SET customer_id = NULL WHERE customer_id IS NOT NULL",
    "DELETE FROM charge_items",
    "DELETE FROM disconnect_orders",
    "DELETE FROM provisioning_requests",
    "DELETE FROM operation_requests",
    "DELETE FROM tokens",
    "DELETE FROM product_instances",
    "DELETE FROM bundles",
    "DELETE FROM installed_items",
    "DELETE FROM subscriptions",
    "DELETE FROM products",
    "DELETE FROM accounts",
    "DELETE FROM customers",
    "DELETE FROM idempotency_keys",
    "DELETE FROM counters",
    "DELETE FROM jobs WHERE tenant_id <> '00000000-0000-0000-0000-000000000000'",
];

/// `column NOT IN ($first, …)` over `count` placeholders; every row when `count` is 0.
fn not_in(column: &str, count: usize) -> String {
    if count == 0 {
        return "1 = 1".to_owned();
    }
    let marks: Vec<String> = (1..=count).map(|n| format!("${n}")).collect();
    format!("{column} NOT IN ({})", marks.join(", "))
}

#[async_trait]
impl<D: Dialect> ResetRepo for SqlTx<'_, D> {
    async fn lock_for_reset(&mut self) -> Result<(), DomainError> {
        for statement in D::RESET_LOCK {
            self.query(statement).execute().await?;
        }
        Ok(())
    }

    async fn clear_vendor_data(&mut self) -> Result<u64, DomainError> {
        let mut rows = 0;
        // The first statement only unlinks users; the rest delete.
        for (n, statement) in CLEAR.iter().enumerate() {
            let changed = self.query(statement).execute().await?;
            if n > 0 {
                rows += changed;
            }
        }
        Ok(rows)
    }

    async fn restore_tenant(&mut self, tenant: &Tenant) -> Result<(), DomainError> {
        self.query(
            "UPDATE tenants SET name = $1, timezone = $2, disabled_at = NULL WHERE code = $3",
        )
        .bind(&tenant.name)
        .bind(tenant.time_zone.name())
        .bind(tenant.code.as_str())
        .execute()
        .await?;
        Ok(())
    }

    async fn restore_user(
        &mut self,
        user: &NewApiUser,
        digest_secret: Option<&str>,
    ) -> Result<bool, DomainError> {
        let changed = self
            .query(
                "UPDATE api_users SET tenant_id = $1, password_hash = $2, api_key_hash = $3, \
                 apis = $4, customer_id = $5, wss_digest_secret = $6, disabled_at = NULL \
                 WHERE username = $7",
            )
            .bind(user.tenant.to_string())
            .bind(&user.password_hash)
            .bind(user.api_key_hash.as_deref())
            .bind(user.apis.to_csv())
            .bind(user.customer.map(|c| c.to_string()))
            .bind(digest_secret)
            .bind(user.username.as_str())
            .execute()
            .await?;
        Ok(changed == 1)
    }

    async fn retire_all_but(
        &mut self,
        keep: &[Username],
        keep_tenants: &[TenantCode],
    ) -> Result<Retired, DomainError> {
        let others = not_in("username", keep.len());
        // An audit row may name a user (api_user_id) and always names a tenant: those rows
        // are the event feed, which never loses an event, so what they name stays.
        let delete_users = format!(
            "DELETE FROM api_users WHERE {others} AND id NOT IN \
             (SELECT api_user_id FROM audit_events WHERE api_user_id IS NOT NULL)"
        );
        let mut query = self.query(&delete_users);
        for name in keep {
            query = query.bind(name.as_str());
        }
        let users_deleted = query.execute().await?;
        // What is left of them can call nothing: no API, no key, no digest secret.
        let retire_users = format!(
            "UPDATE api_users SET apis = '', api_key_hash = NULL, wss_digest_secret = NULL, \
             customer_id = NULL WHERE {others}"
        );
        let mut query = self.query(&retire_users);
        for name in keep {
            query = query.bind(name.as_str());
        }
        let users_retired = query.execute().await?;
        let delete_tenants = format!(
            "DELETE FROM tenants WHERE {} \
             AND id NOT IN (SELECT tenant_id FROM audit_events) \
             AND id NOT IN (SELECT tenant_id FROM api_users)",
            not_in("code", keep_tenants.len())
        );
        let mut query = self.query(&delete_tenants);
        for code in keep_tenants {
            query = query.bind(code.as_str());
        }
        let tenants_deleted = query.execute().await?;
        Ok(Retired {
            users_deleted,
            users_retired,
            tenants_deleted,
        })
    }

    async fn all_tenants(&mut self) -> Result<Vec<Tenant>, DomainError> {
        self.query("SELECT id, code, name, timezone FROM tenants ORDER BY code")
            .fetch_all()
            .await?
            .iter()
            .map(|row| tenant_from(row, ""))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::not_in;

    #[test]
    fn not_in_lists_one_placeholder_per_value_and_matches_all_when_empty() {
        assert_eq!(not_in("code", 0), "1 = 1");
        assert_eq!(not_in("code", 3), "code NOT IN ($1, $2, $3)");
    }
}
