-- WS-Security UsernameToken on the Debitsuccess SOAP endpoint (issue 17, item 2;
-- docs/debitsuccess.md "WS-Security"). Mirrors ../postgres/0009_ws_security.sql: same names,
-- same constraints.

-- The secret a PasswordDigest is checked against (UsernameToken Profile 1.0 §3.1:
-- Base64(SHA-1(nonce + created + password)) needs the password itself, which an argon2 hash
-- cannot give back). Plaintext-equivalent: NULL unless an operator enables digest for the
-- user (fixture `ws_digest: true`, or `billing-compat user digest`).
ALTER TABLE api_users ADD COLUMN wss_digest_secret TEXT;

-- Nonces of accepted UsernameTokens (UsernameToken Profile 1.0 §3.2: a receiver refuses a
-- nonce it has already seen within the freshness window). The key is SHA-256 (hex) of the
-- user id and the nonce, so the table holds no client bytes; one row per accepted nonce,
-- kept until expires_at (the end of the window its Created allows), then purged by the
-- retention purge. Shared by every instance on one database.
CREATE TABLE ws_nonces (
    nonce_key  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT pk_ws_nonces PRIMARY KEY (nonce_key)
);

-- The purge deletes expired nonces.
CREATE INDEX ix_ws_nonces_expires_at ON ws_nonces (expires_at);
