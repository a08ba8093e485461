-- 0015_change_feed: /v1/changes lists claims added, revised and withdrawn
-- since a time, oldest first. Additions and revisions are revision rows,
-- found in time order on revision_by_retrieval (0003); withdrawals are
-- figure.withdrawn_at, which no index held: without one, every page of
-- changes would read every figure. Only withdrawn figures have an entry.
CREATE INDEX figure_by_withdrawal ON figure (withdrawn_at, id) WHERE withdrawn_at IS NOT NULL;
ANALYZE figure_by_withdrawal;
