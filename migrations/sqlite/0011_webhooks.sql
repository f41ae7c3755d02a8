-- Webhooks (issue 18 items 3 and 4; docs/events.md "Webhooks").
-- Mirrors ../postgres/0011_webhooks.sql: same names, same constraints.

-- An endpoint the event feed is POSTed to. Its delivery position is a cursor over the feed
-- ((cursor_xid, cursor_seq), docs/events.md "The cursor"), advanced in the transaction that
-- records the receiver's 2xx, so an endpoint's events go out one at a time, in feed order.
-- The secret signs every request (Standard Webhooks): kept because it must sign, never shown
-- again after the creating reply.
CREATE TABLE webhook_endpoints (
    id              TEXT NOT NULL,
    url             TEXT NOT NULL,
    -- JSON arrays; empty means every type / every tenant.
    event_types     TEXT NOT NULL,
    tenants         TEXT NOT NULL,
    secret          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    cursor_xid      BIGINT NOT NULL,
    cursor_seq      BIGINT NOT NULL,
    -- Attempts made at the event after the cursor, and when the first of them failed.
    attempt         BIGINT NOT NULL DEFAULT 0,
    failing_since   TEXT,
    -- Attempts recorded so far: numbers this endpoint's deliveries (their page order).
    deliveries      BIGINT NOT NULL DEFAULT 0,
    disabled_at     TEXT,
    disabled_reason TEXT,
    CONSTRAINT pk_webhook_endpoints PRIMARY KEY (id)
);

-- Every attempt, newest first per endpoint; purged by age (docs/operations.md "Retention").
CREATE TABLE webhook_deliveries (
    endpoint_id TEXT NOT NULL,
    n           BIGINT NOT NULL,
    event_id    TEXT NOT NULL,
    attempt     BIGINT NOT NULL,
    at          TEXT NOT NULL,
    http_status BIGINT,
    error       TEXT,
    latency_ms  BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    CONSTRAINT pk_webhook_deliveries PRIMARY KEY (endpoint_id, n),
    CONSTRAINT fk_webhook_deliveries_endpoint FOREIGN KEY (endpoint_id)
        REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    CONSTRAINT ck_webhook_deliveries_outcome CHECK (outcome IN ('delivered', 'retrying', 'failed'))
);
CREATE INDEX ix_webhook_deliveries_at ON webhook_deliveries (at);
