/*
 * ingest.h: checks claims, then writes them as figures of one feed.
 *
 * This is the sink every adapter writes into (struct sink), for fetched feeds
 * and for --import alike. Each claim goes through two steps:
 *
 *   check   resolve_claim (resolve.h), pure: metric known, value a whole
 *           number 0 … 10^12, dates real, location given, source named or
 *           defaulted, text valid UTF-8 within bounds; then, reading the
 *           database but writing nothing, what only it knows: a place code
 *           taken by another country, a figure the payload already held.
 *   write   only for a claim that passed: its places, its source, the figure.
 *
 * A bad claim is counted, logged with its row and reason, and skipped, and
 * leaves nothing behind. The caller owns the transaction (writer_begin …
 * writer_commit).
 */
#ifndef FIGURES_INGEST_H
#define FIGURES_INGEST_H

#include "../core/figure.h"
#include "../store/write.h"
#include "resolve.h"

#define INGEST_LOGGED_REJECTS 20   /* rejected rows logged one by one, per feed */
#define INGEST_REASONS        8    /* kinds of rejection counted apart, per payload */

/* One kind of rejection: its reason with quoted values elided, how often, a first example. */
struct reject_reason {
	char      kind[96];
	char      example[160];   /* the first such row's reason, whole (cut to fit) */
	long      row;            /* that row */
	long long count;
};

struct ingest {
	struct writer         *w;
	const struct feed_row *feed;
	char                   retrieved_at[21];
	long long              added, changed, unchanged, rejected, withdrawn;
	enum status            fatal;              /* a database error stops the feed */
	char                   fatal_err[ERR_MAX];
	const struct metric_code *metrics;          /* the writer's vocabulary */
	size_t                 nmetrics;
	struct resolve_env     env;                /* points into this struct */
	struct reject_reason   reasons[INGEST_REASONS];
	size_t                 nreasons;
	long long              other_reasons;      /* rejections of kinds past the table */
};

/*
 * Prepares counters for one payload of feed, retrieved at now (ISO 8601).
 * in keeps pointers to w, feed and to itself: it is not copied by value.
 */
void ingest_init(struct ingest *in, struct writer *w, const struct feed_row *feed,
    const char *now);

/* The sink adapters write into. */
struct sink ingest_sink(struct ingest *in);

/*
 * Ends a complete, valid payload: figures of the feed it did not contain are
 * marked withdrawn (never deleted).
 */
enum status ingest_finish(struct ingest *in, char *err);

/*
 * The verdict on a whole payload, after ingest_finish: ST_OK, or ST_INVALID
 * with err saying why it must not be committed: no usable row while rows were
 * refused or figures would be withdrawn (an upstream that renamed a field, or
 * an empty answer), or more rows refused than the feed's max_rejected percent;
 * then the commonest reasons, each with a row, commonest first.
 */
enum status ingest_verdict(const struct ingest *in, char *err);

/* 1 if the payload changed anything readers see. */
int ingest_changed(const struct ingest *in);

/*
 * Checks one claim, then writes it (both steps above). Returns ST_OK;
 * ST_INVALID with the reason in why, nothing written; or the database's
 * error, also kept in in->fatal. The sink calls it; exposed for unit tests.
 */
enum status ingest_claim(struct ingest *in, const struct claim *c, char *why);

#endif
