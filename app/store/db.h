/*
 * db.h: opening the database and keeping its schema current.
 *
 * One reader, one writer: the worker opens read-only (SQLITE_OPEN_READONLY
 * and PRAGMA query_only); the refresher is the only writer. The database is
 * in WAL mode so readers never block the writer and see one snapshot each.
 * The schema version is PRAGMA user_version: the number of the last
 * migration applied (sql/migrations/NNNN_*.sql, embedded at build time).
 */
#ifndef FIGURES_DB_H
#define FIGURES_DB_H

#include <sqlite3.h>
#include "../core/err.h"

/* The schema version this build creates and understands. */
int db_latest_version(void);

/*
 * Opens path for writing, creating it if needed; WAL mode, foreign keys on,
 * a busy timeout. On success *out is the connection (close with
 * sqlite3_close_v2). On failure err says why and *out is NULL.
 */
enum status db_open_rw(const char *path, sqlite3 **out, char *err);

/*
 * Opens an existing database read-only for the worker. Fails with
 * ST_UNAVAILABLE (and a reason in err) if it is missing or unreadable, and
 * with ST_INVALID if its schema version is not the one this build knows.
 */
enum status db_open_ro(const char *path, sqlite3 **out, char *err);

/* The database's schema version (0 when empty), or -1 on error. */
int db_schema_version(sqlite3 *db);

/*
 * Applies every embedded migration newer than the database's version, each
 * in its own transaction. Refuses a database newer than this build. Writes
 * the versions before and after into *from and *to (either may be NULL).
 */
enum status db_migrate(sqlite3 *db, int *from, int *to, char *err);

/*
 * Replaces the database at path by the one at with, atomically (a rename), for
 * the workers to open at their next request: with must be of this build's
 * schema and whole (PRAGMA quick_check), on the same file system; its WAL is
 * folded in first, and path's WAL emptied, since path's -wal and -shm stay and
 * become the new file's. The caller holds the refresh lock, so nothing writes
 * in between. ST_INVALID (with not usable), ST_BUSY (a WAL could not be
 * emptied: try again) or ST_IO, with err saying why; path is untouched then.
 */
enum status db_replace(const char *path, const char *with, char *err);

/* fsyncs the directory holding path, so a rename in it survives a crash. */
void db_sync_dir(const char *path);

#endif
