#include "json_page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *
json_page_begin(const struct adapter_ctx *ctx,
    enum status (*parse)(struct json_page *, const cJSON *, char *), char *err)
{
	struct json_page *p = calloc(1, sizeof *p);

	if (p == NULL) {
		err_set(err, "out of memory");
		return NULL;
	}
	p->ctx = *ctx;
	p->parse = parse;
	buf_init(&p->body, JSON_PAGE_MAX);
	return p;
}

enum status
json_page_write(void *state, const char *data, size_t n, char *err)
{
	struct json_page *p = state;
	enum status st = buf_append(&p->body, data, n);

	if (st == ST_TOO_BIG)
		err_set(err, "a JSON page is larger than %d bytes", JSON_PAGE_MAX);
	else if (st != ST_OK)
		err_set(err, "out of memory buffering a JSON page");
	return st;
}

enum status
json_page_end(void *state, char *err)
{
	struct json_page *p = state;
	const char *end = NULL;
	cJSON *root;
	enum status st;

	if (p->body.len == 0) {
		err_set(err, "the response is empty, not JSON");
		return ST_INVALID;
	}
	/*
	 * With require_null_terminated, cJSON checks the byte after the value is
	 * the NUL, so the length must include it (buf keeps data NUL-terminated).
	 */
	root = cJSON_ParseWithLengthOpts(p->body.data, p->body.len + 1, &end, 1);
	if (root == NULL) {
		size_t at = end != NULL && end >= p->body.data ? (size_t)(end - p->body.data) : 0;

		err_set(err, "malformed JSON near byte %zu of %zu (truncated, or not JSON?)", at,
		    p->body.len);
		return ST_INVALID;
	}
	/* the text is no longer needed: free it before the rows are mapped */
	buf_free(&p->body);
	st = p->parse(p, root, err);
	cJSON_Delete(root);
	return st;
}

enum status
json_page_next(void *state, char *url, size_t size)
{
	struct json_page *p = state;

	if (p->next[0] == '\0')
		return ST_NOT_FOUND;
	snprintf(url, size, "%s", p->next);
	return ST_OK;
}

void
json_page_free(void *state)
{
	struct json_page *p = state;

	if (p == NULL)
		return;
	buf_free(&p->body);
	free(p);
}

const char *
jtext(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
jhas(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

const char *
jcount(const cJSON *obj, const char *key, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsNumber(v))
		return NULL;
	if (isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 1e15)
		snprintf(buf, size, "%.0f", v->valuedouble);
	else
		snprintf(buf, size, "%.17g", v->valuedouble);   /* "3.5", "inf": ingest refuses */
	return buf;
}
