-- floLIVE asynchronous operations (DESIGN §3 operation_request, §6.2). Mirrors
-- ../postgres/0003_flolive.sql: same names, same constraints.
--
-- One row per accepted detach/attach call; the durable queue completes it. instance_id is
-- the detached instance, or for an attach the id reserved for the instance to be created
-- (returned in the ACK before the instance exists, hence no foreign key).
CREATE TABLE operation_requests (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    kind          TEXT NOT NULL CHECK (kind IN ('DETACH_PRODUCT', 'ATTACH_PRODUCT')),
    status        TEXT NOT NULL CHECK (status IN ('IN_PROGRESS', 'SUCCESS', 'FAILED')),
    requestor_id  TEXT NOT NULL REFERENCES customers (id),
    customer_id   TEXT NOT NULL REFERENCES customers (id),
    product_id    TEXT NOT NULL REFERENCES products (id),
    instance_id   TEXT NOT NULL,
    api_user_id   TEXT REFERENCES api_users (id),
    error_code    TEXT,
    error_message TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX ix_operation_requests_requestor ON operation_requests (tenant_id, requestor_id);

-- At most one live detach per product instance (DESIGN §4: races resolve through
-- constraints): a second detach while one is in flight or done is refused by this index,
-- never by check-then-insert. A FAILED detach does not count. Partial unique indexes work
-- alike on SQLite and PostgreSQL.
CREATE UNIQUE INDEX uq_operation_requests_live_detach
    ON operation_requests (tenant_id, instance_id)
    WHERE kind = 'DETACH_PRODUCT' AND status <> 'FAILED';
