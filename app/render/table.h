/*
 * table.h: the worker's typed rows (core/rows.h) as CSV
 * (RFC 4180, UTF-8, a header row) or HXL (the same, plus a hashtag row under
 * the header, so HDX tools read it and our own hxl adapter can load it back).
 *
 * Every text cell goes through table_cell: quoted when it holds a comma, a
 * semicolon, a tab, a quote, CR or LF; a cell starting with =, +, -, @, tab
 * or CR gets a leading apostrophe, and so does each such start after a
 * comma, semicolon, tab, CR or LF within a cell, so a spreadsheet shows it
 * as text instead of running it as a formula, whichever separator its
 * locale splits on and whether or not it honours the quotes (OWASP's CSV
 * injection advice).
 */
#ifndef FIGURES_TABLE_H
#define FIGURES_TABLE_H

#include "../core/buf.h"
#include "../core/rows.h"

enum table_kind { TABLE_CSV, TABLE_HXL };

/* A metric's code and HXL hashtag, as /v1/metrics lists them. */
struct table_metric {
	char code[32], hxl[64];
};

/* Appends one escaped cell (NULL: an empty cell). */
enum status table_cell(struct buf *b, const char *s);

/*
 * A list of figures: the header row(s), then one row per figure. HXL puts
 * each value in its metric's column: metrics[0..nmetrics). The last figure
 * column, attribution (#description+attribution), is the figure's sentence
 * (render/attribution.h) in lang (the _lang forms; the others: English);
 * a summary's rows start with the item's columns, the last of them
 * summary_attribution (#description+attribution+summary), its claims side by
 * side in one sentence.
 */
enum status table_figures_head(struct buf *b, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics);
enum status table_figure_row(struct buf *b, const struct figure_row *figure,
    enum table_kind kind, const struct table_metric *metrics, size_t nmetrics);
enum status table_figure_row_lang(struct buf *b, const struct figure_row *figure,
    enum table_kind kind, const struct table_metric *metrics, size_t nmetrics,
    const char *lang);
/* Summary items: the header, then each claim a row after its item's columns. */
enum status table_summary_head(struct buf *b, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics);
enum status table_summary_item(struct buf *b, const struct summary_item *item,
    enum table_kind kind, const struct table_metric *metrics, size_t nmetrics);
enum status table_summary_item_lang(struct buf *b, const struct summary_item *item,
    enum table_kind kind, const struct table_metric *metrics, size_t nmetrics,
    const char *lang);

/*
 * /v1/locations and /v1/sources: the header row(s), then one row per
 * struct location_row or struct source_row (row), with the JSON's fields.
 */
enum table_list { TABLE_LOCATIONS, TABLE_SOURCES };
enum status table_list_head(struct buf *b, enum table_kind kind, enum table_list which);
enum status table_list_row(struct buf *b, enum table_list which, const void *row);

#endif
