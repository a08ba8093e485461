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
#include "../core/agree.h"
#include "../core/strutil.h"
#include "../render/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SP_LIMIT = FP__FILTERS, SP_CURSOR, SP_FORMAT };

static const char *const formats[] = { "json", "csv", "hxl", NULL };

#define SUMMARY_PAGE_DEFAULT 50
#define SUMMARY_PAGE_MAX     200

const struct pspec summary_params[] = {
	FILTER_PSPECS,
	[SP_LIMIT] = { "limit", P_INT, 1, SUMMARY_PAGE_MAX, NULL },
	[SP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[SP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
};
const size_t summary_nparams = sizeof summary_params / sizeof summary_params[0];

cJSON *
summary_item(struct store *s, const struct figure_filter *f, const struct group_key *g)
{
	cJSON *item = cJSON_CreateObject(), *claims = cJSON_CreateArray(), *range;
	long long values[256], min = 0, max = 0;
	const char *quals[256];
	char qbuf[256][12], latest[11] = "";
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	st = store_group_claims(s, f, g);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long v = sqlite3_column_int64(st, FC_VALUE);
		const char *date = (const char *)sqlite3_column_text(st, FC_AS_OF);

		if (n == 0) {
			json_add_col(item, "metric", st, FC_METRIC);
			json_add_col(item, "category", st, FC_CATEGORY);
			cJSON_AddItemToObject(item, "location", json_location_of_figure(st));
			json_add_col(item, "group", st, FC_GROUP);
		}
		if (date == NULL)
			date = (const char *)sqlite3_column_text(st, FC_PERIOD_END);
		if (date != NULL && strcmp(date, latest) > 0)
			snprintf(latest, sizeof latest, "%.10s", date);
		if (n < sizeof values / sizeof values[0]) {
			values[n] = v;
			snprintf(qbuf[n], sizeof qbuf[n], "%s",
			    (const char *)sqlite3_column_text(st, FC_QUALIFIER));
			quals[n] = qbuf[n];
		}
		min = n == 0 || v < min ? v : min;
		max = n == 0 || v > max ? v : max;
		cJSON_AddItemToArray(claims, json_figure(st));
		n++;
	}
	store_done(st);
	if (rc != SQLITE_DONE || n == 0) {
		cJSON_Delete(claims);
		cJSON_Delete(item);
		return NULL;
	}
	cJSON_AddItemToObject(item, "claims", claims);
	range = cJSON_AddObjectToObject(item, "range");
	json_add_int(range, "min", min);
	json_add_int(range, "max", max);
	json_add_int(item, "sources", (long long)n);
	cJSON_AddBoolToObject(item, "agree", claims_agree(values, quals,
	    n < sizeof values / sizeof values[0] ? n : sizeof values / sizeof values[0]));
	if (latest[0])
		cJSON_AddStringToObject(item, "latest_as_of", latest);
	else
		cJSON_AddNullToObject(item, "latest_as_of");
	return item;
}

/* The summary's cursor: the last group of the page, "g1|metric|location|group". */
static int
decode_group(const char *token, struct group_key *g, char *group, size_t size)
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

int
h_summary(struct hctx *cx, struct response *r)
{
	struct figure_filter f;
	struct group_key after, *keys = NULL;
	char after_group[CURSOR_MAX], text[CURSOR_MAX], next[CURSOR_MAX + 1];
	cJSON *root, *data, *meta, *item;
	sqlite3_stmt *st;
	long long total;
	int limit, rc;
	size_t n = 0;

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
		return respond_error(r, 503, "overloaded", NULL, "out of memory; retry");
	/* The page's groups first (copied: the statement is reused per group). */
	st = store_groups(cx->store, &f, cx->p[SP_CURSOR].set ? &after : NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)limit + 1) {
		keys[n].metric_id = sqlite3_column_int64(st, 0);
		keys[n].location_id = sqlite3_column_int64(st, 1);
		keys[n].group = strdup((const char *)sqlite3_column_text(st, 2));
		n++;
	}
	store_done(st);
	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	for (size_t i = 0; i < n && i < (size_t)limit; i++)
		if ((item = summary_item(cx->store, &f, &keys[i])) != NULL)
			cJSON_AddItemToArray(data, item);
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (n > (size_t)limit) {
		const struct group_key *last = &keys[limit - 1];

		snprintf(text, sizeof text, "%lld|%lld|%s", last->metric_id, last->location_id,
		    last->group);
		if (cursor_encode_text('g', text, next, sizeof next))
			cJSON_AddStringToObject(meta, "next_cursor", next);
		else
			cJSON_AddNullToObject(meta, "next_cursor");
	} else
		cJSON_AddNullToObject(meta, "next_cursor");
	for (size_t i = 0; i < n; i++)
		free((char *)keys[i].group);
	free(keys);
	return respond_summary(cx, r, root);
}
