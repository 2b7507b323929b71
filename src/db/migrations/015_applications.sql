-- Applications: the customers a platform sends webhooks to. Every endpoint and message belongs to one,
-- and a message reaches only its own application's endpoints.
CREATE TABLE IF NOT EXISTS applications (
  id                     text PRIMARY KEY,
  uid                    text NOT NULL,
  name                   text NOT NULL,
  metadata               jsonb NOT NULL DEFAULT '{}'::jsonb,
  rate_limit_per_second  double precision,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  deleted_at             timestamptz
);
-- The caller's own id for its customer; a deleted application's uid may be taken again.
CREATE UNIQUE INDEX IF NOT EXISTS applications_uid_idx ON applications (uid) WHERE deleted_at IS NULL;

-- The routes without an application (/v1/endpoints, /v1/messages, GET /v1/dead-letters) are this one's
-- shorthand, so a single-tenant install works as before; what existed before applications moves into it.
INSERT INTO applications (id, uid, name) VALUES ('app_default', 'default', 'Default application') ON CONFLICT DO NOTHING;

-- A message's id and idempotency key are the caller's, so they are unique within an application only:
-- a message's key is (application_id, id). Deliveries and dead letters carry the application too, for
-- that key and for the per-application lists. (The ADD COLUMN lines are instant: a constant default.)
ALTER TABLE endpoints ADD COLUMN IF NOT EXISTS application_id text NOT NULL DEFAULT 'app_default';
ALTER TABLE messages ADD COLUMN IF NOT EXISTS application_id text NOT NULL DEFAULT 'app_default';
ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS application_id text NOT NULL DEFAULT 'app_default';
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS application_id text NOT NULL DEFAULT 'app_default';
ALTER TABLE endpoints ALTER COLUMN application_id DROP DEFAULT;
ALTER TABLE messages ALTER COLUMN application_id DROP DEFAULT;
ALTER TABLE deliveries ALTER COLUMN application_id DROP DEFAULT;
ALTER TABLE dead_letters ALTER COLUMN application_id DROP DEFAULT;
ALTER TABLE endpoints ADD CONSTRAINT endpoints_application_fkey FOREIGN KEY (application_id) REFERENCES applications (id);
ALTER TABLE messages ADD CONSTRAINT messages_application_fkey FOREIGN KEY (application_id) REFERENCES applications (id);

-- The new key replaces the old one; built as a plain unique index first, so it can be built concurrently
-- beforehand (docs/operating.md), then taken over as the primary key.
CREATE UNIQUE INDEX IF NOT EXISTS messages_key_idx ON messages (application_id, id);
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_message_id_fkey;
ALTER TABLE dead_letters DROP CONSTRAINT IF EXISTS dead_letters_message_id_fkey;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_pkey;
ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY USING INDEX messages_key_idx;
CREATE UNIQUE INDEX IF NOT EXISTS messages_idempotency_idx ON messages (application_id, idempotency_key);
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_idempotency_key_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_message_fkey FOREIGN KEY (application_id, message_id) REFERENCES messages (application_id, id);
ALTER TABLE dead_letters ADD CONSTRAINT dead_letters_message_fkey FOREIGN KEY (application_id, message_id) REFERENCES messages (application_id, id);

-- Deleting a message checks the deliveries and dead letters that reference it by this key.
CREATE INDEX IF NOT EXISTS deliveries_message_key_idx ON deliveries (application_id, message_id);
CREATE INDEX IF NOT EXISTS dead_letters_message_key_idx ON dead_letters (application_id, message_id);
DROP INDEX IF EXISTS dead_letters_message_idx;
-- Fan-out reads an application's live endpoints; lists page them by id.
CREATE INDEX IF NOT EXISTS endpoints_application_idx ON endpoints (application_id, id) WHERE deleted_at IS NULL;
-- Retention walks messages by (created_at, application_id, id), the new key.
CREATE INDEX IF NOT EXISTS messages_created_key_idx ON messages (created_at, application_id, id);
DROP INDEX IF EXISTS messages_created_idx;
-- An application's message log, newest first.
CREATE INDEX IF NOT EXISTS messages_application_created_idx ON messages (application_id, created_at, id);
-- An application's open dead letters.
CREATE INDEX IF NOT EXISTS dead_letters_application_idx ON dead_letters (application_id, dead_lettered_at, id) WHERE resolved_at IS NULL;
