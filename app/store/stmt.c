#include "stmt.h"
#include "../core/strutil.h"

#include <stdio.h>

enum status
stmts_prepare(sqlite3 *db, const char *const *sql, int n, sqlite3_stmt **st,
    const char *who, const char *hint, char *err)
{
	for (int i = 0; i < n; i++)
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i], NULL) !=
		    SQLITE_OK) {
			err_set(err, "%s: preparing statement %d: %s%s", who, i, sqlite3_errmsg(db),
			    hint != NULL ? hint : "");
			return ST_UNAVAILABLE;
		}
	return ST_OK;
}

void
stmts_finalize(sqlite3_stmt **st, int n)
{
	for (int i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

sqlite3_stmt *
stmt_fresh(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	return st;
}

void
stmt_bind_id(sqlite3_stmt *st, const char *name, long long v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0 && v > 0)
		sqlite3_bind_int64(st, i, v);
}

void
stmt_bind_str(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i > 0 && v != NULL)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

void
stmt_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

enum status
stmt_run(sqlite3_stmt *st, const char *what, char *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		err_set(err, "store: %s: %s", what, sqlite3_errmsg(sqlite3_db_handle(st)));
		return rc == SQLITE_BUSY ? ST_BUSY : ST_DB;
	}
	return ST_OK;
}

void
stmt_copy_text(char *out, size_t size, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = s != NULL ? (size_t)sqlite3_column_bytes(st, col) : 0;

	/* snprintf's "%s" was ~650 instructions a copy (two in every request's store_begin) */
	strlcpy_n(out, size, s != NULL ? s : "", n);
}
