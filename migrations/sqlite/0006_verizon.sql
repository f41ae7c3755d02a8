-- Verizon Digital Connect (DESIGN §6.5): what disconnectCustomerConfirmation needs beyond
-- the core's disconnect_orders / charge_items. Mirrors ../postgres/0006_verizon.sql.
--
-- version: bumped by every change of an order's answers or state. Every use-case touching an
-- order first runs `UPDATE disconnect_orders SET version = version …` (the row lock on
-- PostgreSQL; SQLite has one writer), and state changes are guarded by the version read under
-- that lock, so two calls can never both act on the same partial state.
ALTER TABLE disconnect_orders ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE disconnect_orders ADD COLUMN updated_at TEXT;

-- Who answered a charge item, and when (fixed-width RFC 3339 UTC).
ALTER TABLE charge_items ADD COLUMN answered_at TEXT;
ALTER TABLE charge_items ADD COLUMN answered_by TEXT REFERENCES api_users (id);
