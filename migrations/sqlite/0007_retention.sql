-- Fair background work and bounded storage (issue 13 items 3 and 4).
-- Mirrors ../postgres/0007_retention.sql: same names, same constraints.

-- The fair claim walks the tenants with queued jobs and reads each one's oldest due jobs
-- (src/storage/sql/dialect.rs), and the per-tenant cap counts a tenant's unfinished jobs:
-- both are range reads of this index. It replaces ix_jobs_due (status, run_at), which only the
-- old FIFO claim used; one index less to write per job.
DROP INDEX ix_jobs_due;
CREATE INDEX ix_jobs_tenant_due ON jobs (status, tenant_id, run_at);
-- The purge deletes finished jobs by status and age (updated_at is when they finished).
CREATE INDEX ix_jobs_finished ON jobs (status, updated_at);

-- The purge deletes expired stored replies.
CREATE INDEX ix_idempotency_keys_expires_at ON idempotency_keys (expires_at);

-- The purge deletes CRM.COM tokens released long enough ago (expired ones by
-- ix_crmcom_tokens_expires_at); the live-token cap reads a user's unreleased tokens by
-- expiry. Both partial: live tokens are not in the first, released ones waiting for the
-- purge cost the cap nothing.
CREATE INDEX ix_crmcom_tokens_released_at ON crmcom_tokens (released_at)
    WHERE released_at IS NOT NULL;
CREATE INDEX ix_crmcom_tokens_user_live ON crmcom_tokens (api_user_id, expires_at)
    WHERE released_at IS NULL;

-- The purge deletes expired Billing Care tokens of every user.
CREATE INDEX ix_billing_care_tokens_expires_at ON billing_care_tokens (expires_at);

-- Periodic maintenance (the purge): one row per task holding when it is next due, taken
-- by one guarded UPDATE so that among several instances exactly one runs each period.
CREATE TABLE periodic_tasks (
    name        TEXT NOT NULL,
    next_run_at TEXT NOT NULL,
    CONSTRAINT pk_periodic_tasks PRIMARY KEY (name)
);
