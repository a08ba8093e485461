#include "db.h"
#include "migrations.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_BUSY_MS 5000

int
db_latest_version(void)
{
	return migrations_count > 0 ? migrations[migrations_count - 1].version : 0;
}

int
db_schema_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static enum status
db_exec(sqlite3 *db, const char *sql, const char *what, char *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(err, "%s: %s", what, msg != NULL ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return ST_DB;
	}
	return ST_OK;
}

enum status
db_open_rw(const char *path, sqlite3 **out, char *err)
{
	sqlite3 *db = NULL;
	int persist = 1;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err_set(err, "cannot open database %s for writing: %s (check the directory "
		    "exists and is writable)", path, db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	sqlite3_extended_result_codes(db, 1);
	/*
	 * Keep the -wal and -shm files when the writer closes: a read-only
	 * worker can only open a WAL database whose -shm exists (or whose
	 * directory it may write), and the worker may run as another user.
	 */
	sqlite3_file_control(db, NULL, SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (db_exec(db, "PRAGMA journal_mode=WAL", path, err) != ST_OK ||
	    db_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", path, err) != ST_OK)
		goto fail;
	*out = db;
	return ST_OK;
fail:
	sqlite3_close_v2(db);
	return ST_DB;
}

enum status
db_open_ro(const char *path, sqlite3 **out, char *err)
{
	sqlite3 *db = NULL;
	struct stat sb;
	int v;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		err_set(err, "database %s does not exist: create it with "
		    "figures-refresh --db %s --migrate", path, path);
		return ST_UNAVAILABLE;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		err_set(err, "cannot open database %s read-only: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close_v2(db);
		return ST_UNAVAILABLE;
	}
	sqlite3_busy_timeout(db, DB_BUSY_MS);
	/*
	 * A reader never checkpoints, not even as the last one to close: after
	 * the database was replaced (a rename over it), its -wal is the new
	 * file's.
	 */
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/*
	 * No mmap: mapped pages count as the worker's resident memory (the
	 * benchmark measured 49 MB with 256 MB of mmap at 1M figures, 8 MB without,
	 * and no loss of throughput); an 8 MB page cache per worker instead.
	 */
	if (db_exec(db, "PRAGMA query_only=1; PRAGMA mmap_size=0; PRAGMA cache_size=-8192", path,
	    err) != ST_OK) {
		sqlite3_close_v2(db);
		return ST_UNAVAILABLE;
	}
	v = db_schema_version(db);
	if (v < 0) {
		err_set(err, "database %s is unreadable: %s", path, sqlite3_errmsg(db));
		sqlite3_close_v2(db);
		return ST_UNAVAILABLE;
	}
	if (v != db_latest_version()) {
		err_set(err, "database %s has schema version %d, this build serves version %d: %s",
		    path, v, db_latest_version(), v < db_latest_version() ?
		    "run figures-refresh --migrate" : "upgrade figures-fcgi");
		sqlite3_close_v2(db);
		return ST_INVALID;
	}
	*out = db;
	return ST_OK;
}

enum status
db_migrate(sqlite3 *db, int *from, int *to, char *err)
{
	char what[128], pragma[64];
	int v;

	if ((v = db_schema_version(db)) < 0) {
		err_set(err, "cannot read the schema version: %s", sqlite3_errmsg(db));
		return ST_DB;
	}
	if (from != NULL)
		*from = v;
	if (v > db_latest_version()) {
		err_set(err, "the database has schema version %d, newer than this build's %d: "
		    "use a newer figures-refresh", v, db_latest_version());
		return ST_INVALID;
	}
	for (size_t i = 0; i < migrations_count; i++) {
		const struct migration *m = &migrations[i];

		if (m->version <= v)
			continue;
		snprintf(what, sizeof what, "migration %s", m->name);
		snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", m->version);
		if (db_exec(db, "BEGIN IMMEDIATE", what, err) != ST_OK)
			return ST_DB;
		if (db_exec(db, m->sql, what, err) != ST_OK ||
		    db_exec(db, pragma, what, err) != ST_OK ||
		    db_exec(db, "COMMIT", what, err) != ST_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return ST_DB;
		}
		v = m->version;
	}
	if (to != NULL)
		*to = v;
	return ST_OK;
}

/*
 * Folds db's WAL into its file and empties it (checkpoint TRUNCATE), waiting
 * on readers for the busy timeout. ST_BUSY if a reader or writer kept it.
 */
static enum status
wal_empty(sqlite3 *db, const char *path, char *err)
{
	int log = -1, done = -1, rc;

	rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	if (rc == SQLITE_OK && log <= 0)
		return ST_OK;
	err_set(err, "cannot empty the write-ahead log of %s: %s (readers or a writer kept "
	    "it busy for %d s); try again", path, rc == SQLITE_OK ? "frames left" :
	    sqlite3_errmsg(db), DB_BUSY_MS / 1000);
	return ST_BUSY;
}

/* Checks that the database at path is whole and of this build's schema; empties its WAL. */
static enum status
replacement_ready(const char *path, char *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	enum status rs;
	int v;

	if ((rs = db_open_rw(path, &db, err)) != ST_OK)
		return rs;
	rs = ST_INVALID;
	if ((v = db_schema_version(db)) != db_latest_version())
		err_set(err, "%s has schema version %d, this build serves %d: run figures-refresh "
		    "--db %s --migrate on it first", path, v, db_latest_version(), path);
	else if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		err_set(err, "%s is not a whole database (PRAGMA quick_check: %s)", path,
		    st != NULL && sqlite3_column_text(st, 0) != NULL ?
		    (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
	else
		rs = ST_OK;
	sqlite3_finalize(st);   /* its read ends: the checkpoint needs none under way */
	if (rs == ST_OK)
		rs = wal_empty(db, path, err);
	sqlite3_close_v2(db);
	return rs;
}

void
db_sync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd;

	snprintf(copy, sizeof copy, "%s", path);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
}

enum status
db_replace(const char *path, const char *with, char *err)
{
	struct stat a, b;
	sqlite3 *db = NULL;
	char side[PATH_MAX + 8];
	enum status rs;
	int on = 1;

	errno = 0;
	if (stat(with, &b) != 0 || !S_ISREG(b.st_mode)) {
		err_set(err, "cannot replace %s with %s: %s", path, with,
		    errno ? strerror(errno) : "not a regular file");
		return ST_INVALID;
	}
	if (stat(path, &a) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		err_set(err, "%s already is %s", with, path);
		return ST_INVALID;
	}
	if (stat(path, &a) == 0 && a.st_dev != b.st_dev) {
		err_set(err, "%s is on another file system than %s: copy it next to %s first "
		    "(a rename must be atomic)", with, path, path);
		return ST_INVALID;
	}
	if ((rs = replacement_ready(with, err)) != ST_OK)
		return rs;
	/* its own, empty, -wal and -shm are not moved with it */
	snprintf(side, sizeof side, "%s-wal", with);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", with);
	unlink(side);
	/*
	 * The database's -wal and -shm stay at their paths and become the new
	 * file's: the WAL must hold nothing of the old one. Nobody writes between
	 * this and the rename (the caller holds the refresh lock; workers only
	 * read), and this connection closes without a checkpoint of its own.
	 */
	if (stat(path, &a) == 0) {
		if ((rs = db_open_rw(path, &db, err)) != ST_OK)
			return rs;
		sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, &on);
		rs = wal_empty(db, path, err);
		sqlite3_close_v2(db);
		if (rs != ST_OK)
			return rs;
	}
	if (rename(with, path) != 0) {
		err_set(err, "cannot rename %s to %s: %s", with, path, strerror(errno));
		return ST_IO;
	}
	db_sync_dir(path);
	return ST_OK;
}
