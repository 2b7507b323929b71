-- Endpoints: where messages go. Soft-deleted so past deliveries keep their history.
CREATE TABLE endpoints (
  id            text PRIMARY KEY,
  url           text NOT NULL,
  description   text NOT NULL DEFAULT '',
  event_types   text[],                 -- NULL: every event type
  secret        text NOT NULL,
  headers       jsonb NOT NULL DEFAULT '{}'::jsonb,
  retry_policy  jsonb NOT NULL,
  timeout_ms    integer NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
CREATE INDEX endpoints_live_idx ON endpoints (created_at) WHERE deleted_at IS NULL;

-- Messages: one accepted event. The id is the `webhook-id` receivers dedupe on.
CREATE TABLE messages (
  id               text PRIMARY KEY,
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  idempotency_key  text UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Deliveries: one message to one endpoint, carried by one Temporal workflow.
CREATE TABLE deliveries (
  id            text PRIMARY KEY,
  message_id    text NOT NULL REFERENCES messages (id),
  endpoint_id   text NOT NULL REFERENCES endpoints (id),
  workflow_id   text NOT NULL UNIQUE,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'dead_lettered')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (message_id, endpoint_id)
);
CREATE INDEX deliveries_endpoint_idx ON deliveries (endpoint_id, created_at);

-- Attempts: one HTTP call. (run_id, attempt) makes a re-recorded attempt a no-op.
CREATE TABLE delivery_attempts (
  id            bigserial PRIMARY KEY,
  delivery_id   text NOT NULL REFERENCES deliveries (id),
  run_id        text NOT NULL,
  attempt       integer NOT NULL,
  started_at    timestamptz NOT NULL,
  duration_ms   integer NOT NULL,
  status_code   integer,
  error         text,
  UNIQUE (delivery_id, run_id, attempt)
);

-- Dead letters: deliveries whose attempts ran out. At most one open entry per delivery.
CREATE TABLE dead_letters (
  id                text PRIMARY KEY,
  delivery_id       text NOT NULL REFERENCES deliveries (id),
  message_id        text NOT NULL REFERENCES messages (id),
  endpoint_id       text NOT NULL REFERENCES endpoints (id),
  workflow_id       text NOT NULL,
  error             text NOT NULL,
  attempts          integer NOT NULL,
  dead_lettered_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at       timestamptz
);
CREATE UNIQUE INDEX dead_letters_open_delivery_idx ON dead_letters (delivery_id) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_endpoint_idx ON dead_letters (endpoint_id, dead_lettered_at) WHERE resolved_at IS NULL;
