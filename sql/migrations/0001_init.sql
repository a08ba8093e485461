-- 0001_init: the provenance data model (see docs/DESIGN.md, "Data model").
--
-- A source is WHO said a figure; a feed is HOW it reached us. Integer keys are
-- internal (joins stay narrow at millions of rows); every table the API shows
-- has a stable text code that is what clients see and send.
--
-- The migration runner (app/store/db.c) wraps each file in one transaction and
-- sets PRAGMA user_version to the file's number, so applying twice is harmless.

CREATE TABLE metric (
  id        INTEGER PRIMARY KEY,
  code      TEXT NOT NULL UNIQUE,
  category  TEXT NOT NULL CHECK (category IN ('displacement', 'detention', 'casualties')),
  hxl       TEXT NOT NULL UNIQUE,          -- the HXL hashtag the metric reads and writes
  label     TEXT NOT NULL,
  description TEXT NOT NULL
);

INSERT INTO metric (id, code, category, hxl, label, description) VALUES
  (1,  'displaced', 'displacement', '#affected+displaced', 'Displaced',
       'People forced to leave their homes, inside or outside their country, when the source does not say which.'),
  (2,  'idps',      'displacement', '#affected+idps',      'Internally displaced people',
       'People displaced within their own country.'),
  (3,  'refugees',  'displacement', '#affected+refugees',  'Refugees',
       'People who fled across an international border.'),
  (4,  'returnees', 'displacement', '#affected+returnees', 'Returnees',
       'Displaced people who returned to their place of origin.'),
  (5,  'detained',  'detention',    '#affected+detained',  'Detained',
       'People held in prisons, camps or other detention.'),
  (6,  'escaped',   'detention',    '#affected+escaped',   'Escaped',
       'Detained people who escaped.'),
  (7,  'released',  'detention',    '#affected+released',  'Released',
       'Detained people who were released.'),
  (8,  'killed',    'casualties',   '#affected+killed',    'Killed',
       'People killed.'),
  (9,  'injured',   'casualties',   '#affected+injured',   'Injured',
       'People injured.'),
  (10, 'missing',   'casualties',   '#affected+missing',   'Missing',
       'People reported missing.');

CREATE TABLE source (
  id           INTEGER PRIMARY KEY,
  code         TEXT NOT NULL UNIQUE,       -- stable slug, e.g. 'united-nations'
  name         TEXT NOT NULL,
  organisation TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN
                 ('un', 'ngo', 'government', 'monitor', 'media', 'armed_group', 'other')),
  url          TEXT,                       -- homepage; NULL when nobody gave one
  licence      TEXT
);

CREATE TABLE location (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,        -- ISO3, OCHA P-code, or a slug for a site
  name        TEXT NOT NULL,
  country     TEXT NOT NULL,               -- ISO 3166-1 alpha-3
  admin_level INTEGER,                     -- 0 country, 1, 2 …; NULL for sites and regions
  type        TEXT NOT NULL,               -- country, admin1, admin2, camp, region, town …
  parent_id   INTEGER REFERENCES location(id)
);
CREATE INDEX location_country ON location (country, code);
CREATE INDEX location_parent ON location (parent_id);

-- Every (ancestor, descendant) pair, a location being its own ancestor at depth 0,
-- so include=sublocations is one indexed lookup rather than a recursive walk.
CREATE TABLE location_tree (
  ancestor_id INTEGER NOT NULL REFERENCES location(id),
  location_id INTEGER NOT NULL REFERENCES location(id),
  depth       INTEGER NOT NULL,
  PRIMARY KEY (ancestor_id, location_id)
) WITHOUT ROWID;

CREATE TABLE feed (
  id                   INTEGER PRIMARY KEY,
  code                 TEXT NOT NULL UNIQUE,
  name                 TEXT NOT NULL,
  url                  TEXT NOT NULL,
  adapter              TEXT NOT NULL,
  interval             INTEGER NOT NULL DEFAULT 86400 CHECK (interval > 0),
  enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  default_source_id    INTEGER REFERENCES source(id),
  last_attempt         TEXT,
  last_success         TEXT,
  last_error           TEXT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  etag                 TEXT,
  last_modified        TEXT,
  rows_added           INTEGER NOT NULL DEFAULT 0,
  rows_changed         INTEGER NOT NULL DEFAULT 0,
  rows_unchanged       INTEGER NOT NULL DEFAULT 0,
  rows_rejected        INTEGER NOT NULL DEFAULT 0
);

-- A figure is one claim: its current values are kept here (what the API reads),
-- and every value it ever had is a row in revision.
CREATE TABLE figure (
  id           INTEGER PRIMARY KEY,
  feed_id      INTEGER NOT NULL REFERENCES feed(id),
  key          TEXT NOT NULL,              -- the adapter's identity for the row within its feed
  metric_id    INTEGER NOT NULL REFERENCES metric(id),
  location_id  INTEGER NOT NULL REFERENCES location(id),
  country      TEXT NOT NULL,              -- copy of location.country: the country filter's index
  source_id    INTEGER NOT NULL REFERENCES source(id),
  grp          TEXT NOT NULL DEFAULT '',   -- population group, '' when the source named none
  value        INTEGER NOT NULL CHECK (value >= 0),
  qualifier    TEXT NOT NULL CHECK (qualifier IN
                 ('exact', 'about', 'almost', 'at_least', 'more_than', 'up_to')),
  as_of        TEXT,                       -- the date the figure describes, if the source gave one
  period_start TEXT,                       -- or the period it covers
  period_end   TEXT,
  sort_date    TEXT NOT NULL,              -- as_of, else period end/start, else reported_on
  reported_on  TEXT,
  retrieved_at TEXT NOT NULL,
  via          TEXT,
  url          TEXT,
  quote        TEXT,
  licence      TEXT,
  withdrawn    INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
  UNIQUE (feed_id, key)
);
-- Each list filter has an index that ends in sort_date (and, implicitly, id),
-- so a filtered page is read in order without sorting the whole match.
CREATE INDEX figure_by_date     ON figure (sort_date);
CREATE INDEX figure_by_metric   ON figure (metric_id, sort_date);
CREATE INDEX figure_by_location ON figure (location_id, sort_date);
CREATE INDEX figure_by_country  ON figure (country, sort_date);
CREATE INDEX figure_by_source   ON figure (source_id, sort_date);
CREATE INDEX figure_by_feed     ON figure (feed_id, sort_date);
CREATE INDEX figure_by_group    ON figure (grp, sort_date);

CREATE TABLE revision (
  id            INTEGER PRIMARY KEY,
  figure_id     INTEGER NOT NULL REFERENCES figure(id),
  value         INTEGER NOT NULL CHECK (value >= 0),
  qualifier     TEXT NOT NULL,
  as_of         TEXT,
  period_start  TEXT,
  period_end    TEXT,
  reported_on   TEXT,
  url           TEXT,
  quote         TEXT,
  retrieved_at  TEXT NOT NULL,             -- when this value was fetched
  superseded_at TEXT                       -- when a later fetch replaced it; NULL if current
);
CREATE INDEX revision_by_figure ON revision (figure_id, id);

-- One row: what readers need to know about the data as a whole.
CREATE TABLE state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  data_version    INTEGER NOT NULL,        -- bumped by every write that changes what the API shows
  data_changed_at TEXT NOT NULL
);
INSERT INTO state (id, data_version, data_changed_at)
  VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
