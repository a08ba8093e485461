/*
 * csv.h: a push parser for RFC 4180 CSV, fed in chunks of any size, so a large
 * file is parsed with memory bounded by one row.
 *
 * Accepts what real sheets contain: a UTF-8 BOM, CRLF, LF or CR line ends,
 * quoted fields with "" escapes and embedded newlines, and (like Python's csv)
 * a stray quote inside an unquoted field as a literal. Blank lines are skipped.
 * A row longer than max_row bytes or with more than max_fields fields, or a
 * file that ends inside a quoted field (truncated), is an error.
 */
#ifndef FIGURES_CSV_H
#define FIGURES_CSV_H

#include <stddef.h>
#include "../core/err.h"

/*
 * Called once per row. fields[i] are NUL-terminated and valid only during the
 * call; row is the 1-based record number. Return ST_OK to go on; anything
 * else stops the parse and is returned by csv_feed / csv_finish.
 */
typedef enum status (*csv_row_fn)(void *ctx, long row, char **fields, size_t nfields);

struct csv;

/* Returns a parser, or NULL when out of memory. Free with csv_free. */
struct csv *csv_new(csv_row_fn fn, void *ctx, size_t max_row, size_t max_fields);
void csv_free(struct csv *p);

/* Parses n more bytes. On error, writes why to err (ERR_MAX bytes). */
enum status csv_feed(struct csv *p, const char *data, size_t n, char *err);

/* Ends the input: emits a last row without a newline; fails if inside quotes. */
enum status csv_finish(struct csv *p, char *err);

#endif
