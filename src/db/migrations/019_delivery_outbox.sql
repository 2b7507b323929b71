-- The outbox: a row per delivery whose workflow (or, for an ordered one, its stream's wake) is still to
-- start, written in the transaction that accepts the message. The API answers 202 on that commit alone;
-- every API and worker process drains this table into Temporal right after, claiming rows with
-- FOR UPDATE SKIP LOCKED and deleting them once Temporal holds the start. A separate table rather than a
-- flag on deliveries, so a claim never locks the delivery rows the started workflows write to at once.
CREATE TABLE IF NOT EXISTS delivery_outbox (
  delivery_id  text PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now()
);
-- Drained oldest first.
CREATE INDEX IF NOT EXISTS delivery_outbox_created_idx ON delivery_outbox (created_at);
