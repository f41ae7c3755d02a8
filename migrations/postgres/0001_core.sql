-- DESIGN §3 domain core. Mirrors ../sqlite/0001_core.sql: same names, same constraints.
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CONSTRAINT uq_tenants_code UNIQUE (code)
);

CREATE TABLE customers (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    parent_id   TEXT REFERENCES customers (id),
    name        TEXT NOT NULL
);
CREATE INDEX ix_customers_parent ON customers (parent_id);

CREATE TABLE api_users (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    username      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    api_key_hash  TEXT,
    apis          TEXT NOT NULL,
    customer_id   TEXT REFERENCES customers (id),
    CONSTRAINT uq_api_users_username UNIQUE (username),
    CONSTRAINT uq_api_users_api_key UNIQUE (api_key_hash)
);

CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL REFERENCES tenants (id),
    customer_id           TEXT NOT NULL REFERENCES customers (id),
    reference_no          TEXT NOT NULL,
    external_reference_no TEXT,
    poid                  TEXT,
    status                TEXT NOT NULL CHECK (status IN ('Active', 'Suspended', 'Cancelled', 'Closed')),
    start_date            TEXT NOT NULL,
    termination_date      TEXT,
    final_bill_date       TEXT,
    total_contract_value  BIGINT,
    CONSTRAINT uq_accounts_reference_no UNIQUE (tenant_id, reference_no),
    CONSTRAINT uq_accounts_poid UNIQUE (tenant_id, poid)
);
CREATE INDEX ix_accounts_external_reference_no ON accounts (tenant_id, external_reference_no);

CREATE TABLE products (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    code             TEXT NOT NULL,
    alternative_code TEXT,
    name             TEXT NOT NULL,
    classification   TEXT NOT NULL CHECK (classification IN ('SERVICE', 'HARDWARE', 'PLAN', 'OTHER')),
    plan_type        TEXT,
    CONSTRAINT uq_products_code UNIQUE (tenant_id, code)
);
CREATE INDEX ix_products_alternative_code ON products (tenant_id, alternative_code);

CREATE TABLE subscriptions (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    number     TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    CONSTRAINT uq_subscriptions_number UNIQUE (tenant_id, number)
);

CREATE TABLE installed_items (
    id               TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    serial_number    TEXT NOT NULL,
    alternative_code TEXT,
    kind             TEXT NOT NULL,
    subscription_id  TEXT REFERENCES subscriptions (id),
    CONSTRAINT uq_installed_items_serial_number UNIQUE (tenant_id, serial_number)
);
CREATE INDEX ix_installed_items_alternative_code ON installed_items (tenant_id, alternative_code);

CREATE TABLE bundles (
    id                  TEXT PRIMARY KEY,
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    poid                TEXT NOT NULL,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    service_poid        TEXT NOT NULL,
    deal_poid           TEXT NOT NULL,
    package_id          BIGINT NOT NULL,
    purchased_at        TEXT NOT NULL,
    cancel_effective_at TEXT,
    cancel_description  TEXT,
    cancel_flag         BIGINT,
    cancel_extension    TEXT,
    CONSTRAINT uq_bundles_poid UNIQUE (tenant_id, poid)
);
CREATE INDEX ix_bundles_account_service ON bundles (tenant_id, account_id, service_poid);

CREATE TABLE product_instances (
    id                TEXT PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    product_id        TEXT NOT NULL REFERENCES products (id),
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    account_id        TEXT REFERENCES accounts (id),
    subscription_id   TEXT REFERENCES subscriptions (id),
    installed_item_id TEXT REFERENCES installed_items (id),
    bundle_id         TEXT REFERENCES bundles (id),
    status            TEXT NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED', 'DETACHED')),
    effective_from    TEXT,
    effective_to      TEXT
);
CREATE INDEX ix_product_instances_account ON product_instances (tenant_id, account_id);
CREATE INDEX ix_product_instances_subscription ON product_instances (tenant_id, subscription_id);
CREATE INDEX ix_product_instances_bundle ON product_instances (bundle_id);

CREATE TABLE disconnect_orders (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    external_id BIGINT NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    state       TEXT NOT NULL CHECK (state IN ('acknowledged', 'pending', 'inProgress', 'completed', 'cancelled')),
    CONSTRAINT uq_disconnect_orders_external_id UNIQUE (tenant_id, external_id)
);

CREATE TABLE charge_items (
    order_id    TEXT NOT NULL REFERENCES disconnect_orders (id),
    item_id     TEXT NOT NULL,
    position    BIGINT NOT NULL,
    description TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    acceptance  TEXT NOT NULL CHECK (acceptance IN ('awaitingResponse', 'accepted', 'rejected')),
    CONSTRAINT pk_charge_items PRIMARY KEY (order_id, item_id)
);

CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY,
    at          TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    api_user_id TEXT REFERENCES api_users (id),
    initiator   TEXT,
    channel     TEXT NOT NULL,
    operation   TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    request_id  TEXT
);
CREATE INDEX ix_audit_events_tenant_at ON audit_events (tenant_id, at);

CREATE TABLE idempotency_keys (
    tenant_id     TEXT NOT NULL,
    api_user_id   TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    reply_status  BIGINT NOT NULL,
    reply_type    TEXT NOT NULL,
    reply_body    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (tenant_id, api_user_id, key)
);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    run_at       TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX ix_jobs_due ON jobs (status, run_at);

CREATE TABLE counters (
    tenant_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    value     BIGINT NOT NULL,
    CONSTRAINT pk_counters PRIMARY KEY (tenant_id, name)
);
