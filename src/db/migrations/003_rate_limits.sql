-- A fixed per-endpoint limit (null: none).
ALTER TABLE endpoints ADD COLUMN rate_limit_per_second double precision;

-- The rate an endpoint gets now, shared by every worker: its fixed limit, or lower after 429s. A row
-- exists only for endpoints that are limited; `next_slot` is when the next request may go.
CREATE TABLE endpoint_throttles (
  endpoint_id  text PRIMARY KEY REFERENCES endpoints (id),
  rate         double precision NOT NULL CHECK (rate > 0),
  next_slot    timestamptz NOT NULL,
  slowed_at    timestamptz
);
