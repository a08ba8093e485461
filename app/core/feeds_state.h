/*
 * feeds_state.h: the feeds' fetch state, the small JSON file a publisher
 * (figures-refresh --publish DIR) writes beside the manifest as
 * DIR/feeds.json whenever it changed, so read nodes learn that a feed is
 * failing although no new snapshot was published (a failed refresh changes
 * no data):
 *
 *   {"feeds_version": 57, "data_version": 42,
 *    "published_at": "2026-11-30T12:00:03Z",
 *    "feeds": [{"code": "unhcr", "last_attempt": "2026-11-30T12:00:00Z",
 *      "last_success": "2026-11-29T12:00:00Z", "last_error": "HTTP 500 ...",
 *      "consecutive_failures": 1, "rows_added": 0, "rows_changed": 0,
 *      "rows_unchanged": 0, "rows_rejected": 0}, ...]}
 *
 * feeds_version is the database's state.feeds_version, which every change of
 * a feed bumps. Never a feed's URL nor its upstream validators (the snapshot
 * has the URL; the validators are the writer's business). A read node's
 * follower fetches it from another machine, so parsing trusts nothing: each
 * field must be there with its type (a time "YYYY-MM-DDThh:mm:ssZ" or null,
 * a whole number from 0, a code as code_valid says, an error text or null),
 * codes are unique; unknown fields are ignored (a newer publisher may add
 * some), as in a manifest.
 *
 * Workers overlay it on the snapshot's feed rows (feeds_state_overlay) only
 * when its feeds_version is greater than the snapshot's: an older or equal
 * file says nothing the snapshot does not.
 */
#ifndef FIGURES_FEEDS_STATE_H
#define FIGURES_FEEDS_STATE_H

#include <time.h>

#include "err.h"
#include "rows.h"

#define FEEDS_STATE_MAX    (1024 * 1024)   /* bytes: a few hundred a feed */
#define FEEDS_STATE_FEEDS  1024            /* feeds in one file */
#define FEEDS_ERROR_MAX    2048            /* a last_error's bytes, with its NUL */

struct feed_fetch {
	char      code[65];                    /* code_valid: 1-64 bytes */
	char      last_attempt[21];            /* "": null (never) */
	char      last_success[21];
	char      last_error[FEEDS_ERROR_MAX]; /* "": null (none) */
	long long consecutive_failures;
	long long rows_added, rows_changed, rows_unchanged, rows_rejected;
};

struct feeds_state {
	long long          feeds_version;
	long long          data_version;
	char               published_at[21];
	size_t             n;
	struct feed_fetch *feeds;              /* n of them, by code as given; owned */
};

/* A read node's copy beside the database at db: "<db>.feeds.json" into out. 0 if it does not fit. */
int feeds_state_path(const char *db, char *out, size_t size);

/*
 * Reads a feeds file from text (len bytes, no NUL needed). ST_OK and *fs
 * filled (feeds_state_free it), or ST_INVALID / ST_TOO_BIG / ST_NOMEM with
 * err naming the field and what is wrong, and *fs empty.
 */
enum status feeds_state_parse(const char *text, size_t len, struct feeds_state *fs, char *err);

/* Frees what *fs owns and empties it; a zeroed or empty *fs is fine. */
void feeds_state_free(struct feeds_state *fs);

/* *fs as JSON text, one line and a newline, malloc'ed (free()); NULL when out of memory. */
char *feeds_state_format(const struct feeds_state *fs);

/* The feed of that code in fs, or NULL. */
const struct feed_fetch *feeds_state_find(const struct feeds_state *fs, const char *code);

/*
 * 1 if row is stale at now, the test R_FEEDS makes in SQL (store/read.c): an
 * enabled feed with no success, or whose last attempt failed, or whose last
 * success is more than two intervals old.
 */
int feed_row_stale(const struct feed_status_row *row, time_t now);

/*
 * Overlays fs's fetch state of row's feed on row when fs is newer than the
 * snapshot (fs->feeds_version > snapshot_feeds_version) and names the feed:
 * the row's texts then point into fs (keep it while the row is used), and its
 * stale is computed again at now. 1 if it did, 0 if the row is the snapshot's.
 */
int feeds_state_overlay(const struct feeds_state *fs, long long snapshot_feeds_version,
    struct feed_status_row *row, time_t now);

#endif
