/*
 * follow.h: a read node following a writer's snapshots
 * (figures-refresh --follow URL --db PATH).
 *
 * One run: a conditional GET of the manifest at URL (manifest.h); if it names
 * a newer version, download the snapshot (its URL is the manifest's "file"
 * resolved against URL) into PATH.versions/, check its size and SHA-256
 * against the manifest, PRAGMA quick_check it, check it is of the schema this
 * build serves and of the version the manifest says; then point the workers
 * at it: PATH is a symbolic link to PATH.versions/figures-<version>.db,
 * replaced by a new link renamed over it (atomic: a worker opening PATH gets
 * the old version or the new, and no file a worker has open is renamed over
 * or changed). Workers hold a shared flock on the file they have open; a
 * version other than the current is removed only when an exclusive flock on
 * it can be had at once, i.e. no worker holds it.
 *
 * Every run, whatever its outcome, records it in PATH.follow.json
 * (follow_state.h), which /v1/health reports. A failed run keeps the current
 * version.
 */
#ifndef FIGURES_FOLLOW_H
#define FIGURES_FOLLOW_H

#include "fetch.h"

#define FOLLOW_MAX_AGE_DEFAULT 900   /* seconds without a good follow before health degrades */

struct follow_opts {
	const char       *url;        /* the manifest's */
	const char       *db;         /* the link the workers open */
	long long         max_age;
	int               quiet;
	struct fetch_opts fetch;
};

/*
 * Follows once. 0: the node serves the newest version (new or unchanged);
 * 1: the follow failed (the current version kept; the state file and the log
 * say why); 2: PATH cannot be a follower's (a regular file there).
 */
int follow_run(const struct follow_opts *o);

#endif
