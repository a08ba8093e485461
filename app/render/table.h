/*
 * table.h: the API's data model (the cJSON objects json.c builds) as CSV
 * (RFC 4180, UTF-8, a header row) or HXL (the same, plus a hashtag row under
 * the header, so HDX tools read it and our own hxl adapter can load it back).
 *
 * Every text cell goes through table_cell: quoted when it holds a comma, a
 * quote, CR or LF; and a cell starting with =, +, -, @, tab or CR gets a
 * leading apostrophe, so a spreadsheet shows it as text instead of running
 * it as a formula (OWASP's CSV injection advice).
 */
#ifndef FIGURES_TABLE_H
#define FIGURES_TABLE_H

#include <cjson/cJSON.h>
#include "../core/buf.h"

enum table_kind { TABLE_CSV, TABLE_HXL };

/* A metric's code and HXL hashtag, as /v1/metrics lists them. */
struct table_metric {
	char code[32], hxl[64];
};

/* Appends one escaped cell (NULL: an empty cell). */
enum status table_cell(struct buf *b, const char *s);

/*
 * Renders figures (an array of figure objects) or summary items into b.
 * HXL puts each value in its metric's column: metrics[0..nmetrics).
 */
enum status table_figures(struct buf *b, const cJSON *figures, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics);
enum status table_summary(struct buf *b, const cJSON *items, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics);

#endif
