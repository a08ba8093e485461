/*
 * h_figures.c: GET /v1/figures (filtered, paged) and GET /v1/figures/{id}
 * (one figure with its revisions).
 */
#include "api.h"
#include "../core/figure.h"
#include "cursor.h"
#include "filters.h"
#include "../render/attribution.h"
#include "../render/json.h"
#include "../render/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { XP_LIMIT = FP__FILTERS, XP_CURSOR, XP_FORMAT, XP_AS_OF_DATE, XP_KNOWN_BY, XP_LANG };

static const char *const formats[] = { "json", "csv", "hxl", NULL };

static const struct pspec figures_params[] = {
	FILTER_PSPECS,
	[XP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, limit_words },
	[XP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[XP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
	[XP_AS_OF_DATE] = { "as_of_date", P_DATE, 0, 0, NULL },
	[XP_KNOWN_BY] = { "known_by", P_ENUM, 0, 0, known_bys },
	[XP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },   /* the attribution's language */
};

/* /v1/figures/{id}: the language of its attribution. */
enum { OP_LANG };
static const struct pspec figure_params[] = {
	[OP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },
};

static int
h_figures(struct hctx *cx, struct response *r)
{
	const struct pval *p = cx->p;
	struct figure_filter f;
	struct filter_text ftext;
	struct figure_row row;
	struct table_out t;
	struct buf body, scratch;
	char cursor_date[11], next[CURSOR_MAX + 1], last_date[11] = "", known[21];
	long long total, last_id = 0;
	cJSON *root, *meta;
	struct cursor *c;
	enum status ts = ST_OK;
	int limit, n = 0, rc, table = cx->format != OUT_JSON;

	if ((rc = filters_parse(cx, r, &f, &ftext)) != 0)
		return rc;
	if ((rc = history_parse(cx, r, &f, XP_AS_OF_DATE, XP_KNOWN_BY, known)) != 0)
		return rc;
	if (p[XP_CURSOR].set) {
		if (!cursor_decode_figure(p[XP_CURSOR].s, cursor_date, &f.cursor_id))
			return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not "
			    "one this API issued: pass meta.next_cursor back unchanged");
		f.cursor_date = cursor_date;
	}
	if (store_figures_count(cx->store, &f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting figures");
	if ((limit = limit_of(cx, r, XP_LIMIT, PAGE_DEFAULT, total, EXPORT_MAX, "figures")) == 0)
		return r->status;
	f.limit = limit + 1;   /* one more tells whether there is a next page */

	/* CSV and HXL are written from the rows as they come: no JSON in between */
	if (table) {
		if ((ts = respond_table_begin(cx, &t)) == ST_OK)
			ts = table_figures_head(&t.b, t.kind, t.metrics, t.nmetrics);
	} else {
		/* JSON too: each figure written as cJSON would print it, no tree in between */
		buf_init(&body, JSON_BODY_MAX);
		buf_init(&scratch, ATTRIBUTION_MAX);
		ts = buf_puts(&body, JSON_LIST_BEGIN);
	}
	c = store_figures(cx->store, &f);
	while (ts == ST_OK && store_figures_next(c, &row)) {
		if (++n > limit)
			break;
		if (table)
			ts = table_figure_row_lang(&t.b, &row, t.kind, t.metrics, t.nmetrics,
			    p[XP_LANG].s);
		else {
			if (n > 1)
				ts = buf_putc(&body, ',');
			if (ts == ST_OK)
				ts = json_write_figure(&body, &row, p[XP_LANG].s, &scratch);
		}
		last_id = row.id;
		/* sort_date is always YYYY-MM-DD (NOT NULL, written by ingest); per row,
		 * so no snprintf: a 500-row page spent 1% of its time there */
		memcpy(last_date, row.sort_date, 10);
		last_date[10] = '\0';
	}
	if (!table)
		buf_free(&scratch);
	if (store_cursor_close(c) != ST_OK && ts == ST_OK) {
		if (table) {
			buf_free(&t.b);
			free(t.metrics);
		} else
			buf_free(&body);
		return respond_db_failed(cx, r, "listing figures");
	}
	if (n > limit)
		cursor_encode_figure(last_date, last_id, next, sizeof next);
	if (table)
		return respond_table_end(cx, r, &t, ts, n > limit ? next : NULL, total);
	root = cJSON_CreateObject();
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (f.known != NULL) {
		cJSON_AddStringToObject(meta, "as_of_date", p[XP_AS_OF_DATE].s);
		cJSON_AddStringToObject(meta, "known_by", f.known_reported ? "reported" : "retrieved");
	}
	json_add_text(meta, "next_cursor", n > limit ? next : NULL);
	return respond_json_list(r, &body, ts, root);
}

/*
 * One figure with its revisions: {"data":{…figure…,"revisions":[…]},"meta":{…}},
 * byte for byte what cJSON printed of json_figure_lang with the revisions
 * added last, without the tree (callgrind: building and printing it was half
 * of this answer's instructions; the revisions' trees, a tenth of the rest).
 */
static int
h_figure(struct hctx *cx, struct response *r)
{
	struct figure_row row;
	struct revision_row rev;
	struct buf body, scratch;
	struct cursor *c;
	cJSON *root;
	enum status st;
	int found, n = 0;

	buf_init(&body, JSON_BODY_MAX);
	buf_init(&scratch, ATTRIBUTION_MAX);
	st = buf_puts(&body, JSON_OBJECT_BEGIN);
	c = store_figure(cx->store, cx->id);
	if ((found = store_figures_next(c, &row)) && st == ST_OK)
		st = json_write_figure(&body, &row, cx->p[OP_LANG].s, &scratch);
	buf_free(&scratch);
	if (store_cursor_close(c) != ST_OK) {
		buf_free(&body);
		return respond_db_failed(cx, r, "reading a figure");
	}
	if (!found) {
		buf_free(&body);
		return respond_error(r, 404, "not_found", "id", "no figure has id %lld", cx->id);
	}
	/* the figure's object is open again for its revisions, its last member */
	if (st == ST_OK) {
		body.len--;
		st = buf_puts(&body, ",\"revisions\":[");
	}
	c = store_revisions(cx->store, cx->id);
	while (st == ST_OK && store_revisions_next(c, &rev)) {
		if (n++ > 0)
			st = buf_putc(&body, ',');
		if (st == ST_OK)
			st = json_write_revision(&body, &rev);
	}
	if (store_cursor_close(c) != ST_OK) {
		buf_free(&body);
		return respond_db_failed(cx, r, "reading revisions");
	}
	if (st == ST_OK)
		st = buf_puts(&body, "]}");
	if ((root = cJSON_CreateObject()) != NULL)
		respond_meta(root, cx);
	return respond_json_object(r, &body, st, root);
}

const struct route route_figures = { "/v1/figures", 0, ROUTE_PARAMS(figures_params),
    h_figures, NEEDS_STORE | NEGOTIATES, NULL };
const struct route route_figure = { "/v1/figures/", 1, ROUTE_PARAMS(figure_params), h_figure,
    NEEDS_STORE,
    "/v1/embed/figures/" };
