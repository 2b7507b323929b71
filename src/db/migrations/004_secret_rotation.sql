-- After a rotation the previous secret keeps signing (beside the new one) until it expires.
ALTER TABLE endpoints ADD COLUMN previous_secret text;
ALTER TABLE endpoints ADD COLUMN previous_secret_expires_at timestamptz;
