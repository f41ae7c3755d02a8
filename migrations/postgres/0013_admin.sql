-- The admin API for tenants, users, accounts and audit (issue 19 item 2; docs/operations.md
-- "Admin API"). Mirrors the other backend's 0013_admin.sql: same names, same constraints.

-- An operator may disable a tenant (every user of it is refused by every vendor API) or one
-- API user. NULL: enabled; otherwise when it was disabled (fixed-width RFC 3339 UTC). The
-- rows stay: their accounts, audit rows and tokens still name them.
ALTER TABLE tenants ADD COLUMN disabled_at TEXT;
ALTER TABLE api_users ADD COLUMN disabled_at TEXT;

-- The user list of a tenant, paged by username.
CREATE INDEX ix_api_users_tenant ON api_users (tenant_id, username);

-- An entity's audit history, paged by seq (GET /admin/v1/audit).
CREATE INDEX ix_audit_events_entity ON audit_events (entity_type, entity_id, seq);

-- The account look-up by customer id and the account view's reads by account: without
-- these each is a scan of the table (GET /admin/v1/accounts…).
CREATE INDEX ix_accounts_customer ON accounts (tenant_id, customer_id);
CREATE INDEX ix_subscriptions_account ON subscriptions (account_id);
CREATE INDEX ix_disconnect_orders_account ON disconnect_orders (account_id);
CREATE INDEX ix_provisioning_requests_subscription ON provisioning_requests (subscription_id, sequence_number);
CREATE INDEX ix_operation_requests_customer ON operation_requests (tenant_id, customer_id, created_at);
