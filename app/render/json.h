/*
 * json.h: rows of the store (see store/read.h for their columns) as cJSON
 * objects. JSON is only ever built through cJSON, which escapes every
 * string; the refresher guarantees stored text is valid UTF-8.
 * Each function returns a new object the caller owns, or NULL when out of
 * memory.
 */
#ifndef FIGURES_JSON_H
#define FIGURES_JSON_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

cJSON *json_figure(sqlite3_stmt *row);
/* The location object of a figure row. */
cJSON *json_location_of_figure(sqlite3_stmt *row);
cJSON *json_revision(sqlite3_stmt *row);
cJSON *json_location(sqlite3_stmt *row);
cJSON *json_source(sqlite3_stmt *row);
cJSON *json_feed(sqlite3_stmt *row);
cJSON *json_metric(sqlite3_stmt *row);

/* Adds name: the integer v (exactly, not through a double). */
cJSON *json_add_int(cJSON *obj, const char *name, long long v);
/* The integer v as a new item (exactly, not through a double). */
cJSON *json_int(long long v);
/* Adds name: the column's text, or null. */
cJSON *json_add_col(cJSON *obj, const char *name, sqlite3_stmt *row, int col);

#endif
