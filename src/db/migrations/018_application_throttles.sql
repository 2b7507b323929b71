-- An application's rateLimitPerSecond caps the sum of its endpoints across workers: like an endpoint's own
-- limit, through one row whose next free slot every attempt reserves (src/db/throttles.repository.ts).
CREATE TABLE IF NOT EXISTS application_throttles (
  application_id  text PRIMARY KEY REFERENCES applications (id),
  rate            double precision NOT NULL CHECK (rate > 0),
  next_slot       timestamptz NOT NULL
);
