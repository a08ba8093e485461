#include "write.h"
#include "stmt.h"
#include "../core/figure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum wstmt {
	W_BEGIN, W_COMMIT, W_ROLLBACK, W_SEEN_CLEAR,
	W_METRIC_LIST,
	W_SOURCE_GET, W_SOURCE_INS, W_SOURCE_SET_URL,
	W_LOC_GET, W_LOC_INS, W_LOC_SET_NAME, W_TREE_SELF, W_TREE_ANCESTORS,
	W_FEED_GET, W_FEED_INS, W_FEED_UPD, W_FEED_COUNT, W_FEED_LIST, W_FEED_ENABLE,
	W_FEED_NOT_MODIFIED, W_FEED_REMOVE, W_FEED_WITHDRAW_ALL,
	W_FIG_GET, W_FIG_SEEN, W_FIG_INS, W_FIG_UPD, W_REV_INS, W_REV_SUPERSEDE,
	W_SEEN_INS, W_WITHDRAW, W_STATE_BUMP,
	W_FEED_OK, W_FEED_FAIL,
	W_TOTALS_CLEAR, W_TOTALS_ALL, W_TOTALS_METRIC, W_TOTALS_CATEGORY, W_TOTALS_COUNTRY,
	W_TOTALS_SOURCE, W_TOTALS_FEED, W_TOTALS_LOCATION, W_TOTALS_GROUPS, W_TOTALS_GROUPS_COUNTRY,
	W_TOTALS_COUNTRY_METRIC,
	W_CHANGES_COUNT, W_CHANGES_CLEAR, W_DELTA_CLEAR, W_DELTA_SIMPLE, W_DELTA_GROUPS,
	W_DELTA_GROUPS_COUNTRY, W_DELTA_APPLY, W_DELTA_DROP_ZEROS, W_DELTA_NEGATIVE,
	W_CATEGORY_CLEAR, W_CHANGE_ADD, W_CHANGE_WITHDRAW_UNSEEN, W_CHANGE_WITHDRAW_FEED,
	W__COUNT
};

#define FEED_SELECT \
	"SELECT f.id, coalesce(f.default_source_id, 0), f.interval, f.enabled, f.code, " \
	"f.adapter, f.url, coalesce(f.etag, ''), coalesce(f.last_modified, ''), f.name, " \
	"coalesce(f.last_attempt, ''), coalesce(f.last_success, ''), " \
	"coalesce(f.last_error, ''), f.consecutive_failures, f.rows_added, f.rows_changed, " \
	"f.rows_unchanged, f.rows_rejected, coalesce(s.code, ''), coalesce(f.payload_hash, ''), " \
	"f.max_rejected, coalesce(f.country, ''), coalesce(f.removed_at, '') " \
	"FROM feed AS f LEFT JOIN source AS s ON s.id = f.default_source_id "

static const char *const wsql[W__COUNT] = {
	[W_BEGIN] = "BEGIN IMMEDIATE",
	[W_COMMIT] = "COMMIT",
	[W_ROLLBACK] = "ROLLBACK",
	[W_SEEN_CLEAR] = "DELETE FROM temp.seen",
	[W_METRIC_LIST] = "SELECT id, code FROM metric ORDER BY code",
	[W_SOURCE_GET] = "SELECT id, url FROM source WHERE code = ?1",
	[W_SOURCE_INS] =
	    "INSERT INTO source (code, name, organisation, type, url, licence) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[W_SOURCE_SET_URL] = "UPDATE source SET url = ?2 WHERE id = ?1 AND url IS NULL",
	[W_LOC_GET] = "SELECT id, country, name = code FROM location WHERE code = ?1",
	[W_LOC_INS] =
	    "INSERT INTO location (code, name, country, admin_level, type, parent_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[W_LOC_SET_NAME] = "UPDATE location SET name = ?2 WHERE id = ?1",
	[W_TREE_SELF] =
	    "INSERT INTO location_tree (ancestor_id, location_id, depth) VALUES (?1, ?1, 0)",
	[W_TREE_ANCESTORS] =
	    "INSERT INTO location_tree (ancestor_id, location_id, depth) "
	    "SELECT ancestor_id, ?1, depth + 1 FROM location_tree WHERE location_id = ?2",
	[W_FEED_GET] = FEED_SELECT "WHERE f.code = ?1",
	[W_FEED_LIST] = FEED_SELECT "ORDER BY f.code",
	/* a removed feed stays off (0014) */
	[W_FEED_ENABLE] = "UPDATE feed SET enabled = ?2 WHERE code = ?1 AND removed_at IS NULL",
	[W_FEED_REMOVE] = "UPDATE feed SET enabled = 0, removed_at = ?2, etag = NULL, "
	    "last_modified = NULL, payload_hash = NULL WHERE id = ?1 AND removed_at IS NULL",
	[W_FEED_WITHDRAW_ALL] = "UPDATE figure SET withdrawn = 1, withdrawn_at = ?2 "
	    "WHERE feed_id = ?1 AND withdrawn = 0",
	[W_FEED_NOT_MODIFIED] =
	    "UPDATE feed SET last_attempt = ?2, last_success = ?2, last_error = NULL, "
	    "consecutive_failures = 0, etag = ?3, last_modified = ?4 WHERE id = ?1",
	[W_FEED_INS] =
	    "INSERT INTO feed (code, name, url, adapter, interval, enabled, default_source_id, "
	    "max_rejected, country) "
	    "VALUES (?1, ?2, ?3, ?4, coalesce(?5, 86400), coalesce(?6, 1), ?7, coalesce(?8, 50), "
	    "nullif(?9, ''))",
	[W_FEED_UPD] =
	    "UPDATE feed SET name = coalesce(?2, name), url = coalesce(?3, url), "
	    "adapter = coalesce(?4, adapter), interval = coalesce(?5, interval), "
	    "enabled = coalesce(?6, enabled), "
	    "default_source_id = coalesce(?7, default_source_id), "
	    "max_rejected = coalesce(?8, max_rejected), "
	    "country = CASE WHEN ?9 IS NULL THEN country ELSE nullif(?9, '') END, "
	    /* a new URL or adapter makes the stored HTTP validators meaningless */
	    "etag = CASE WHEN coalesce(?3, url) = url AND coalesce(?4, adapter) = adapter "
	    "THEN etag END, "
	    "last_modified = CASE WHEN coalesce(?3, url) = url AND coalesce(?4, adapter) = adapter "
	    "THEN last_modified END "
	    "WHERE code = ?1",
	[W_FEED_COUNT] = "SELECT count(*) FROM feed",
	[W_FIG_GET] =
	    "SELECT id, metric_id, location_id, source_id, grp, value, qualifier, as_of, "
	    "period_start, period_end, reported_on, via, url, quote, licence, withdrawn, "
	    "coalesce(origin_id, 0), unit, cause, coalesce(males, -1), coalesce(females, -1), "
	    "country, facet "
	    "FROM figure WHERE feed_id = ?1 AND key = ?2",
	[W_FIG_SEEN] =
	    "SELECT 1 FROM figure AS f JOIN temp.seen AS s ON s.id = f.id "
	    "WHERE f.feed_id = ?1 AND f.key = ?2",
	[W_FIG_INS] =
	    "INSERT INTO figure (feed_id, key, metric_id, location_id, country, source_id, grp, "
	    "value, qualifier, as_of, period_start, period_end, sort_date, reported_on, "
	    "retrieved_at, via, url, quote, licence, origin_id, unit, cause, males, females, facet) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, coalesce(?7, ''), ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
	[W_FIG_UPD] =
	    "UPDATE figure SET metric_id = ?3, location_id = ?4, country = ?5, source_id = ?6, "
	    "grp = coalesce(?7, ''), value = ?8, qualifier = ?9, as_of = ?10, period_start = ?11, "
	    "period_end = ?12, sort_date = ?13, reported_on = ?14, retrieved_at = ?15, via = ?16, "
	    "url = ?17, quote = ?18, licence = ?19, origin_id = ?20, unit = ?21, cause = ?22, "
	    "males = ?23, females = ?24, facet = ?25, withdrawn = 0, withdrawn_at = NULL "
	    "WHERE feed_id = ?1 AND key = ?2",
	[W_REV_INS] =
	    "INSERT INTO revision (figure_id, value, qualifier, as_of, period_start, period_end, "
	    "reported_on, url, quote, retrieved_at, males, females) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[W_REV_SUPERSEDE] =
	    "UPDATE revision SET superseded_at = ?2 WHERE figure_id = ?1 AND superseded_at IS NULL",
	[W_SEEN_INS] = "INSERT OR IGNORE INTO temp.seen (id) VALUES (?1)",
	[W_WITHDRAW] =
	    "UPDATE figure SET withdrawn = 1, withdrawn_at = ?2 WHERE feed_id = ?1 "
	    "AND withdrawn = 0 AND id NOT IN (SELECT id FROM temp.seen)",
	[W_STATE_BUMP] =
	    "UPDATE state SET data_version = data_version + 1, "
	    "data_changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
	[W_FEED_OK] =
	    "UPDATE feed SET last_attempt = ?2, last_success = ?2, last_error = NULL, "
	    "consecutive_failures = 0, rows_added = ?3, rows_changed = ?4, rows_unchanged = ?5, "
	    "rows_rejected = ?6, etag = ?7, last_modified = ?8, payload_hash = ?9 WHERE id = ?1",
	/* the totals readers use for meta.total (migration 0007), recounted after a change */
	[W_TOTALS_CLEAR] = "DELETE FROM figure_total",
	[W_TOTALS_ALL] = "INSERT INTO figure_total SELECT 'all', '', count(*) FROM figure "
	    "WHERE withdrawn = 0",
	[W_TOTALS_METRIC] = "INSERT INTO figure_total SELECT 'metric', metric_id, count(*) "
	    "FROM figure WHERE withdrawn = 0 GROUP BY metric_id",
	[W_TOTALS_CATEGORY] = "INSERT INTO figure_total SELECT 'category', m.category, "
	    "sum(t.total) FROM figure_total AS t JOIN metric AS m ON m.id = t.key "
	    "WHERE t.kind = 'metric' GROUP BY m.category",
	[W_TOTALS_COUNTRY] = "INSERT INTO figure_total SELECT 'country', country, count(*) "
	    "FROM figure WHERE withdrawn = 0 GROUP BY country",
	[W_TOTALS_SOURCE] = "INSERT INTO figure_total SELECT 'source', source_id, count(*) "
	    "FROM figure WHERE withdrawn = 0 GROUP BY source_id",
	[W_TOTALS_FEED] = "INSERT INTO figure_total SELECT 'feed', feed_id, count(*) "
	    "FROM figure WHERE withdrawn = 0 GROUP BY feed_id",
	[W_TOTALS_LOCATION] = "INSERT INTO figure_total SELECT 'location', location_id, count(*) "
	    "FROM figure WHERE withdrawn = 0 GROUP BY location_id",
	[W_TOTALS_GROUPS] = "INSERT INTO figure_total SELECT 'groups', '', count(*) FROM "
	    "(SELECT DISTINCT metric_id, location_id, grp, facet FROM figure WHERE withdrawn = 0)",
	[W_TOTALS_GROUPS_COUNTRY] = "INSERT INTO figure_total SELECT 'groups_country', country, "
	    "count(*) FROM (SELECT DISTINCT country, metric_id, location_id, grp, facet FROM figure "
	    "WHERE withdrawn = 0) GROUP BY country",
	/* key "country|metric_id": one metric in one country, the most asked pair (0010) */
	[W_TOTALS_COUNTRY_METRIC] = "INSERT INTO figure_total SELECT 'country_metric', "
	    "country || '|' || metric_id, count(*) FROM figure WHERE withdrawn = 0 "
	    "GROUP BY country, metric_id",
	[W_FEED_FAIL] =
	    "UPDATE feed SET last_attempt = ?2, last_error = ?3, "
	    "consecutive_failures = consecutive_failures + 1 WHERE id = ?1",

	/*
	 * The totals kept by the changed rows only (see TOTALS_TABLES): how many
	 * rows temp.total_change holds, and whether the totals were ever counted.
	 */
	[W_CHANGES_COUNT] = "SELECT (SELECT count(*) FROM temp.total_change), "
	    "coalesce((SELECT total FROM figure_total WHERE kind = 'all' AND key = ''), -1)",
	[W_CHANGES_CLEAR] = "DELETE FROM temp.total_change",
	[W_DELTA_CLEAR] = "DELETE FROM temp.total_delta",
	/* one row per total a change moves; keys as the recount writes them (text) */
	[W_DELTA_SIMPLE] = "INSERT INTO temp.total_delta (kind, key, n) "
	    "SELECT 'all', '', sum(n) FROM temp.total_change HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'metric', metric_id, sum(n) FROM temp.total_change "
	    "GROUP BY metric_id HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'country', country, sum(n) FROM temp.total_change "
	    "GROUP BY country HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'source', source_id, sum(n) FROM temp.total_change "
	    "GROUP BY source_id HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'feed', feed_id, sum(n) FROM temp.total_change "
	    "GROUP BY feed_id HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'location', location_id, sum(n) FROM temp.total_change "
	    "GROUP BY location_id HAVING sum(n) <> 0 "
	    "UNION ALL SELECT 'country_metric', country || '|' || metric_id, sum(n) "
	    "FROM temp.total_change GROUP BY country, metric_id HAVING sum(n) <> 0",
	/*
	 * A group (metric x location x group x facet) is counted while it has a
	 * figure shown: a change moves the count of groups only where the group
	 * had none before (after - net) and has some now (after), or the reverse.
	 * "after" is counted on the group's own index entries, once per group
	 * (MATERIALIZED: inlined, the subquery ran once per mention).
	 */
	[W_DELTA_GROUPS] = "WITH g AS MATERIALIZED (SELECT c.net, (SELECT count(*) "
	    "FROM figure AS f WHERE f.metric_id = c.metric_id AND f.location_id = c.location_id "
	    "AND f.grp = c.grp AND f.facet = c.facet AND f.withdrawn = 0) AS after "
	    "FROM (SELECT metric_id, location_id, grp, facet, sum(n) AS net "
	    "FROM temp.total_change GROUP BY metric_id, location_id, grp, facet "
	    "HAVING sum(n) <> 0) AS c) "
	    "INSERT INTO temp.total_delta (kind, key, n) "
	    "SELECT 'groups', '', sum((after > 0) - (after - net > 0)) FROM g "
	    "HAVING sum((after > 0) - (after - net > 0)) <> 0",
	[W_DELTA_GROUPS_COUNTRY] = "WITH g AS MATERIALIZED (SELECT c.country, c.net, "
	    "(SELECT count(*) FROM figure AS f WHERE f.country = c.country "
	    "AND f.metric_id = c.metric_id AND f.location_id = c.location_id AND f.grp = c.grp "
	    "AND f.facet = c.facet AND f.withdrawn = 0) AS after "
	    "FROM (SELECT country, metric_id, location_id, grp, facet, sum(n) AS net "
	    "FROM temp.total_change GROUP BY country, metric_id, location_id, grp, facet "
	    "HAVING sum(n) <> 0) AS c) "
	    "INSERT INTO temp.total_delta (kind, key, n) "
	    "SELECT 'groups_country', country, sum((after > 0) - (after - net > 0)) FROM g "
	    "GROUP BY country HAVING sum((after > 0) - (after - net > 0)) <> 0",
	[W_DELTA_APPLY] = "INSERT INTO figure_total (kind, key, total) "
	    "SELECT kind, key, n FROM temp.total_delta WHERE true "
	    "ON CONFLICT (kind, key) DO UPDATE SET total = total + excluded.total",
	/* the recount writes no row for a key with nothing shown, except these two */
	[W_DELTA_DROP_ZEROS] = "DELETE FROM figure_total WHERE total = 0 "
	    "AND kind NOT IN ('all', 'groups') "
	    "AND (kind, key) IN (SELECT kind, key FROM temp.total_delta)",
	[W_DELTA_NEGATIVE] = "SELECT EXISTS (SELECT 1 FROM figure_total WHERE total < 0 "
	    "AND (kind, key) IN (SELECT kind, key FROM temp.total_delta))",
	/* a category's total is its metrics' (a dozen rows): counted again from them */
	[W_CATEGORY_CLEAR] = "DELETE FROM figure_total WHERE kind = 'category'",
	[W_CHANGE_ADD] = "INSERT INTO temp.total_change VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* the figures W_WITHDRAW and W_FEED_WITHDRAW_ALL are about to withdraw */
	[W_CHANGE_WITHDRAW_UNSEEN] = "INSERT INTO temp.total_change "
	    "SELECT metric_id, location_id, country, source_id, feed_id, grp, facet, -1 "
	    "FROM figure WHERE feed_id = ?1 AND withdrawn = 0 "
	    "AND id NOT IN (SELECT id FROM temp.seen)",
	[W_CHANGE_WITHDRAW_FEED] = "INSERT INTO temp.total_change "
	    "SELECT metric_id, location_id, country, source_id, feed_id, grp, facet, -1 "
	    "FROM figure WHERE feed_id = ?1 AND withdrawn = 0",
};

/*
 * What a transaction changes in the totals, for the totals to follow the
 * changed rows instead of a recount of every figure: each figure shown
 * (withdrawn = 0) that the writer adds, withdraws, or moves between keys
 * (its metric, place, source, group or facet, or its withdrawn state)
 * leaves its old keys with n = -1 and its new ones with n = +1. Written by
 * the writer's own statements, not by triggers: a trigger on figure makes
 * every insert keep a statement journal (40 writes a row to a temp file,
 * measured: a first refresh took 1.8x the CPU). Temp tables are part of the
 * transaction: a rollback forgets them with the data.
 */
static const char TOTALS_TABLES[] =
    "CREATE TEMP TABLE IF NOT EXISTS seen (id INTEGER PRIMARY KEY);"
    "CREATE TEMP TABLE IF NOT EXISTS total_change (metric_id INTEGER, location_id INTEGER, "
    "  country TEXT, source_id INTEGER, feed_id INTEGER, grp TEXT, facet TEXT, n INTEGER);"
    "CREATE TEMP TABLE IF NOT EXISTS total_delta (kind TEXT NOT NULL, key TEXT NOT NULL, "
    "  n INTEGER NOT NULL, PRIMARY KEY (kind, key));";

struct writer {
	sqlite3           *db;
	sqlite3_stmt      *st[W__COUNT];
	struct metric_code *metrics;    /* the vocabulary, read once (see writer_metrics) */
	size_t             nmetrics;
};

/* Reads the metric vocabulary: metrics change only with a migration. */
static enum status
load_metrics(struct writer *w, char *err)
{
	sqlite3_stmt *st = w->st[W_METRIC_LIST];
	struct metric_code *more;
	size_t cap = 0;
	int rc;

	sqlite3_reset(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (w->nmetrics == cap) {
			cap = cap ? cap * 2 : 16;
			if ((more = realloc(w->metrics, cap * sizeof *more)) == NULL) {
				sqlite3_reset(st);
				err_set(err, "writer: out of memory reading the metrics");
				return ST_NOMEM;
			}
			w->metrics = more;
		}
		w->metrics[w->nmetrics].id = sqlite3_column_int64(st, 0);
		stmt_copy_text(w->metrics[w->nmetrics].code, sizeof w->metrics[w->nmetrics].code, st, 1);
		w->nmetrics++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err_set(err, "writer: reading the metrics: %s", sqlite3_errmsg(w->db));
		return ST_DB;
	}
	return ST_OK;
}

struct writer *
writer_new(sqlite3 *db, char *err)
{
	struct writer *w;

	if ((w = calloc(1, sizeof *w)) == NULL) {
		err_set(err, "writer: out of memory");
		return NULL;
	}
	w->db = db;
	/*
	 * Each feed's seen keys, to find withdrawn figures and duplicates; what
	 * the transaction changes in the totals (TOTALS_TABLES).
	 */
	if (sqlite3_exec(db, TOTALS_TABLES, NULL, NULL, NULL) != SQLITE_OK) {
		err_set(err, "writer: cannot create temp tables: %s", sqlite3_errmsg(db));
		goto fail;
	}
	if (stmts_prepare(db, wsql, W__COUNT, w->st, "writer",
	    " (is the schema current? run --migrate)", err) != ST_OK)
		goto fail;
	if (load_metrics(w, err) != ST_OK)
		goto fail;
	return w;
fail:
	writer_free(w);
	return NULL;
}

void
writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	stmts_finalize(w->st, W__COUNT);
	free(w->metrics);
	free(w);
}

static sqlite3_stmt *
stmt(struct writer *w, enum wstmt i)
{
	return stmt_fresh(w->st[i]);
}

enum status
writer_begin(struct writer *w, char *err)
{
	enum status st;

	if ((st = stmt_run(stmt(w, W_BEGIN), "BEGIN IMMEDIATE", err)) != ST_OK)
		return st;
	if ((st = stmt_run(stmt(w, W_SEEN_CLEAR), "clearing seen keys", err)) != ST_OK ||
	    (st = stmt_run(stmt(w, W_CHANGES_CLEAR), "clearing the totals' changes", err)) != ST_OK)
		writer_rollback(w);
	return st;
}

enum status
writer_recount(struct writer *w, char *err)
{
	enum status st = ST_OK;

	for (int i = W_TOTALS_CLEAR; i <= W_TOTALS_COUNTRY_METRIC && st == ST_OK; i++)
		st = stmt_run(stmt(w, i), "recounting totals", err);
	/* every change so far is in the count */
	if (st == ST_OK)
		st = stmt_run(stmt(w, W_CHANGES_CLEAR), "clearing the totals' changes", err);
	return st;
}

/* Reads one row of integers from st (a, and b if b is not NULL), then resets it. */
static enum status
read_ints(struct writer *w, sqlite3_stmt *st, const char *what, long long *a, long long *b,
    char *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		err_set(err, "store: %s: %s", what, sqlite3_errmsg(w->db));
		return rc == SQLITE_BUSY ? ST_BUSY : ST_DB;
	}
	return ST_OK;
}

/*
 * Moves the totals by what this transaction changed (temp.total_change, of
 * changes rows), so a refresh costs its changed rows, not a count of every
 * figure. Exact: the same rows writer_recount would write. Recounts instead
 * when a total would fall below zero (they were wrong before: a database
 * written by another program); writer_commit recounts when the totals were
 * never counted, or when the change is a large share of the figures.
 */
static enum status
totals_follow(struct writer *w, long long changes, char *err)
{
	static const enum wstmt steps[] = {
		W_DELTA_CLEAR, W_DELTA_SIMPLE, W_DELTA_GROUPS, W_DELTA_GROUPS_COUNTRY,
		W_DELTA_APPLY, W_DELTA_DROP_ZEROS,
	};
	long long negative;
	enum status st;

	if (changes == 0)
		return ST_OK;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if ((st = stmt_run(stmt(w, steps[i]), "moving the totals by the changed rows",
		    err)) != ST_OK)
			return st;
	if ((st = read_ints(w, stmt(w, W_DELTA_NEGATIVE), "checking the totals", &negative,
	    NULL, err)) != ST_OK)
		return st;
	if (negative)
		return writer_recount(w, err);
	if ((st = stmt_run(stmt(w, W_CATEGORY_CLEAR), "counting the categories", err)) != ST_OK ||
	    (st = stmt_run(stmt(w, W_TOTALS_CATEGORY), "counting the categories", err)) != ST_OK ||
	    (st = stmt_run(stmt(w, W_CHANGES_CLEAR), "clearing the totals' changes", err)) != ST_OK)
		return st;
	return stmt_run(stmt(w, W_DELTA_CLEAR), "clearing the totals' changes", err);
}

/* Below this many changed rows the totals always follow them (see writer_commit). */
#define RECOUNT_ABOVE 10000

enum status
writer_commit(struct writer *w, int changed, char *err)
{
	long long changes, shown;
	int recount;
	enum status st;

	/*
	 * The totals change with the data, in the same transaction: readers see
	 * both or neither. A row written is a change whatever the caller says.
	 */
	if ((st = read_ints(w, stmt(w, W_CHANGES_COUNT), "counting the totals' changes",
	    &changes, &shown, err)) != ST_OK) {
		writer_rollback(w);
		return st;
	}
	if (changes > 0)
		changed = 1;
	/*
	 * Never counted (shown < 0): count. A change of more rows than a quarter
	 * of the figures shown costs more to follow than to count again.
	 */
	recount = shown < 0 || (changes > RECOUNT_ABOVE && changes > shown / 4);
	if (changed && ((st = recount ? writer_recount(w, err) : totals_follow(w, changes, err))
	    != ST_OK ||
	    (st = stmt_run(stmt(w, W_STATE_BUMP), "bumping data version", err)) != ST_OK)) {
		writer_rollback(w);
		return st;
	}
	if ((st = stmt_run(stmt(w, W_COMMIT), "COMMIT", err)) != ST_OK)
		writer_rollback(w);
	return st;
}

void
writer_rollback(struct writer *w)
{
	if (!sqlite3_get_autocommit(w->db))
		stmt_run(stmt(w, W_ROLLBACK), "ROLLBACK", NULL);
}

const struct metric_code *
writer_metrics(const struct writer *w, size_t *n)
{
	*n = w->nmetrics;
	return w->metrics;
}

enum status
writer_source_find(struct writer *w, const char *code, long long *id, int *has_url, char *err)
{
	sqlite3_stmt *st = stmt(w, W_SOURCE_GET);
	enum status rs = ST_OK;
	int rc;

	stmt_bind_text_or_null(st, 1, code);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*has_url = sqlite3_column_type(st, 1) != SQLITE_NULL;
	} else if (rc == SQLITE_DONE)
		rs = ST_NOT_FOUND;
	else {
		err_set(err, "store: reading source %s: %s", code, sqlite3_errmsg(w->db));
		rs = rc == SQLITE_BUSY ? ST_BUSY : ST_DB;
	}
	sqlite3_reset(st);
	return rs;
}

enum status
writer_source(struct writer *w, const struct source_in *in, long long *id, char *err)
{
	sqlite3_stmt *st;
	enum status rs;
	int has_url;

	if ((rs = writer_source_find(w, in->code, id, &has_url, err)) == ST_OK) {
		if (has_url || in->url == NULL || *in->url == '\0')
			return ST_OK;
		st = stmt(w, W_SOURCE_SET_URL);
		sqlite3_bind_int64(st, 1, *id);
		stmt_bind_text_or_null(st, 2, in->url);
		return stmt_run(st, "setting a source's homepage", err);
	}
	if (rs != ST_NOT_FOUND)
		return rs;
	st = stmt(w, W_SOURCE_INS);
	stmt_bind_text_or_null(st, 1, in->code);
	stmt_bind_text_or_null(st, 2, in->name);
	stmt_bind_text_or_null(st, 3, in->organisation);
	stmt_bind_text_or_null(st, 4, in->type);
	stmt_bind_text_or_null(st, 5, in->url);
	stmt_bind_text_or_null(st, 6, in->licence);
	if (stmt_run(st, "inserting a source", err) != ST_OK)
		return ST_DB;
	*id = sqlite3_last_insert_rowid(w->db);
	return ST_OK;
}

/* Looks a location up by code; *placeholder: its name is only its code. */
static enum status
location_get(struct writer *w, const struct location_in *in, long long *id, int *placeholder,
    char *err)
{
	sqlite3_stmt *st = stmt(w, W_LOC_GET);
	enum status rs = ST_OK;
	int rc;

	stmt_bind_text_or_null(st, 1, in->code);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*placeholder = sqlite3_column_int(st, 2);
		if (strcmp((const char *)sqlite3_column_text(st, 1), in->country) != 0) {
			err_set(err, "location %s belongs to country %s, not %s", in->code,
			    (const char *)sqlite3_column_text(st, 1), in->country);
			rs = ST_INVALID;
		}
	} else if (rc == SQLITE_DONE)
		rs = ST_NOT_FOUND;
	else {
		err_set(err, "store: reading location %s: %s", in->code, sqlite3_errmsg(w->db));
		rs = rc == SQLITE_BUSY ? ST_BUSY : ST_DB;
	}
	sqlite3_reset(st);
	return rs;
}

enum status
writer_location_find(struct writer *w, const struct location_in *in, long long *id,
    int *unnamed, char *err)
{
	return location_get(w, in, id, unnamed, err);
}

enum status
writer_location(struct writer *w, const struct location_in *in, long long *id, char *err)
{
	sqlite3_stmt *st;
	enum status rs;
	int placeholder;

	if ((rs = location_get(w, in, id, &placeholder, err)) == ST_OK) {
		if (placeholder && strcmp(in->name, in->code) != 0) {
			st = stmt(w, W_LOC_SET_NAME);
			sqlite3_bind_int64(st, 1, *id);
			stmt_bind_text_or_null(st, 2, in->name);
			return stmt_run(st, "naming a location", err);
		}
		return ST_OK;
	}
	if (rs != ST_NOT_FOUND)
		return rs;
	st = stmt(w, W_LOC_INS);
	stmt_bind_text_or_null(st, 1, in->code);
	stmt_bind_text_or_null(st, 2, in->name);
	stmt_bind_text_or_null(st, 3, in->country);
	if (in->admin_level >= 0)
		sqlite3_bind_int(st, 4, in->admin_level);
	stmt_bind_text_or_null(st, 5, in->type);
	if (in->parent_id > 0)
		sqlite3_bind_int64(st, 6, in->parent_id);
	if ((rs = stmt_run(st, "inserting a location", err)) != ST_OK)
		return rs;
	*id = sqlite3_last_insert_rowid(w->db);
	st = stmt(w, W_TREE_SELF);
	sqlite3_bind_int64(st, 1, *id);
	if ((rs = stmt_run(st, "inserting a location's tree row", err)) != ST_OK)
		return rs;
	if (in->parent_id > 0) {
		st = stmt(w, W_TREE_ANCESTORS);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, in->parent_id);
		rs = stmt_run(st, "inserting a location's ancestors", err);
	}
	return rs;
}

static void
feed_from_row(sqlite3_stmt *st, struct feed_row *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->default_source_id = sqlite3_column_int64(st, 1);
	out->interval = sqlite3_column_int64(st, 2);
	out->enabled = sqlite3_column_int(st, 3);
	stmt_copy_text(out->code, sizeof out->code, st, 4);
	stmt_copy_text(out->adapter, sizeof out->adapter, st, 5);
	stmt_copy_text(out->url, sizeof out->url, st, 6);
	stmt_copy_text(out->etag, sizeof out->etag, st, 7);
	stmt_copy_text(out->last_modified, sizeof out->last_modified, st, 8);
	stmt_copy_text(out->name, sizeof out->name, st, 9);
	stmt_copy_text(out->last_attempt, sizeof out->last_attempt, st, 10);
	stmt_copy_text(out->last_success, sizeof out->last_success, st, 11);
	stmt_copy_text(out->last_error, sizeof out->last_error, st, 12);
	out->consecutive_failures = sqlite3_column_int64(st, 13);
	out->rows_added = sqlite3_column_int64(st, 14);
	out->rows_changed = sqlite3_column_int64(st, 15);
	out->rows_unchanged = sqlite3_column_int64(st, 16);
	out->rows_rejected = sqlite3_column_int64(st, 17);
	stmt_copy_text(out->default_source, sizeof out->default_source, st, 18);
	stmt_copy_text(out->payload_hash, sizeof out->payload_hash, st, 19);
	out->max_rejected = sqlite3_column_int(st, 20);
	stmt_copy_text(out->country, sizeof out->country, st, 21);
	stmt_copy_text(out->removed_at, sizeof out->removed_at, st, 22);
}

enum status
writer_read_feed(struct writer *w, const char *code, struct feed_row *out, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_GET);
	int rc;

	stmt_bind_text_or_null(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		feed_from_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc == SQLITE_DONE) {
		err_set(err, "no feed %s: register it with --add-feed", code);
		return ST_NOT_FOUND;
	}
	err_set(err, "store: reading feed %s: %s", code, sqlite3_errmsg(w->db));
	return ST_DB;
}

enum status
writer_read_feeds(struct writer *w, struct feed_row **out, size_t *n, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_LIST);
	struct feed_row *rows = NULL, *more;
	size_t len = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			if ((more = realloc(rows, cap * sizeof *rows)) == NULL) {
				free(rows);
				sqlite3_reset(st);
				err_set(err, "out of memory listing feeds");
				return ST_NOMEM;
			}
			rows = more;
		}
		feed_from_row(st, &rows[len++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(rows);
		err_set(err, "store: listing feeds: %s", sqlite3_errmsg(w->db));
		return ST_DB;
	}
	*out = rows;
	*n = len;
	return ST_OK;
}

enum status
writer_feed_enable(struct writer *w, const char *code, int enabled, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_ENABLE);
	enum status rs;

	stmt_bind_text_or_null(st, 1, code);
	sqlite3_bind_int(st, 2, enabled);
	if ((rs = stmt_run(st, "enabling a feed", err)) != ST_OK)
		return rs;
	if (sqlite3_changes(w->db) == 0) {
		err_set(err, "no feed %s (or it was removed): see --list-feeds", code);
		return ST_NOT_FOUND;
	}
	return ST_OK;
}

enum status
writer_feed_remove(struct writer *w, const char *code, const char *when, long long *withdrawn,
    char *err)
{
	struct feed_row feed;
	sqlite3_stmt *st;
	enum status rs;

	*withdrawn = 0;
	if ((rs = writer_read_feed(w, code, &feed, err)) != ST_OK)
		return rs;
	if (feed.removed_at[0] != '\0') {
		err_set(err, "feed %s was already removed at %s", code, feed.removed_at);
		return ST_INVALID;
	}
	st = stmt(w, W_CHANGE_WITHDRAW_FEED);
	sqlite3_bind_int64(st, 1, feed.id);
	if ((rs = stmt_run(st, "noting the withdrawn figures' totals", err)) != ST_OK)
		return rs;
	st = stmt(w, W_FEED_WITHDRAW_ALL);
	sqlite3_bind_int64(st, 1, feed.id);
	stmt_bind_text_or_null(st, 2, when);
	if ((rs = stmt_run(st, "withdrawing the feed's figures", err)) != ST_OK)
		return rs;
	*withdrawn = sqlite3_changes(w->db);
	st = stmt(w, W_FEED_REMOVE);
	sqlite3_bind_int64(st, 1, feed.id);
	stmt_bind_text_or_null(st, 2, when);
	return stmt_run(st, "marking the feed removed", err);
}

enum status
writer_feed_not_modified(struct writer *w, long long feed_id, const char *when,
    const char *etag, const char *last_modified, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_NOT_MODIFIED);

	sqlite3_bind_int64(st, 1, feed_id);
	stmt_bind_text_or_null(st, 2, when);
	stmt_bind_text_or_null(st, 3, etag);
	stmt_bind_text_or_null(st, 4, last_modified);
	return stmt_run(st, "recording an unchanged feed", err);
}

long long
writer_feed_count(struct writer *w)
{
	sqlite3_stmt *st = stmt(w, W_FEED_COUNT);
	long long n = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

enum status
writer_feed_put(struct writer *w, const struct feed_in *in, struct feed_row *out, char *err)
{
	enum status rs;
	sqlite3_stmt *st;
	int exists;

	rs = writer_read_feed(w, in->code, out, NULL);
	if (rs != ST_OK && rs != ST_NOT_FOUND) {
		err_set(err, "store: reading feed %s: %s", in->code, sqlite3_errmsg(w->db));
		return rs;
	}
	exists = rs == ST_OK;
	if (exists && out->removed_at[0] != '\0') {
		err_set(err, "feed %s was removed at %s; its id stays with its withdrawn figures: "
		    "register the feed under another id", in->code, out->removed_at);
		return ST_INVALID;
	}
	st = stmt(w, exists ? W_FEED_UPD : W_FEED_INS);
	stmt_bind_text_or_null(st, 1, in->code);
	stmt_bind_text_or_null(st, 2, exists || (in->name != NULL && *in->name) ? in->name : in->code);
	stmt_bind_text_or_null(st, 3, in->url);
	stmt_bind_text_or_null(st, 4, in->adapter);
	if (in->interval > 0)
		sqlite3_bind_int64(st, 5, in->interval);
	if (in->enabled >= 0)
		sqlite3_bind_int(st, 6, in->enabled);
	if (in->default_source_id > 0)
		sqlite3_bind_int64(st, 7, in->default_source_id);
	if (in->max_rejected != NULL)
		sqlite3_bind_int(st, 8, *in->max_rejected);
	if (in->country != NULL)   /* "" is bound as text: it clears the country */
		sqlite3_bind_text(st, 9, in->country, -1, SQLITE_STATIC);
	if ((rs = stmt_run(st, exists ? "updating a feed" : "inserting a feed", err)) != ST_OK)
		return rs;
	return writer_read_feed(w, in->code, out, err);
}

/* 1 if column col of st holds the text s (NULL and "" both mean absent). */
static int
same_text(sqlite3_stmt *st, int col, const char *s)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	if (v == NULL || *v == '\0')
		return s == NULL || *s == '\0';
	return s != NULL && strcmp(v, s) == 0;
}

/* A count that may be missing (< 0): bound as NULL then. */
static void
bind_count(sqlite3_stmt *st, int i, long long v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static const char *
unit_of(const struct figure_in *in)
{
	return in->unit != NULL ? in->unit : "people";
}

/*
 * The figure's facet (sql/migrations/0013): what keeps its claims apart from
 * others of the same metric, location and group; "" for people of no stated
 * origin or cause.
 */
static void
facet(const struct figure_in *in, char out[FACET_MAX])
{
	const char *cause = in->cause != NULL ? in->cause : "";

	if (strcmp(unit_of(in), "people") == 0 && *cause == '\0' && in->origin_id <= 0)
		out[0] = '\0';
	else
		snprintf(out, FACET_MAX, "%s|%s|%lld", unit_of(in), cause,
		    in->origin_id > 0 ? in->origin_id : 0);
}

static void
bind_figure(sqlite3_stmt *st, const struct figure_in *in)
{
	char f[FACET_MAX];

	sqlite3_bind_int64(st, 1, in->feed_id);
	stmt_bind_text_or_null(st, 2, in->key);
	sqlite3_bind_int64(st, 3, in->metric_id);
	sqlite3_bind_int64(st, 4, in->location_id);
	stmt_bind_text_or_null(st, 5, in->country);
	sqlite3_bind_int64(st, 6, in->source_id);
	stmt_bind_text_or_null(st, 7, in->group);
	sqlite3_bind_int64(st, 8, in->value);
	stmt_bind_text_or_null(st, 9, in->qualifier);
	stmt_bind_text_or_null(st, 10, in->as_of);
	stmt_bind_text_or_null(st, 11, in->period_start);
	stmt_bind_text_or_null(st, 12, in->period_end);
	stmt_bind_text_or_null(st, 13, in->sort_date);
	stmt_bind_text_or_null(st, 14, in->reported_on);
	stmt_bind_text_or_null(st, 15, in->retrieved_at);
	stmt_bind_text_or_null(st, 16, in->via);
	stmt_bind_text_or_null(st, 17, in->url);
	stmt_bind_text_or_null(st, 18, in->quote);
	stmt_bind_text_or_null(st, 19, in->licence);
	bind_count(st, 20, in->origin_id > 0 ? in->origin_id : -1);
	stmt_bind_text_or_null(st, 21, unit_of(in));
	stmt_bind_text_or_null(st, 22, in->cause != NULL && *in->cause ? in->cause : NULL);
	bind_count(st, 23, in->males);
	bind_count(st, 24, in->females);
	facet(in, f);
	sqlite3_bind_text(st, 25, f, -1, SQLITE_TRANSIENT);
}

/* What a shown figure counts toward the totals (temp.total_change's columns). */
struct total_keys {
	long long metric_id, location_id, source_id, feed_id;
	char      country[16], grp[GROUP_MAX + 1], facet[FACET_MAX];
};

static void
keys_of_input(const struct figure_in *in, struct total_keys *k)
{
	k->metric_id = in->metric_id;
	k->location_id = in->location_id;
	k->source_id = in->source_id;
	k->feed_id = in->feed_id;
	snprintf(k->country, sizeof k->country, "%s", in->country != NULL ? in->country : "");
	snprintf(k->grp, sizeof k->grp, "%s", in->group != NULL ? in->group : "");
	facet(in, k->facet);
}

static int
same_keys(const struct total_keys *a, const struct total_keys *b)
{
	return a->metric_id == b->metric_id && a->location_id == b->location_id &&
	    a->source_id == b->source_id && a->feed_id == b->feed_id &&
	    strcmp(a->country, b->country) == 0 && strcmp(a->grp, b->grp) == 0 &&
	    strcmp(a->facet, b->facet) == 0;
}

/* Notes that a shown figure with keys k comes (n = 1) or goes (n = -1). */
static enum status
total_change(struct writer *w, const struct total_keys *k, int n, char *err)
{
	sqlite3_stmt *st = stmt(w, W_CHANGE_ADD);

	sqlite3_bind_int64(st, 1, k->metric_id);
	sqlite3_bind_int64(st, 2, k->location_id);
	sqlite3_bind_text(st, 3, k->country, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, k->source_id);
	sqlite3_bind_int64(st, 5, k->feed_id);
	sqlite3_bind_text(st, 6, k->grp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, k->facet, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, n);
	return stmt_run(st, "noting a change of the totals", err);
}

static enum status
add_revision(struct writer *w, long long figure_id, const struct figure_in *in, char *err)
{
	sqlite3_stmt *st = stmt(w, W_REV_INS);

	sqlite3_bind_int64(st, 1, figure_id);
	sqlite3_bind_int64(st, 2, in->value);
	stmt_bind_text_or_null(st, 3, in->qualifier);
	stmt_bind_text_or_null(st, 4, in->as_of);
	stmt_bind_text_or_null(st, 5, in->period_start);
	stmt_bind_text_or_null(st, 6, in->period_end);
	stmt_bind_text_or_null(st, 7, in->reported_on);
	stmt_bind_text_or_null(st, 8, in->url);
	stmt_bind_text_or_null(st, 9, in->quote);
	stmt_bind_text_or_null(st, 10, in->retrieved_at);
	bind_count(st, 11, in->males);
	bind_count(st, 12, in->females);
	return stmt_run(st, "inserting a revision", err);
}

enum status
writer_figure_seen(struct writer *w, long long feed_id, const char *key, int *seen, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FIG_SEEN);
	int rc;

	sqlite3_bind_int64(st, 1, feed_id);
	stmt_bind_text_or_null(st, 2, key);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err_set(err, "store: reading figure %s: %s", key, sqlite3_errmsg(w->db));
		return rc == SQLITE_BUSY ? ST_BUSY : ST_DB;
	}
	*seen = rc == SQLITE_ROW;
	return ST_OK;
}

enum status
writer_figure(struct writer *w, const struct figure_in *in, enum figure_outcome *out,
    char *err)
{
	sqlite3_stmt *st = stmt(w, W_FIG_GET);
	struct total_keys was, now;
	long long id;
	int same, rc, shown = 0;
	enum status rs;

	sqlite3_bind_int64(st, 1, in->feed_id);
	stmt_bind_text_or_null(st, 2, in->key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		same = sqlite3_column_int64(st, 1) == in->metric_id &&
		    sqlite3_column_int64(st, 2) == in->location_id &&
		    sqlite3_column_int64(st, 3) == in->source_id &&
		    same_text(st, 4, in->group) &&
		    sqlite3_column_int64(st, 5) == in->value &&
		    same_text(st, 6, in->qualifier) && same_text(st, 7, in->as_of) &&
		    same_text(st, 8, in->period_start) && same_text(st, 9, in->period_end) &&
		    same_text(st, 10, in->reported_on) && same_text(st, 11, in->via) &&
		    same_text(st, 12, in->url) && same_text(st, 13, in->quote) &&
		    same_text(st, 14, in->licence) && sqlite3_column_int(st, 15) == 0 &&
		    sqlite3_column_int64(st, 16) == (in->origin_id > 0 ? in->origin_id : 0) &&
		    same_text(st, 17, unit_of(in)) && same_text(st, 18, in->cause) &&
		    sqlite3_column_int64(st, 19) == (in->males >= 0 ? in->males : -1) &&
		    sqlite3_column_int64(st, 20) == (in->females >= 0 ? in->females : -1);
		/* what it counted toward the totals, if it was shown */
		if ((shown = sqlite3_column_int(st, 15) == 0)) {
			was.metric_id = sqlite3_column_int64(st, 1);
			was.location_id = sqlite3_column_int64(st, 2);
			was.source_id = sqlite3_column_int64(st, 3);
			was.feed_id = in->feed_id;
			stmt_copy_text(was.grp, sizeof was.grp, st, 4);
			stmt_copy_text(was.country, sizeof was.country, st, 21);
			stmt_copy_text(was.facet, sizeof was.facet, st, 22);
		}
		sqlite3_reset(st);
	} else {
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			err_set(err, "store: reading figure %s: %s", in->key, sqlite3_errmsg(w->db));
			return ST_DB;
		}
		st = stmt(w, W_FIG_INS);
		bind_figure(st, in);
		if ((rs = stmt_run(st, "inserting a figure", err)) != ST_OK)
			return rs;
		id = sqlite3_last_insert_rowid(w->db);
		if ((rs = add_revision(w, id, in, err)) != ST_OK)
			return rs;
		keys_of_input(in, &now);
		if ((rs = total_change(w, &now, 1, err)) != ST_OK)
			return rs;
		*out = FIG_ADDED;
		goto seen;
	}

	/* An existing key: first check it was not already written by this payload. */
	st = stmt(w, W_SEEN_INS);
	sqlite3_bind_int64(st, 1, id);
	if ((rs = stmt_run(st, "recording a seen key", err)) != ST_OK)
		return rs;
	if (sqlite3_changes(w->db) == 0) {
		*out = FIG_DUPLICATE;
		return ST_OK;
	}
	if (same) {
		*out = FIG_UNCHANGED;
		return ST_OK;
	}
	st = stmt(w, W_FIG_UPD);
	bind_figure(st, in);
	if ((rs = stmt_run(st, "updating a figure", err)) != ST_OK)
		return rs;
	st = stmt(w, W_REV_SUPERSEDE);
	sqlite3_bind_int64(st, 1, id);
	stmt_bind_text_or_null(st, 2, in->retrieved_at);
	if ((rs = stmt_run(st, "superseding a revision", err)) != ST_OK)
		return rs;
	if ((rs = add_revision(w, id, in, err)) != ST_OK)
		return rs;
	/* shown now (the update clears withdrawn): its totals move if its keys did */
	keys_of_input(in, &now);
	if (!shown || !same_keys(&was, &now)) {
		if (shown && (rs = total_change(w, &was, -1, err)) != ST_OK)
			return rs;
		if ((rs = total_change(w, &now, 1, err)) != ST_OK)
			return rs;
	}
	*out = FIG_CHANGED;
	return ST_OK;
seen:
	st = stmt(w, W_SEEN_INS);
	sqlite3_bind_int64(st, 1, id);
	return stmt_run(st, "recording a seen key", err);
}

enum status
writer_withdraw_unseen(struct writer *w, long long feed_id, const char *when, long long *count,
    char *err)
{
	sqlite3_stmt *st = stmt(w, W_CHANGE_WITHDRAW_UNSEEN);
	enum status rs;

	sqlite3_bind_int64(st, 1, feed_id);
	if ((rs = stmt_run(st, "noting the withdrawn figures' totals", err)) != ST_OK)
		return rs;
	st = stmt(w, W_WITHDRAW);
	sqlite3_bind_int64(st, 1, feed_id);
	stmt_bind_text_or_null(st, 2, when);
	if ((rs = stmt_run(st, "withdrawing figures missing from the payload", err)) != ST_OK)
		return rs;
	*count = sqlite3_changes(w->db);
	return ST_OK;
}

enum status
writer_feed_success(struct writer *w, long long feed_id, const char *when,
    const struct feed_success *r, char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_OK);

	sqlite3_bind_int64(st, 1, feed_id);
	stmt_bind_text_or_null(st, 2, when);
	sqlite3_bind_int64(st, 3, r->added);
	sqlite3_bind_int64(st, 4, r->changed);
	sqlite3_bind_int64(st, 5, r->unchanged);
	sqlite3_bind_int64(st, 6, r->rejected);
	stmt_bind_text_or_null(st, 7, r->etag);
	stmt_bind_text_or_null(st, 8, r->last_modified);
	stmt_bind_text_or_null(st, 9, r->payload_hash);
	return stmt_run(st, "recording a feed's success", err);
}

enum status
writer_feed_failure(struct writer *w, long long feed_id, const char *when, const char *error,
    char *err)
{
	sqlite3_stmt *st = stmt(w, W_FEED_FAIL);

	sqlite3_bind_int64(st, 1, feed_id);
	stmt_bind_text_or_null(st, 2, when);
	stmt_bind_text_or_null(st, 3, error);
	return stmt_run(st, "recording a feed's failure", err);
}
