-- 0014_feed_removed: a feed can be removed (figures-refresh --remove-feed ID),
-- for one registered by mistake. Its figures are withdrawn, never deleted, and
-- its row stays: withdrawn figures and their revisions still name it, and
-- /v1/feeds lists it with the time it was removed. A removed feed is never
-- fetched, enabled or updated again; its id stays taken.
ALTER TABLE feed ADD COLUMN removed_at TEXT;
