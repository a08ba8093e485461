/*
 * payload.h: one feed's claims written as a unit of work:
 *
 *   payload_begin     BEGIN IMMEDIATE
 *   payload_sink      the ingest sink: validate, then add / revise / keep
 *   payload_commit    withdraw keys the payload lacked, record the feed's
 *                     success, COMMIT (or ROLLBACK on a dry run); a payload
 *                     that ingest_verdict refuses (no usable row, or more
 *                     rows rejected than the feed allows) fails instead
 *                     (ST_INVALID), writing nothing
 *   payload_free      ROLLBACK if not committed
 *
 * Any failure leaves the database as it was before payload_begin.
 */
#ifndef FIGURES_PAYLOAD_H
#define FIGURES_PAYLOAD_H

#include "ingest.h"

struct payload;

struct payload *payload_begin(struct writer *w, const struct feed_row *feed, const char *now,
    char *err);
/* Where the feed's claims go. A database error makes it return non-OK. */
const struct sink *payload_sink(struct payload *p);
/* The database error that stopped the sink, if any (with its message in err). */
enum status payload_status(struct payload *p, enum status st, char *err);
/* etag, last_modified and hash (the payload's fingerprint) to store; NULL or "": none. */
enum status payload_commit(struct payload *p, int dry_run, const char *etag,
    const char *last_modified, const char *hash, char *err);
const struct ingest *payload_counts(const struct payload *p);
/* Rolls back unless committed, and frees. NULL-safe. */
void payload_free(struct payload *p);

#endif
