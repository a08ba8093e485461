-- 0013_what_a_figure_counts: a figure says what it counts, beyond its metric
-- and population group (docs/DESIGN.md, "What a figure counts").
--
-- Each of these separates claims that must never be compared, summed or
-- merged with each other: refugees from Syria are not refugees from Iraq;
-- 40,000 households are not 40,000 people; IDPs displaced by conflict are
-- not those displaced by floods. A figure that does not say keeps them
-- empty (people, no origin, no cause), and its key is what it was before.

-- Stock (a count at a date: people displaced as of D) or flow (a count over a
-- period: people killed since D).
ALTER TABLE metric ADD COLUMN kind TEXT NOT NULL DEFAULT 'stock'
  CHECK (kind IN ('stock', 'flow'));
UPDATE metric SET kind = 'flow'
 WHERE code IN ('returnees', 'escaped', 'released', 'killed', 'injured', 'missing');
UPDATE metric SET description =
  'Displaced people who returned to their place of origin, when the source does not say whether they had been refugees or internally displaced.'
 WHERE code = 'returnees';

-- What real payloads count that the vocabulary could not say.
INSERT INTO metric (id, code, category, hxl, label, description, kind) VALUES
  (11, 'idp_returnees', 'displacement', '#affected+idps+returnees', 'IDP returnees',
       'Internally displaced people who returned to their place of origin.', 'flow'),
  (12, 'refugee_returnees', 'displacement', '#affected+refugees+returnees', 'Refugee returnees',
       'Refugees who returned to their country of origin.', 'flow'),
  (13, 'asylum_seekers', 'displacement', '#affected+asylum', 'Asylum seekers',
       'People who sought international protection and whose claims are not yet decided.',
       'stock'),
  (14, 'killed_injured', 'casualties', '#affected+killed+injured', 'Killed or injured',
       'People killed and people injured, counted together by the source (casualties).',
       'flow');

-- The people's origin: a place like any other (a country, or an area in one).
ALTER TABLE figure ADD COLUMN origin_id INTEGER REFERENCES location(id);
-- people, or households (never counted, compared or summed as people)
ALTER TABLE figure ADD COLUMN unit TEXT NOT NULL DEFAULT 'people'
  CHECK (unit IN ('people', 'households'));
-- what the source says caused it: one or more of conflict, violence, disaster,
-- other, in that order, joined by '+'; NULL when the source did not say
ALTER TABLE figure ADD COLUMN cause TEXT;
-- the count's breakdown by sex, where the source gives it
ALTER TABLE figure ADD COLUMN males INTEGER CHECK (males >= 0);
ALTER TABLE figure ADD COLUMN females INTEGER CHECK (females >= 0);
-- What separates this figure's claims from others of the same metric,
-- location and group: unit, origin and cause in one text the summary groups
-- by ('' for people of no stated origin or cause). Written by the writer from
-- the three columns above, never read by clients.
ALTER TABLE figure ADD COLUMN facet TEXT NOT NULL DEFAULT '';

ALTER TABLE revision ADD COLUMN males INTEGER;
ALTER TABLE revision ADD COLUMN females INTEGER;

-- A feed's country, for an upstream whose rows do not name theirs
-- (figures-refresh --add-feed ID --country ISO3).
ALTER TABLE feed ADD COLUMN country TEXT;

-- The summary groups by facet too: its indexes hold it after the group.
DROP INDEX figure_by_claim_group;
DROP INDEX figure_by_country_group;
CREATE INDEX figure_by_claim_group ON figure (metric_id, location_id, grp, facet, source_id,
                                              sort_date, withdrawn);
CREATE INDEX figure_by_country_group ON figure (country, metric_id, location_id, grp, facet,
                                                withdrawn, sort_date);
-- origin= drives by this one (a country's places through location_tree)
CREATE INDEX figure_by_origin ON figure (origin_id, sort_date, id, withdrawn, metric_id)
  WHERE origin_id IS NOT NULL;
ANALYZE figure_by_claim_group;
ANALYZE figure_by_country_group;
ANALYZE figure_by_origin;
