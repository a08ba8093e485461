/*
 * snapshot.h: publishing the database as versioned, self-contained files for
 * read nodes (figures-refresh --publish DIR).
 *
 * DIR gets figures-<version>.db, a consistent copy made with VACUUM INTO (one
 * file in rollback-journal mode: a worker opens it read-only with nothing
 * beside it), and manifest.json (manifest.h) naming the newest. Each file is
 * written under a temporary name, fsync'ed, then renamed, the copy before the
 * manifest: a reader of DIR never sees a manifest naming a file that is not
 * whole. The last `keep` versions stay (a read node may be downloading the
 * one before); older ones are removed once the manifest moved on.
 */
#ifndef FIGURES_SNAPSHOT_H
#define FIGURES_SNAPSHOT_H

#include <sqlite3.h>
#include "../core/feeds_state.h"
#include "../core/manifest.h"

#define SNAPSHOT_KEEP 3

/*
 * Publishes db (the connection of the only writer, which holds the refresh
 * lock) into dir if its data version differs from dir's manifest. ST_OK with
 * *published 1 (and *m the new manifest) or 0 (dir is current, *m its
 * manifest); else an error with err saying what failed and what to do.
 */
enum status snapshot_publish(sqlite3 *db, const char *dir, int keep, struct manifest *m,
    int *published, char *err);

/*
 * Writes dir/feeds.json (feeds_state.h), the feeds' fetch state read from db
 * in one read transaction, if its feeds_version differs from the file's: a
 * refresh that failed or found nothing new publishes no snapshot, and read
 * nodes learn from this file that a feed is failing. ST_OK with *written 1
 * or 0 (the file is current) and *feeds_version the database's; else an
 * error with err saying what failed and what to do.
 */
enum status snapshot_publish_feeds(sqlite3 *db, const char *dir, int *written,
    long long *feeds_version, char *err);

/* Reads the file at path (at most max bytes) into a malloc'ed buffer; NULL and err on failure. */
char *snapshot_read_small(const char *path, size_t max, size_t *len, char *err);

/*
 * Writes len bytes to path atomically: path.tmp, fsync, rename, fsync of the
 * directory. The new file's mtime is past the old one's (a second later if
 * need be): nginx's ETag and Last-Modified change with every replacement.
 */
enum status snapshot_write_atomic(const char *path, const char *data, size_t len, char *err);

/* sha256 (hex) and size of the file at path. */
enum status snapshot_digest(const char *path, char hex[SHA256_HEX], long long *size, char *err);


#endif
