-- /v1/stats reads the deliveries that ended within its window; without this it scanned the whole table.
CREATE INDEX IF NOT EXISTS deliveries_ended_created_idx ON deliveries (created_at) WHERE status <> 'pending';
-- Retention walks messages oldest first, past the ones it must keep, with a cursor.
CREATE INDEX IF NOT EXISTS messages_created_idx ON messages (created_at, id);
-- Retention checks a message's dead letters, resolved ones included (the open ones have their own index).
CREATE INDEX IF NOT EXISTS dead_letters_delivery_idx ON dead_letters (delivery_id);
-- Resolved dead letters expire on their own, whatever else their message still waits for.
CREATE INDEX IF NOT EXISTS dead_letters_resolved_idx ON dead_letters (resolved_at) WHERE resolved_at IS NOT NULL;
-- Deleting a message checks the dead letters that reference it; without this, a scan per message.
CREATE INDEX IF NOT EXISTS dead_letters_message_idx ON dead_letters (message_id);
