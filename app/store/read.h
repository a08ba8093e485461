/*
 * read.h: the worker's queries. Opened read-only; every statement is fixed
 * text prepared once per process and bound per request (sqlbox's model).
 *
 * A request reads inside store_begin … store_end: one read transaction, so
 * meta.data_as_of and the rows come from one snapshot even while the
 * refresher commits.
 *
 * Rows come out typed (core/rows.h) through cursors:
 *
 *     struct cursor *c = store_figures(s, &filter);
 *     struct figure_row row;
 *     while (store_figures_next(c, &row))
 *             ... row.value, row.location.name ...
 *     if (store_cursor_close(c) != ST_OK)
 *             ... the database failed mid-read ...
 *
 * A cursor belongs to the store (never freed by the caller) and is reused by
 * the next call of the same function; a row's strings live until the next
 * read from its cursor or its close (rows.h). Nothing outside store/ sees
 * SQLite.
 */
#ifndef FIGURES_READ_H
#define FIGURES_READ_H

#include "../core/err.h"
#include "../core/rows.h"

struct store;
struct cursor;   /* a query being read, owned by the store */

struct data_state {
	long long version;          /* bumped by every refresh that changed figures */
	char      changed_at[32];   /* when the figures last changed (UTC, ISO 8601) */
	long long feeds_version;    /* bumped whenever a feed or its fetch state changed */
	char      feeds_changed_at[32];
	long long min_interval;     /* the shortest refresh interval of an enabled feed, or 0 */
	int       schema_version;
};

/* What a figures list may be filtered by; 0 / NULL means "not filtered". */
struct figure_filter {
	long long   metric, location, subtree, source, feed;   /* internal ids */
	long long   origin;          /* a place: figures whose origin is it or in it */
	const char *category, *country, *group;
	/*
	 * Several metrics, sources, feeds or countries (metric=killed,injured):
	 * a JSON array of their ids (of codes for countries), bound as one
	 * parameter and read with json_each; NULL: the single field above.
	 */
	const char *metrics, *sources, *feeds, *countries;
	const char *unit;            /* "people" or "households" */
	const char *cause;           /* canonical (cause_parse): figures with exactly that cause */
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
	/*
	 * With known: a revision counts as known once it was reported (its
	 * reported_on, else its retrieval) by then, instead of once this service
	 * retrieved it: public knowledge, not this service's.
	 */
	int         known_reported;
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

/*
 * 1 and the next row in *row, or 0 at the end of the rows or when reading
 * failed (store_cursor_close tells which). Each reads its own kind of cursor.
 */
int store_figures_next(struct cursor *c, struct figure_row *row);
int store_revisions_next(struct cursor *c, struct revision_row *row);
int store_locations_next(struct cursor *c, struct location_row *row);
int store_sources_next(struct cursor *c, struct source_row *row);
int store_feeds_next(struct cursor *c, struct feed_status_row *row);
int store_metrics_next(struct cursor *c, struct metric_row *row);
int store_groups_next(struct cursor *c, struct group_row *row);
/*
 * Ends reading c, whether its rows ran out or the caller stopped early:
 * ST_OK, or ST_DB if a read failed (store_errmsg says why). NULL is ST_OK.
 */
enum status store_cursor_close(struct cursor *c);

/* The internal id of a code; ST_NOT_FOUND if there is none. */
enum status store_lookup(struct store *s, enum lookup what, const char *code, long long *id);
/* 1 if some figure (or location, for a country) uses the value. */
int store_country_known(struct store *s, const char *iso3);
int store_group_known(struct store *s, const char *group);

/* Figures (store_figures_next), newest first, f->limit of them. */
struct cursor *store_figures(struct store *s, const struct figure_filter *f);
enum status store_figures_count(struct store *s, const struct figure_filter *f,
    long long *total, char *err);
/* The figure id (store_figures_next): one row, or none. */
struct cursor *store_figure(struct store *s, long long id);

/*
 * The summary: the page of groups after `after` (NULL: from the start) in
 * (metric, location, group) order (store_groups_next), and their total.
 */
struct cursor *store_groups(struct store *s, const struct figure_filter *f,
    const struct group_row *after);
enum status store_groups_count(struct store *s, const struct figure_filter *f,
    long long *total, char *err);
/*
 * Each source's latest figure in each of a page's groups under f
 * (store_figures_next, with metric_id and location_id set): the groups
 * g[0..n) that store_groups found under the same f, in its order (the
 * filters a group settles are not applied again), given as keys =
 * store_claim_keys(g, n), first = &g[0] and last = &g[n - 1]. Rows come in
 * the groups' order, then by value and source.
 */
struct cursor *store_page_claims(struct store *s, const struct figure_filter *f,
    const char *keys, const struct group_row *first, const struct group_row *last);
/*
 * The page's groups g[0..n) as store_page_claims takes them, in *keys (free
 * with free()): ST_NOMEM, or ST_TOO_BIG for a metric id of 2^22 or more or
 * a location id of 2^40 or more (a page's key is one integer of both;
 * store_errmsg(s) names them).
 */
enum status store_claim_keys(struct store *s, const struct group_row *g, size_t n,
    char **keys);
/* The code of a metric or location id (for summary cursors and messages). */
enum status store_metric_code(struct store *s, long long id, char *out, size_t size);
enum status store_location_code(struct store *s, long long id, char *out, size_t size);
/* A figure's revisions, newest first (store_revisions_next). */
struct cursor *store_revisions(struct store *s, long long figure_id);
/* Locations and sources by code (store_locations_next, store_sources_next). */
struct cursor *store_locations(struct store *s, const struct list_filter *f);
enum status store_locations_count(struct store *s, const struct list_filter *f,
    long long *total, char *err);
struct cursor *store_sources(struct store *s, const struct list_filter *f);
enum status store_sources_count(struct store *s, const struct list_filter *f,
    long long *total, char *err);
/*
 * Places whose name or code holds text (at most SEARCH_TEXT_MAX bytes; a
 * longer one finds nothing), ASCII letters in any case, % and _ as themselves:
 * an exact code first, then names that begin with it, then by name; limit of
 * them (store_locations_next).
 */
#define SEARCH_TEXT_MAX 100
struct cursor *store_search(struct store *s, const char *text, int limit);
/*
 * The countries figures are about (store_locations_next: code and country the
 * ISO3, name the country's location's, or the ISO3), most figures first.
 */
struct cursor *store_countries(struct store *s, int limit);
/* Every feed by code, stale as of now (store_feeds_next). */
struct cursor *store_feeds(struct store *s, const char *now);
/* How many of them are stale as of now: a part of /v1/feeds' ETag. */
enum status store_feeds_stale_count(struct store *s, const char *now, long long *n,
    char *err);
/* The metrics of a category (NULL: all), in vocabulary order (store_metrics_next). */
struct cursor *store_metrics(struct store *s, const char *category);

/*
 * Changes to claims (store_changes_next) at times from since to until
 * (inclusive, YYYY-MM-DDThh:mm:ssZ; NULL: no bound), past the position
 * (after_at, after_tag, after_seq) in the list's order when after_at is set,
 * oldest first (newest first if newest_first), limit of
 * them. Only the filter's metric, category, location, subtree, country,
 * source, feed, group, origin, unit and cause apply: a change to a figure
 * now withdrawn is still a change.
 */
struct change_filter {
	struct figure_filter f;
	const char *since, *until;
	const char *after_at;        /* keyset: changes past (after_at, after_tag, after_seq) */
	int         after_tag;       /* 0: an addition or revision, 1: a withdrawal */
	long long   after_seq;
	int         newest_first;
	int         limit;
};
struct cursor *store_changes(struct store *s, const struct change_filter *cf);
int store_changes_next(struct cursor *c, struct change_row *row);

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
