#include "api.h"
#include "../core/arena.h"
#include "../core/log.h"
#include "../core/strutil.h"
#include "../render/html.h"
#include "../render/table.h"

#include <stdarg.h>
#include <ctype.h>
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
	case 406: return "Not Acceptable";
	case 404: return "Not Found";
	case 413: return "Content Too Large";
	case 405: return "Method Not Allowed";
	case 414: return "URI Too Long";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

void
response_free(struct response *r)
{
	/* a body may come from cJSON (the arena, in a worker) or from malloc */
	arena_free(r->body);
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

/* body's data closed by close, then root's meta and the closing brace (respond_json_list). */
static int
respond_json_meta(struct response *r, struct buf *body, enum status st, cJSON *root,
    const char *close)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "meta");
	char *text = st == ST_OK && meta != NULL ? cJSON_PrintUnformatted(meta) : NULL;

	if (text == NULL && st == ST_OK)
		st = ST_NOMEM;
	if (st == ST_OK)
		st = buf_puts(body, close);
	if (st == ST_OK)
		st = buf_puts(body, text);
	if (st == ST_OK)
		st = buf_putc(body, '}');
	cJSON_free(text);
	cJSON_Delete(root);
	if (st != ST_OK) {
		buf_free(body);
		return respond_overloaded(r, "the answer could not be rendered (too large, or out "
		    "of memory): ask for a smaller page");
	}
	response_free(r);
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	r->body = body->data;
	r->len = body->len;
	return 200;
}

int
respond_json_list(struct response *r, struct buf *body, enum status st, cJSON *root)
{
	return respond_json_meta(r, body, st, root, "],\"meta\":");
}

int
respond_json_object(struct response *r, struct buf *body, enum status st, cJSON *root)
{
	return respond_json_meta(r, body, st, root, ",\"meta\":");
}

int
respond_html(struct response *r, struct buf *b)
{
	response_free(r);
	r->status = 200;
	r->content_type = "text/html; charset=utf-8";
	r->embed = 1;
	r->body = b->data != NULL ? b->data : strdup("");
	r->len = b->len;
	return 200;
}

const char *const limit_words[] = { "all", NULL };

int
limit_of(struct hctx *cx, struct response *r, int limit, int dflt, long long total,
    long long max, const char *what)
{
	const struct pval *v = &cx->p[limit];

	if (!v->set)
		return dflt;
	if (v->n >= 0)
		return (int)v->n;
	if (cx->format == OUT_JSON) {
		respond_error(r, 400, "invalid_parameter", "limit", "limit=all is for spreadsheets: "
		    "add format=csv (or hxl); JSON is paged with limit (at most %d) and cursor",
		    PAGE_MAX);
		return 0;
	}
	if (total > max) {
		respond_error(r, 413, "too_many_rows", "limit", "these filters match %lld %s; one "
		    "export holds at most %lld: narrow them (since and until, country, metric, "
		    "source) and export each part, or page with limit and the Link header's cursor",
		    total, what, max);
		return 0;
	}
	return (int)max;
}

int
respond_page(struct response *r, int status, struct buf *b)
{
	response_free(r);
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
	r->page = 1;
	r->body = b->data != NULL ? b->data : strdup("");
	r->len = b->len;
	return status;
}

int
respond_overloaded(struct response *r, const char *what)
{
	r->retry_after = 1;
	return respond_error(r, 503, "overloaded", NULL, "%s; retry", what);
}

int
respond_unavailable(struct response *r)
{
	respond_error(r, 503, "unavailable", NULL, "the figures database cannot be read right "
	    "now; see /v1/health");
	r->retry_after = 5;
	return 503;
}

/* 1 if host is a plain host[:port]. */
static int
host_ok(const char *host)
{
	if (host == NULL || *host == '\0' || strlen(host) > 255)
		return 0;
	for (const char *p = host; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == ':' ||
		    *p == '[' || *p == ']'))
			return 0;
	return 1;
}

int
request_base(const struct request *req, char *out, size_t size)
{
	const char *scheme = req->scheme;

	out[0] = '\0';
	if (req->public_url != NULL) {
		snprintf(out, size, "%s", req->public_url);
		return 1;
	}
	if (!host_ok(req->host))
		return 0;
	if (scheme == NULL || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		scheme = "http";
	snprintf(out, size, "%s://%s", scheme, req->host);
	return 1;
}

int
respond_error(struct response *r, int status, const char *code, const char *param,
    const char *fmt, ...)
{
	cJSON *root = cJSON_CreateObject(), *e;
	char message[512], full[sizeof message + 8];
	va_list ap;

	/* a message naming a long value is cut, at the end of a character (valid JSON) */
	va_start(ap, fmt);
	vsnprintf(full, sizeof full, fmt, ap);
	va_end(ap);
	utf8_copy(message, sizeof message, full);
	memcpy(r->error, message, sizeof r->error);
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
	r->link[0] = '\0';
	r->disposition = NULL;
	r->cache_control = "no-store";
	return respond_json(r, status, root);
}

void
respond_error_card(struct response *r, const char *lang)
{
	struct buf b;
	int status = r->status, retry = r->retry_after;

	buf_init(&b, 64 * 1024);
	if (html_error_card(&b, status, r->error, lang) != ST_OK) {
		buf_free(&b);
		return;   /* out of memory: the JSON error stays, which says as much */
	}
	respond_html(r, &b);
	r->status = status;
	r->retry_after = retry;
	r->etag[0] = '\0';
	r->last_modified[0] = '\0';
	r->cache_control = "no-store";
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

/* Appends n bytes of s to out[*len..size); 0 when they do not fit (with room for a NUL). */
static int
hput(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (n >= size - *len)
		return 0;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 1;
}

size_t
respond_headers(const struct response *r, char *out, size_t size)
{
	size_t len = 0;
	char num[INT_TEXT_MAX];

	/* each header a few appends: snprintf per header was 9% of a figure's instructions */
#define PUT(s) do { \
	if (!hput(out, size, &len, (s), strlen(s))) \
		return 0; \
} while (0)
#define PUT_INT(v) do { \
	size_t n_ = int_text((v), num); \
	if (!hput(out, size, &len, num, n_)) \
		return 0; \
} while (0)
#define PUT_HEADER(name, value) do { PUT(name ": "); PUT(value); PUT("\r\n"); } while (0)
#define PUT_INT_HEADER(name, v) do { PUT(name ": "); PUT_INT(v); PUT("\r\n"); } while (0)

	if (size == 0)
		return 0;
	PUT("Status: ");
	PUT_INT(r->status);
	PUT(" ");
	PUT(reason(r->status));
	PUT("\r\n");
	if (r->status != 204 && r->status != 304) {
		PUT_HEADER("Content-Type", r->content_type != NULL ? r->content_type :
		    "application/json; charset=utf-8");
		PUT_INT_HEADER("Content-Length", (long long)r->len);
	}
	if (r->etag[0] != '\0')
		PUT_HEADER("ETag", r->etag);
	if (r->last_modified[0] != '\0')
		PUT_HEADER("Last-Modified", r->last_modified);
	if (r->cache_control != NULL)
		PUT_HEADER("Cache-Control", r->cache_control);
	if (r->allow != NULL)
		PUT_HEADER("Allow", r->allow);
	if (r->vary != NULL)
		PUT_HEADER("Vary", r->vary);
	if (r->disposition != NULL)
		PUT_HEADER("Content-Disposition", r->disposition);
	if (r->link[0] != '\0')
		PUT_HEADER("Link", r->link);
	if (r->total >= 0 && r->status == 200)
		PUT_INT_HEADER("X-Total-Count", r->total);
	if (r->preflight) {
		PUT("Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n");
		PUT("Access-Control-Allow-Headers: Accept, If-None-Match, If-Modified-Since\r\n");
		PUT("Access-Control-Max-Age: 86400\r\n");
	}
	if (r->page)
		/* a page: no scripts, nothing from elsewhere; it shows our cards, sends its form to us */
		PUT("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
		    "img-src data:; frame-src 'self'; form-action 'self'; base-uri 'none'; "
		    "frame-ancestors 'none'\r\n");
	else if (r->embed)
		/* a card: no scripts, no outside assets, any page may frame it */
		PUT("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
		    "img-src data:; base-uri 'none'; form-action 'none'\r\n");
	else
		/* data, never a page: nothing in it may run, nobody may frame it */
		PUT("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n");
	PUT("Referrer-Policy: no-referrer\r\n");
	PUT("Cross-Origin-Resource-Policy: cross-origin\r\n");
	if (r->retry_after > 0)
		PUT_INT_HEADER("Retry-After", r->retry_after);
	PUT("Access-Control-Allow-Origin: *\r\n");
	PUT("Access-Control-Expose-Headers: ETag, Link, X-Total-Count\r\n");
	PUT("X-Content-Type-Options: nosniff\r\n");
	PUT("\r\n");
#undef PUT
#undef PUT_INT
#undef PUT_HEADER
#undef PUT_INT_HEADER
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

/*
 * A cursor parameter, however spelled ("%63ursor=…" too: it is the one
 * params_parse read): what a next link's query leaves out.
 */
static int
segment_is_cursor(const char *seg, size_t len, void *arg)
{
	(void)arg;
	return params_segment_is(seg, len, "cursor");
}

enum status
respond_table_begin(struct hctx *cx, struct table_out *t)
{
	struct metric_row m;
	struct cursor *c;
	size_t cap = 0;
	enum status rs = ST_OK;

	t->kind = cx->format == OUT_HXL ? TABLE_HXL : TABLE_CSV;
	t->metrics = NULL;
	t->nmetrics = 0;
	/* a whole export (limit=all): EXPORT_MAX rows of up to a couple of KB */
	buf_init(&t->b, 256 * 1024 * 1024);
	if (t->kind != TABLE_HXL)
		return ST_OK;
	/* HXL puts each value under its metric's hashtag: the vocabulary, from the database */
	c = store_metrics(cx->store, NULL);
	while (rs == ST_OK && store_metrics_next(c, &m)) {
		struct table_metric *tm;

		if (t->nmetrics == cap) {
			cap = cap ? cap * 2 : 16;
			if ((tm = realloc(t->metrics, cap * sizeof *tm)) == NULL) {
				rs = ST_NOMEM;
				break;
			}
			t->metrics = tm;
		}
		tm = &t->metrics[t->nmetrics];
		if (strlen(m.code) >= sizeof tm->code || strlen(m.hxl) >= sizeof tm->hxl)
			rs = ST_TOO_BIG;   /* the vocabulary is ours: cannot happen */
		else {
			memcpy(tm->code, m.code, strlen(m.code) + 1);
			memcpy(tm->hxl, m.hxl, strlen(m.hxl) + 1);
			t->nmetrics++;
		}
	}
	if (store_cursor_close(c) != ST_OK && rs == ST_OK)
		rs = ST_DB;
	return rs;
}

int
respond_table_end(struct hctx *cx, struct response *r, struct table_out *t, enum status rs,
    const char *next_cursor, long long total)
{
	char rest[QUERY_MAX + 1];

	free(t->metrics);
	t->metrics = NULL;
	if (rs == ST_DB) {   /* only respond_table_begin's read can say so */
		buf_free(&t->b);
		return respond_db_failed(cx, r, "reading the metrics for HXL's columns");
	}
	if (rs != ST_OK) {
		buf_free(&t->b);
		return respond_overloaded(r, "the answer could not be rendered (too large, or out "
		    "of memory): ask for a smaller page");
	}
	response_free(r);
	if (next_cursor != NULL) {
		/* (params_parse let in no query longer than QUERY_MAX without its cursor);
		 * from the root the service is mounted at, as the pages' links */
		int n = params_query_without(cx->req->query, segment_is_cursor, NULL, rest,
		    sizeof rest) < 0 ? -1 : snprintf(r->link, sizeof r->link,
		    "<%s%s?%s%scursor=%s>; rel=\"next\"", base_url_path(cx->req->public_url),
		    cx->req->path, rest, rest[0] ? "&" : "",
		    next_cursor);

		if (n < 0 || (size_t)n >= sizeof r->link)
			r->link[0] = '\0';   /* no link rather than a cut one (LINK_MAX fits all) */
	}
	r->total = total;
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8; header=present";
	r->disposition = t->kind == TABLE_HXL ? "inline; filename=\"figures.hxl.csv\"" :
	    "inline; filename=\"figures.csv\"";
	r->body = t->b.data != NULL ? t->b.data : strdup("");
	r->len = t->b.len;
	return 200;
}
