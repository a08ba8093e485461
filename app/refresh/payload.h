/*
 * payload.h: one feed's refresh as a unit of work: the pages of its response
 * run through its adapter into ingest, inside one transaction.
 *
 *   payload_begin            BEGIN IMMEDIATE
 *   payload_page_begin       per page (a paged upstream has several)
 *   payload_write …          bytes as they arrive
 *   payload_page_end         parse the rest; learn the next page's URL
 *   payload_commit           withdraw keys the payload lacked, record the
 *                            feed's success, COMMIT (or ROLLBACK on dry run)
 *   payload_free             ROLLBACK if not committed
 *
 * Any failure leaves the database as it was before payload_begin.
 */
#ifndef FIGURES_PAYLOAD_H
#define FIGURES_PAYLOAD_H

#include <stddef.h>
#include "adapter.h"
#include "ingest.h"

struct payload;

struct payload *payload_begin(struct writer *w, const struct feed_row *feed,
    const struct adapter *a, const char *now, char *err);
enum status payload_page_begin(struct payload *p, const char *url, char *err);
enum status payload_write(struct payload *p, const char *data, size_t n, char *err);
/* Ends a page; writes the next page's URL into next (size bytes) or "" if last. */
enum status payload_page_end(struct payload *p, char *next, size_t size, char *err);
/* etag and last_modified are the validators to store (NULL: none). */
enum status payload_commit(struct payload *p, int dry_run, const char *etag,
    const char *last_modified, char *err);
/* The counters so far. */
const struct ingest *payload_counts(const struct payload *p);
/* Rolls back unless committed, and frees. NULL-safe. */
void payload_free(struct payload *p);

#endif
