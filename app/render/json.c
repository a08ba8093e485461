#include "json.h"
#include "../core/strutil.h"
#include "../store/read.h"

cJSON *
json_add_int(cJSON *obj, const char *name, long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_AddRawToObject(obj, name, num);
}

cJSON *
json_int(long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_CreateRaw(num);
}

cJSON *
json_add_col(cJSON *obj, const char *name, sqlite3_stmt *row, int col)
{
	const char *s = (const char *)sqlite3_column_text(row, col);

	if (s == NULL)
		return cJSON_AddNullToObject(obj, name);
	return cJSON_AddStringToObject(obj, name, s);
}

static cJSON *
json_add_int_col(cJSON *obj, const char *name, sqlite3_stmt *row, int col)
{
	if (sqlite3_column_type(row, col) == SQLITE_NULL)
		return cJSON_AddNullToObject(obj, name);
	return json_add_int(obj, name, sqlite3_column_int64(row, col));
}

/* "period": {"start", "end"} when the row has one; nothing when it does not. */
static void
json_add_period(cJSON *obj, sqlite3_stmt *row, int start, int end)
{
	cJSON *period;

	if (sqlite3_column_type(row, start) == SQLITE_NULL &&
	    sqlite3_column_type(row, end) == SQLITE_NULL)
		return;
	period = cJSON_AddObjectToObject(obj, "period");
	json_add_col(period, "start", row, start);
	json_add_col(period, "end", row, end);
}

/*
 * A location's or a source's fields, from the row's columns at first..: a
 * figure row carries them in the same order as a location or source row.
 */
_Static_assert(FC_LOC_TYPE - FC_LOC_CODE == LC_TYPE - LC_CODE &&
    FC_LOC_LEVEL - FC_LOC_CODE == LC_LEVEL - LC_CODE, "location columns in one order");
_Static_assert(FC_SRC_LICENCE - FC_SRC_CODE == SC_LICENCE - SC_CODE,
    "source columns in one order");

static void
add_location_fields(cJSON *loc, sqlite3_stmt *row, int first)
{
	json_add_col(loc, "code", row, first + LC_CODE);
	json_add_col(loc, "name", row, first + LC_NAME);
	json_add_col(loc, "country", row, first + LC_COUNTRY);
	json_add_int_col(loc, "admin_level", row, first + LC_LEVEL);
	json_add_col(loc, "type", row, first + LC_TYPE);
}

static void
add_source_fields(cJSON *src, sqlite3_stmt *row, int first)
{
	json_add_col(src, "id", row, first + SC_CODE);
	json_add_col(src, "name", row, first + SC_NAME);
	json_add_col(src, "organisation", row, first + SC_ORG);
	json_add_col(src, "type", row, first + SC_TYPE);
	json_add_col(src, "url", row, first + SC_URL);
	json_add_col(src, "licence", row, first + SC_LICENCE);
}

cJSON *
json_location_of_figure(sqlite3_stmt *row)
{
	cJSON *loc = cJSON_CreateObject();

	add_location_fields(loc, row, FC_LOC_CODE);
	return loc;
}

cJSON *
json_figure(sqlite3_stmt *row)
{
	cJSON *f = cJSON_CreateObject(), *src;

	if (f == NULL)
		return NULL;
	json_add_int(f, "id", sqlite3_column_int64(row, FC_ID));
	json_add_col(f, "metric", row, FC_METRIC);
	json_add_col(f, "category", row, FC_CATEGORY);
	json_add_int(f, "value", sqlite3_column_int64(row, FC_VALUE));
	json_add_col(f, "qualifier", row, FC_QUALIFIER);
	json_add_col(f, "group", row, FC_GROUP);
	cJSON_AddItemToObject(f, "location", json_location_of_figure(row));
	/* as_of is null when the source gave no date; a period says so itself. */
	json_add_col(f, "as_of", row, FC_AS_OF);
	json_add_period(f, row, FC_PERIOD_START, FC_PERIOD_END);
	src = cJSON_AddObjectToObject(f, "source");
	add_source_fields(src, row, FC_SRC_CODE);
	json_add_col(f, "via", row, FC_VIA);
	json_add_col(f, "url", row, FC_URL);
	json_add_col(f, "quote", row, FC_QUOTE);
	json_add_col(f, "reported_on", row, FC_REPORTED_ON);
	json_add_col(f, "retrieved_at", row, FC_RETRIEVED_AT);
	json_add_col(f, "licence", row, FC_LICENCE);
	json_add_col(f, "feed", row, FC_FEED);
	cJSON_AddBoolToObject(f, "withdrawn", sqlite3_column_int(row, FC_WITHDRAWN));
	return f;
}

cJSON *
json_revision(sqlite3_stmt *row)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL)
		return NULL;
	json_add_int(r, "value", sqlite3_column_int64(row, RC_VALUE));
	json_add_col(r, "qualifier", row, RC_QUALIFIER);
	json_add_col(r, "as_of", row, RC_AS_OF);
	json_add_period(r, row, RC_PERIOD_START, RC_PERIOD_END);
	json_add_col(r, "reported_on", row, RC_REPORTED_ON);
	json_add_col(r, "url", row, RC_URL);
	json_add_col(r, "quote", row, RC_QUOTE);
	json_add_col(r, "retrieved_at", row, RC_RETRIEVED_AT);
	json_add_col(r, "superseded_at", row, RC_SUPERSEDED_AT);
	return r;
}

cJSON *
json_location(sqlite3_stmt *row)
{
	cJSON *l = cJSON_CreateObject();

	if (l == NULL)
		return NULL;
	add_location_fields(l, row, 0);
	json_add_col(l, "parent", row, LC_PARENT);
	return l;
}

cJSON *
json_source(sqlite3_stmt *row)
{
	cJSON *s = cJSON_CreateObject();

	if (s == NULL)
		return NULL;
	add_source_fields(s, row, 0);
	return s;
}

cJSON *
json_feed(sqlite3_stmt *row)
{
	cJSON *f = cJSON_CreateObject(), *rows;

	if (f == NULL)
		return NULL;
	json_add_col(f, "id", row, DC_CODE);
	json_add_col(f, "name", row, DC_NAME);
	json_add_col(f, "url", row, DC_URL);
	json_add_col(f, "adapter", row, DC_ADAPTER);
	json_add_int(f, "interval", sqlite3_column_int64(row, DC_INTERVAL));
	cJSON_AddBoolToObject(f, "enabled", sqlite3_column_int(row, DC_ENABLED));
	json_add_col(f, "last_attempt", row, DC_LAST_ATTEMPT);
	json_add_col(f, "last_success", row, DC_LAST_SUCCESS);
	json_add_col(f, "last_error", row, DC_LAST_ERROR);
	json_add_int(f, "consecutive_failures", sqlite3_column_int64(row, DC_FAILURES));
	cJSON_AddBoolToObject(f, "stale", sqlite3_column_int(row, DC_STALE));
	rows = cJSON_AddObjectToObject(f, "last_rows");
	json_add_int(rows, "added", sqlite3_column_int64(row, DC_ADDED));
	json_add_int(rows, "changed", sqlite3_column_int64(row, DC_CHANGED));
	json_add_int(rows, "unchanged", sqlite3_column_int64(row, DC_UNCHANGED));
	json_add_int(rows, "rejected", sqlite3_column_int64(row, DC_REJECTED));
	return f;
}

cJSON *
json_metric(sqlite3_stmt *row)
{
	cJSON *m = cJSON_CreateObject();

	if (m == NULL)
		return NULL;
	json_add_col(m, "id", row, MC_CODE);
	json_add_col(m, "category", row, MC_CATEGORY);
	json_add_col(m, "hxl", row, MC_HXL);
	json_add_col(m, "label", row, MC_LABEL);
	json_add_col(m, "description", row, MC_DESCRIPTION);
	return m;
}
