/*
 * h_figures.c: GET /v1/figures (filtered, paged) and GET /v1/figures/{id}
 * (one figure with its revisions).
 */
#include "api.h"
#include "../core/figure.h"
#include "cursor.h"
#include "../render/json.h"

#include <string.h>

enum {
	FP_METRIC, FP_CATEGORY, FP_LOCATION, FP_INCLUDE, FP_COUNTRY, FP_SOURCE, FP_FEED,
	FP_SINCE, FP_UNTIL, FP_GROUP, FP_LIMIT, FP_CURSOR, FP_FORMAT,
};

static const char *const includes[] = { "sublocations", "withdrawn", NULL };
static const char *const formats[] = { "json", NULL };
#define INCLUDE_SUBLOCATIONS (1u << 0)
#define INCLUDE_WITHDRAWN    (1u << 1)

const struct pspec figures_params[] = {
	[FP_METRIC] = { "metric", P_CODE, 0, 0, NULL },
	[FP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories },
	[FP_LOCATION] = { "location", P_CODE, 0, 0, NULL },
	[FP_INCLUDE] = { "include", P_LIST, 0, 0, includes },
	[FP_COUNTRY] = { "country", P_COUNTRY, 0, 0, NULL },
	[FP_SOURCE] = { "source", P_CODE, 0, 0, NULL },
	[FP_FEED] = { "feed", P_CODE, 0, 0, NULL },
	[FP_SINCE] = { "since", P_DATE, 0, 0, NULL },
	[FP_UNTIL] = { "until", P_DATE, 0, 0, NULL },
	[FP_GROUP] = { "group", P_TEXT, 0, 200, NULL },
	[FP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, NULL },
	[FP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[FP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
};
const size_t figures_nparams = sizeof figures_params / sizeof figures_params[0];

/*
 * Resolves a code parameter to its internal id; an unknown code is a 400
 * naming the parameter, never a silently empty answer.
 */
static int
resolve(struct hctx *cx, struct response *r, enum lookup what, int param, const char *list,
    long long *id)
{
	const struct pval *v = &cx->p[param];

	if (!v->set)
		return 0;
	if (store_lookup(cx->store, what, v->s, id) == ST_OK)
		return 0;
	return respond_error(r, 400, "unknown_value", figures_params[param].name,
	    "no %s '%s' is known: see %s", figures_params[param].name, v->s, list);
}

int
h_figures(struct hctx *cx, struct response *r)
{
	const struct pval *p = cx->p;
	struct figure_filter f;
	char cursor_date[11], next[CURSOR_MAX + 1], last_date[11] = "";
	long long loc = 0, total, last_id = 0;
	cJSON *root, *data, *meta;
	sqlite3_stmt *st;
	int limit, n = 0, rc;

	memset(&f, 0, sizeof f);
	if ((rc = resolve(cx, r, LOOKUP_METRIC, FP_METRIC, "/v1/metrics", &f.metric)) ||
	    (rc = resolve(cx, r, LOOKUP_LOCATION, FP_LOCATION, "/v1/locations", &loc)) ||
	    (rc = resolve(cx, r, LOOKUP_SOURCE, FP_SOURCE, "/v1/sources", &f.source)) ||
	    (rc = resolve(cx, r, LOOKUP_FEED, FP_FEED, "/v1/feeds", &f.feed)))
		return rc;
	if (p[FP_INCLUDE].bits & INCLUDE_SUBLOCATIONS) {
		if (!p[FP_LOCATION].set)
			return respond_error(r, 400, "invalid_parameter", "include",
			    "include=sublocations needs a location to include the sublocations of");
		f.subtree = loc;
	} else
		f.location = loc;
	f.withdrawn = (p[FP_INCLUDE].bits & INCLUDE_WITHDRAWN) != 0;
	f.category = p[FP_CATEGORY].s;
	if (p[FP_COUNTRY].set && !store_country_known(cx->store, p[FP_COUNTRY].s))
		return respond_error(r, 400, "unknown_value", "country", "no location is in "
		    "country '%s': see /v1/locations", p[FP_COUNTRY].s);
	f.country = p[FP_COUNTRY].s;
	if (p[FP_GROUP].set && !store_group_known(cx->store, p[FP_GROUP].s))
		return respond_error(r, 400, "unknown_value", "group", "no figure has the group "
		    "'%s' (groups match exactly)", p[FP_GROUP].s);
	f.group = p[FP_GROUP].s;
	f.since = p[FP_SINCE].s;
	f.until = p[FP_UNTIL].s;
	if (f.since != NULL && f.until != NULL && strcmp(f.since, f.until) > 0)
		return respond_error(r, 400, "invalid_parameter", "until", "until (%s) is before "
		    "since (%s)", f.until, f.since);
	if (p[FP_CURSOR].set) {
		if (!cursor_decode_figure(p[FP_CURSOR].s, cursor_date, &f.cursor_id))
			return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not "
			    "one this API issued: pass meta.next_cursor back unchanged");
		f.cursor_date = cursor_date;
	}
	limit = p[FP_LIMIT].set ? (int)p[FP_LIMIT].n : PAGE_DEFAULT;
	f.limit = limit + 1;   /* one more tells whether there is a next page */

	if (store_figures_count(cx->store, &f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting figures");
	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	st = store_figures(cx->store, &f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > limit)
			break;
		cJSON_AddItemToArray(data, json_figure(st));
		last_id = sqlite3_column_int64(st, FC_ID);
		memcpy(last_date, sqlite3_column_text(st, FC_SORT_DATE), 10);
		last_date[10] = '\0';
	}
	store_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing figures");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (n > limit) {
		cursor_encode_figure(last_date, last_id, next, sizeof next);
		cJSON_AddStringToObject(meta, "next_cursor", next);
	} else
		cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}

int
h_figure(struct hctx *cx, struct response *r)
{
	cJSON *root, *fig, *revs;
	sqlite3_stmt *st;
	int rc;

	st = store_figure(cx->store, cx->id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_done(st);
		if (rc != SQLITE_DONE)
			return respond_db_failed(cx, r, "reading a figure");
		return respond_error(r, 404, "not_found", "id", "no figure has id %lld", cx->id);
	}
	fig = json_figure(st);
	store_done(st);
	revs = cJSON_AddArrayToObject(fig, "revisions");
	st = store_revisions(cx->store, cx->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cJSON_AddItemToArray(revs, json_revision(st));
	store_done(st);
	if (rc != SQLITE_DONE) {
		cJSON_Delete(fig);
		return respond_db_failed(cx, r, "reading revisions");
	}
	root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "data", fig);
	respond_meta(root, cx);
	return respond_json(r, 200, root);
}
