-- A redrive pages through an endpoint's open dead letters by (dead_lettered_at, id): a keyset cursor that
-- costs the same on page 1 and page 10,000. It replaces the index without the tie-breaker.
CREATE INDEX dead_letters_endpoint_queue_idx ON dead_letters (endpoint_id, dead_lettered_at, id) WHERE resolved_at IS NULL;
DROP INDEX dead_letters_endpoint_idx;

-- When automatic recovery retried it: automatic redrives pass it by from then on, so it cannot loop.
ALTER TABLE dead_letters ADD COLUMN auto_retried_at timestamptz;

-- Queue alerts this dead letter raised and that are not sent yet: decided in the transaction that opened
-- it, cleared once sent, so a retried dead-lettering sends them again and a later one never does.
ALTER TABLE dead_letters ADD COLUMN pending_alerts text[] NOT NULL DEFAULT '{}';
