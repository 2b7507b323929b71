-- The portal's per-endpoint charts read attempts by endpoint and time. Attempts carry their endpoint (a
-- delivery's never changes), so one index range answers a window of one endpoint's attempts however many
-- deliveries it has and however long their retries ran.
ALTER TABLE delivery_attempts ADD COLUMN IF NOT EXISTS endpoint_id text;
-- Workers of the previous version, still running during a rolling upgrade, insert attempts without it.
CREATE OR REPLACE FUNCTION delivery_attempts_fill_endpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.endpoint_id := (SELECT endpoint_id FROM deliveries WHERE id = NEW.delivery_id);
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS delivery_attempts_fill_endpoint ON delivery_attempts;
CREATE TRIGGER delivery_attempts_fill_endpoint BEFORE INSERT ON delivery_attempts
  FOR EACH ROW WHEN (NEW.endpoint_id IS NULL) EXECUTE FUNCTION delivery_attempts_fill_endpoint();
UPDATE delivery_attempts a SET endpoint_id = d.endpoint_id FROM deliveries d WHERE d.id = a.delivery_id AND a.endpoint_id IS NULL;
CREATE INDEX IF NOT EXISTS delivery_attempts_endpoint_started_idx ON delivery_attempts (endpoint_id, started_at);
-- The event types an application has used, read by a loose index scan (one probe per distinct type).
CREATE INDEX IF NOT EXISTS messages_application_event_type_idx ON messages (application_id, event_type);
