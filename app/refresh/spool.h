/*
 * spool.h: a feed's claims, parked on disk between fetching and writing.
 *
 * Adapters run while pages arrive (a paged upstream's next page is known only
 * once the current one is parsed), but a feed is written in one transaction
 * only after its last page arrived: a failure on page 3 of 5 must leave the
 * database untouched. The spool sits in between: an unlinked temporary file
 * of claim and rejection records, so memory stays flat however large the
 * feed. It is a sink on the way in and replays into another sink on the way out.
 */
#ifndef FIGURES_SPOOL_H
#define FIGURES_SPOOL_H

#include <sys/types.h>
#include "../core/figure.h"

struct spool;

/*
 * An empty spool: an unlinked temporary file in $TMPDIR (or /tmp when TMPDIR
 * is unset or empty), or NULL with err set naming the directory and why.
 */
struct spool *spool_new(char *err);
void spool_free(struct spool *s);

/* The sink that appends to the spool. A write error (disk full) stops the adapter. */
struct sink spool_sink(struct spool *s);

/* Where the spool ends now, and forgetting everything after it (a page retried). */
off_t spool_tell(const struct spool *s);
enum status spool_truncate(struct spool *s, off_t pos, char *err);

/*
 * Why writing the spool failed ("writing the spool file in /tmp: No space left
 * on device"), or NULL.
 */
const char *spool_error(const struct spool *s);

/* Feeds every record, in order, into out. Stops at the first non-OK status. */
enum status spool_replay(struct spool *s, const struct sink *out, char *err);

#endif
