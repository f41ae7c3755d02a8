-- Debitsuccess (DESIGN §6.1): replies stored under the client's request `Id`, so a repeated
-- message replays its first reply and a reused Id with another body is refused (error 09).
-- Mirrors ../postgres/0002_debitsuccess.sql: same names, same constraints.
CREATE TABLE ds_message_replies (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    api_user_id  TEXT NOT NULL REFERENCES api_users (id),
    -- SHA-256 (hex) of the client's `Id`: the Id is an unbounded xs:string.
    message_key  TEXT NOT NULL,
    operation    TEXT NOT NULL,
    -- SHA-256 (hex) of the operation and its data fields (credentials excluded).
    request_hash TEXT NOT NULL,
    -- The reply's fields as JSON, rendered again in whichever SOAP version or format asks.
    reply        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    CONSTRAINT pk_ds_message_replies PRIMARY KEY (tenant_id, api_user_id, message_key)
);
CREATE INDEX ix_ds_message_replies_expires_at ON ds_message_replies (expires_at);
