-- One table for the tokens both token-based APIs issue (issue 16, item 2): CRM.COM Web API
-- tokens (DESIGN §6.3, were crmcom_tokens) and Billing Care access tokens (DESIGN §6.4, were
-- billing_care_tokens). Mirrors ../postgres/0008_tokens.sql: same names, same constraints.
--
-- A token is a 256-bit random secret; only its SHA-256 (hex) is stored, bound to the user
-- (and so the tenant) it was issued to. The kind says which API accepts it and so its expiry
-- policy (src/domain/token.rs): a CRM.COM token's expiry slides on each use, it is released
-- (released_at) by its client or by the live-token cap, and it records the unit it was issued
-- for; a Billing Care token's expiry is fixed, the cap revokes it by deleting it, and it has
-- no unit and is never released.
CREATE TABLE tokens (
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    api_user_id  TEXT NOT NULL REFERENCES api_users (id),
    token_hash   TEXT NOT NULL,
    unit         TEXT,
    issued_at    TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    released_at  TEXT,
    CONSTRAINT pk_tokens PRIMARY KEY (id),
    CONSTRAINT uq_tokens_hash UNIQUE (token_hash),
    CONSTRAINT ck_tokens_kind CHECK (
        (kind = 'crmcom' AND unit IS NOT NULL)
        OR (kind = 'billing_care' AND unit IS NULL AND released_at IS NULL)
    )
);

-- The purge deletes a kind's tokens expired, or released, before its cut-off. The second is
-- partial: live tokens are not in it.
CREATE INDEX ix_tokens_expires_at ON tokens (kind, expires_at);
CREATE INDEX ix_tokens_released_at ON tokens (kind, released_at)
    WHERE released_at IS NOT NULL;
-- The live-token cap reads a user's unreleased tokens of a kind by expiry, as does the
-- deletion of a user's expired Billing Care tokens at each new one. Partial: released
-- tokens waiting for the purge cost the cap nothing.
CREATE INDEX ix_tokens_user_live ON tokens (api_user_id, kind, expires_at)
    WHERE released_at IS NULL;

-- The rows move as they are. A CRM.COM token keeps its id; created_at is when it was issued.
INSERT INTO tokens (id, kind, tenant_id, api_user_id, token_hash, unit, issued_at,
                    last_used_at, expires_at, released_at)
SELECT id, 'crmcom', tenant_id, api_user_id, token_hash, unit, created_at,
       last_used_at, expires_at, released_at
FROM crmcom_tokens;

-- Billing Care tokens had no id: each gets the first 128 bits of its hash, formatted as a
-- UUID (the same on both backends, and unique as the hashes are). Their uses were never
-- recorded, so the last use is the issue.
INSERT INTO tokens (id, kind, tenant_id, api_user_id, token_hash, unit, issued_at,
                    last_used_at, expires_at, released_at)
SELECT substr(token_hash, 1, 8) || '-' || substr(token_hash, 9, 4) || '-'
           || substr(token_hash, 13, 4) || '-' || substr(token_hash, 17, 4) || '-'
           || substr(token_hash, 21, 12),
       'billing_care', tenant_id, api_user_id, token_hash, NULL, issued_at,
       issued_at, expires_at, NULL
FROM billing_care_tokens;

-- Their indexes go with them.
DROP TABLE crmcom_tokens;
DROP TABLE billing_care_tokens;
