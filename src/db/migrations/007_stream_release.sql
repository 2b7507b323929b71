-- A delivery dead-lettered on a `skip` endpoint (or when its endpoint switches to skip) lets its ordered
-- stream go on for good, even if it is retried later or the endpoint switches back to `hold`.
ALTER TABLE deliveries ADD COLUMN stream_released boolean NOT NULL DEFAULT false;
-- Finding a stream's head reads only the deliveries not yet done, however long the stream's history.
CREATE INDEX deliveries_stream_undone_idx ON deliveries (endpoint_id, ordering_key, sequence)
  WHERE ordering_key IS NOT NULL AND status <> 'succeeded' AND NOT stream_released;
