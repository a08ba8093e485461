/*
 * h_openapi.c: GET /v1/openapi.json, the OpenAPI 3.1 description of every
 * route (app/api/openapi.json, compiled in; tests/e2e/test_openapi.py checks
 * it against what the worker serves, and with a real validator).
 */
#include "api.h"
#include "../core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

static int
h_openapi(struct hctx *cx, struct response *r)
{
	uint64_t h = fnv1a(FNV1A_OFFSET, openapi_json, openapi_json_len);

	(void)cx;
	if ((r->body = malloc(openapi_json_len)) == NULL)
		return respond_overloaded(r, "out of memory");
	memcpy(r->body, openapi_json, openapi_json_len);
	r->len = openapi_json_len;
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	r->cache_control = "public, max-age=3600";
	snprintf(r->etag, sizeof r->etag, "\"%016llx\"", (unsigned long long)h);
	return 200;
}

const struct route route_openapi = { "/v1/openapi.json", 0, NULL, 0, h_openapi, 0, NULL };
