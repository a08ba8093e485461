#include "table.h"

#include <stdio.h>
#include <string.h>

enum status
table_cell(struct buf *b, const char *s)
{
	enum status st = ST_OK;
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
	for (const char *p = s; *p != '\0' && st == ST_OK; p++)
		st = *p == '"' && quoted ? buf_puts(b, "\"\"") : buf_putc(b, *p);
	if (st == ST_OK && quoted)
		st = buf_putc(b, '"');
	return st;
}

/* The text of obj[key] (through a "a.b" path), or NULL for null/missing. */
static const char *
field(const cJSON *obj, const char *path, char *num, size_t size)
{
	char part[64];
	const char *dot = strchr(path, '.');
	const cJSON *v;

	if (dot != NULL) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
		return field(cJSON_GetObjectItemCaseSensitive(obj, part), dot + 1, num, size);
	}
	v = cJSON_GetObjectItemCaseSensitive(obj, path);
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

struct column {
	const char *name, *hxl, *path;
};

/* A figure's columns; the value goes in its metric's column in HXL. */
static const struct column figure_cols[] = {
	{ "id", "#meta+id", "id" },
	{ "metric", "#indicator+code", "metric" },
	{ "category", "#indicator+category", "category" },
	{ "value", "#indicator+num", "value" },
	{ "qualifier", "#meta+qualifier", "qualifier" },
	{ "group", "#description+group", "group" },
	{ "location_code", "#loc+code", "location.code" },
	{ "location_name", "#loc+name", "location.name" },
	{ "location_type", "#loc+type", "location.type" },
	{ "country", "#country+code", "location.country" },
	{ "as_of", "#date+occurred", "as_of" },
	{ "period_start", "#date+start", "period.start" },
	{ "period_end", "#date+end", "period.end" },
	{ "reported_on", "#date+reported", "reported_on" },
	{ "retrieved_at", "#date+retrieved", "retrieved_at" },
	{ "source_id", "#meta+code+source", "source.id" },
	{ "source_name", "#meta+source", "source.name" },
	{ "source_organisation", "#meta+org+source", "source.organisation" },
	{ "source_type", "#meta+source+type", "source.type" },
	{ "source_url", "#meta+source+url", "source.url" },
	{ "via", "#meta+via", "via" },
	{ "url", "#meta+url", "url" },
	{ "quote", "#description+quote", "quote" },
	{ "licence", "#meta+licence", "licence" },
	{ "feed", "#meta+feed", "feed" },
	{ "withdrawn", "#meta+withdrawn", "withdrawn" },
};
#define NFIGURE_COLS (sizeof figure_cols / sizeof figure_cols[0])

static const struct column summary_cols[] = {
	{ "sources", "#meta+count+sources", "sources" },
	{ "agree", "#meta+agree", "agree" },
	{ "range_min", "#meta+min+range", "range.min" },
	{ "range_max", "#meta+max+range", "range.max" },
	{ "latest_as_of", "#date+latest", "latest_as_of" },
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

static enum status
row(struct buf *b, const cJSON *item, const cJSON *fig, enum table_kind kind,
    const struct table_metric *m, size_t nm)
{
	char num[32];
	const char *metric = field(fig, "metric", num, sizeof num);
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
		CHECK(table_cell(b, field(fig, figure_cols[i].path, num, sizeof num)));
	}
	for (size_t i = 0; kind == TABLE_HXL && i < nm; i++) {
		CHECK(buf_putc(b, ','));
		if (metric != NULL && strcmp(metric, m[i].code) == 0)
			CHECK(table_cell(b, field(fig, "value", num, sizeof num)));
	}
	return buf_puts(b, "\r\n");
}

enum status
table_figures(struct buf *b, const cJSON *figures, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	const cJSON *f;
	enum status st;

	CHECK(header(b, kind, 0, metrics, nmetrics));
	cJSON_ArrayForEach(f, figures)
		CHECK(row(b, NULL, f, kind, metrics, nmetrics));
	return ST_OK;
}

enum status
table_summary(struct buf *b, const cJSON *items, enum table_kind kind,
    const struct table_metric *metrics, size_t nmetrics)
{
	const cJSON *item, *claim;
	enum status st;

	CHECK(header(b, kind, 1, metrics, nmetrics));
	cJSON_ArrayForEach(item, items)
		cJSON_ArrayForEach(claim, cJSON_GetObjectItemCaseSensitive(item, "claims"))
			CHECK(row(b, item, claim, kind, metrics, nmetrics));
	return ST_OK;
}
