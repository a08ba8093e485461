#include "code_list.h"
#include "cursor.h"
#include "../render/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
list_all(struct hctx *cx, struct response *r, struct cursor *c, row_to_json *next,
    const char *what)
{
	cJSON *root = cJSON_CreateObject(), *data, *meta, *item;
	const char *code;
	long long n = 0;

	data = cJSON_AddArrayToObject(root, "data");
	while (next(c, &item, &code)) {
		cJSON_AddItemToArray(data, item);
		n++;
	}
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, what);
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", n);
	cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}

/* The list as CSV or HXL: a page (the next in the Link header), or every row for limit=all. */
static int
list_table(struct hctx *cx, struct response *r, const struct code_list *l,
    struct list_filter *f, int limit_param)
{
	char last[72] = "", next[CURSOR_MAX + 1];
	const char *code;
	struct table_out t;
	struct cursor *c;
	long long total;
	enum status ts;
	int limit, n = 0;

	if (l->count(cx->store, f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting");
	if ((limit = limit_of(cx, r, limit_param, PAGE_DEFAULT, total, EXPORT_MAX, l->what)) == 0)
		return r->status;
	f->limit = limit + 1;
	if ((ts = respond_table_begin(cx, &t)) == ST_OK)
		ts = table_list_head(&t.b, t.kind, l->table);
	c = l->rows(cx->store, f);
	while (ts == ST_OK && n <= limit) {
		size_t len = t.b.len;

		if (!l->next_line(c, &t.b, &ts, &code))
			break;
		/* the row past the page tells there is a next page: read, not kept */
		if (++n > limit)
			t.b.len = len;
		else
			snprintf(last, sizeof last, "%s", code);
	}
	if (store_cursor_close(c) != ST_OK && ts == ST_OK) {
		buf_free(&t.b);
		free(t.metrics);
		return respond_db_failed(cx, r, "listing");
	}
	if (n > limit)
		cursor_encode_code(l->kind, last, next, sizeof next);
	if (respond_table_end(cx, r, &t, ts, n > limit ? next : NULL, total) == 200)
		r->disposition = t.kind == TABLE_HXL ? l->hxl_name : l->csv_name;
	return r->status;
}

int
list_by_code(struct hctx *cx, struct response *r, const struct code_list *l,
    struct list_filter *f, int limit_param, int cursor_param)
{
	char after[72], last[72] = "", next[CURSOR_MAX + 1];
	cJSON *root, *data, *meta, *item = NULL;
	const char *code;
	struct cursor *c;
	long long total;
	int limit, n = 0;

	if (cx->p[cursor_param].set) {
		if (!cursor_decode_code(cx->p[cursor_param].s, l->kind, after, sizeof after))
			return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not "
			    "one this API issued for %s: pass meta.next_cursor back unchanged",
			    l->what);
		f->cursor = after;
	}
	if (cx->format != OUT_JSON)
		return list_table(cx, r, l, f, limit_param);
	if ((limit = limit_of(cx, r, limit_param, PAGE_DEFAULT, 0, 0, l->what)) == 0)
		return r->status;
	f->limit = limit + 1;
	if (l->count(cx->store, f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting");
	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	c = l->rows(cx->store, f);
	while (l->next(c, &item, &code)) {
		if (++n > limit)
			break;
		cJSON_AddItemToArray(data, item);
		item = NULL;
		snprintf(last, sizeof last, "%s", code);
	}
	cJSON_Delete(item);   /* the row past the page */
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing");
	}
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (n > limit) {
		cursor_encode_code(l->kind, last, next, sizeof next);
		cJSON_AddStringToObject(meta, "next_cursor", next);
	} else
		cJSON_AddNullToObject(meta, "next_cursor");
	return respond_json(r, 200, root);
}
