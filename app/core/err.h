/*
 * err.h: the error conventions every module follows.
 *
 * - Operations return `enum status`; 0 (ST_OK) is success. When an operation
 *   can say more, it takes a `char *err` of ERR_MAX bytes and writes one
 *   sentence there: what failed, on what input, and what to do.
 * - Predicates return 1 (true) or 0 (false).
 * - Constructors return a pointer, or NULL on failure; each `x_new` has an
 *   `x_free` that accepts NULL.
 */
#ifndef FIGURES_ERR_H
#define FIGURES_ERR_H

#include <stddef.h>

#define ERR_MAX 512

enum status {
	ST_OK = 0,
	ST_INVALID,      /* the input is malformed or out of range */
	ST_NOT_FOUND,    /* the thing asked for does not exist */
	ST_NOMEM,        /* an allocation failed */
	ST_TOO_BIG,      /* the input exceeds a bound we set */
	ST_IO,           /* a read or write to a file or socket failed */
	ST_DB,           /* SQLite reported an error */
	ST_BUSY,         /* the resource is held by someone else (lock, busy db) */
	ST_UNAVAILABLE,  /* a dependency (database, upstream) cannot be used now */
	ST_STOP,         /* a callback asked its caller to stop early; not an error */
};

/* Writes a formatted message into err (ERR_MAX bytes) if err is not NULL. */
void err_set(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A short, static name for a status, for logs. */
const char *status_name(enum status st);

#endif
