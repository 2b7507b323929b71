-- What the receiver said, and when it asked us to come back.
ALTER TABLE delivery_attempts ADD COLUMN response_body text;
ALTER TABLE delivery_attempts ADD COLUMN retry_after_ms integer;

-- Endpoint health: failing since the first failure after the last success; why it was disabled.
ALTER TABLE endpoints ADD COLUMN failing_since timestamptz;
ALTER TABLE endpoints ADD COLUMN disabled_reason text;
ALTER TABLE endpoints ADD COLUMN auto_recover boolean NOT NULL DEFAULT true;

-- How a dead letter left the queue: delivered by a retry, or discarded by an operator.
ALTER TABLE dead_letters ADD COLUMN resolution text CHECK (resolution IN ('delivered', 'discarded'));

-- jsonb reorders object keys; receivers should get the payload exactly as it was posted.
ALTER TABLE messages ALTER COLUMN payload TYPE json USING payload::json;
