-- Stored idempotent answers are kept 24 hours, then swept: find old ones fast.
CREATE INDEX idempotency_by_age ON idempotency (created_at);
