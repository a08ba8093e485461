-- 0002_feed_state_version: readers need to know when a feed's fetch state
-- changed (last success, last error, stale), which happens on every refresh,
-- apart from when the figures changed: /v1/feeds must not answer 304 with an
-- outdated freshness, and /v1/figures must not lose its ETag to a refresh that
-- changed nothing. Triggers keep the counter right whoever writes a feed.

ALTER TABLE state ADD COLUMN feeds_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE state ADD COLUMN feeds_changed_at TEXT;
UPDATE state SET feeds_changed_at = data_changed_at;

CREATE TRIGGER feed_inserted AFTER INSERT ON feed
BEGIN
  UPDATE state SET feeds_version = feeds_version + 1,
    feeds_changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
END;

CREATE TRIGGER feed_updated AFTER UPDATE ON feed
BEGIN
  UPDATE state SET feeds_version = feeds_version + 1,
    feeds_changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');
END;
