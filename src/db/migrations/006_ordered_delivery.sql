-- Ordered delivery: a message may carry an ordering key. Per (endpoint, key) its deliveries are numbered
-- in the order their messages committed, and delivered strictly in that order.
ALTER TABLE messages ADD COLUMN ordering_key text;
ALTER TABLE deliveries ADD COLUMN ordering_key text;
ALTER TABLE deliveries ADD COLUMN sequence bigint;
CREATE UNIQUE INDEX deliveries_stream_idx ON deliveries (endpoint_id, ordering_key, sequence) WHERE ordering_key IS NOT NULL;

-- The last number handed out per stream. Bumping it locks the row until the accepting transaction
-- commits, so two messages with one key, accepted by two API instances at once, commit in number order.
CREATE TABLE ordering_streams (
  endpoint_id    text NOT NULL REFERENCES endpoints (id),
  ordering_key   text NOT NULL,
  last_sequence  bigint NOT NULL,
  PRIMARY KEY (endpoint_id, ordering_key)
);

-- What a dead-lettered message does to its stream: `hold` it until retried or discarded, or `skip` it.
ALTER TABLE endpoints ADD COLUMN ordering_failure_mode text NOT NULL DEFAULT 'hold'
  CHECK (ordering_failure_mode IN ('hold', 'skip'));
