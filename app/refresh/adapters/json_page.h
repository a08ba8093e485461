/*
 * json_page.h: what the JSON adapters share. A JSON page cannot be parsed
 * before it is complete, so its bytes are buffered (bounded by
 * JSON_PAGE_MAX), parsed with cJSON_ParseWithLengthOpts when the page ends,
 * and handed to the adapter's own parse function, which maps the rows to
 * claims and may name the next page.
 */
#ifndef FIGURES_JSON_PAGE_H
#define FIGURES_JSON_PAGE_H

#include <cjson/cJSON.h>

#include "../adapter.h"
#include "../fetch.h"
#include "../../core/buf.h"

#define JSON_PAGE_MAX (64 * 1024 * 1024)
#define JSON_TYPES "application/json text/json text/plain"

struct json_page {
	struct adapter_ctx ctx;
	struct buf         body;
	char               next[URL_MAX];   /* the next page's URL, or "" */
	enum status      (*parse)(struct json_page *p, const cJSON *root, char *err);
};

void *json_page_begin(const struct adapter_ctx *ctx,
    enum status (*parse)(struct json_page *, const cJSON *, char *), char *err);
enum status json_page_write(void *state, const char *data, size_t n, char *err);
enum status json_page_end(void *state, char *err);
enum status json_page_next(void *state, char *url, size_t size);
void json_page_free(void *state);

/* obj[key] if it is a string, else NULL. */
const char *jtext(const cJSON *obj, const char *key);

/*
 * obj[key] as text for a count: an integral number as digits, any other
 * number as written ("3.5", rejected later), a string as it is ("0", "-"),
 * null or missing as NULL. buf holds the digits.
 */
const char *jcount(const cJSON *obj, const char *key, char *buf, size_t size);

/* 1 if obj has key, whatever its value (null included). */
int jhas(const cJSON *obj, const char *key);

#endif
