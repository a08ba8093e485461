/*
 * feeds_overlay.h: on a read node, the feeds' fetch state newer than the
 * snapshot's. The follower stores the writer's feeds.json beside the
 * database as PATH.feeds.json (feeds_state.h); the routes that show the
 * feeds' state (FEED_STATE, and /v1/health) overlay it on the snapshot's feed
 * rows when its feeds_version is greater than the snapshot's: a refresh that
 * failed on the writer publishes no snapshot, and this is how a read node
 * says the feed is failing.
 *
 * The file is stat'ed on those routes only, and read again only when its
 * inode, size or mtime changed; other routes never look at it.
 */
#ifndef FIGURES_FEEDS_OVERLAY_H
#define FIGURES_FEEDS_OVERLAY_H

#include "api.h"
#include "../core/feeds_state.h"

/*
 * The overlay for an answer from the snapshot whose state is state: app's
 * PATH.feeds.json when it is there, usable and newer than the snapshot's
 * feeds (feeds_version greater), else NULL. Valid until the next call.
 */
const struct feeds_state *feeds_overlay(struct app *app, const struct data_state *state);

/* How many feeds are stale at now (ISO) with the overlay fs (NULL: none) on the store's rows. */
enum status feeds_overlay_stale_count(struct store *s, const char *now,
    const struct feeds_state *fs, long long snapshot_feeds_version, long long *n, char *err);

/* Frees the cached file (app_close does not: the file is not the store's). */
void feeds_overlay_free(struct app *app);

#endif
