#include "read.h"
#include "db.h"
#include "dims.h"
#include "stmt.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A figure row's columns, in this order (read_figure). The metric, place,
 * source, feed and origin come as ids: read_figure finds their rows in the
 * store's dims (dims.h), read once per data version, instead of each
 * statement joining them on every row.
 */
enum figure_col {
	FC_ID, FC_METRIC_ID, FC_VALUE, FC_QUALIFIER, FC_GROUP, FC_LOCATION_ID,
	FC_AS_OF, FC_PERIOD_START, FC_PERIOD_END, FC_SORT_DATE, FC_SOURCE_ID,
	FC_VIA, FC_URL, FC_QUOTE, FC_REPORTED_ON, FC_RETRIEVED_AT, FC_LICENCE, FC_FEED_ID,
	FC_WITHDRAWN, FC_UNIT, FC_CAUSE, FC_MALES, FC_FEMALES, FC_ORIGIN_ID,
	FC_FACET,   /* R_PAGE_CLAIMS and R_CHANGES only */
};

#define FIGURE_COLS \
	"SELECT f.id, f.metric_id, f.value, f.qualifier, f.grp, f.location_id, " \
	"f.as_of, f.period_start, f.period_end, f.sort_date, f.source_id, " \
	"f.via, f.url, f.quote, f.reported_on, f.retrieved_at, f.licence, f.feed_id, f.withdrawn, " \
	WHAT_IT_COUNTS("f")

/* Unit, cause, the breakdown by sex (of figure or revision rev), and the origin. */
#define WHAT_IT_COUNTS(rev) \
	"f.unit, f.cause, " rev ".males, " rev ".females, f.origin_id "

/* What was known at :known: each figure's revision current then. */
#define HISTORY_COLS \
	"SELECT f.id, f.metric_id, r.value, r.qualifier, f.grp, f.location_id, " \
	"r.as_of, r.period_start, r.period_end, f.sort_date, f.source_id, " \
	"f.via, r.url, r.quote, r.reported_on, r.retrieved_at, f.licence, f.feed_id, " \
	"(f.withdrawn = 1 AND f.withdrawn_at <= :known), " \
	WHAT_IT_COUNTS("r")

#define REVISION_AT \
	"CROSS JOIN revision AS r ON r.figure_id = f.id AND r.retrieved_at <= :known " \
	"AND (r.superseded_at IS NULL OR r.superseded_at > :known) "

/*
 * known_by=reported: each figure's latest revision reported by :known (its
 * reported_on, a date, else when it was retrieved). A revision's id grows
 * with its retrieval, so the greatest id is the latest.
 */
#define REPORTED_BY(rev) "coalesce(" rev ".reported_on, " rev ".retrieved_at) <= :known"
#define REVISION_REPORTED \
	"CROSS JOIN revision AS r ON r.id = (SELECT max(r2.id) FROM revision AS r2 " \
	"WHERE r2.figure_id = f.id AND " REPORTED_BY("r2") ") "

/* The summary's groups at :known: those with a figure known then (either way). */
#define GROUP_KNOWN \
	"AND (:known IS NULL OR EXISTS (SELECT 1 FROM revision AS r WHERE r.figure_id = f.id " \
	"AND CASE WHEN :by_reported THEN " REPORTED_BY("r") " ELSE r.retrieved_at <= :known END)) "

/* A summary's claims are ordered by their source's code: only there is it joined. */
#define CLAIM_SOURCE "CROSS JOIN source AS s ON s.id = f.source_id "

#define FIGURE_FROM  "FROM figure AS f "
#define HISTORY_FROM "FROM figure AS f " REVISION_AT
#define REPORTED_FROM "FROM figure AS f " REVISION_REPORTED

/*
 * Every filter, NULL meaning "not filtered". The driving filter of each
 * variant below repeats one of these as a plain equality so the planner
 * reads that filter's index in (sort_date, id) order. A withdrawn figure
 * counts as carried at :known if it was withdrawn after it.
 */
#define FIGURE_FILTERS FILTERS_DATED("")

/*
 * The same with the dates written "+f.sort_date": a unary + keeps SQLite from
 * choosing an index for the date range, so the summary's groups are read
 * through the index that holds them in order.
 */
#define GROUP_FILTERS FILTERS_DATED("+")

#define FILTERS_DATED(plus) \
	FILTER_CARRIED \
	"AND (:metric IS NULL OR f.metric_id = :metric) " \
	"AND (:metrics IS NULL OR f.metric_id IN (SELECT value FROM json_each(:metrics))) " \
	"AND (:category IS NULL OR f.metric_id IN " \
	"     (SELECT id FROM metric WHERE category = :category)) " \
	"AND (:location IS NULL OR f.location_id = :location) " \
	"AND (:subtree IS NULL OR f.location_id IN " \
	"     (SELECT location_id FROM location_tree WHERE ancestor_id = :subtree)) " \
	"AND (:country IS NULL OR f.country = :country) " \
	"AND (:countries IS NULL OR f.country IN (SELECT value FROM json_each(:countries))) " \
	FILTER_SOURCE_FEED \
	"AND (:grp IS NULL OR f.grp = :grp) " \
	"AND (:origin IS NULL OR f.origin_id IN " \
	"     (SELECT location_id FROM location_tree WHERE ancestor_id = :origin)) " \
	"AND (:unit IS NULL OR f.unit = :unit) " \
	"AND (:cause IS NULL OR f.cause = :cause) " \
	FILTER_DATES(plus) \
	"AND (:cursor_id IS NULL OR f.sort_date < :cursor_date OR f.id < :cursor_id) "

/* The filters both lists and a summary's claims apply (CLAIM_FILTERS). */
#define FILTER_CARRIED FILTER_CARRIED_OF("f")
#define FILTER_SOURCE_FEED FILTER_SOURCE_FEED_OF("f")
#define FILTER_DATES(plus) FILTER_DATES_OF(plus, "f")
/* the same on the figure alias t */
#define FILTER_CARRIED_OF(t) \
	"(:withdrawn = 1 OR " t ".withdrawn = 0 OR " t ".withdrawn_at > :known) "
#define FILTER_SOURCE_FEED_OF(t) \
	"AND (:source IS NULL OR " t ".source_id = :source) " \
	"AND (:sources IS NULL OR " t ".source_id IN (SELECT value FROM json_each(:sources))) " \
	"AND (:feed IS NULL OR " t ".feed_id = :feed) " \
	"AND (:feeds IS NULL OR " t ".feed_id IN (SELECT value FROM json_each(:feeds))) "
#define FILTER_DATES_OF(plus, t) \
	"AND " plus t ".sort_date >= :since AND " plus t ".sort_date <= :until "

#define FIGURE_ORDER "ORDER BY f.sort_date DESC, f.id DESC LIMIT :limit"

/*
 * The filters a summary group's key does not already settle. The keys come
 * from the groups query under the same filters, and metric, category,
 * location, subtree, country (a copy of the location's) and group are
 * functions of a key: leaving them out lets a group's claims be chosen on
 * figure_by_claim_group's entries without reading each figure's row.
 */
#define CLAIM_FILTERS CLAIM_FILTERS_OF("f")

/*
 * A summary page's groups, for its claims: :keys is a JSON array of its
 * (metric, location) pairs, each metric_id * 2^40 + location_id (integers:
 * taking a key's four fields apart with ->> cost ~3,500 instructions each,
 * 17% of a country's summary, callgrind); each pair seeks the claim index.
 * Of a pair's groups, those between the page's first and last key under the
 * filters a group's group and facet settle are the page's: any other passes
 * none of the groups query's filters (CLAIM_FILTERS and these), or it would
 * be on the page. INDEXED BY: on the pair alone the planner may take
 * figure_by_location_metric, which holds neither group nor facet nor source.
 */
#define CLAIM_GROUPS \
	"FROM json_each(:keys) CROSS JOIN figure AS f INDEXED BY figure_by_claim_group " \
	"ON f.metric_id = json_each.value >> 40 " \
	"AND f.location_id = json_each.value & 1099511627775 " \
	"AND (f.metric_id, f.location_id, f.grp, f.facet) >= (:first_m, :first_l, :first_g, :first_f) " \
	"AND (f.metric_id, f.location_id, f.grp, f.facet) <= (:last_m, :last_l, :last_g, :last_f) " \
	"AND (:grp IS NULL OR f.grp = :grp) AND (:unit IS NULL OR f.unit = :unit) " \
	"AND (:cause IS NULL OR f.cause = :cause) " \
	"AND (:origin IS NULL OR f.origin_id IN " \
	"     (SELECT location_id FROM location_tree WHERE ancestor_id = :origin)) "
#define CLAIM_KEY_BITS 40
#define CLAIM_FILTERS_OF(t) FILTER_CARRIED_OF(t) FILTER_SOURCE_FEED_OF(t) FILTER_DATES_OF("+", t)

/* The summary's groups, paged by (metric, location, group). */
#define GROUP_KEYSET \
	"AND (:after_m IS NULL OR (f.metric_id, f.location_id, f.grp, f.facet) > " \
	"(:after_m, :after_l, :after_g, :after_f)) "

#define DRIVE_LOCATION "f.location_id = :location AND "
#define DRIVE_LOCATION_METRIC "f.location_id = :location AND f.metric_id = :metric AND "
#define DRIVE_SUBTREE \
	"f.location_id IN (SELECT location_id FROM location_tree WHERE ancestor_id = :subtree) AND "
#define DRIVE_COUNTRY  "f.country = :country AND "
#define DRIVE_COUNTRY_METRIC "f.country = :country AND f.metric_id = :metric AND "
#define DRIVE_SOURCE   "f.source_id = :source AND "
#define DRIVE_METRIC   "f.metric_id = :metric AND "
#define DRIVE_CATEGORY "f.metric_id IN (SELECT id FROM metric WHERE category = :category) AND "
#define DRIVE_FEED     "f.feed_id = :feed AND "
#define DRIVE_GROUP    "f.grp = :grp AND "
#define DRIVE_ORIGIN \
	"f.origin_id IN (SELECT location_id FROM location_tree WHERE ancestor_id = :origin) AND "
#define DRIVE_ALL      ""

#define LIST_SQL(drive)          FIGURE_COLS FIGURE_FROM "WHERE " drive FIGURE_FILTERS FIGURE_ORDER
#define COUNT_SQL(drive)         "SELECT count(*) FROM figure AS f WHERE " drive FIGURE_FILTERS
#define HISTORY_SQL(drive)       HISTORY_COLS HISTORY_FROM "WHERE " drive FIGURE_FILTERS FIGURE_ORDER
#define HISTORY_COUNT_SQL(drive) \
	"SELECT count(*) FROM figure AS f " REVISION_AT "WHERE " drive FIGURE_FILTERS
#define REPORTED_SQL(drive)      HISTORY_COLS REPORTED_FROM "WHERE " drive FIGURE_FILTERS FIGURE_ORDER
#define REPORTED_COUNT_SQL(drive) \
	"SELECT count(*) FROM figure AS f " REVISION_REPORTED "WHERE " drive FIGURE_FILTERS
#define GROUPS_SQL(drive) \
	"SELECT DISTINCT f.metric_id, f.location_id, f.grp, f.facet FROM figure AS f WHERE " drive \
	GROUP_FILTERS GROUP_KNOWN GROUP_KEYSET \
	"ORDER BY f.metric_id, f.location_id, f.grp, f.facet LIMIT :limit"
#define GROUPS_COUNT_SQL(drive) \
	"SELECT count(*) FROM (SELECT DISTINCT f.metric_id, f.location_id, f.grp, f.facet " \
	"FROM figure AS f " \
	"WHERE " drive GROUP_FILTERS GROUP_KNOWN ")"

/* R_PAGE_CLAIMS with each figure as its revision rev_at (a join of revision AS r) gives. */
#define PAGE_CLAIMS_KNOWN(rev_at) \
	HISTORY_COLS ", f.facet FROM (" \
	"SELECT f.id AS fid, r.id AS rid, json_each.key AS pos, row_number() OVER (PARTITION BY " \
	"json_each.key, f.grp, f.facet, f.source_id ORDER BY f.sort_date DESC, f.id DESC) AS latest " \
	CLAIM_GROUPS rev_at \
	"WHERE " CLAIM_FILTERS ") AS claim CROSS JOIN figure AS f ON f.id = claim.fid " \
	"CROSS JOIN revision AS r ON r.id = claim.rid " \
	CLAIM_SOURCE "WHERE claim.latest = 1 ORDER BY claim.pos, f.grp, f.facet, r.value, s.code"

/* The variants, most selective first: the first whose filter is set drives. */
enum drive {
	DRIVE_BY_LOCATION_METRIC, DRIVE_BY_LOCATION, DRIVE_BY_SUBTREE, DRIVE_BY_SOURCE,
	DRIVE_BY_ORIGIN, DRIVE_BY_COUNTRY_METRIC,
	DRIVE_BY_COUNTRY, DRIVE_BY_METRIC, DRIVE_BY_CATEGORY, DRIVE_BY_FEED, DRIVE_BY_GROUP, DRIVE_BY_DATE,
	DRIVE__COUNT
};

/* The kinds of figure query, each in DRIVE__COUNT variants. */
enum fquery { Q_LIST, Q_COUNT, Q_HISTORY, Q_HISTORY_COUNT, Q_GROUPS, Q_GROUPS_COUNT,
	Q_REPORTED, Q_REPORTED_COUNT, Q__COUNT };

enum rstmt {
	R_BEGIN, R_COMMIT, R_STATE, R_MIN_INTERVAL,
	R_METRIC_ID, R_LOCATION_ID, R_SOURCE_ID, R_FEED_ID, R_COUNTRY_KNOWN, R_GROUP_KNOWN,
	R_FIGURE, R_REVISIONS, R_PAGE_CLAIMS, R_PAGE_CLAIMS_AT, R_PAGE_CLAIMS_REPORTED,
	R_METRIC_BY_ID, R_LOCATION_BY_ID, R_TOTAL,
	R_METRIC_ROW, R_LOCATION_ROW, R_SOURCE_ROW, R_FEED_ROW,
	R_LOCATIONS, R_LOCATIONS_COUNT, R_SOURCES, R_SOURCES_COUNT, R_FEEDS, R_FEEDS_STALE, R_METRICS,
	R_CHANGES, R_CHANGES_NEWEST,
	R_SEARCH, R_COUNTRIES,
	R_FIGURES,
	R__COUNT = R_FIGURES + Q__COUNT * DRIVE__COUNT
};

#define VARIANTS(q, sql) \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_LOCATION_METRIC] = sql(DRIVE_LOCATION_METRIC), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_LOCATION] = sql(DRIVE_LOCATION), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_SUBTREE] = sql(DRIVE_SUBTREE), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_SOURCE] = sql(DRIVE_SOURCE), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_ORIGIN] = sql(DRIVE_ORIGIN), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_COUNTRY_METRIC] = sql(DRIVE_COUNTRY_METRIC), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_COUNTRY] = sql(DRIVE_COUNTRY), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_METRIC] = sql(DRIVE_METRIC), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_CATEGORY] = sql(DRIVE_CATEGORY), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_FEED] = sql(DRIVE_FEED), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_GROUP] = sql(DRIVE_GROUP), \
	[R_FIGURES + (q) * DRIVE__COUNT + DRIVE_BY_DATE] = sql(DRIVE_ALL)

#define LOCATION_FILTERS \
	"WHERE (:country IS NULL OR l.country = :country) " \
	"AND (:parent IS NULL OR l.parent_id = :parent) " \
	"AND (:level IS NULL OR l.admin_level = :level) " \
	"AND (:type IS NULL OR l.type = :type) "
#define SOURCE_FILTERS "WHERE (:type IS NULL OR type = :type) "

/*
 * Changes (/v1/changes): additions and revisions are revision rows, in time
 * order on revision_by_retrieval; withdrawals are withdrawn figures, in time
 * order on figure_by_withdrawal (0015). A change's position is (at, tag,
 * seq): tag 0 a revision (seq its id), 1 a withdrawal (seq the figure's id),
 * so within a second a figure's addition or revision comes before its
 * withdrawal (which is always its last change: a later revision clears it).
 * Each kind's first :limit past the position are read in its index's order,
 * (at, row id), without sorting; only those (at most twice :limit rows) are
 * merged in the list's order and cut at :limit, and only then joined to the
 * figure's columns, the revision's values and the one before it.
 */
#define CHANGE_FILTERS \
	"(:metric IS NULL OR f.metric_id = :metric) " \
	"AND (:category IS NULL OR f.metric_id IN " \
	"     (SELECT id FROM metric WHERE category = :category)) " \
	"AND (:location IS NULL OR f.location_id = :location) " \
	"AND (:subtree IS NULL OR f.location_id IN " \
	"     (SELECT location_id FROM location_tree WHERE ancestor_id = :subtree)) " \
	"AND (:country IS NULL OR f.country = :country) " \
	FILTER_SOURCE_FEED \
	"AND (:grp IS NULL OR f.grp = :grp) " \
	"AND (:origin IS NULL OR f.origin_id IN " \
	"     (SELECT location_id FROM location_tree WHERE ancestor_id = :origin)) " \
	"AND (:unit IS NULL OR f.unit = :unit) " \
	"AND (:cause IS NULL OR f.cause = :cause) "
/* past the keyset position, in the list's order (op: > oldest first, < newest first) */
#define CHANGE_AFTER(at, tag, seq, op) \
	"AND (:after_at IS NULL OR (" at ", " tag ", " seq ") " op " (:after_at, :after_tag, :after_seq)) "
#define CHANGES_SQL(op, dir) \
	FIGURE_COLS ", f.facet, change.at, change.tag, change.seq, " \
	"nv.value, nv.qualifier, nv.as_of, nv.period_start, nv.period_end, " \
	"ov.value, ov.qualifier, ov.as_of, ov.period_start, ov.period_end FROM (" \
	"SELECT * FROM (SELECT r.retrieved_at AS at, 0 AS tag, r.id AS seq, r.figure_id AS fid " \
	"FROM revision AS r CROSS JOIN figure AS f ON f.id = r.figure_id " \
	"WHERE r.retrieved_at >= :since AND r.retrieved_at <= :until AND " CHANGE_FILTERS \
	CHANGE_AFTER("r.retrieved_at", "0", "r.id", op) \
	"ORDER BY r.retrieved_at " dir ", r.id " dir " LIMIT :limit) " \
	"UNION ALL " \
	"SELECT * FROM (SELECT f.withdrawn_at, 1, f.id, f.id FROM figure AS f " \
	"WHERE f.withdrawn_at IS NOT NULL AND f.withdrawn_at >= :since " \
	"AND f.withdrawn_at <= :until AND " CHANGE_FILTERS \
	CHANGE_AFTER("f.withdrawn_at", "1", "f.id", op) \
	"ORDER BY f.withdrawn_at " dir ", f.id " dir " LIMIT :limit) " \
	"ORDER BY 1 " dir ", 2 " dir ", 3 " dir " LIMIT :limit) AS change " \
	"CROSS JOIN figure AS f ON f.id = change.fid " \
	"LEFT JOIN revision AS nv ON change.tag = 0 AND nv.id = change.seq " \
	"LEFT JOIN revision AS ov ON ov.id = (SELECT max(p.id) FROM revision AS p " \
	"WHERE change.tag = 0 AND p.figure_id = change.fid AND p.id < change.seq) " \
	"ORDER BY change.at " dir ", change.tag " dir ", change.seq " dir

static const char *const rsql[R__COUNT] = {
	[R_BEGIN] = "BEGIN",
	[R_COMMIT] = "COMMIT",
	[R_STATE] = "SELECT data_version, data_changed_at, feeds_version, "
	    "coalesce(feeds_changed_at, data_changed_at) FROM state WHERE id = 1",
	[R_MIN_INTERVAL] = "SELECT coalesce(min(interval), 0) FROM feed WHERE enabled",
	[R_METRIC_ID] = "SELECT id FROM metric WHERE code = ?1",
	[R_LOCATION_ID] = "SELECT id FROM location WHERE code = ?1",
	[R_SOURCE_ID] = "SELECT id FROM source WHERE code = ?1",
	[R_FEED_ID] = "SELECT id FROM feed WHERE code = ?1",
	[R_COUNTRY_KNOWN] = "SELECT 1 FROM location WHERE country = ?1 LIMIT 1",
	[R_GROUP_KNOWN] = "SELECT 1 FROM figure WHERE grp = ?1 LIMIT 1",
	[R_FIGURE] = FIGURE_COLS FIGURE_FROM "WHERE f.id = :id",
	/*
	 * A page of summary groups in one statement: the groups' keys come as a
	 * JSON array of [metric_id, location_id, group]; each key, in the array's
	 * order, seeks its group on the claim index, whose entries alone decide
	 * each source's latest figure (CLAIM_FILTERS): an entry no later entry
	 * of its source passes (NOT EXISTS, a seek past it on the same index);
	 * then those figures are read. (One statement per group spent more time
	 * starting and ending statements than reading rows; a row-value IN over
	 * the keys made SQLite seek the cross product of their metrics and
	 * locations; row_number() over (key, source) spent 15% of a country's
	 * summary in the window's sorter and per-partition tables, callgrind.)
	 */
	[R_PAGE_CLAIMS] = FIGURE_COLS ", f.facet FROM ("
	    "SELECT f.id AS fid, json_each.key AS pos " CLAIM_GROUPS
	    "WHERE " CLAIM_FILTERS "AND NOT EXISTS (SELECT 1 FROM figure AS f2 "
	    "WHERE f2.metric_id = f.metric_id AND f2.location_id = f.location_id "
	    "AND f2.grp = f.grp AND f2.facet = f.facet AND f2.source_id = f.source_id "
	    "AND f2.sort_date >= f.sort_date AND (f2.sort_date > f.sort_date OR f2.id > f.id) "
	    "AND " CLAIM_FILTERS_OF("f2") ")) AS claim CROSS JOIN figure AS f ON f.id = claim.fid "
	    CLAIM_SOURCE "ORDER BY claim.pos, f.grp, f.facet, f.value, s.code",
	/* the same as known at :known, by retrieval or by report (as_of_date, known_by) */
	[R_PAGE_CLAIMS_AT] = PAGE_CLAIMS_KNOWN(REVISION_AT),
	[R_PAGE_CLAIMS_REPORTED] = PAGE_CLAIMS_KNOWN(REVISION_REPORTED),
	[R_METRIC_BY_ID] = "SELECT code FROM metric WHERE id = ?1",
	/* NULL when the totals were never counted (then the caller counts) */
	[R_TOTAL] = "SELECT coalesce((SELECT total FROM figure_total WHERE kind = ?1 AND key = ?2), "
	    "CASE WHEN EXISTS (SELECT 1 FROM figure_total WHERE kind = 'all') THEN 0 END)",
	[R_LOCATION_BY_ID] = "SELECT code FROM location WHERE id = ?1",
	/* a figure's dimensions (dims.h): text columns in struct dim's order, then a number */
	[R_METRIC_ROW] = "SELECT code, category FROM metric WHERE id = ?1",
	[R_LOCATION_ROW] = "SELECT code, name, country, type, admin_level FROM location WHERE id = ?1",
	[R_SOURCE_ROW] =
	    "SELECT code, name, organisation, type, url, licence FROM source WHERE id = ?1",
	[R_FEED_ROW] = "SELECT code FROM feed WHERE id = ?1",
	[R_REVISIONS] =
	    "SELECT id, value, qualifier, as_of, period_start, period_end, reported_on, url, "
	    "quote, retrieved_at, superseded_at, males, females FROM revision WHERE figure_id = ?1 "
	    "ORDER BY id DESC",
	[R_LOCATIONS] =
	    "SELECT l.code, l.name, l.country, l.admin_level, l.type, p.code "
	    "FROM location AS l LEFT JOIN location AS p ON p.id = l.parent_id "
	    LOCATION_FILTERS "AND (:cursor IS NULL OR l.code > :cursor) "
	    "ORDER BY l.code LIMIT :limit",
	[R_LOCATIONS_COUNT] = "SELECT count(*) FROM location AS l " LOCATION_FILTERS,
	[R_SOURCES] =
	    "SELECT code, name, organisation, type, url, licence FROM source "
	    SOURCE_FILTERS "AND (:cursor IS NULL OR code > :cursor) ORDER BY code LIMIT :limit",
	[R_SOURCES_COUNT] = "SELECT count(*) FROM source " SOURCE_FILTERS,
	/*
	 * A feed is stale when it is enabled and has no success, its last
	 * attempt failed, or its last success is older than two intervals.
	 */
	[R_FEEDS] =
	    "SELECT code, name, url, adapter, interval, enabled, last_attempt, last_success, "
	    "last_error, consecutive_failures, rows_added, rows_changed, rows_unchanged, "
	    "rows_rejected, "
	    "enabled AND (last_success IS NULL OR consecutive_failures > 0 OR "
	    "  unixepoch(?1) - unixepoch(last_success) > 2 * interval), "
	    "removed_at FROM feed ORDER BY code",
	/*
	 * How many feeds R_FEEDS calls stale as of ?1 (the same test). For the
	 * same rows (feeds_version) the set only grows with time, so its size
	 * names it: /v1/feeds' ETag holds it, and a feed turning stale with no
	 * write changes the ETag (nginx's revalidation, clients' If-None-Match).
	 */
	[R_FEEDS_STALE] =
	    "SELECT count(*) FROM feed WHERE "
	    "enabled AND (last_success IS NULL OR consecutive_failures > 0 OR "
	    "  unixepoch(?1) - unixepoch(last_success) > 2 * interval)",
	[R_METRICS] =
	    "SELECT code, category, hxl, label, description, kind FROM metric "
	    "WHERE (?1 IS NULL OR category = ?1) ORDER BY id",
	[R_CHANGES] = CHANGES_SQL(">", "ASC"),
	[R_CHANGES_NEWEST] = CHANGES_SQL("<", "DESC"),
	/*
	 * Places by name or code (/v1/search, the page's search box): :like is
	 * "%text%" with the text's own %, _ and \ escaped by \; ASCII letters match
	 * in any case (SQLite's LIKE), other scripts as written. A substring
	 * cannot seek a B-tree, so this reads the location table whole: one row
	 * per place a feed names (thousands: every admin area of a crisis
	 * country is some 5,000), never one per figure or revision. Measured on
	 * 50,000 places: 16 ms a search (26 ms for one letter), on a loaded
	 * machine; answers are cached (ETag, nginx) like any other. Exact codes
	 * first, then names that begin with the text, then by name.
	 */
	[R_SEARCH] =
	    "SELECT l.code, l.name, l.country, l.admin_level, l.type, p.code "
	    "FROM location AS l LEFT JOIN location AS p ON p.id = l.parent_id "
	    "WHERE l.name LIKE :like ESCAPE '\\' OR l.code LIKE :like ESCAPE '\\' "
	    "ORDER BY l.code = :text COLLATE NOCASE DESC, l.name LIKE :prefix ESCAPE '\\' DESC, "
	    "l.name, l.code LIMIT :limit",
	/* The countries with figures, most figures first (their totals: no count here). */
	[R_COUNTRIES] =
	    "SELECT t.key, coalesce(l.name, t.key), t.key, l.admin_level, "
	    "coalesce(l.type, 'country'), NULL FROM figure_total AS t "
	    "LEFT JOIN location AS l ON l.code = t.key "
	    "WHERE t.kind = 'country' AND t.total > 0 ORDER BY t.total DESC, t.key LIMIT :limit",
	VARIANTS(Q_LIST, LIST_SQL),
	VARIANTS(Q_COUNT, COUNT_SQL),
	VARIANTS(Q_HISTORY, HISTORY_SQL),
	VARIANTS(Q_HISTORY_COUNT, HISTORY_COUNT_SQL),
	VARIANTS(Q_GROUPS, GROUPS_SQL),
	VARIANTS(Q_GROUPS_COUNT, GROUPS_COUNT_SQL),
	VARIANTS(Q_REPORTED, REPORTED_SQL),
	VARIANTS(Q_REPORTED_COUNT, REPORTED_COUNT_SQL),
};

/* What a cursor's rows are: each store_*_next reads its own kind only. */
enum row_kind { ROW_FIGURE, ROW_REVISION, ROW_LOCATION, ROW_SOURCE, ROW_FEED, ROW_METRIC,
	ROW_GROUP, ROW_CHANGE };

struct cursor {
	struct store *s;
	sqlite3_stmt *st;
	enum row_kind kind;
	int           rc;       /* the last sqlite3_step's result; SQLITE_OK before the first */
};

struct store {
	sqlite3      *db;
	sqlite3_stmt *st[R__COUNT];
	struct cursor cur[R__COUNT];
	struct dims   dims;           /* the dimension rows figures name, read once (dims.h) */
	unsigned int  kept_version;   /* SQLITE_FCNTL_DATA_VERSION when what is kept was read */
	long long     min_interval;   /* the enabled feeds' shortest interval (data_state) */
	int           min_interval_known;   /* min_interval read since the data last changed */
	char          err[ERR_MAX];   /* what failed outside SQLite (store_errmsg), or "" */
};

enum status
store_open(const char *path, struct store **out, char *err)
{
	struct store *s;
	enum status rs;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL) {
		err_set(err, "store: out of memory");
		return ST_NOMEM;
	}
	if (dims_init(&s->dims) != ST_OK) {
		err_set(err, "store: out of memory for the dimension rows");
		free(s);
		return ST_NOMEM;
	}
	if ((rs = db_open_ro(path, &s->db, err)) != ST_OK) {
		dims_free(&s->dims);
		free(s);
		return rs;
	}
	if ((rs = stmts_prepare(s->db, rsql, R__COUNT, s->st, "store", NULL, err)) != ST_OK) {
		store_close(s);
		return rs;
	}
	*out = s;
	return ST_OK;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	stmts_finalize(s->st, R__COUNT);
	sqlite3_close_v2(s->db);
	dims_free(&s->dims);
	free(s);
}

const char *
store_errmsg(struct store *s)
{
	return s->err[0] != '\0' ? s->err : sqlite3_errmsg(s->db);
}

static sqlite3_stmt *
stmt(struct store *s, int i)
{
	return stmt_fresh(s->st[i]);
}

/* The cursor over statement i, bound and ready to step. */
static struct cursor *
cursor(struct store *s, int i, enum row_kind kind)
{
	s->cur[i] = (struct cursor){ .s = s, .st = s->st[i], .kind = kind, .rc = SQLITE_OK };
	return &s->cur[i];
}

/* Steps c if it reads kind: 1 on a row. */
static int
step(struct cursor *c, enum row_kind kind)
{
	if (c == NULL)
		return 0;
	if (c->kind != kind) {
		c->rc = SQLITE_MISUSE;   /* a caller's bug: fail the read, loudly */
		return 0;
	}
	if (c->rc != SQLITE_OK && c->rc != SQLITE_ROW)
		return 0;            /* ended: stay ended */
	c->rc = sqlite3_step(c->st);
	return c->rc == SQLITE_ROW;
}

enum status
store_cursor_close(struct cursor *c)
{
	enum status rs;

	if (c == NULL)
		return ST_OK;
	rs = c->rc == SQLITE_OK || c->rc == SQLITE_ROW || c->rc == SQLITE_DONE ? ST_OK : ST_DB;
	stmt_fresh(c->st);
	return rs;
}

static const char *
text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* What dim_row reads for each kind. */
static const int dim_stmt[] = {
	[DIM_METRIC] = R_METRIC_ROW, [DIM_LOCATION] = R_LOCATION_ROW,
	[DIM_SOURCE] = R_SOURCE_ROW, [DIM_FEED] = R_FEED_ROW,
};
static const char *const dim_name[] = {
	[DIM_METRIC] = "metric", [DIM_LOCATION] = "location", [DIM_SOURCE] = "source",
	[DIM_FEED] = "feed",
};

/*
 * The row (kind, id) that figure fid names: kept in s->dims, or read and
 * kept. NULL when it cannot be read (*rc: SQLite's error, or SQLITE_CORRUPT
 * when the database does not hold it; s->err says which).
 */
static const struct dim *
dim_row(struct store *s, enum dim_kind kind, long long id, long long fid, int *rc)
{
	const struct dim *d = dims_find(&s->dims, kind, id);
	sqlite3_stmt *st;
	struct dim row = { .id = id, .kind = kind };
	int n, step;

	if (d != NULL)
		return d;
	st = stmt(s, dim_stmt[kind]);
	sqlite3_bind_int64(st, 1, id);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		if (kind == DIM_LOCATION) {   /* its last column: the admin level */
			n--;
			row.number = sqlite3_column_int64(st, n);
			row.has_number = sqlite3_column_type(st, n) != SQLITE_NULL;
		}
		for (int k = 0; k < n && k < DIM_TEXTS; k++)
			row.text[k] = text(st, k);
		if ((d = dims_add(&s->dims, &row)) == NULL) {
			err_set(s->err, "store: out of memory keeping %s %lld", dim_name[kind], id);
			*rc = SQLITE_NOMEM;
		}
	} else if (step == SQLITE_DONE) {
		err_set(s->err, "store: figure %lld names %s %lld, which the database does not "
		    "hold: it is damaged; restore it or refresh it again", fid, dim_name[kind], id);
		*rc = SQLITE_CORRUPT;
	} else {
		err_set(s->err, "store: reading %s %lld: %s", dim_name[kind], id,
		    sqlite3_errmsg(s->db));
		*rc = step;
	}
	stmt_fresh(st);
	return d;
}

static struct location_row
location_of(const struct dim *d)
{
	return (struct location_row){
		.code = d->text[0], .name = d->text[1], .country = d->text[2], .type = d->text[3],
		.admin_level = d->number, .has_level = d->has_number,
	};
}

/*
 * The figure columns (FIGURE_COLS, and FC_FACET's when st has them) of c's
 * row, its metric, places, source and feed from the store's dims: 1, or 0
 * with c->rc set when one of those could not be read.
 */
static int
read_figure(struct cursor *c, struct figure_row *r)
{
	struct store *s = c->s;
	sqlite3_stmt *st = c->st;
	long long id = sqlite3_column_int64(st, FC_ID);
	const struct dim *m, *l, *src, *fd, *o = NULL;
	int rc = SQLITE_OK;

	/* room for this row's five: the rows before it are read (rows.h) */
	if (dims_count(&s->dims) + 5 > DIMS_MAX)
		dims_clear(&s->dims);
	if ((m = dim_row(s, DIM_METRIC, sqlite3_column_int64(st, FC_METRIC_ID), id, &rc)) == NULL ||
	    (l = dim_row(s, DIM_LOCATION, sqlite3_column_int64(st, FC_LOCATION_ID), id, &rc)) ==
	    NULL ||
	    (src = dim_row(s, DIM_SOURCE, sqlite3_column_int64(st, FC_SOURCE_ID), id, &rc)) ==
	    NULL ||
	    (fd = dim_row(s, DIM_FEED, sqlite3_column_int64(st, FC_FEED_ID), id, &rc)) == NULL ||
	    (sqlite3_column_type(st, FC_ORIGIN_ID) != SQLITE_NULL &&
	    (o = dim_row(s, DIM_LOCATION, sqlite3_column_int64(st, FC_ORIGIN_ID), id, &rc)) ==
	    NULL)) {
		c->rc = rc;
		return 0;
	}
	*r = (struct figure_row){
		.id = id,
		.metric = m->text[0], .category = m->text[1],
		.value = sqlite3_column_int64(st, FC_VALUE),
		.qualifier = text(st, FC_QUALIFIER), .group = text(st, FC_GROUP),
		.location = location_of(l),
		.as_of = text(st, FC_AS_OF), .period_start = text(st, FC_PERIOD_START),
		.period_end = text(st, FC_PERIOD_END), .sort_date = text(st, FC_SORT_DATE),
		.source = {
			.code = src->text[0], .name = src->text[1], .organisation = src->text[2],
			.type = src->text[3], .url = src->text[4], .licence = src->text[5],
		},
		.via = text(st, FC_VIA), .url = text(st, FC_URL), .quote = text(st, FC_QUOTE),
		.reported_on = text(st, FC_REPORTED_ON), .retrieved_at = text(st, FC_RETRIEVED_AT),
		.licence = text(st, FC_LICENCE), .feed = fd->text[0],
		.withdrawn = sqlite3_column_int(st, FC_WITHDRAWN),
		.unit = text(st, FC_UNIT), .cause = text(st, FC_CAUSE),
		.males = sqlite3_column_int64(st, FC_MALES),
		.has_males = sqlite3_column_type(st, FC_MALES) != SQLITE_NULL,
		.females = sqlite3_column_int64(st, FC_FEMALES),
		.has_females = sqlite3_column_type(st, FC_FEMALES) != SQLITE_NULL,
		.metric_id = sqlite3_column_int64(st, FC_METRIC_ID),
		.location_id = sqlite3_column_int64(st, FC_LOCATION_ID),
	};
	if (o != NULL)
		r->origin = location_of(o);
	if (sqlite3_column_count(st) > FC_FACET)
		r->facet = text(st, FC_FACET);
	return 1;
}

int
store_figures_next(struct cursor *c, struct figure_row *r)
{
	if (!step(c, ROW_FIGURE))
		return 0;
	return read_figure(c, r);
}

/* A change's columns after the figure's (R_CHANGES). */
enum change_col {
	CC_AT = FC_FACET + 1, CC_TAG, CC_SEQ,
	CC_NEW_VALUE, CC_NEW_QUALIFIER, CC_NEW_AS_OF, CC_NEW_START, CC_NEW_END,
	CC_OLD_VALUE, CC_OLD_QUALIFIER, CC_OLD_AS_OF, CC_OLD_START, CC_OLD_END,
};

/* The value at columns col.. (value, qualifier, as_of, period start, end); unset if NULL. */
static struct change_value
read_change_value(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return (struct change_value){ .set = 0 };
	return (struct change_value){
		.set = 1, .value = sqlite3_column_int64(st, col),
		.qualifier = text(st, col + 1), .as_of = text(st, col + 2),
		.period_start = text(st, col + 3), .period_end = text(st, col + 4),
	};
}

int
store_changes_next(struct cursor *c, struct change_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_CHANGE))
		return 0;
	st = c->st;
	if (!read_figure(c, &r->figure))
		return 0;
	r->at = text(st, CC_AT);
	r->seq = sqlite3_column_int64(st, CC_SEQ);
	if (sqlite3_column_int(st, CC_TAG) == 1) {
		/* withdrawn: it was what the figure still holds, and is now nothing */
		r->kind = CHANGE_WITHDRAWN;
		r->old = (struct change_value){
			.set = 1, .value = r->figure.value, .qualifier = r->figure.qualifier,
			.as_of = r->figure.as_of, .period_start = r->figure.period_start,
			.period_end = r->figure.period_end,
		};
		r->new_ = (struct change_value){ .set = 0 };
		return 1;
	}
	r->new_ = read_change_value(st, CC_NEW_VALUE);
	r->old = read_change_value(st, CC_OLD_VALUE);
	r->kind = r->old.set ? CHANGE_REVISED : CHANGE_ADDED;
	return 1;
}

int
store_revisions_next(struct cursor *c, struct revision_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_REVISION))
		return 0;
	st = c->st;
	*r = (struct revision_row){
		.id = sqlite3_column_int64(st, 0), .value = sqlite3_column_int64(st, 1),
		.qualifier = text(st, 2), .as_of = text(st, 3), .period_start = text(st, 4),
		.period_end = text(st, 5), .reported_on = text(st, 6), .url = text(st, 7),
		.quote = text(st, 8), .retrieved_at = text(st, 9), .superseded_at = text(st, 10),
		.males = sqlite3_column_int64(st, 11),
		.has_males = sqlite3_column_type(st, 11) != SQLITE_NULL,
		.females = sqlite3_column_int64(st, 12),
		.has_females = sqlite3_column_type(st, 12) != SQLITE_NULL,
	};
	return 1;
}

int
store_locations_next(struct cursor *c, struct location_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_LOCATION))
		return 0;
	st = c->st;
	*r = (struct location_row){
		.code = text(st, 0), .name = text(st, 1), .country = text(st, 2),
		.admin_level = sqlite3_column_int64(st, 3),
		.has_level = sqlite3_column_type(st, 3) != SQLITE_NULL,
		.type = text(st, 4), .parent = text(st, 5),
	};
	return 1;
}

int
store_sources_next(struct cursor *c, struct source_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_SOURCE))
		return 0;
	st = c->st;
	*r = (struct source_row){
		.code = text(st, 0), .name = text(st, 1), .organisation = text(st, 2),
		.type = text(st, 3), .url = text(st, 4), .licence = text(st, 5),
	};
	return 1;
}

int
store_feeds_next(struct cursor *c, struct feed_status_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_FEED))
		return 0;
	st = c->st;
	*r = (struct feed_status_row){
		.code = text(st, 0), .name = text(st, 1), .url = text(st, 2), .adapter = text(st, 3),
		.interval = sqlite3_column_int64(st, 4), .enabled = sqlite3_column_int(st, 5),
		.last_attempt = text(st, 6), .last_success = text(st, 7),
		.last_error = text(st, 8), .consecutive_failures = sqlite3_column_int64(st, 9),
		.added = sqlite3_column_int64(st, 10), .changed = sqlite3_column_int64(st, 11),
		.unchanged = sqlite3_column_int64(st, 12), .rejected = sqlite3_column_int64(st, 13),
		.stale = sqlite3_column_int(st, 14), .removed_at = text(st, 15),
	};
	return 1;
}

int
store_metrics_next(struct cursor *c, struct metric_row *r)
{
	sqlite3_stmt *st;

	if (!step(c, ROW_METRIC))
		return 0;
	st = c->st;
	*r = (struct metric_row){
		.code = text(st, 0), .category = text(st, 1), .hxl = text(st, 2),
		.label = text(st, 3), .description = text(st, 4), .kind = text(st, 5),
	};
	return 1;
}

int
store_groups_next(struct cursor *c, struct group_row *r)
{
	if (!step(c, ROW_GROUP))
		return 0;
	*r = (struct group_row){
		.metric_id = sqlite3_column_int64(c->st, 0),
		.location_id = sqlite3_column_int64(c->st, 1), .group = text(c->st, 2),
		.facet = text(c->st, 3),
	};
	return 1;
}

/*
 * Forgets what is kept from the database (the dimension rows, the feeds'
 * shortest interval) if it changed since they were read: any commit, by any
 * connection, to any table (a place renamed, a source's URL, a feed's code
 * or interval), moves the pager's data version. Called in the read
 * transaction, so the rows read from here on are this snapshot's.
 */
static void
kept_check(struct store *s)
{
	unsigned int version = 0;

	s->err[0] = '\0';
	if (sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, &version) !=
	    SQLITE_OK || version != s->kept_version) {   /* cannot tell: read them again */
		dims_clear(&s->dims);
		s->min_interval_known = 0;
	}
	s->kept_version = version;
}

/*
 * The enabled feeds' shortest interval, read again only after the data
 * changed (kept_check): its subquery was ~6,300 instructions of every
 * request's ~57,000 for one figure.
 */
static enum status
min_interval(struct store *s, long long *out, char *err)
{
	sqlite3_stmt *st;

	if (!s->min_interval_known) {
		st = stmt(s, R_MIN_INTERVAL);
		if (sqlite3_step(st) != SQLITE_ROW) {
			err_set(err, "store: reading the feeds' shortest interval: %s",
			    sqlite3_errmsg(s->db));
			stmt_fresh(st);
			return ST_UNAVAILABLE;
		}
		s->min_interval = sqlite3_column_int64(st, 0);
		s->min_interval_known = 1;
		stmt_fresh(st);
	}
	*out = s->min_interval;
	return ST_OK;
}

enum status
store_begin(struct store *s, struct data_state *state, char *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_step(stmt(s, R_BEGIN)) != SQLITE_DONE) {
		err_set(err, "store: BEGIN: %s", sqlite3_errmsg(s->db));
		return ST_UNAVAILABLE;
	}
	st = stmt(s, R_STATE);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err_set(err, "store: reading the data state: %s", sqlite3_errmsg(s->db));
		stmt_fresh(st);
		store_end(s);
		return ST_UNAVAILABLE;
	}
	state->version = sqlite3_column_int64(st, 0);
	stmt_copy_text(state->changed_at, sizeof state->changed_at, st, 1);
	state->feeds_version = sqlite3_column_int64(st, 2);
	stmt_copy_text(state->feeds_changed_at, sizeof state->feeds_changed_at, st, 3);
	state->schema_version = db_latest_version();
	stmt_fresh(st);
	kept_check(s);
	if (min_interval(s, &state->min_interval, err) != ST_OK) {
		store_end(s);
		return ST_UNAVAILABLE;
	}
	return ST_OK;
}

void
store_end(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_step(stmt(s, R_COMMIT));
	stmt_fresh(s->st[R_COMMIT]);
}

enum status
store_lookup(struct store *s, enum lookup what, const char *code, long long *id)
{
	static const int which[] = {
		[LOOKUP_METRIC] = R_METRIC_ID, [LOOKUP_LOCATION] = R_LOCATION_ID,
		[LOOKUP_SOURCE] = R_SOURCE_ID, [LOOKUP_FEED] = R_FEED_ID,
	};
	sqlite3_stmt *st = stmt(s, which[what]);
	enum status rs = ST_NOT_FOUND;

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rs = ST_OK;
	}
	stmt_fresh(st);
	return rs;
}

static int
known(struct store *s, int i, const char *value)
{
	sqlite3_stmt *st = stmt(s, i);
	int found;

	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	stmt_fresh(st);
	return found;
}

int
store_country_known(struct store *s, const char *iso3)
{
	return known(s, R_COUNTRY_KNOWN, iso3);
}

int
store_group_known(struct store *s, const char *group)
{
	return known(s, R_GROUP_KNOWN, group);
}

static enum drive
figure_drive(const struct figure_filter *f)
{
	if (f->location && f->metric)
		return DRIVE_BY_LOCATION_METRIC;
	if (f->location)
		return DRIVE_BY_LOCATION;
	if (f->subtree)
		return DRIVE_BY_SUBTREE;
	if (f->source)
		return DRIVE_BY_SOURCE;
	if (f->origin)
		return DRIVE_BY_ORIGIN;
	if (f->country && f->metric)
		return DRIVE_BY_COUNTRY_METRIC;
	if (f->country)
		return DRIVE_BY_COUNTRY;
	if (f->metric)
		return DRIVE_BY_METRIC;
	if (f->category)
		return DRIVE_BY_CATEGORY;
	if (f->feed)
		return DRIVE_BY_FEED;
	if (f->group)
		return DRIVE_BY_GROUP;
	return DRIVE_BY_DATE;
}

static sqlite3_stmt *
bind_filter(sqlite3_stmt *st, const struct figure_filter *f, int with_cursor)
{
	const char *until = f->until != NULL ? f->until : "9999-12-31";

	/* The cursor's date is an upper bound too: it narrows the index range. */
	if (with_cursor && f->cursor_date != NULL && strcmp(f->cursor_date, until) < 0)
		until = f->cursor_date;
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":withdrawn"), f->withdrawn);
	stmt_bind_id(st, ":metric", f->metric);
	stmt_bind_str(st, ":category", f->category);
	stmt_bind_id(st, ":location", f->location);
	stmt_bind_id(st, ":subtree", f->subtree);
	stmt_bind_str(st, ":country", f->country);
	stmt_bind_id(st, ":source", f->source);
	stmt_bind_id(st, ":feed", f->feed);
	stmt_bind_str(st, ":grp", f->group);
	stmt_bind_id(st, ":origin", f->origin);
	stmt_bind_str(st, ":unit", f->unit);
	stmt_bind_str(st, ":cause", f->cause);
	stmt_bind_str(st, ":known", f->known);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":by_reported"), f->known_reported);
	stmt_bind_str(st, ":metrics", f->metrics);
	stmt_bind_str(st, ":sources", f->sources);
	stmt_bind_str(st, ":feeds", f->feeds);
	stmt_bind_str(st, ":countries", f->countries);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":since"),
	    f->since != NULL ? f->since : "0000-00-00", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":until"), until, -1,
	    SQLITE_TRANSIENT);
	if (with_cursor && f->cursor_date != NULL) {
		stmt_bind_str(st, ":cursor_date", f->cursor_date);
		stmt_bind_id(st, ":cursor_id", f->cursor_id);
	}
	stmt_bind_id(st, ":limit", f->limit);
	return st;
}

static enum status known_total(struct store *s, const struct figure_filter *f, int groups,
    long long *total);

static int
variant(enum fquery q, const struct figure_filter *f)
{
	return R_FIGURES + q * DRIVE__COUNT + figure_drive(f);
}

struct cursor *
store_figures(struct store *s, const struct figure_filter *f)
{
	int i = variant(f->known == NULL ? Q_LIST : f->known_reported ? Q_REPORTED : Q_HISTORY, f);

	bind_filter(stmt(s, i), f, 1);
	return cursor(s, i, ROW_FIGURE);
}

static enum status
count(struct store *s, sqlite3_stmt *st, long long *total, char *err)
{
	enum status rs = ST_OK;

	if (sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	else {
		err_set(err, "store: counting: %s", sqlite3_errmsg(s->db));
		rs = ST_DB;
	}
	stmt_fresh(st);
	return rs;
}

enum status
store_figures_count(struct store *s, const struct figure_filter *f, long long *total,
    char *err)
{
	if (known_total(s, f, 0, total) == ST_OK)
		return ST_OK;
	return count(s, bind_filter(stmt(s, variant(f->known == NULL ? Q_COUNT :
	    f->known_reported ? Q_REPORTED_COUNT : Q_HISTORY_COUNT, f)), f, 0), total, err);
}

struct cursor *
store_groups(struct store *s, const struct figure_filter *f, const struct group_row *after)
{
	int i = variant(Q_GROUPS, f);
	sqlite3_stmt *st = bind_filter(stmt(s, i), f, 0);

	if (after != NULL) {
		stmt_bind_id(st, ":after_m", after->metric_id);
		stmt_bind_id(st, ":after_l", after->location_id);
		stmt_bind_str(st, ":after_g", after->group);
		stmt_bind_str(st, ":after_f", after->facet != NULL ? after->facet : "");
	}
	stmt_bind_id(st, ":limit", f->limit);
	return cursor(s, i, ROW_GROUP);
}

/*
 * The refresher's precomputed total for f, when f is nothing but one of the
 * dimensions it counts, one metric in one country, or nothing at all.
 * ST_NOT_FOUND: count instead.
 */
static enum status
known_total(struct store *s, const struct figure_filter *f, int groups, long long *total)
{
	const char *kind = NULL;
	char key[72] = "";
	int n = (f->metric > 0) + (f->category != NULL) + (f->country != NULL) +
	    (f->source > 0) + (f->feed > 0) + (f->location > 0);
	sqlite3_stmt *st;
	enum status rs = ST_NOT_FOUND;

	if (f->known != NULL || f->withdrawn || f->since != NULL || f->until != NULL ||
	    f->metrics != NULL || f->sources != NULL || f->feeds != NULL || f->countries != NULL ||
	    f->group != NULL || f->subtree > 0 || f->origin > 0 || f->unit != NULL || f->cause != NULL ||
	    n > 2)
		return ST_NOT_FOUND;
	if (n == 2) {
		if (groups || f->country == NULL || f->metric <= 0)
			return ST_NOT_FOUND;
		kind = "country_metric";
		snprintf(key, sizeof key, "%s|%lld", f->country, f->metric);
	} else if (groups) {
		if (n == 0)
			kind = "groups";
		else if (f->country != NULL) {
			kind = "groups_country";
			snprintf(key, sizeof key, "%s", f->country);
		}
	} else if (n == 0)
		kind = "all";
	else if (f->metric > 0) {
		kind = "metric";
		snprintf(key, sizeof key, "%lld", f->metric);
	} else if (f->category != NULL) {
		kind = "category";
		snprintf(key, sizeof key, "%s", f->category);
	} else if (f->country != NULL) {
		kind = "country";
		snprintf(key, sizeof key, "%s", f->country);
	} else if (f->source > 0) {
		kind = "source";
		snprintf(key, sizeof key, "%lld", f->source);
	} else if (f->feed > 0) {
		kind = "feed";
		snprintf(key, sizeof key, "%lld", f->feed);
	} else {
		kind = "location";
		snprintf(key, sizeof key, "%lld", f->location);
	}
	if (kind == NULL)
		return ST_NOT_FOUND;
	st = stmt(s, R_TOTAL);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		*total = sqlite3_column_int64(st, 0);
		rs = ST_OK;
	}
	stmt_fresh(st);
	return rs;
}

enum status
store_groups_count(struct store *s, const struct figure_filter *f, long long *total, char *err)
{
	if (known_total(s, f, 1, total) == ST_OK)
		return ST_OK;
	return count(s, bind_filter(stmt(s, variant(Q_GROUPS_COUNT, f)), f, 0), total, err);
}

static void
bind_key(sqlite3_stmt *st, const char *m, const char *l, const char *g, const char *fc,
    const struct group_row *key)
{
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, m), key->metric_id);
	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, l), key->location_id);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, g),
	    key->group != NULL ? key->group : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, fc),
	    key->facet != NULL ? key->facet : "", -1, SQLITE_STATIC);
}

enum status
store_claim_keys(struct store *s, const struct group_row *g, size_t n, char **keys)
{
	/* each pair at most 20 digits and a comma, brackets, NUL */
	char *out = malloc(n * 21 + 3), num[24];
	size_t len = 0;

	*keys = NULL;
	if (out == NULL)
		return ST_NOMEM;
	out[len++] = '[';
	for (size_t k = 0; k < n; k++) {
		if (g[k].metric_id <= 0 || g[k].location_id <= 0 ||
		    g[k].metric_id >= 1LL << (62 - CLAIM_KEY_BITS) ||
		    g[k].location_id >= 1LL << CLAIM_KEY_BITS) {
			err_set(s->err, "store: metric id %lld or location id %lld is beyond what a "
			    "summary's key holds (metric ids below 2^%d, location ids below 2^%d): "
			    "the database was not written by figures-refresh; rebuild it",
			    g[k].metric_id, g[k].location_id, 62 - CLAIM_KEY_BITS, CLAIM_KEY_BITS);
			free(out);
			return ST_TOO_BIG;
		}
		if (k > 0 && g[k].metric_id == g[k - 1].metric_id &&
		    g[k].location_id == g[k - 1].location_id)
			continue;   /* the pair is there: its groups come in key order */
		if (len > 1)
			out[len++] = ',';
		int w = snprintf(num, sizeof num, "%lld",
		    g[k].metric_id << CLAIM_KEY_BITS | g[k].location_id);
		memcpy(out + len, num, (size_t)w);
		len += (size_t)w;
	}
	out[len++] = ']';
	out[len] = '\0';
	*keys = out;
	return ST_OK;
}

struct cursor *
store_page_claims(struct store *s, const struct figure_filter *f, const char *keys,
    const struct group_row *first, const struct group_row *last)
{
	int i = f->known == NULL ? R_PAGE_CLAIMS : f->known_reported ? R_PAGE_CLAIMS_REPORTED :
	    R_PAGE_CLAIMS_AT;
	sqlite3_stmt *st = bind_filter(stmt(s, i), f, 0);

	stmt_bind_str(st, ":keys", keys);
	bind_key(st, ":first_m", ":first_l", ":first_g", ":first_f", first);
	bind_key(st, ":last_m", ":last_l", ":last_g", ":last_f", last);
	return cursor(s, i, ROW_FIGURE);
}

static enum status
code_of(struct store *s, int i, long long id, char *out, size_t size)
{
	sqlite3_stmt *st = stmt(s, i);
	enum status rs = ST_NOT_FOUND;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		stmt_copy_text(out, size, st, 0);
		rs = ST_OK;
	}
	stmt_fresh(st);
	return rs;
}

enum status
store_metric_code(struct store *s, long long id, char *out, size_t size)
{
	return code_of(s, R_METRIC_BY_ID, id, out, size);
}

enum status
store_location_code(struct store *s, long long id, char *out, size_t size)
{
	return code_of(s, R_LOCATION_BY_ID, id, out, size);
}

struct cursor *
store_figure(struct store *s, long long id)
{
	sqlite3_stmt *st = stmt(s, R_FIGURE);

	sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id);
	return cursor(s, R_FIGURE, ROW_FIGURE);
}

struct cursor *
store_revisions(struct store *s, long long figure_id)
{
	sqlite3_bind_int64(stmt(s, R_REVISIONS), 1, figure_id);
	return cursor(s, R_REVISIONS, ROW_REVISION);
}

struct cursor *
store_changes(struct store *s, const struct change_filter *cf)
{
	int i = cf->newest_first ? R_CHANGES_NEWEST : R_CHANGES;
	struct figure_filter f = cf->f;
	sqlite3_stmt *st;
	const char *since = cf->since != NULL ? cf->since : "0000";
	const char *until = cf->until != NULL ? cf->until : "9999";

	/* the figure filter's own dates, cursor and withdrawn flag are not the changes' */
	f.since = f.until = f.cursor_date = f.known = NULL;
	/* the position bounds the index range too: a later page starts where the last ended */
	if (cf->after_at != NULL && !cf->newest_first && strcmp(cf->after_at, since) > 0)
		since = cf->after_at;
	if (cf->after_at != NULL && cf->newest_first && strcmp(cf->after_at, until) < 0)
		until = cf->after_at;
	st = bind_filter(stmt(s, i), &f, 0);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":since"), since, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":until"), until, -1,
	    SQLITE_TRANSIENT);
	if (cf->after_at != NULL) {
		stmt_bind_str(st, ":after_at", cf->after_at);
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":after_tag"), cf->after_tag);
		sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":after_seq"), cf->after_seq);
	}
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), cf->limit);
	return cursor(s, i, ROW_CHANGE);
}

static sqlite3_stmt *
bind_list(struct store *s, int i, const struct list_filter *f)
{
	sqlite3_stmt *st = stmt(s, i);

	stmt_bind_str(st, ":country", f->country);
	stmt_bind_str(st, ":type", f->type);
	stmt_bind_id(st, ":parent", f->parent);
	if (f->level >= 0)
		sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":level"), f->level);
	stmt_bind_str(st, ":cursor", f->cursor);
	stmt_bind_id(st, ":limit", f->limit);
	return st;
}

struct cursor *
store_locations(struct store *s, const struct list_filter *f)
{
	bind_list(s, R_LOCATIONS, f);
	return cursor(s, R_LOCATIONS, ROW_LOCATION);
}

enum status
store_locations_count(struct store *s, const struct list_filter *f, long long *total, char *err)
{
	return count(s, bind_list(s, R_LOCATIONS_COUNT, f), total, err);
}

struct cursor *
store_sources(struct store *s, const struct list_filter *f)
{
	bind_list(s, R_SOURCES, f);
	return cursor(s, R_SOURCES, ROW_SOURCE);
}

enum status
store_sources_count(struct store *s, const struct list_filter *f, long long *total, char *err)
{
	return count(s, bind_list(s, R_SOURCES_COUNT, f), total, err);
}

/*
 * text as a LIKE pattern: its %, _ and \ escaped by \, between lead ("%" or
 * "") and "%". 0 if it does not fit out.
 */
static int
like_pattern(const char *text, const char *lead, char *out, size_t size)
{
	size_t o = strlen(lead);

	if (o + 2 > size)
		return 0;
	memcpy(out, lead, o);
	for (const char *p = text; *p != '\0'; p++) {
		if (o + 4 > size)
			return 0;
		if (*p == '%' || *p == '_' || *p == '\\')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o++] = '%';
	out[o] = '\0';
	return 1;
}

struct cursor *
store_search(struct store *s, const char *text, int limit)
{
	sqlite3_stmt *st = stmt(s, R_SEARCH);
	char like[2 * SEARCH_TEXT_MAX + 3], prefix[2 * SEARCH_TEXT_MAX + 3];

	/* a text too long matches nothing: limit 0 */
	if (strlen(text) > SEARCH_TEXT_MAX || !like_pattern(text, "%", like, sizeof like) ||
	    !like_pattern(text, "", prefix, sizeof prefix))
		limit = 0, like[0] = prefix[0] = '\0';
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":like"), like, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":prefix"), prefix, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":text"), text, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	return cursor(s, R_SEARCH, ROW_LOCATION);
}

struct cursor *
store_countries(struct store *s, int limit)
{
	sqlite3_stmt *st = stmt(s, R_COUNTRIES);

	sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":limit"), limit);
	return cursor(s, R_COUNTRIES, ROW_LOCATION);
}

struct cursor *
store_feeds(struct store *s, const char *now)
{
	sqlite3_bind_text(stmt(s, R_FEEDS), 1, now, -1, SQLITE_TRANSIENT);
	return cursor(s, R_FEEDS, ROW_FEED);
}

enum status
store_feeds_stale_count(struct store *s, const char *now, long long *n, char *err)
{
	sqlite3_stmt *st = stmt(s, R_FEEDS_STALE);

	sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
	return count(s, st, n, err);
}

struct cursor *
store_metrics(struct store *s, const char *category)
{
	sqlite3_stmt *st = stmt(s, R_METRICS);

	if (category != NULL)
		sqlite3_bind_text(st, 1, category, -1, SQLITE_STATIC);
	return cursor(s, R_METRICS, ROW_METRIC);
}

enum status
store_explain(struct store *s, void (*fn)(void *ctx, int stmt, const char *sql,
    const char *plan), void *ctx, char *err)
{
	for (int i = 0; i < R__COUNT; i++) {
		sqlite3_stmt *st = NULL;
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", rsql[i]);

		if (q == NULL || sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK) {
			err_set(err, "explaining statement %d: %s", i, sqlite3_errmsg(s->db));
			sqlite3_free(q);
			return ST_DB;
		}
		sqlite3_free(q);
		while (sqlite3_step(st) == SQLITE_ROW)
			fn(ctx, i, rsql[i], (const char *)sqlite3_column_text(st, 3));
		sqlite3_finalize(st);
	}
	return ST_OK;
}
