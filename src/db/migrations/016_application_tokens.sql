-- Application tokens: API access limited to one application, for a customer's own automation and the
-- portal. Only a SHA-256 hash of each token's secret is kept; the token itself is shown once.
CREATE TABLE IF NOT EXISTS application_tokens (
  id              text PRIMARY KEY,
  application_id  text NOT NULL REFERENCES applications (id),
  name            text,
  secret_hash     bytea NOT NULL,
  expires_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);
-- Every request with a token reads it by primary key; this index serves an application's token list.
CREATE INDEX IF NOT EXISTS application_tokens_application_idx ON application_tokens (application_id, id) WHERE revoked_at IS NULL;
