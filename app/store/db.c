#include "db.h"
#include "migrations.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
