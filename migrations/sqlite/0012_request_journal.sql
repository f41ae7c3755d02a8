-- The request journal (issue 19 item 1; docs/operations.md "Request journal").
-- Mirrors ../postgres/0012_request_journal.sql: same names, same constraints.

-- Every request to the five vendor APIs, redacted, written off the request path in batches.
-- An operator aid, not a durable record (the audit table is the durable one): bounded per
-- tenant by count and age by the purge. `tenant` is the caller's tenant code, '' when the
-- request authenticated no one ('' is no tenant code, and a NOT NULL key keeps one index
-- and one equality for "no tenant" on both backends).
CREATE TABLE request_journal (
    id                TEXT NOT NULL,
    at                TEXT NOT NULL,
    tenant            TEXT NOT NULL,
    username          TEXT,
    api               TEXT NOT NULL,
    operation         TEXT NOT NULL,
    channel           TEXT NOT NULL,
    method            TEXT NOT NULL,
    path              TEXT NOT NULL,
    http_status       BIGINT NOT NULL,
    outcome           TEXT NOT NULL,
    latency_us        BIGINT NOT NULL,
    request_id        TEXT NOT NULL,
    -- JSON object of the headers of interest, redacted.
    headers           TEXT NOT NULL,
    request_body      TEXT NOT NULL,
    request_truncated BIGINT NOT NULL,
    reply_body        TEXT NOT NULL,
    reply_truncated   BIGINT NOT NULL,
    CONSTRAINT pk_request_journal PRIMARY KEY (id)
);
-- Newest first, unfiltered, and the age purge.
CREATE INDEX ix_request_journal_at ON request_journal (at, id);
-- The per-tenant filter and the per-tenant count cap.
CREATE INDEX ix_request_journal_tenant ON request_journal (tenant, at, id);
CREATE INDEX ix_request_journal_api ON request_journal (api, operation, at);
CREATE INDEX ix_request_journal_user ON request_journal (username, at);
CREATE INDEX ix_request_journal_outcome ON request_journal (outcome, at);
CREATE INDEX ix_request_journal_request_id ON request_journal (request_id);
