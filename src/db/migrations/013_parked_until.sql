-- A parked delivery's run closes at once; PostgreSQL remembers where its schedule was. `parked_attempts`
-- is how many attempts it made before parking (its next run continues from there); `parked_until` is when
-- its schedule would have run out: still parked then, it is dead-lettered without another attempt. Kept
-- until the delivery ends, so parking again after a probe never moves it.
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS parked_attempts integer;
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS parked_until timestamptz;
CREATE INDEX IF NOT EXISTS deliveries_parked_until_idx ON deliveries (endpoint_id, parked_until) WHERE parked_at IS NOT NULL;
