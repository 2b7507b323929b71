-- Circuit breaker. Failed attempts in a row since the endpoint's last success; at the threshold the
-- circuit opens and the endpoint's deliveries wait (parked) instead of attempting, until a probe succeeds.
ALTER TABLE endpoints ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;
ALTER TABLE endpoints ADD COLUMN circuit_opened_at timestamptz;
-- A delivery waiting for its endpoint's circuit to close. The release takes them oldest first.
ALTER TABLE deliveries ADD COLUMN parked_at timestamptz;
CREATE INDEX deliveries_parked_idx ON deliveries (endpoint_id, parked_at) WHERE parked_at IS NOT NULL;
