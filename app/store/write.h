/*
 * write.h: the refresher's writes. Nothing else writes the database.
 *
 * A writer prepares its statements once (an enum-indexed array, as sqlbox
 * does) and is used for one feed at a time between writer_begin and
 * writer_commit/writer_rollback: one BEGIN IMMEDIATE … COMMIT per feed, so
 * readers see either the old or the new data of a feed, never half.
 * Text arguments that are NULL or "" are stored as NULL (not given).
 */
#ifndef FIGURES_WRITE_H
#define FIGURES_WRITE_H

#include <sqlite3.h>
#include "../core/err.h"

struct writer;

struct source_in {
	const char *code, *name, *organisation, *type, *url, *licence;
};

struct location_in {
	const char *code, *name, *country, *type;
	int         admin_level;   /* -1: none (sites, regions) */
	long long   parent_id;     /* 0: none */
};

struct feed_in {
	const char *code, *name, *url, *adapter;
	long long   interval;      /* seconds; 0: keep (or the default for a new feed) */
	int         enabled;       /* -1: keep (or enabled for a new feed) */
	long long   default_source_id;  /* 0: keep */
	const int  *max_rejected;  /* percent of a payload's rows it may reject; NULL: keep (50) */
	const char *country;       /* ISO 3166-1 alpha-3 (--country); NULL: keep; "": none */
};

struct feed_row {
	long long id, default_source_id, interval;
	int       enabled;
	char      code[65], adapter[32], name[256];
	char      url[2048];
	char      etag[256], last_modified[64];
	char      last_attempt[32], last_success[32], last_error[512];
	long long consecutive_failures;
	long long rows_added, rows_changed, rows_unchanged, rows_rejected;
	char      default_source[72];      /* the default source's code, or "" */
	char      payload_hash[40];        /* of the last payload written, or "" */
	int       max_rejected;            /* percent of a payload's rows it may reject */
	char      country[4];              /* the feed's country (--country), or "" */
	char      removed_at[32];          /* when --remove-feed removed it, or "" */
};

struct figure_in {
	long long   feed_id, metric_id, location_id, source_id, value;
	const char *key, *country, *group, *qualifier;
	const char *as_of, *period_start, *period_end, *sort_date, *reported_on;
	const char *retrieved_at, *via, *url, *quote, *licence;
	/* what it counts (docs/DESIGN.md): */
	long long   origin_id;          /* the people's origin; 0: not said */
	const char *unit;               /* "people" or "households"; NULL: people */
	const char *cause;              /* canonical; NULL or "": not said */
	long long   males, females;     /* breakdown by sex; -1: not given */
};

enum figure_outcome { FIG_ADDED, FIG_CHANGED, FIG_UNCHANGED, FIG_DUPLICATE };

/* What a successful refresh of a feed records (writer_feed_success). */
struct feed_success {
	long long   added, changed, unchanged, rejected;
	const char *etag, *last_modified;  /* validators to send next time, or NULL */
	const char *payload_hash;          /* the payload's fingerprint, or NULL */
};

/* Prepares the writer's statements on db (which the caller keeps open). */
struct writer *writer_new(sqlite3 *db, char *err);
void writer_free(struct writer *w);

enum status writer_begin(struct writer *w, char *err);
/*
 * Recounts every total readers use for meta.total (inside a transaction):
 * the repair (--recount), and what --migrate does after an upgrade.
 */
enum status writer_recount(struct writer *w, char *err);
/*
 * Commits. If changed (or if any figure was written), first moves the totals
 * by the rows this transaction added, withdrew or moved between keys (a
 * recount when the totals were never counted, or when more than 10,000 rows
 * and a quarter of the figures shown changed) and bumps the data version.
 */
enum status writer_commit(struct writer *w, int changed, char *err);
void writer_rollback(struct writer *w);

/* A metric of the vocabulary (sql/migrations: only a migration adds one). */
struct metric_code {
	long long id;
	char      code[65];
};

/*
 * The metric vocabulary, read once by writer_new: *n rows, ordered by code,
 * owned by the writer (valid until writer_free).
 */
const struct metric_code *writer_metrics(const struct writer *w, size_t *n);

/*
 * Looks the source up by code without writing anything: ST_OK with its id and
 * *has_url (1: it has a homepage), or ST_NOT_FOUND.
 */
enum status writer_source_find(struct writer *w, const char *code, long long *id,
    int *has_url, char *err);

/* Finds the source by code or creates it; fills a missing homepage. */
enum status writer_source(struct writer *w, const struct source_in *in, long long *id,
    char *err);

/*
 * Finds the location by code or creates it under parent. An existing location
 * of another country is an error (ST_INVALID); a name that was only the code
 * is replaced by a real one.
 */
enum status writer_location(struct writer *w, const struct location_in *in, long long *id,
    char *err);

/*
 * Looks the location up by code without writing anything: ST_OK with its id
 * and *unnamed (1: its name is only its code, which writer_location would
 * replace), ST_NOT_FOUND, or ST_INVALID (err says why) when the code belongs
 * to another country, which writer_location would refuse too.
 */
enum status writer_location_find(struct writer *w, const struct location_in *in,
    long long *id, int *unnamed, char *err);

/* Creates the feed, or updates the fields given; fills *out. */
enum status writer_feed_put(struct writer *w, const struct feed_in *in, struct feed_row *out,
    char *err);
/*
 * Every feed, ordered by code, into a new array (*out, free() it) of *n rows.
 */
enum status writer_read_feeds(struct writer *w, struct feed_row **out, size_t *n, char *err);
/* Enables or disables a feed; ST_NOT_FOUND if there is none (or it was removed). */
enum status writer_feed_enable(struct writer *w, const char *code, int enabled, char *err);
/*
 * Removes a feed registered by mistake (inside a transaction the caller
 * commits as a change): every figure of it still shown is withdrawn at when
 * (*withdrawn: how many), never deleted, and the feed is disabled and marked
 * removed, its row kept for its history. ST_NOT_FOUND if there is no such
 * feed, ST_INVALID if it was removed already.
 */
enum status writer_feed_remove(struct writer *w, const char *code, const char *when,
    long long *withdrawn, char *err);
/* Records a fetch that found the feed unchanged (HTTP 304): fresh, nothing written. */
enum status writer_feed_not_modified(struct writer *w, long long feed_id, const char *when,
    const char *etag, const char *last_modified, char *err);

/* How many feeds are registered, or -1 on error. */
long long writer_feed_count(struct writer *w);
/* Reads a feed by code; ST_NOT_FOUND if there is none. */
enum status writer_read_feed(struct writer *w, const char *code, struct feed_row *out,
    char *err);

/*
 * Writes one validated figure: a new key is added with its first revision; a
 * changed one is updated and gets a new revision; an unchanged one is not
 * touched. A key already written in this transaction is FIG_DUPLICATE.
 */
enum status writer_figure(struct writer *w, const struct figure_in *in,
    enum figure_outcome *out, char *err);

/*
 * Sets *seen to 1 if this transaction already wrote the feed's figure key
 * (writer_figure would call it FIG_DUPLICATE), else 0. Writes nothing.
 */
enum status writer_figure_seen(struct writer *w, long long feed_id, const char *key,
    int *seen, char *err);

/* Marks the feed's figures not written in this transaction as withdrawn at when. */
enum status writer_withdraw_unseen(struct writer *w, long long feed_id, const char *when,
    long long *count, char *err);

/* Records a successful fetch (inside or outside a transaction). */
enum status writer_feed_success(struct writer *w, long long feed_id, const char *when,
    const struct feed_success *r, char *err);
/* Records a failed fetch: last_error, one more consecutive failure. */
enum status writer_feed_failure(struct writer *w, long long feed_id, const char *when,
    const char *error, char *err);

#endif
