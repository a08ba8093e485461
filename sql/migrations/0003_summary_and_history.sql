-- 0003_summary_and_history: what /v1/summary and /v1/figures?as_of_date= need.
--
-- The summary groups claims by metric x location x population group and takes
-- each source's latest: one index serves both the grouping order and the
-- per-group lookup. "What did we know on a date" must also know when a claim
-- stopped being carried by its feed, not only that it did.

CREATE INDEX figure_by_claim_group ON figure (metric_id, location_id, grp, sort_date);

ALTER TABLE figure ADD COLUMN withdrawn_at TEXT;   -- when withdrawn; NULL while carried

CREATE INDEX revision_by_retrieval ON revision (retrieved_at);
