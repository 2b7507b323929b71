-- The outbox is claimed a share per endpoint, round the endpoints with rows waiting, instead of oldest
-- first: a bulk sender's backlog waiting for Temporal's workers then holds back only its own endpoints,
-- not a message to another endpoint (or application) sent after it. The endpoint is copied onto the row so
-- the claim can walk the endpoints with waiting rows through an index. The outbox is a queue (rows live
-- until their workflow starts), so the backfill and the index build are short.
ALTER TABLE delivery_outbox ADD COLUMN IF NOT EXISTS endpoint_id text;
-- Processes of the previous version, still running during a rolling upgrade, insert rows without it.
CREATE OR REPLACE FUNCTION delivery_outbox_fill_endpoint() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.endpoint_id := (SELECT endpoint_id FROM deliveries WHERE id = NEW.delivery_id);
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS delivery_outbox_fill_endpoint ON delivery_outbox;
CREATE TRIGGER delivery_outbox_fill_endpoint BEFORE INSERT ON delivery_outbox
  FOR EACH ROW WHEN (NEW.endpoint_id IS NULL) EXECUTE FUNCTION delivery_outbox_fill_endpoint();
UPDATE delivery_outbox o SET endpoint_id = d.endpoint_id FROM deliveries d WHERE d.id = o.delivery_id AND o.endpoint_id IS NULL;
ALTER TABLE delivery_outbox ALTER COLUMN endpoint_id SET NOT NULL;
CREATE INDEX IF NOT EXISTS delivery_outbox_endpoint_idx ON delivery_outbox (endpoint_id, created_at);
DROP INDEX IF EXISTS delivery_outbox_created_idx;
