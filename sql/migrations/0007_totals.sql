-- 0007_totals: exact totals, kept by the refresher in the same transaction as
-- the figures, so meta.total costs a lookup instead of counting: at 1M figures
-- an unfiltered /v1/figures spent 0.24 s and an unfiltered /v1/summary 0.6 s
-- counting index entries. Kinds: all, metric, category, country, source, feed,
-- location (figures carried, not withdrawn), groups and groups_country (the
-- summary's metric x location x group). Requests with any other filters count.
CREATE TABLE figure_total (
  kind  TEXT NOT NULL,
  key   TEXT NOT NULL,
  total INTEGER NOT NULL,
  PRIMARY KEY (kind, key)
) WITHOUT ROWID;
