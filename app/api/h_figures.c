/*
 * h_figures.c: GET /v1/figures (filtered, paged) and GET /v1/figures/{id}
 * (one figure with its revisions).
 */
#include "api.h"
#include "../core/figure.h"
#include "cursor.h"
#include "filters.h"
#include "../render/json.h"

#include <stdio.h>
#include <string.h>

enum { XP_LIMIT = FP__FILTERS, XP_CURSOR, XP_FORMAT, XP_AS_OF_DATE };

static const char *const formats[] = { "json", "csv", "hxl", NULL };

const struct pspec figures_params[] = {
	FILTER_PSPECS,
	[XP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, NULL },
	[XP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[XP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
	[XP_AS_OF_DATE] = { "as_of_date", P_DATE, 0, 0, NULL },
};
const size_t figures_nparams = sizeof figures_params / sizeof figures_params[0];

int
h_figures(struct hctx *cx, struct response *r)
{
	const struct pval *p = cx->p;
	struct figure_filter f;
	struct table_out t;
	char cursor_date[11], next[CURSOR_MAX + 1], last_date[11] = "", known[21];
	long long total, last_id = 0;
	cJSON *root = NULL, *data = NULL, *meta;
	sqlite3_stmt *st;
	enum status ts = ST_OK;
	int limit, n = 0, rc, table = cx->format != OUT_JSON;

	if ((rc = filters_parse(cx, r, &f)) != 0)
		return rc;
	if (p[XP_AS_OF_DATE].set) {
		/* what we knew at the end of that day, UTC */
		snprintf(known, sizeof known, "%.10sT23:59:59Z", p[XP_AS_OF_DATE].s);
		f.known = known;
	}
	if (p[XP_CURSOR].set) {
		if (!cursor_decode_figure(p[XP_CURSOR].s, cursor_date, &f.cursor_id))
			return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not "
			    "one this API issued: pass meta.next_cursor back unchanged");
		f.cursor_date = cursor_date;
	}
	limit = p[XP_LIMIT].set ? (int)p[XP_LIMIT].n : PAGE_DEFAULT;
	f.limit = limit + 1;   /* one more tells whether there is a next page */

	if (store_figures_count(cx->store, &f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting figures");
	/* CSV and HXL are written from the rows as they come: no JSON in between */
	if (table) {
		respond_table_begin(cx, &t);
		ts = table_figures_head(&t.b, t.kind, t.metrics, t.nmetrics);
	} else {
		root = cJSON_CreateObject();
		data = cJSON_AddArrayToObject(root, "data");
	}
	st = store_figures(cx->store, &f);
	while (ts == ST_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > limit)
			break;
		if (table)
			ts = table_figure_row(&t.b, st, t.kind, t.metrics, t.nmetrics);
		else
			cJSON_AddItemToArray(data, json_figure(st));
		last_id = sqlite3_column_int64(st, FC_ID);
		memcpy(last_date, sqlite3_column_text(st, FC_SORT_DATE), 10);
		last_date[10] = '\0';
	}
	store_done(st);
	if (ts == ST_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
		if (table)
			buf_free(&t.b);
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing figures");
	}
	if (n > limit)
		cursor_encode_figure(last_date, last_id, next, sizeof next);
	if (table)
		return respond_table_end(cx, r, &t, ts, n > limit ? next : NULL, total);
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (f.known != NULL)
		cJSON_AddStringToObject(meta, "as_of_date", p[XP_AS_OF_DATE].s);
	if (n > limit)
		cJSON_AddStringToObject(meta, "next_cursor", next);
	else
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
