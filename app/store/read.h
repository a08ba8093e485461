/*
 * read.h: the worker's queries. Opened read-only; every statement is fixed
 * text prepared once per process and bound per request (sqlbox's model).
 *
 * A request reads inside store_begin … store_end: one read transaction, so
 * meta.data_as_of and the rows come from one snapshot even while the
 * refresher commits.
 *
 * Statements returned by store_* are bound and ready to step; the caller
 * steps them, reads the columns named below, then calls store_done. Column
 * text is valid only until the next step.
 */
#ifndef FIGURES_READ_H
#define FIGURES_READ_H

#include <sqlite3.h>
#include "../core/err.h"

struct store;

struct data_state {
	long long version;          /* bumped by every refresh that changed figures */
	char      changed_at[32];   /* when the figures last changed (UTC, ISO 8601) */
	long long feeds_version;    /* bumped whenever a feed or its fetch state changed */
	char      feeds_changed_at[32];
	long long min_interval;     /* the shortest refresh interval of an enabled feed, or 0 */
	int       schema_version;
};

/* Columns of a figure row (store_figures, store_figure). */
enum figure_col {
	FC_ID, FC_METRIC, FC_CATEGORY, FC_VALUE, FC_QUALIFIER, FC_GROUP,
	FC_LOC_CODE, FC_LOC_NAME, FC_LOC_COUNTRY, FC_LOC_LEVEL, FC_LOC_TYPE,
	FC_AS_OF, FC_PERIOD_START, FC_PERIOD_END, FC_SORT_DATE,
	FC_SRC_CODE, FC_SRC_NAME, FC_SRC_ORG, FC_SRC_TYPE, FC_SRC_URL, FC_SRC_LICENCE,
	FC_VIA, FC_URL, FC_QUOTE, FC_REPORTED_ON, FC_RETRIEVED_AT, FC_LICENCE, FC_FEED,
	FC_WITHDRAWN,
};
/* A summary claim's row (store_page_claims): a figure row, then its group's ids. */
enum { CC_METRIC_ID = FC_WITHDRAWN + 1, CC_LOCATION_ID };

/* Columns of a revision row (store_revisions). */
enum revision_col {
	RC_ID, RC_VALUE, RC_QUALIFIER, RC_AS_OF, RC_PERIOD_START, RC_PERIOD_END,
	RC_REPORTED_ON, RC_URL, RC_QUOTE, RC_RETRIEVED_AT, RC_SUPERSEDED_AT,
};

/* Columns of store_locations, store_sources, store_feeds, store_metrics rows. */
enum location_col { LC_CODE, LC_NAME, LC_COUNTRY, LC_LEVEL, LC_TYPE, LC_PARENT };
enum source_col { SC_CODE, SC_NAME, SC_ORG, SC_TYPE, SC_URL, SC_LICENCE };
enum feed_col {
	DC_CODE, DC_NAME, DC_URL, DC_ADAPTER, DC_INTERVAL, DC_ENABLED, DC_LAST_ATTEMPT,
	DC_LAST_SUCCESS, DC_LAST_ERROR, DC_FAILURES, DC_ADDED, DC_CHANGED, DC_UNCHANGED,
	DC_REJECTED, DC_STALE,
};
enum metric_col { MC_CODE, MC_CATEGORY, MC_HXL, MC_LABEL, MC_DESCRIPTION };

/* What a figures list may be filtered by; 0 / NULL means "not filtered". */
struct figure_filter {
	long long   metric, location, subtree, source, feed;   /* internal ids */
	const char *category, *country, *group;
	const char *since, *until;   /* inclusive YYYY-MM-DD bounds on the figure's date */
	int         withdrawn;       /* 1: include withdrawn figures */
	const char *cursor_date;     /* keyset: rows strictly after (cursor_date, cursor_id) */
	long long   cursor_id;
	int         limit;           /* rows to return */
	/*
	 * "What did we know then": each figure as its revision current at this
	 * UTC timestamp, and only figures retrieved by then. NULL: now.
	 */
	const char *known;
};

/* A summary group: one metric, one location, one population group. */
struct group_key {
	long long   metric_id, location_id;
	const char *group;
};

struct list_filter {           /* locations and sources */
	const char *country, *type, *category;
	long long   parent;
	int         level;           /* -1: any */
	const char *cursor;          /* rows whose code sorts after this */
	int         limit;
};

enum lookup { LOOKUP_METRIC, LOOKUP_LOCATION, LOOKUP_SOURCE, LOOKUP_FEED };

/*
 * Opens the database read-only and prepares every statement. ST_UNAVAILABLE
 * or ST_INVALID (schema) with a reason in err; *out is NULL then.
 */
enum status store_open(const char *path, struct store **out, char *err);
void store_close(struct store *s);

/* Starts the request's read transaction and reads the data state. */
enum status store_begin(struct store *s, struct data_state *state, char *err);
void store_end(struct store *s);

/* Resets a statement returned by the functions below. */
void store_done(sqlite3_stmt *st);

/* The internal id of a code; ST_NOT_FOUND if there is none. */
enum status store_lookup(struct store *s, enum lookup what, const char *code, long long *id);
/* 1 if some figure (or location, for a country) uses the value. */
int store_country_known(struct store *s, const char *iso3);
int store_group_known(struct store *s, const char *group);

sqlite3_stmt *store_figures(struct store *s, const struct figure_filter *f);
enum status store_figures_count(struct store *s, const struct figure_filter *f,
    long long *total, char *err);
sqlite3_stmt *store_figure(struct store *s, long long id);

/*
 * The summary: the page of groups (columns metric_id, location_id, grp) after
 * `after` (NULL: from the start), their total, and one group's claims (figure
 * rows, see enum figure_col): each source's latest, under the same filters.
 */
sqlite3_stmt *store_groups(struct store *s, const struct figure_filter *f,
    const struct group_key *after);
enum status store_groups_count(struct store *s, const struct figure_filter *f,
    long long *total, char *err);
/*
 * Each source's latest figure in each of a page's groups under f: keys is a
 * JSON array of [metric_id, location_id, group], groups that store_groups
 * found under the same f (the filters a key settles are not applied again).
 * Rows are figure rows plus the group's ids (CC_*), in the keys' order, then
 * by value and source.
 */
sqlite3_stmt *store_page_claims(struct store *s, const struct figure_filter *f,
    const char *keys);
/* The code of a metric or location id (for summary cursors and messages). */
enum status store_metric_code(struct store *s, long long id, char *out, size_t size);
enum status store_location_code(struct store *s, long long id, char *out, size_t size);
sqlite3_stmt *store_revisions(struct store *s, long long figure_id);
sqlite3_stmt *store_locations(struct store *s, const struct list_filter *f);
enum status store_locations_count(struct store *s, const struct list_filter *f,
    long long *total, char *err);
sqlite3_stmt *store_sources(struct store *s, const struct list_filter *f);
enum status store_sources_count(struct store *s, const struct list_filter *f,
    long long *total, char *err);
sqlite3_stmt *store_feeds(struct store *s, const char *now);
sqlite3_stmt *store_metrics(struct store *s, const char *category);

/*
 * Calls fn with each prepared statement's number, SQL and EXPLAIN QUERY PLAN
 * lines (one call per line), for figures-fcgi --explain and the test that
 * every query is index-backed.
 */
enum status store_explain(struct store *s, void (*fn)(void *ctx, int stmt, const char *sql,
    const char *plan), void *ctx, char *err);

/* The last SQLite error message, for logs. */
const char *store_errmsg(struct store *s);

#endif
