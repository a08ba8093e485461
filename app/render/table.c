#include "table.h"

#include "../store/read.h"

#include <stdio.h>
#include <string.h>

enum status
table_cell(struct buf *b, const char *s)
{
	enum status st = ST_OK;
	const char *q;
	int formula, quoted;

	if (s == NULL)
		return ST_OK;
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	quoted = strpbrk(s, ",\"\r\n") != NULL;
	/* the apostrophe goes inside the quotes: it is part of the cell's text */
	if (quoted)
		st = buf_putc(b, '"');
	if (st == ST_OK && formula)
		st = buf_putc(b, '\'');
	/*
	 * Whole runs up to each quote, the quote doubled (appending byte by byte
	 * took a tenth of a CSV page's time).
	 */
	while (st == ST_OK && quoted && (q = strchr(s, '"')) != NULL) {
		st = buf_append(b, s, (size_t)(q - s + 1));
		if (st == ST_OK)
			st = buf_putc(b, '"');
		s = q + 1;
	}
	if (st == ST_OK)
		st = buf_puts(b, s);
	if (st == ST_OK && quoted)
		st = buf_putc(b, '"');
	return st;
}

/* The member of obj named by the first len bytes of name, or NULL. */
static const cJSON *
member(const cJSON *obj, const char *name, size_t len)
{
	const cJSON *c;

	for (c = obj != NULL ? obj->child : NULL; c != NULL; c = c->next)
		if (c->string != NULL && strncmp(c->string, name, len) == 0 && c->string[len] == '\0')
			return c;
	return NULL;
}

/* The text of obj[key] (through a "a.b" path), or NULL for null/missing. */
static const char *
field(const cJSON *obj, const char *path, char *num, size_t size)
{
	const char *dot = strchr(path, '.');
	const cJSON *v;

	if (dot != NULL) {
		obj = member(obj, path, (size_t)(dot - path));
		path = dot + 1;
	}
	v = member(obj, path, strlen(path));
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsRaw(v))
		return v->valuestring;      /* integers are written raw (json_add_int) */
	if (cJSON_IsNumber(v)) {
		snprintf(num, size, "%.0f", v->valuedouble);
		return num;
	}
	return NULL;
}

/*
 * A column: its CSV name, its HXL hashtag, where a figure holds it as JSON
 * (path) and as a store row (read.h's FC_ column), so the CSV of a figure list
 * is written from the rows and a summary's from its JSON, the same either way.
 */
struct column {
	const char *name, *hxl, *path;
	int fc;
};

/* A figure's columns; the value goes in its metric's column in HXL. */
enum { COL_METRIC = 1, COL_VALUE = 3 };
static const struct column figure_cols[] = {
	{ "id", "#meta+id", "id", FC_ID },
	[COL_METRIC] = { "metric", "#indicator+code", "metric", FC_METRIC },
	{ "category", "#indicator+category", "category", FC_CATEGORY },
	[COL_VALUE] = { "value", "#indicator+num", "value", FC_VALUE },
	{ "qualifier", "#meta+qualifier", "qualifier", FC_QUALIFIER },
	{ "group", "#description+group", "group", FC_GROUP },
	{ "location_code", "#loc+code", "location.code", FC_LOC_CODE },
	{ "location_name", "#loc+name", "location.name", FC_LOC_NAME },
	{ "location_type", "#loc+type", "location.type", FC_LOC_TYPE },
	{ "country", "#country+code", "location.country", FC_LOC_COUNTRY },
	{ "as_of", "#date+occurred", "as_of", FC_AS_OF },
	{ "period_start", "#date+start", "period.start", FC_PERIOD_START },
	{ "period_end", "#date+end", "period.end", FC_PERIOD_END },
	{ "reported_on", "#date+reported", "reported_on", FC_REPORTED_ON },
	{ "retrieved_at", "#date+retrieved", "retrieved_at", FC_RETRIEVED_AT },
	{ "source_id", "#meta+code+source", "source.id", FC_SRC_CODE },
	{ "source_name", "#meta+source", "source.name", FC_SRC_NAME },
	{ "source_organisation", "#meta+org+source", "source.organisation", FC_SRC_ORG },
	{ "source_type", "#meta+source+type", "source.type", FC_SRC_TYPE },
	{ "source_url", "#meta+source+url", "source.url", FC_SRC_URL },
	{ "via", "#meta+via", "via", FC_VIA },
	{ "url", "#meta+url", "url", FC_URL },
	{ "quote", "#description+quote", "quote", FC_QUOTE },
	{ "licence", "#meta+licence", "licence", FC_LICENCE },
	{ "feed", "#meta+feed", "feed", FC_FEED },
	{ "withdrawn", "#meta+withdrawn", "withdrawn", FC_WITHDRAWN },
};
#define NFIGURE_COLS (sizeof figure_cols / sizeof figure_cols[0])

static const struct column summary_cols[] = {
	{ "sources", "#meta+count+sources", "sources", -1 },
	{ "agree", "#meta+agree", "agree", -1 },
	{ "range_min", "#meta+min+range", "range.min", -1 },
	{ "range_max", "#meta+max+range", "range.max", -1 },
	{ "latest_as_of", "#date+latest", "latest_as_of", -1 },
};
#define NSUMMARY_COLS (sizeof summary_cols / sizeof summary_cols[0])

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

/* Where a row's figure columns come from: a JSON figure, or a store row. */
struct figure_src {
	const cJSON *json;
	sqlite3_stmt *row;
};

static const char *
figure_text(const struct figure_src *src, const struct column *c, char *num, size_t size)
{
	if (src->json != NULL)
		return field(src->json, c->path, num, size);
	if (c->fc == FC_WITHDRAWN)
		return sqlite3_column_int(src->row, c->fc) ? "true" : "false";
	return (const char *)sqlite3_column_text(src->row, c->fc);
}

static enum status
row(struct buf *b, const cJSON *item, const struct figure_src *fig, enum table_kind kind,
    const struct table_metric *m, size_t nm)
{
	char num[32], vnum[32];
	const char *metric = kind == TABLE_HXL ?
	    figure_text(fig, &figure_cols[COL_METRIC], vnum, sizeof vnum) : NULL;
	enum status st;
	int first = 1;

	for (size_t i = 0; item != NULL && i < NSUMMARY_COLS; i++, first = 0) {
		if (!first)
			CHECK(buf_putc(b, ','));
		CHECK(table_cell(b, field(item, summary_cols[i].path, num, sizeof num)));
	}
	for (size_t i = 0; i < NFIGURE_COLS; i++, first = 0) {
		if (!first)
			CHECK(buf_putc(b, ','));
		CHECK(table_cell(b, figure_text(fig, &figure_cols[i], num, sizeof num)));
	}
	for (size_t i = 0; kind == TABLE_HXL && i < nm; i++) {
		CHECK(buf_putc(b, ','));
		if (metric != NULL && strcmp(metric, m[i].code) == 0)
			CHECK(table_cell(b, figure_text(fig, &figure_cols[COL_VALUE], num, sizeof num)));
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
table_figure_row(struct buf *b, sqlite3_stmt *figure, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	struct figure_src src = { NULL, figure };

	return row(b, NULL, &src, kind, metrics, nmetrics);
}

enum status
table_summary(struct buf *b, const cJSON *items, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	const cJSON *item, *claim;
	enum status st;

	CHECK(header(b, kind, 1, metrics, nmetrics));
	cJSON_ArrayForEach(item, items)
		cJSON_ArrayForEach(claim, cJSON_GetObjectItemCaseSensitive(item, "claims")) {
			struct figure_src src = { claim, NULL };

			CHECK(row(b, item, &src, kind, metrics, nmetrics));
		}
	return ST_OK;
}
