-- The orphan sweep asks Temporal about each unattempted delivery once: when it has started the workflow,
-- found one existing (running, waiting for a rate-limit slot, or terminated by an operator) or found the
-- endpoint deleted, it notes the time here and never looks at the delivery again. Rows that cannot be
-- started cost nothing after their first sweep, and cannot keep a real orphan behind them.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS sweep_checked_at timestamptz;
-- The sweep pages through the unchecked ones in (created_at, id) order.
CREATE INDEX IF NOT EXISTS deliveries_unswept_idx ON deliveries (created_at, id)
  WHERE status = 'pending' AND ordering_key IS NULL AND sweep_checked_at IS NULL;
