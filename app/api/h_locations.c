/* h_locations.c: GET /v1/locations, the places figures are about. */
#include "code_list.h"
#include "cursor.h"
#include "../render/json.h"

enum { LP_COUNTRY, LP_PARENT, LP_ADMIN_LEVEL, LP_TYPE, LP_LIMIT, LP_CURSOR, LP_FORMAT };

static const char *const list_formats[] = { "json", "csv", "hxl", NULL };

static const struct pspec locations_params[] = {
	[LP_COUNTRY] = { "country", P_COUNTRY, 0, 0, NULL },
	[LP_PARENT] = { "parent", P_CODE, 0, 0, NULL },
	[LP_ADMIN_LEVEL] = { "admin_level", P_INT, 0, 5, NULL },
	[LP_TYPE] = { "type", P_CODE, 0, 0, NULL },
	[LP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, limit_words },
	[LP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[LP_FORMAT] = { "format", P_ENUM, 0, 0, list_formats },
};

static int
next_location(struct cursor *c, cJSON **item, const char **code)
{
	struct location_row row;

	if (!store_locations_next(c, &row))
		return 0;
	*item = json_location(&row);
	*code = row.code;
	return 1;
}

static int
line_location(struct cursor *c, struct buf *b, enum status *st, const char **code)
{
	struct location_row row;

	if (!store_locations_next(c, &row))
		return 0;
	*st = table_list_row(b, TABLE_LOCATIONS, &row);
	*code = row.code;
	return 1;
}

static int
h_locations(struct hctx *cx, struct response *r)
{
	static const struct code_list list = { 'l', "locations", store_locations,
	    store_locations_count, next_location, line_location, TABLE_LOCATIONS, "inline; filename=\"locations.csv\"",
	    "inline; filename=\"locations.hxl.csv\"" };
	struct list_filter f = { .level = -1 };
	const struct pval *p = cx->p;

	if (p[LP_COUNTRY].set && !store_country_known(cx->store, p[LP_COUNTRY].s))
		return respond_error(r, 400, "unknown_value", "country", "no location is in "
		    "country '%s'", p[LP_COUNTRY].s);
	f.country = p[LP_COUNTRY].s;
	if (p[LP_PARENT].set &&
	    store_lookup(cx->store, LOOKUP_LOCATION, p[LP_PARENT].s, &f.parent) != ST_OK)
		return respond_error(r, 400, "unknown_value", "parent", "no location '%s' is "
		    "known", p[LP_PARENT].s);
	if (p[LP_ADMIN_LEVEL].set)
		f.level = (int)p[LP_ADMIN_LEVEL].n;
	f.type = p[LP_TYPE].s;
	return list_by_code(cx, r, &list, &f, LP_LIMIT, LP_CURSOR);
}

const struct route route_locations = { "/v1/locations", 0,
    ROUTE_PARAMS(locations_params), h_locations, NEEDS_STORE | NEGOTIATES, NULL };
