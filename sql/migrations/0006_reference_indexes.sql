-- 0006_reference_indexes: the reference lists grow with the data (thousands of
-- locations). Counting them under any of their filters reads an index that
-- holds every column those filters test, never the table.
CREATE INDEX location_filters ON location (country, parent_id, admin_level, type);
CREATE INDEX source_by_type ON source (type);
