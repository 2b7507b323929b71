-- The lists a customer's view reads, newest first. An endpoint's deliveries page by (created_at, id):
-- this index replaces deliveries_endpoint_idx, which it covers.
CREATE INDEX IF NOT EXISTS deliveries_endpoint_created_idx ON deliveries (endpoint_id, created_at, id);
DROP INDEX IF EXISTS deliveries_endpoint_idx;
-- One application's figures (GET /v1/applications/{app}/stats): its ended deliveries in the window, an
-- index range however many other applications there are.
CREATE INDEX IF NOT EXISTS deliveries_application_ended_idx ON deliveries (application_id, created_at) WHERE status <> 'pending';
