-- CRM.COM Web API (DESIGN §6.3). Mirrors ../sqlite/0004_crmcom.sql: same names, same constraints.

-- Tokens issued by authentication/token; only their SHA-256 is kept.
CREATE TABLE crmcom_tokens (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    api_user_id  TEXT NOT NULL REFERENCES api_users (id),
    token_hash   TEXT NOT NULL,
    unit         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    released_at  TEXT,
    CONSTRAINT uq_crmcom_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX ix_crmcom_tokens_expires_at ON crmcom_tokens (expires_at);

-- Conax SMS-SAS provisioning requests. Numbers and sequence numbers come from the atomic
-- per-tenant counters; the unique constraints are the backstop.
CREATE TABLE provisioning_requests (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT NOT NULL REFERENCES tenants (id),
    number             TEXT NOT NULL,
    request_type       TEXT NOT NULL CHECK (request_type IN ('ADD_SUBSCRIPTIONS', 'CANCEL_SUBSCRIPTIONS')),
    sequence_number    BIGINT NOT NULL,
    scheduled_date     TEXT NOT NULL,
    executed_at        TEXT,
    priority           TEXT NOT NULL CHECK (priority IN ('REGULAR', 'EXPRESS')),
    life_cycle_state   TEXT NOT NULL CHECK (life_cycle_state IN ('PENDING', 'REJECTED', 'COMPLETED')),
    request            TEXT NOT NULL,
    response           TEXT,
    reference_number   TEXT,
    error_code         TEXT,
    error_description  TEXT,
    process_name       TEXT NOT NULL,
    process_id         TEXT,
    subscription_id    TEXT NOT NULL REFERENCES subscriptions (id),
    product_id         TEXT NOT NULL REFERENCES products (id),
    installed_item_id  TEXT NOT NULL REFERENCES installed_items (id),
    parameters_json    TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    created_by_user_id TEXT NOT NULL REFERENCES api_users (id),
    updated_by_user_id TEXT NOT NULL REFERENCES api_users (id),
    created_by_unit    TEXT NOT NULL,
    updated_by_unit    TEXT NOT NULL,
    CONSTRAINT uq_provisioning_requests_number UNIQUE (tenant_id, number),
    CONSTRAINT uq_provisioning_requests_sequence_number UNIQUE (tenant_id, sequence_number)
);
CREATE INDEX ix_provisioning_requests_state ON provisioning_requests (tenant_id, life_cycle_state, sequence_number);
