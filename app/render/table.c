#include "table.h"
#include "attribution.h"
#include "../core/strutil.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * What a spreadsheet reads as a cell's start: a formula (=, +, -, @), or a
 * tab or CR before one. The separators are those of the world's CSV readers
 * and of pasting: a comma, a semicolon (locales whose decimal mark is a
 * comma), a tab, and line ends.
 */
#define FORMULA_STARTS "=+-@\t\r"
#define SEPARATORS ",;\t\r\n"

/* FORMULA_STARTS and SEPARATORS (and the quote) as tables: one look per byte */
static const unsigned char formula_start[256] = {
	['='] = 1, ['+'] = 1, ['-'] = 1, ['@'] = 1, ['\t'] = 1, ['\r'] = 1,
};
/*
 * Where a cell's plain start ends: a byte that makes it quoted (a separator,
 * the quote), or the cell's end; one look per byte, its NUL included.
 */
static const unsigned char plain_end[256] = {
	['\0'] = 1, [','] = 1, [';'] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['"'] = 1,
};

static int
starts_formula(const char *s)
{
	return formula_start[(unsigned char)s[0]];
}

enum status
table_cell(struct buf *b, const char *s)
{
	enum status st = ST_OK;
	const unsigned char *p;
	const char *q;

	if (s == NULL)
		return ST_OK;
	/*
	 * The common cell, as it is: found in one pass that also measures it
	 * (strpbrk, then strlen to append, were a tenth of a CSV page's rendering).
	 */
	for (p = (const unsigned char *)s; !plain_end[*p]; p++)
		;
	if (*p == '\0') {
		if (starts_formula(s) && (st = buf_putc(b, '\'')) != ST_OK)
			return st;
		return buf_append(b, s, (size_t)((const char *)p - s));
	}
	/* the apostrophe goes inside the quotes: it is part of the cell's text */
	st = buf_puts(b, starts_formula(s) ? "\"'" : "\"");
	/*
	 * Whole runs up to each quote or separator (appending byte by byte took
	 * a tenth of a CSV page's time): a quote doubled; after a separator, an
	 * apostrophe when a formula follows, so that a reader which splits the
	 * cell there (on ';', or ignoring quotes) still gets text.
	 */
	while (st == ST_OK && (q = strpbrk(s, SEPARATORS "\"")) != NULL) {
		st = buf_append(b, s, (size_t)(q - s + 1));
		if (st == ST_OK && *q == '"')
			st = buf_putc(b, '"');
		else if (st == ST_OK && starts_formula(q + 1))
			st = buf_putc(b, '\'');
		s = q + 1;
	}
	if (st == ST_OK)
		st = buf_puts(b, s);
	if (st == ST_OK)
		st = buf_putc(b, '"');
	return st;
}

/*
 * A column: its CSV name, its HXL hashtag, and where a row holds it (a field
 * of struct figure_row, or of struct summary_item for a summary's columns).
 */
enum cell_kind {
	CELL_TEXT, CELL_INT, CELL_BOOL, CELL_SIZE, CELL_CHARS, CELL_COUNT,
	CELL_ORIGIN,   /* text of a figure's origin, when the origin is at this admin level */
	CELL_LEVEL,    /* a location's admin level, when it has one */
	CELL_ATTRIBUTION,   /* the sentence (attribution.h) of the figure, or of the item */
};
struct column {
	const char    *name, *hxl;
	enum cell_kind kind;
	size_t         off;
	size_t         has;   /* CELL_COUNT: the int saying the count was given;
	                         CELL_ORIGIN: the admin level */
};

#define FIG(kind, field) kind, offsetof(struct figure_row, field)
#define ITEM(kind, field) kind, offsetof(struct summary_item, field)

/* A figure's columns; the value goes in its metric's column in HXL. */
enum { COL_METRIC = 1, COL_VALUE = 3 };
static const struct column figure_cols[] = {
	{ "id", "#meta+id", FIG(CELL_INT, id) },
	[COL_METRIC] = { "metric", "#indicator+code", FIG(CELL_TEXT, metric) },
	{ "category", "#indicator+category", FIG(CELL_TEXT, category) },
	[COL_VALUE] = { "value", "#indicator+num", FIG(CELL_INT, value) },
	{ "qualifier", "#meta+qualifier", FIG(CELL_TEXT, qualifier) },
	{ "group", "#description+group", FIG(CELL_TEXT, group) },
	{ "unit", "#meta+unit", FIG(CELL_TEXT, unit) },
	{ "cause", "#cause", FIG(CELL_TEXT, cause) },
	/* the origin by its level, under the tags the HXL feed reads back */
	{ "origin_country", "#country+code+origin", FIG(CELL_TEXT, origin.country) },
	{ "origin_country_name", "#country+name+origin", FIG(CELL_ORIGIN, origin.name), 0 },
	{ "origin_admin1", "#adm1+code+origin", FIG(CELL_ORIGIN, origin.code), 1 },
	{ "origin_admin1_name", "#adm1+name+origin", FIG(CELL_ORIGIN, origin.name), 1 },
	{ "origin_admin2", "#adm2+code+origin", FIG(CELL_ORIGIN, origin.code), 2 },
	{ "origin_admin2_name", "#adm2+name+origin", FIG(CELL_ORIGIN, origin.name), 2 },
	{ "males", "#meta+males", FIG(CELL_COUNT, males), offsetof(struct figure_row, has_males) },
	{ "females", "#meta+females", FIG(CELL_COUNT, females),
	  offsetof(struct figure_row, has_females) },
	{ "location_code", "#loc+code", FIG(CELL_TEXT, location.code) },
	{ "location_name", "#loc+name", FIG(CELL_TEXT, location.name) },
	{ "location_type", "#loc+type", FIG(CELL_TEXT, location.type) },
	{ "country", "#country+code", FIG(CELL_TEXT, location.country) },
	{ "as_of", "#date+occurred", FIG(CELL_TEXT, as_of) },
	{ "period_start", "#date+start", FIG(CELL_TEXT, period_start) },
	{ "period_end", "#date+end", FIG(CELL_TEXT, period_end) },
	{ "reported_on", "#date+reported", FIG(CELL_TEXT, reported_on) },
	{ "retrieved_at", "#date+retrieved", FIG(CELL_TEXT, retrieved_at) },
	{ "source_id", "#meta+code+source", FIG(CELL_TEXT, source.code) },
	{ "source_name", "#meta+source", FIG(CELL_TEXT, source.name) },
	{ "source_organisation", "#meta+org+source", FIG(CELL_TEXT, source.organisation) },
	{ "source_type", "#meta+source+type", FIG(CELL_TEXT, source.type) },
	{ "source_url", "#meta+source+url", FIG(CELL_TEXT, source.url) },
	{ "via", "#meta+via", FIG(CELL_TEXT, via) },
	{ "url", "#meta+url", FIG(CELL_TEXT, url) },
	{ "quote", "#description+quote", FIG(CELL_TEXT, quote) },
	{ "licence", "#meta+licence", FIG(CELL_TEXT, licence) },
	{ "feed", "#meta+feed", FIG(CELL_TEXT, feed) },
	{ "withdrawn", "#meta+withdrawn", FIG(CELL_BOOL, withdrawn) },
	{ "attribution", "#description+attribution", CELL_ATTRIBUTION, 0, 0 },
};
#define NFIGURE_COLS (sizeof figure_cols / sizeof figure_cols[0])

static const struct column summary_cols[] = {
	{ "sources", "#meta+count+sources", ITEM(CELL_SIZE, n) },
	{ "agree", "#meta+agree", ITEM(CELL_BOOL, agree) },
	{ "range_min", "#meta+min+range", ITEM(CELL_INT, min) },
	{ "range_max", "#meta+max+range", ITEM(CELL_INT, max) },
	{ "latest_as_of", "#date+latest", ITEM(CELL_CHARS, latest_as_of) },
	{ "summary_attribution", "#description+attribution+summary", CELL_ATTRIBUTION, 0, 0 },
};
#define NSUMMARY_COLS (sizeof summary_cols / sizeof summary_cols[0])

#define LOC(kind, field) kind, offsetof(struct location_row, field)
#define SRC(kind, field) kind, offsetof(struct source_row, field)

/* /v1/locations and /v1/sources: the JSON's fields, tagged as the figures' columns are. */
static const struct column location_cols[] = {
	{ "code", "#loc+code", LOC(CELL_TEXT, code) },
	{ "name", "#loc+name", LOC(CELL_TEXT, name) },
	{ "country", "#country+code", LOC(CELL_TEXT, country) },
	{ "admin_level", "#loc+admin_level", LOC(CELL_LEVEL, admin_level) },
	{ "type", "#loc+type", LOC(CELL_TEXT, type) },
	{ "parent", "#loc+code+parent", LOC(CELL_TEXT, parent) },
};
static const struct column source_cols[] = {
	{ "id", "#meta+code+source", SRC(CELL_TEXT, code) },
	{ "name", "#meta+source", SRC(CELL_TEXT, name) },
	{ "organisation", "#meta+org+source", SRC(CELL_TEXT, organisation) },
	{ "type", "#meta+source+type", SRC(CELL_TEXT, type) },
	{ "url", "#meta+source+url", SRC(CELL_TEXT, url) },
	{ "licence", "#meta+licence", SRC(CELL_TEXT, licence) },
};

/*
 * The text of column c of row (a figure row or a summary item); a number is
 * written in num, its length in *numlen.
 */
static const char *
cell(const void *row, const struct column *c, char num[INT_TEXT_MAX], size_t *numlen)
{
	const char *p = (const char *)row + c->off;

	switch (c->kind) {
	case CELL_TEXT:
		return *(const char *const *)(const void *)p;
	case CELL_INT:
		*numlen = int_text(*(const long long *)(const void *)p, num);
		return num;
	case CELL_SIZE:
		*numlen = int_text((long long)*(const size_t *)(const void *)p, num);
		return num;
	case CELL_BOOL:
		return *(const int *)(const void *)p ? "true" : "false";
	case CELL_CHARS:
		return p;
	case CELL_ORIGIN: {
		const struct location_row *o = &((const struct figure_row *)row)->origin;

		if (o->code == NULL || !o->has_level || o->admin_level != (long long)c->has)
			return NULL;
		return *(const char *const *)(const void *)p;
	}
	case CELL_COUNT:
		if (!*(const int *)(const void *)((const char *)row + c->has))
			return NULL;
		*numlen = int_text(*(const long long *)(const void *)p, num);
		return num;
	case CELL_LEVEL:
		if (!((const struct location_row *)row)->has_level)
			return NULL;
		*numlen = int_text(*(const long long *)(const void *)p, num);
		return num;
	case CELL_ATTRIBUTION:   /* written by attribution_cell */
		break;
	}
	return NULL;
}

/*
 * Whether text s, as table_cell writes it, needs no more than quotes around
 * it: no quote inside, no formula at its start or after a separator. *quoted
 * says whether it needs those quotes.
 */
static int
only_quotes(const char *s, int *quoted)
{
	const char *q;

	*quoted = 0;
	if (starts_formula(s))
		return 0;
	for (q = s; (q = strpbrk(q, SEPARATORS "\"")) != NULL; q++) {
		if (*q == '"' || starts_formula(q + 1))
			return 0;
		*quoted = 1;
	}
	return 1;
}

/* Takes b back to its first start bytes (a cell that could not be written whole). */
static enum status
undo(struct buf *b, size_t start, enum status st)
{
	if (b->data != NULL) {
		b->len = start;
		b->data[start] = '\0';
	}
	return st;
}

/*
 * The sentence of the figure (item NULL) or of the item, in lang, as one
 * cell: written at b's end and made a cell where it is. A sentence nearly
 * always holds a comma, and only that: one byte moved opens its quotes. One
 * that needs more (a quote from a name, say) is copied out and written as
 * any cell. (Made in a buffer of its own, each row's sentence cost a malloc,
 * a realloc, a copy and a free: 3% of a CSV page.) As before, a sentence
 * longer than ATTRIBUTION_MAX is an error, and on any error b is as it was.
 */
static enum status
attribution_cell(struct buf *b, const struct summary_item *item, const struct figure_row *fig,
    const char *lang)
{
	size_t start = b->len, n;
	char *text;
	enum status st;
	int quoted = 0;

	st = item != NULL ? attribution_summary(b, item, lang) :
	    attribution_figure(b, fig, lang);
	n = b->len - start;
	if (st == ST_OK && n > ATTRIBUTION_MAX)
		st = ST_TOO_BIG;
	if (st != ST_OK)
		return undo(b, start, st);
	if (n == 0 || only_quotes(b->data + start, &quoted)) {
		if (!quoted)
			return ST_OK;
		if ((st = buf_putc(b, '"')) != ST_OK)
			return undo(b, start, st);
		memmove(b->data + start + 1, b->data + start, n);
		b->data[start] = '"';
		if ((st = buf_putc(b, '"')) != ST_OK)
			return undo(b, start, st);
		return ST_OK;
	}
	text = strndup(b->data + start, n);
	undo(b, start, ST_OK);
	if (text == NULL)
		return ST_NOMEM;
	st = table_cell(b, text);
	free(text);
	return st == ST_OK ? ST_OK : undo(b, start, st);
}

/*
 * Column c of row as a cell. A number is written as int_text made it: its
 * digits need no escaping, but a minus starts a formula and goes through
 * table_cell.
 */
static enum status
put_cell(struct buf *b, const void *row, const struct column *c)
{
	char num[INT_TEXT_MAX];
	size_t len = 0;
	const char *s;

	num[0] = '\0';
	s = cell(row, c, num, &len);
	if (s == num && num[0] != '-')
		return buf_append(b, num, len);
	return table_cell(b, s);
}

#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)

static enum status
header(struct buf *b, enum table_kind kind, int summary, const struct table_metric *m,
    size_t nm)
{
	enum status st;

	for (int row = 0; row < (kind == TABLE_HXL ? 2 : 1); row++) {
		int first = 1;

		if (summary)
			for (size_t i = 0; i < NSUMMARY_COLS; i++, first = 0) {
				if (!first)
					CHECK(buf_putc(b, ','));
				CHECK(table_cell(b, row ? summary_cols[i].hxl : summary_cols[i].name));
			}
		for (size_t i = 0; i < NFIGURE_COLS; i++, first = 0) {
			if (!first)
				CHECK(buf_putc(b, ','));
			CHECK(table_cell(b, row ? figure_cols[i].hxl : figure_cols[i].name));
		}
		/* HXL: one value column per metric, so an import reads each back as it was */
		for (size_t i = 0; kind == TABLE_HXL && i < nm; i++) {
			CHECK(buf_putc(b, ','));
			CHECK(table_cell(b, row ? m[i].hxl : m[i].code));
		}
		CHECK(buf_puts(b, "\r\n"));
	}
	return ST_OK;
}

/*
 * One figure's line, after its summary item's columns when item is not NULL;
 * the sentences in lang.
 */
static enum status
row(struct buf *b, const struct summary_item *item, const struct figure_row *fig,
    enum table_kind kind, const struct table_metric *m, size_t nm, const char *lang)
{
	enum status st;
	int first = 1;

	for (size_t i = 0; item != NULL && i < NSUMMARY_COLS; i++, first = 0) {
		if (!first)
			CHECK(buf_putc(b, ','));
		if (summary_cols[i].kind == CELL_ATTRIBUTION)
			CHECK(attribution_cell(b, item, NULL, lang));
		else
			CHECK(put_cell(b, item, &summary_cols[i]));
	}
	for (size_t i = 0; i < NFIGURE_COLS; i++, first = 0) {
		if (!first)
			CHECK(buf_putc(b, ','));
		if (figure_cols[i].kind == CELL_ATTRIBUTION)
			CHECK(attribution_cell(b, NULL, fig, lang));
		else
			CHECK(put_cell(b, fig, &figure_cols[i]));
	}
	for (size_t i = 0; kind == TABLE_HXL && i < nm; i++) {
		CHECK(buf_putc(b, ','));
		if (fig->metric != NULL && strcmp(fig->metric, m[i].code) == 0)
			CHECK(put_cell(b, fig, &figure_cols[COL_VALUE]));
	}
	return buf_puts(b, "\r\n");
}

enum status
table_figures_head(struct buf *b, enum table_kind kind, const struct table_metric *metrics,
    size_t nmetrics)
{
	return header(b, kind, 0, metrics, nmetrics);
}

enum status
table_figure_row(struct buf *b, const struct figure_row *figure, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	return row(b, NULL, figure, kind, metrics, nmetrics, NULL);
}

enum status
table_figure_row_lang(struct buf *b, const struct figure_row *figure, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics, const char *lang)
{
	return row(b, NULL, figure, kind, metrics, nmetrics, lang);
}

enum status
table_summary_head(struct buf *b, enum table_kind kind, const struct table_metric *metrics,
    size_t nmetrics)
{
	return header(b, kind, 1, metrics, nmetrics);
}

enum status
table_summary_item(struct buf *b, const struct summary_item *item, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	return table_summary_item_lang(b, item, kind, metrics, nmetrics, NULL);
}

enum status
table_summary_item_lang(struct buf *b, const struct summary_item *item, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics, const char *lang)
{
	enum status st;

	for (size_t i = 0; i < item->n; i++)
		CHECK(row(b, item, &item->claims[i], kind, metrics, nmetrics, lang));
	return ST_OK;
}

/* A reference list's columns. */
static const struct column *
list_cols(enum table_list which, size_t *n)
{
	if (which == TABLE_LOCATIONS) {
		*n = sizeof location_cols / sizeof location_cols[0];
		return location_cols;
	}
	*n = sizeof source_cols / sizeof source_cols[0];
	return source_cols;
}

enum status
table_list_head(struct buf *b, enum table_kind kind, enum table_list which)
{
	size_t n;
	const struct column *cols = list_cols(which, &n);
	enum status st;

	for (int r = 0; r < (kind == TABLE_HXL ? 2 : 1); r++) {
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				CHECK(buf_putc(b, ','));
			CHECK(table_cell(b, r ? cols[i].hxl : cols[i].name));
		}
		CHECK(buf_puts(b, "\r\n"));
	}
	return ST_OK;
}

enum status
table_list_row(struct buf *b, enum table_list which, const void *row)
{
	size_t n;
	const struct column *cols = list_cols(which, &n);
	enum status st;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			CHECK(buf_putc(b, ','));
		CHECK(put_cell(b, row, &cols[i]));
	}
	return buf_puts(b, "\r\n");
}
