-- The orphan sweep looks for old pending deliveries; keep that cheap however many have succeeded.
CREATE INDEX deliveries_pending_idx ON deliveries (created_at) WHERE status = 'pending';
