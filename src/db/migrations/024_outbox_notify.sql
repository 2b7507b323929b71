-- A statement that adds outbox rows wakes the workers' outbox starters (LISTEN hookway_outbox) when it
-- commits, whichever process wrote them: a worker then starts the deliveries eagerly (the first workflow
-- task comes back with the start call), where an API process alone could only start them through
-- matching. One notification per statement that added rows, and PostgreSQL folds repeats within a
-- transaction.
CREATE OR REPLACE FUNCTION delivery_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM added) THEN
    PERFORM pg_notify('hookway_outbox', '');
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS delivery_outbox_notify ON delivery_outbox;
CREATE TRIGGER delivery_outbox_notify AFTER INSERT ON delivery_outbox
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION delivery_outbox_notify();
