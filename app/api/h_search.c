/*
 * h_search.c: GET /v1/search?q=…, places by name (any script) or code, for
 * API clients and the public page's search box (h_pages.c) alike.
 *
 * A place matches when its name or its code holds q anywhere (a substring:
 * "issa" finds "Ain Issa camp", "عيسى" finds "عين عيسى"), ASCII letters in
 * any case, every other character as written; % and _ are themselves, not
 * wildcards. An exact code comes first, then names that begin with q, then
 * the rest by name. Not paged: the first limit (default 20, at most 100).
 */
#include "api.h"
#include "../render/json.h"

#include <string.h>

#define SEARCH_DEFAULT 20
#define SEARCH_LIMIT_MAX 100

enum { SP_Q, SP_LIMIT };

static const struct pspec search_params[] = {
	[SP_Q] = { "q", P_TEXT, 0, SEARCH_TEXT_MAX, NULL, .required = 1, .hint = "a place's "
	    "name (or part of it, in any script) or its code" },
	[SP_LIMIT] = { "limit", P_INT, 1, SEARCH_LIMIT_MAX, NULL },
};

static int
h_search(struct hctx *cx, struct response *r)
{
	int limit = cx->p[SP_LIMIT].set ? (int)cx->p[SP_LIMIT].n : SEARCH_DEFAULT;
	struct location_row row;
	cJSON *root, *data, *meta;
	struct cursor *c;
	long long n = 0;

	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	c = store_search(cx->store, cx->p[SP_Q].s, limit);
	while (store_locations_next(c, &row)) {
		cJSON_AddItemToArray(data, json_location(&row));
		n++;
	}
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "searching places");
	}
	meta = respond_meta(root, cx);
	cJSON_AddStringToObject(meta, "q", cx->p[SP_Q].s);
	json_add_int(meta, "limit", limit);
	json_add_int(meta, "count", n);
	return respond_json(r, 200, root);
}

const struct route route_search = { "/v1/search", 0, ROUTE_PARAMS(search_params),
    h_search, NEEDS_STORE, NULL };
