-- 0012_feed_max_rejected: the share of a payload's rows a feed may reject, in
-- percent, before the whole payload is judged broken (last good data kept, the
-- feed marked failing). Half by default: an upstream that renamed a field
-- fails instead of withdrawing most of its figures. Set per feed, as some
-- sources refuse many rows by design (figures-refresh --add-feed ID
-- --max-rejected PERCENT).
ALTER TABLE feed ADD COLUMN max_rejected INTEGER NOT NULL DEFAULT 50
  CHECK (max_rejected BETWEEN 0 AND 100);
