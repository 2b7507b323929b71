-- The workflow run that (last) dead-lettered the delivery. A retry that finds that very run still open knows
-- it is closing (sending the queue's alerts) and will deliver nothing, so the dead letter stays open rather
-- than being reported as under way.
ALTER TABLE dead_letters ADD COLUMN run_id text;
