#include "api.h"
#include "../core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

void
response_free(struct response *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

int
respond_json(struct response *r, int status, cJSON *root)
{
	char *text = root != NULL ? cJSON_PrintUnformatted(root) : NULL;

	cJSON_Delete(root);
	response_free(r);
	if (text == NULL) {
		/* Out of memory: a static body, no allocation. */
		static const char oom[] = "{\"error\":{\"status\":503,\"code\":\"overloaded\","
		    "\"parameter\":null,\"message\":\"the worker ran out of memory; retry\"}}";

		r->status = 503;
		r->retry_after = 1;
		r->content_type = "application/json; charset=utf-8";
		if ((r->body = strdup(oom)) != NULL)
			r->len = sizeof oom - 1;
		return 503;
	}
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	r->body = text;
	r->len = strlen(text);
	return status;
}

int
respond_error(struct response *r, int status, const char *code, const char *param,
    const char *fmt, ...)
{
	cJSON *root = cJSON_CreateObject(), *e;
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	e = cJSON_AddObjectToObject(root, "error");
	cJSON_AddNumberToObject(e, "status", status);
	cJSON_AddStringToObject(e, "code", code);
	if (param != NULL && *param != '\0')
		cJSON_AddStringToObject(e, "parameter", param);
	else
		cJSON_AddNullToObject(e, "parameter");
	cJSON_AddStringToObject(e, "message", message);
	r->etag[0] = '\0';
	r->last_modified[0] = '\0';
	r->cache_control = "no-store";
	return respond_json(r, status, root);
}

cJSON *
respond_meta(cJSON *root, const struct hctx *cx)
{
	cJSON *meta = cJSON_AddObjectToObject(root, "meta");

	if (cx->state != NULL)
		cJSON_AddStringToObject(meta, "data_as_of", cx->state->changed_at);
	cJSON_AddStringToObject(meta, "generated_at", cx->now);
	return meta;
}

size_t
respond_headers(const struct response *r, char *out, size_t size)
{
	size_t len = 0;
	int n;

#define PUT(...) do { \
	n = snprintf(out + len, size - len, __VA_ARGS__); \
	if (n < 0 || (size_t)n >= size - len) \
		return 0; \
	len += (size_t)n; \
} while (0)

	PUT("Status: %d %s\r\n", r->status, reason(r->status));
	if (r->status != 204 && r->status != 304) {
		PUT("Content-Type: %s\r\n", r->content_type != NULL ? r->content_type :
		    "application/json; charset=utf-8");
		PUT("Content-Length: %lu\r\n", (unsigned long)r->len);
	}
	if (r->etag[0] != '\0')
		PUT("ETag: %s\r\n", r->etag);
	if (r->last_modified[0] != '\0')
		PUT("Last-Modified: %s\r\n", r->last_modified);
	if (r->cache_control != NULL)
		PUT("Cache-Control: %s\r\n", r->cache_control);
	if (r->allow != NULL)
		PUT("Allow: %s\r\n", r->allow);
	if (r->retry_after > 0)
		PUT("Retry-After: %d\r\n", r->retry_after);
	PUT("Access-Control-Allow-Origin: *\r\n");
	PUT("X-Content-Type-Options: nosniff\r\n");
	PUT("\r\n");
#undef PUT
	return len;
}

int
respond_db_failed(struct hctx *cx, struct response *r, const char *what)
{
	log_error("store: %s: %s", what, store_errmsg(cx->store));
	r->retry_after = 5;
	return respond_error(r, 503, "unavailable", NULL, "the database failed while %s; "
	    "retry", what);
}
