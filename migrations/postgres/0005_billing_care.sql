-- Oracle Billing Care (DESIGN §6.4): bearer access tokens from GET …/authentication/queryAccessToken.
-- Mirrors ../sqlite/0005_billing_care.sql: same names, same constraints.
-- Tokens are 256-bit random strings; only their SHA-256 (hex) is stored, so a leaked table
-- grants nothing. Each token is bound to the user (and so the tenant) it was issued to.
CREATE TABLE billing_care_tokens (
    token_hash  TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    api_user_id TEXT NOT NULL REFERENCES api_users (id),
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    CONSTRAINT pk_billing_care_tokens PRIMARY KEY (token_hash)
);
CREATE INDEX ix_billing_care_tokens_user_expiry ON billing_care_tokens (api_user_id, expires_at);
