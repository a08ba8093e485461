-- 0005_payload_fingerprint: a paged upstream (HAPI: a hundred pages of 10,000
-- rows) offers no validator for the whole dataset, so the refresher keeps its
-- own: a hash of every page's bytes, seeded with the build and the adapter.
-- The same hash next time means the same claims: nothing to validate or write.
ALTER TABLE feed ADD COLUMN payload_hash TEXT;
