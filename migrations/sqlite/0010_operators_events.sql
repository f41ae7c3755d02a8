-- Operators and the event feed (issue 18 items 1 and 2; docs/events.md).
-- Mirrors ../postgres/0010_operators_events.sql: same names, same constraints.

-- Operators: people and systems of our own company, not vendor API users. They sign in to
-- the admin API (/admin/v1/…) only; vendor APIs never look at this table.
CREATE TABLE operators (
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    CONSTRAINT pk_operators PRIMARY KEY (id),
    CONSTRAINT uq_operators_name UNIQUE (name)
);

-- Operator bearer tokens, stored as SHA-256 only; at most a few per operator (the newest
-- beyond the cap deletes the oldest), so the table is bounded without a purge.
CREATE TABLE operator_tokens (
    token_hash  TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    CONSTRAINT pk_operator_tokens PRIMARY KEY (token_hash),
    CONSTRAINT fk_operator_tokens_operator FOREIGN KEY (operator_id)
        REFERENCES operators (id) ON DELETE CASCADE
);
CREATE INDEX ix_operator_tokens_operator ON operator_tokens (operator_id, issued_at);

-- The event feed reads the audit rows that record a change (docs/events.md "Where events
-- come from"): each gets its CloudEvents type, the writing transaction's id (always 0 on SQLite, whose single writer commits in order) and a sequence
-- number. The feed orders by (xid, seq) and only returns rows of transactions older than
-- every transaction still running, so a row whose transaction commits late is never passed.
ALTER TABLE audit_events ADD COLUMN event_type TEXT;
ALTER TABLE audit_events ADD COLUMN xid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

-- Rows written before this migration are all committed (xid 0) and take their order from
-- their time.
UPDATE audit_events SET seq = o.rn
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY at, id) AS rn FROM audit_events) AS o
WHERE o.id = audit_events.id;

-- Which audit rows existed before this migration are events: the same mapping the
-- use-cases now state when they write (src/domain/event.rs, one type per kind of change;
-- docs/events.md). Token mints and releases stay audit-only (credentials, not billing changes).
UPDATE audit_events SET event_type = CASE
    WHEN operation = 'AdjustAccountTerminationDate' AND entity_type = 'account'
        THEN 'com.billing-compat.account.termination_date_changed'
    WHEN operation LIKE 'flolive.%.accepted' AND entity_type = 'operation_request'
        THEN 'com.billing-compat.operation_request.accepted'
    WHEN operation LIKE 'flolive.%.completed' AND after_json LIKE '%"status":"FAILED"%'
        THEN 'com.billing-compat.product_instance.operation_failed'
    WHEN operation = 'flolive.detach_product.completed'
        THEN 'com.billing-compat.product_instance.detached'
    WHEN operation = 'flolive.attach_product.completed'
        THEN 'com.billing-compat.product_instance.attached'
    WHEN operation = 'billing_care.cancelBundle'
        THEN 'com.billing-compat.bundle.cancelled'
    WHEN operation LIKE 'crmcom.%' AND entity_type = 'provisioning_request'
        THEN 'com.billing-compat.provisioning_request.created'
    WHEN operation = 'verizon.disconnectCustomerConfirmation'
        THEN 'com.billing-compat.disconnect_order.answered'
    WHEN operation = 'verizon.disconnect' AND entity_type = 'product_instance'
        THEN 'com.billing-compat.product_instance.cancelled'
    WHEN operation = 'verizon.disconnect' AND entity_type = 'account'
        THEN 'com.billing-compat.account.cancelled'
    WHEN operation = 'verizon.disconnect' AND entity_type = 'disconnect_order'
        THEN 'com.billing-compat.disconnect_order.completed'
    ELSE NULL
END;

-- New rows: the insert draws seq as MAX(seq) + 1 (src/storage/sql/dialect.rs). SQLite has
-- one writer, which commits in seq order, so seq alone orders the feed; xid stays 0.
CREATE UNIQUE INDEX uq_audit_events_seq ON audit_events (seq);
-- The feed's walk: events only, in feed order.
CREATE INDEX ix_audit_events_feed ON audit_events (xid, seq) WHERE event_type IS NOT NULL;
