/*
 * stmt.h: the statement helpers both connections use, the worker's (read.c)
 * and the refresher's (write.c). Every statement is fixed text in one array,
 * prepared once per connection (sqlbox's model), bound and stepped per use,
 * then reset. Internal to store/: nothing outside it sees SQLite.
 */
#ifndef FIGURES_STMT_H
#define FIGURES_STMT_H

#include <sqlite3.h>
#include "../core/err.h"

/*
 * Prepares sql[0..n) into st[0..n) (persistent statements). ST_OK, or
 * ST_UNAVAILABLE with the failing statement's number and SQLite's words in
 * err, prefixed by who ("store", "writer") and followed by hint; the caller
 * then calls stmts_finalize, which is safe on a partly prepared array.
 */
enum status stmts_prepare(sqlite3 *db, const char *const *sql, int n, sqlite3_stmt **st,
    const char *who, const char *hint, char *err);
void stmts_finalize(sqlite3_stmt **st, int n);

/* st reset, its bindings cleared, ready to bind: returns st. NULL-safe. */
sqlite3_stmt *stmt_fresh(sqlite3_stmt *st);

/* Binds the named parameter (if the statement has it) to v, when v > 0 / not NULL. */
void stmt_bind_id(sqlite3_stmt *st, const char *name, long long v);
void stmt_bind_str(sqlite3_stmt *st, const char *name, const char *v);
/* Binds parameter i to s, or to NULL when s is NULL or "" (the refresher's "not given"). */
void stmt_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/* Steps st, which returns no row, and resets it: ST_OK, ST_BUSY or ST_DB (what failed in err). */
enum status stmt_run(sqlite3_stmt *st, const char *what, char *err);

/* Copies column col's text (NULL as "") into out[0..size), cut to fit. */
void stmt_copy_text(char *out, size_t size, sqlite3_stmt *st, int col);

#endif
