/*
 * dims.h: the rows of the small tables a figure names by id (its metric,
 * place, origin, source and feed), kept in the worker's memory once read.
 * A page of figures then reads each of them once per data version instead
 * of joining it on every row (callgrind: the five joins were 40% of a
 * 500-row page's SQLite instructions).
 *
 * Internal to store/: read.c fills it from its statements, empties it when
 * the database changed (SQLITE_FCNTL_DATA_VERSION, read in store_begin) and
 * when it holds DIMS_MAX rows. No SQLite here.
 */
#ifndef FIGURES_DIMS_H
#define FIGURES_DIMS_H

#include <stddef.h>

#include "../core/err.h"

enum dim_kind { DIM_METRIC, DIM_LOCATION, DIM_SOURCE, DIM_FEED };

#define DIM_TEXTS 6      /* the most text columns of a kind (a source's) */
#define DIMS_MAX  8192   /* rows kept at most: ~1.5 MB of places and sources */

struct dim {
	long long     id;
	enum dim_kind kind;
	const char   *text[DIM_TEXTS];   /* the kind's text columns; NULL for NULL */
	long long     number;            /* a place's admin level, when has_number */
	int           has_number;
};

struct dims {
	struct dim **slot;    /* open addressing on (kind, id), 2 * DIMS_MAX slots */
	size_t       count;
};

/* ST_OK or ST_NOMEM. */
enum status dims_init(struct dims *d);
void dims_free(struct dims *d);
/* Forgets every row (their strings with them). */
void dims_clear(struct dims *d);
/* The number of rows kept. */
size_t dims_count(const struct dims *d);
/* The row (kind, id), or NULL if it is not kept. */
const struct dim *dims_find(const struct dims *d, enum dim_kind kind, long long id);
/*
 * Keeps a copy of row (its strings copied): the copy, or NULL when out of
 * memory or DIMS_MAX rows are kept (the caller clears first).
 */
const struct dim *dims_add(struct dims *d, const struct dim *row);

#endif
