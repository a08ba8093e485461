/*
 * h_summary.c: GET /v1/summary. For each metric x location x population group
 * that the filters select: every source's latest claim side by side, the range
 * (min, max), how many sources, whether they agree (core/agree.h), and the
 * newest as-of date. Never an average. Paged by group.
 */
#include "api.h"
#include "cursor.h"
#include "filters.h"
#include "summary.h"
#include "../core/strutil.h"
#include "../render/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SP_LIMIT = FP__FILTERS, SP_CURSOR, SP_FORMAT };

static const char *const formats[] = { "json", "csv", "hxl", NULL };

#define SUMMARY_PAGE_DEFAULT 50
#define SUMMARY_PAGE_MAX     200

static const struct pspec summary_params[] = {
	FILTER_PSPECS,
	[SP_LIMIT] = { "limit", P_INT, 1, SUMMARY_PAGE_MAX, NULL },
	[SP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[SP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
};

/* The summary's cursor: the last group of the page, "g1|metric|location|group". */
static int
decode_group(const char *token, struct group_row *g, char *group, size_t size)
{
	char text[CURSOR_MAX];
	char *a, *b;

	if (!cursor_decode_text(token, 'g', text, sizeof text))
		return 0;
	if ((a = strchr(text, '|')) == NULL || (b = strchr(a + 1, '|')) == NULL)
		return 0;
	*a = *b = '\0';
	if (!parse_int64(text, 1, 1LL << 40, &g->metric_id) ||
	    !parse_int64(a + 1, 1, 1LL << 40, &g->location_id) || strlen(b + 1) >= size)
		return 0;
	snprintf(group, size, "%s", b + 1);
	g->group = group;
	return 1;
}

static void
free_keys(struct group_row *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)keys[i].group);
	free(keys);
}

/* The page's items in the format asked for, with its total and next cursor. */
static int
answer(struct hctx *cx, struct response *r, const struct summary_page *page, long long total,
    int limit, const char *next)
{
	struct table_out t;
	cJSON *root, *data, *meta;
	enum status ts;

	if (cx->format != OUT_JSON) {
		if ((ts = respond_table_begin(cx, &t)) == ST_OK)
			ts = table_summary_head(&t.b, t.kind, t.metrics, t.nmetrics);
		for (size_t i = 0; ts == ST_OK && i < page->n; i++)
			ts = table_summary_item(&t.b, &page->items[i], t.kind, t.metrics, t.nmetrics);
		return respond_table_end(cx, r, &t, ts, next, total);
	}
	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	for (size_t i = 0; i < page->n; i++)
		cJSON_AddItemToArray(data, json_summary_item(&page->items[i]));
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	json_add_text(meta, "next_cursor", next);
	return respond_json(r, 200, root);
}

static int
h_summary(struct hctx *cx, struct response *r)
{
	struct figure_filter f;
	struct group_row after, row, *keys = NULL;
	struct summary_page page;
	char after_group[CURSOR_MAX], text[CURSOR_MAX], next[CURSOR_MAX + 1];
	const char *next_cursor = NULL;
	struct cursor *c;
	long long total;
	int limit, rc;
	size_t n = 0;
	enum status rs;

	if ((rc = filters_parse(cx, r, &f)) != 0)
		return rc;
	if (cx->p[SP_CURSOR].set && !decode_group(cx->p[SP_CURSOR].s, &after, after_group,
	    sizeof after_group))
		return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not one this "
		    "API issued for /v1/summary: pass meta.next_cursor back unchanged");
	limit = cx->p[SP_LIMIT].set ? (int)cx->p[SP_LIMIT].n : SUMMARY_PAGE_DEFAULT;
	f.limit = limit + 1;
	if (store_groups_count(cx->store, &f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting summary groups");
	if ((keys = calloc((size_t)limit + 1, sizeof *keys)) == NULL)
		return respond_overloaded(r, "out of memory");
	/* The page's groups first (copied: their cursor is closed before the claims). */
	c = store_groups(cx->store, &f, cx->p[SP_CURSOR].set ? &after : NULL);
	rs = ST_OK;
	while (rs == ST_OK && n < (size_t)limit + 1 && store_groups_next(c, &row)) {
		keys[n] = row;
		if ((keys[n].group = strdup(row.group != NULL ? row.group : "")) == NULL)
			rs = ST_NOMEM;
		else
			n++;
	}
	if (store_cursor_close(c) != ST_OK && rs == ST_OK)
		rs = ST_DB;
	if (rs == ST_OK)
		rs = summary_read(cx->store, &f, keys, n < (size_t)limit ? n : (size_t)limit, &page);
	if (rs != ST_OK) {
		free_keys(keys, n);
		if (rs == ST_NOMEM)
			return respond_overloaded(r, "out of memory");
		return respond_db_failed(cx, r, "reading the summary's claims");
	}
	if (n > (size_t)limit) {
		const struct group_row *last = &keys[limit - 1];

		snprintf(text, sizeof text, "%lld|%lld|%s", last->metric_id, last->location_id,
		    last->group);
		if (cursor_encode_text('g', text, next, sizeof next))
			next_cursor = next;
	}
	free_keys(keys, n);
	rc = answer(cx, r, &page, total, limit, next_cursor);
	summary_page_free(&page);
	return rc;
}

const struct route route_summary = { "/v1/summary", 0, ROUTE_PARAMS(summary_params),
    h_summary, NEEDS_STORE | NEGOTIATES, "/v1/embed/summary" };
