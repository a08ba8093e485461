/* h_sources.c: GET /v1/sources, who said the figures. */
#include "code_list.h"
#include "cursor.h"
#include "../core/figure.h"
#include "../render/json.h"

enum { SP_TYPE, SP_LIMIT, SP_CURSOR, SP_FORMAT };

static const char *const list_formats[] = { "json", "csv", "hxl", NULL };

static const struct pspec sources_params[] = {
	[SP_TYPE] = { "type", P_ENUM, 0, 0, source_types },
	[SP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, limit_words },
	[SP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[SP_FORMAT] = { "format", P_ENUM, 0, 0, list_formats },
};

static int
next_source(struct cursor *c, cJSON **item, const char **code)
{
	struct source_row row;

	if (!store_sources_next(c, &row))
		return 0;
	*item = json_source(&row);
	*code = row.code;
	return 1;
}

static int
line_source(struct cursor *c, struct buf *b, enum status *st, const char **code)
{
	struct source_row row;

	if (!store_sources_next(c, &row))
		return 0;
	*st = table_list_row(b, TABLE_SOURCES, &row);
	*code = row.code;
	return 1;
}

static int
h_sources(struct hctx *cx, struct response *r)
{
	static const struct code_list list = { 's', "sources", store_sources,
	    store_sources_count, next_source, line_source, TABLE_SOURCES, "inline; filename=\"sources.csv\"",
	    "inline; filename=\"sources.hxl.csv\"" };
	struct list_filter f = { .level = -1 };

	f.type = cx->p[SP_TYPE].s;
	return list_by_code(cx, r, &list, &f, SP_LIMIT, SP_CURSOR);
}

const struct route route_sources = { "/v1/sources", 0, ROUTE_PARAMS(sources_params),
    h_sources, NEEDS_STORE | NEGOTIATES, NULL };
