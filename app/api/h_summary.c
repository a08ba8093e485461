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

/* One group's item, built claim by claim. */
struct item_acc {
	cJSON    *item, *claims;
	long long values[256], min, max;
	const char *quals[256];
	char      qbuf[256][12], latest[11];
	size_t    n;
};

static void
item_add(struct item_acc *a, sqlite3_stmt *st)
{
	long long v = sqlite3_column_int64(st, FC_VALUE);
	const char *date = (const char *)sqlite3_column_text(st, FC_AS_OF);

	if (a->n == 0) {
		a->item = cJSON_CreateObject();
		a->claims = cJSON_CreateArray();
		a->latest[0] = '\0';
		json_add_col(a->item, "metric", st, FC_METRIC);
		json_add_col(a->item, "category", st, FC_CATEGORY);
		cJSON_AddItemToObject(a->item, "location", json_location_of_figure(st));
		json_add_col(a->item, "group", st, FC_GROUP);
	}
	if (date == NULL)
		date = (const char *)sqlite3_column_text(st, FC_PERIOD_END);
	if (date != NULL && strcmp(date, a->latest) > 0)
		snprintf(a->latest, sizeof a->latest, "%.10s", date);
	if (a->n < sizeof a->values / sizeof a->values[0]) {
		a->values[a->n] = v;
		snprintf(a->qbuf[a->n], sizeof a->qbuf[0], "%s",
		    (const char *)sqlite3_column_text(st, FC_QUALIFIER));
		a->quals[a->n] = a->qbuf[a->n];
	}
	a->min = a->n == 0 || v < a->min ? v : a->min;
	a->max = a->n == 0 || v > a->max ? v : a->max;
	cJSON_AddItemToArray(a->claims, json_figure(st));
	a->n++;
}

/* The finished item (NULL if it had no claims); a is ready for the next group. */
static cJSON *
item_end(struct item_acc *a)
{
	size_t nq = a->n < sizeof a->values / sizeof a->values[0] ? a->n :
	    sizeof a->values / sizeof a->values[0];
	cJSON *item = a->item, *range;

	if (a->n == 0)
		return NULL;
	cJSON_AddItemToObject(item, "claims", a->claims);
	range = cJSON_AddObjectToObject(item, "range");
	json_add_int(range, "min", a->min);
	json_add_int(range, "max", a->max);
	json_add_int(item, "sources", (long long)a->n);
	cJSON_AddBoolToObject(item, "agree", claims_agree(a->values, a->quals, nq));
	if (a->latest[0])
		cJSON_AddStringToObject(item, "latest_as_of", a->latest);
	else
		cJSON_AddNullToObject(item, "latest_as_of");
	a->item = a->claims = NULL;
	a->n = 0;
	return item;
}

static int
same_group(sqlite3_stmt *st, const struct group_key *g)
{
	return sqlite3_column_int64(st, CC_METRIC_ID) == g->metric_id &&
	    sqlite3_column_int64(st, CC_LOCATION_ID) == g->location_id &&
	    strcmp((const char *)sqlite3_column_text(st, FC_GROUP), g->group) == 0;
}

enum status
summary_items(struct store *s, const struct figure_filter *f, const struct group_key *g,
    size_t n, cJSON *items)
{
	struct item_acc *a;
	cJSON *keys = cJSON_CreateArray(), *item;
	char *json = NULL;
	sqlite3_stmt *st;
	size_t i = 0;
	int rc = SQLITE_ERROR;

	for (size_t k = 0; keys != NULL && k < n; k++) {
		cJSON *key = cJSON_CreateArray();

		cJSON_AddItemToArray(keys, key);
		cJSON_AddItemToArray(key, json_int(g[k].metric_id));
		cJSON_AddItemToArray(key, json_int(g[k].location_id));
		cJSON_AddItemToArray(key, cJSON_CreateString(g[k].group));
	}
	if (keys == NULL || (json = cJSON_PrintUnformatted(keys)) == NULL ||
	    (a = calloc(1, sizeof *a)) == NULL) {
		cJSON_free(json);
		cJSON_Delete(keys);
		return ST_NOMEM;
	}
	cJSON_Delete(keys);
	/* the rows come in the keys' order: each starts, or continues, group g[i] */
	st = store_page_claims(s, f, json);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->n > 0 && !same_group(st, &g[i])) {
			cJSON_AddItemToArray(items, item_end(a));   /* g[i] is complete */
			i++;
		}
		while (i < n && !same_group(st, &g[i]))
			i++;        /* a group of the page with no claim under f */
		if (i == n)
			break;      /* a row of no group asked for: cannot happen */
		item_add(a, st);
	}
	store_done(st);
	if ((item = item_end(a)) != NULL)
		cJSON_AddItemToArray(items, item);
	cJSON_free(json);
	free(a);
	return rc == SQLITE_DONE ? ST_OK : ST_DB;
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

static void
free_keys(struct group_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)keys[i].group);
	free(keys);
}

int
h_summary(struct hctx *cx, struct response *r)
{
	struct figure_filter f;
	struct group_key after, *keys = NULL;
	char after_group[CURSOR_MAX], text[CURSOR_MAX], next[CURSOR_MAX + 1];
	cJSON *root, *data, *meta;
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
	if (summary_items(cx->store, &f, keys, n < (size_t)limit ? n : (size_t)limit, data)
	    != ST_OK) {
		free_keys(keys, n);
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "reading the summary's claims");
	}
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
	free_keys(keys, n);
	return respond_summary(cx, r, root);
}
