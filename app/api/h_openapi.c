/*
 * h_openapi.c: GET /v1/openapi.json, the OpenAPI 3.1 description of every
 * route (app/api/openapi.json, compiled in; tests/e2e/test_openapi.py checks
 * it against what the worker serves, and with a real validator). Behind a
 * public URL (--public-url) its server is that URL rather than "/".
 */
#include "api.h"
#include "../core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

/*
 * The description with the public URL as its one server: its "/" would send a
 * client that read it under a proxy's prefix to the host's root. NULL if it
 * cannot be written (no memory).
 */
static char *
with_server(const char *public_url)
{
	cJSON *root = cJSON_ParseWithLength(openapi_json, openapi_json_len);
	cJSON *server = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "servers"), 0);
	char *text = NULL;

	if (cJSON_IsObject(server) &&
	    cJSON_ReplaceItemInObject(server, "url", cJSON_CreateString(public_url)))
		text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

static int
h_openapi(struct hctx *cx, struct response *r)
{
	const char *doc = openapi_json;
	size_t len = openapi_json_len;
	char *served = NULL;
	uint64_t h;

	if (cx->req->public_url != NULL) {
		if ((served = with_server(cx->req->public_url)) == NULL)
			return respond_overloaded(r, "out of memory writing the API's description");
		doc = served;
		len = strlen(served);
	}
	h = fnv1a(FNV1A_OFFSET, doc, len);
	r->body = malloc(len);
	if (r->body != NULL)
		memcpy(r->body, doc, len);
	cJSON_free(served);
	if (r->body == NULL)
		return respond_overloaded(r, "out of memory");
	r->len = len;
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	r->cache_control = "public, max-age=3600";
	snprintf(r->etag, sizeof r->etag, "\"%016llx\"", (unsigned long long)h);
	return 200;
}

const struct route route_openapi = { "/v1/openapi.json", 0, NULL, 0, h_openapi, 0, NULL };
