-- The event-type catalog, one for the whole installation (like Svix's environment-level types): what each
-- type means and, optionally, the JSON Schema its payloads must satisfy. The schema is kept as `json` so a
-- GET shows it as written; archived types take no new messages nor subscriptions.
CREATE TABLE IF NOT EXISTS event_types (
  name         text PRIMARY KEY,
  description  text NOT NULL DEFAULT '',
  schema       json,
  archived     boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A CEL expression over the message (type, data, timestamp): the endpoint gets only messages it is true for.
ALTER TABLE endpoints ADD COLUMN IF NOT EXISTS filter text;

-- How many subscribed endpoints the message's filters kept it from, decided when it was accepted.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS filtered_out integer NOT NULL DEFAULT 0;
