-- When a parked delivery was last picked as its circuit's probe: while its probe run may still be
-- attempting, expiry leaves it alone.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS probed_at timestamptz;
-- Queue alerts raised by a bulk dead-lettering and not sent yet: the circuit workflow sends them again.
CREATE INDEX IF NOT EXISTS dead_letters_pending_alerts_idx ON dead_letters (endpoint_id) WHERE pending_alerts <> '{}';
