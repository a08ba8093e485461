-- 0012_feed_max_rejected: the share of a payload's rows a feed may reject, in
-- percent, before the whole payload is judged broken (last good data kept, the
-- feed marked failing). Half for a feed registered from now on: an upstream
-- that renamed a field fails instead of withdrawing most of its figures. Set
-- per feed, as some sources refuse many rows by design (figures-refresh
-- --add-feed ID --max-rejected PERCENT).
ALTER TABLE feed ADD COLUMN max_rejected INTEGER NOT NULL DEFAULT 50
  CHECK (max_rejected BETWEEN 0 AND 100);
-- A feed registered before took any share of rejected rows: it keeps doing so
-- until its operator sets one, rather than failing on its next refresh.
UPDATE feed SET max_rejected = 100;
