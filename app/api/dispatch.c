/*
 * dispatch.c: the one place a request is checked before any handler runs
 * (Redis's processCommand is the model): method, route, parameters, then
 * the database and conditional GET, then the handler.
 */
#include "api.h"
#include "../core/log.h"
#include "../core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ALLOW "GET, HEAD, OPTIONS"
#define CACHE_DATA "public, max-age=60, stale-while-revalidate=30"

enum route_flags {
	NEEDS_STORE = 1,   /* 503 if the database cannot be read */
	FEED_STATE  = 2,   /* the answer shows feeds' fetch state, which changes every refresh */
};

struct route {
	const char         *path;
	int                 has_id;     /* path is a prefix followed by {id} */
	const struct pspec *params;
	const size_t       *nparams;
	HANDLER((*handler));
	int                 flags;
};

static const size_t no_params = 0;

static const struct route routes[] = {
	{ "/v1/figures", 0, figures_params, &figures_nparams, h_figures, NEEDS_STORE },
	{ "/v1/figures/", 1, NULL, &no_params, h_figure, NEEDS_STORE },
	{ "/v1/locations", 0, locations_params, &locations_nparams, h_locations, NEEDS_STORE },
	{ "/v1/sources", 0, sources_params, &sources_nparams, h_sources, NEEDS_STORE },
	{ "/v1/feeds", 0, NULL, &no_params, h_feeds, NEEDS_STORE | FEED_STATE },
	{ "/v1/metrics", 0, metrics_params, &metrics_nparams, h_metrics, NEEDS_STORE },
	{ "/v1/health", 0, NULL, &no_params, h_health, 0 },
};

static const struct route *
route_find(const char *path, const char **id)
{
	*id = NULL;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		size_t n = strlen(rt->path);

		if (!rt->has_id && strcmp(path, rt->path) == 0)
			return rt;
		if (rt->has_id && strncmp(path, rt->path, n) == 0 && path[n] != '\0' &&
		    strchr(path + n, '/') == NULL) {
			*id = path + n;
			return rt;
		}
	}
	return NULL;
}

void
app_close(struct app *app)
{
	store_close(app->store);
	app->store = NULL;
}

/* The store, opened on first use and retried at most once a second. */
static struct store *
app_store(struct app *app)
{
	time_t now = time(NULL);

	if (app->store != NULL || app->store_tried == now)
		return app->store;
	app->store_tried = now;
	app->store_status = store_open(app->db_path, &app->store, app->store_err);
	if (app->store_status != ST_OK)
		log_error("store: %s", app->store_err);
	return app->store;
}

/*
 * A strong validator for this answer: the build, the version of what it shows
 * (the figures, or the feeds' state) and the request.
 */
static void
make_etag(const struct data_state *st, int feeds, const struct request *req, char *out,
    size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	char seed[96];
	const char *parts[] = { seed, req->path, "?", req->query != NULL ? req->query : "" };

	snprintf(seed, sizeof seed, "%s|%d|%c%lld|", FIGURES_VERSION, st->schema_version,
	    feeds ? 'f' : 'd', feeds ? st->feeds_version : st->version);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		for (const char *p = parts[i]; *p != '\0'; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
		}
	snprintf(out, size, "\"%016llx\"", (unsigned long long)h);
}

/* 1 if an If-None-Match header value lists etag (weak comparison, or "*"). */
static int
etag_matches(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = header;

	if (header == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' ||
		    p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/* "2026-11-24T22:04:09Z" → "Tue, 24 Nov 2026 22:04:09 GMT"; "" if unparseable. */
static void
http_date(const char *iso, char *out, size_t size)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	out[0] = '\0';
	end = strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return;
	strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void
dispatch(struct app *app, const struct request *req, struct response *r)
{
	const struct route *rt;
	struct pval pv[PARAMS_MAX];
	struct query q;
	struct perror pe;
	struct data_state state;
	struct hctx cx;
	const char *id;
	char err[ERR_MAX];

	memset(r, 0, sizeof *r);
	memset(&cx, 0, sizeof cx);
	cx.app = app;
	cx.req = req;
	time_now_iso(cx.now);

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		r->allow = ALLOW;
		if (strcmp(req->method, "OPTIONS") == 0) {
			/* CORS preflight: any origin may GET; nothing else exists. */
			r->status = 204;
			r->cache_control = "public, max-age=86400";
			return;
		}
		respond_error(r, 405, "method_not_allowed", NULL, "%s is not allowed: this API "
		    "is read-only and answers GET, HEAD and OPTIONS",
		    strlen(req->method) <= 16 ? req->method : "this method");
		r->allow = ALLOW;
		return;
	}
	if ((rt = route_find(req->path, &id)) == NULL) {
		respond_error(r, 404, "not_found", NULL, "no route %.200s: see /v1/openapi.json "
		    "for the routes this API serves", utf8_valid(req->path, strlen(req->path)) ?
		    req->path : "(not UTF-8)");
		return;
	}
	if (params_parse(req->query, rt->params, *rt->nparams, &q, pv, rt->path, &pe) != 0) {
		respond_error(r, pe.status, pe.status == 414 ? "query_too_long" :
		    "invalid_parameter", pe.param, "%s", pe.message);
		return;
	}
	cx.p = pv;
	if (rt->has_id && !parse_int64(id, 1, INT64_MAX, &cx.id)) {
		respond_error(r, 400, "invalid_parameter", "id", "the id in %s{id} must be a "
		    "positive whole number", rt->path);
		return;
	}
	if (rt->flags & NEEDS_STORE) {
		if ((cx.store = app_store(app)) == NULL) {
			respond_error(r, 503, "unavailable", NULL, "the figures database cannot be "
			    "read right now; see /v1/health");
			r->retry_after = 5;
			return;
		}
		if (store_begin(cx.store, &state, err) != ST_OK) {
			log_error("%s", err);
			app_close(app);
			respond_error(r, 503, "unavailable", NULL, "the figures database cannot be "
			    "read right now; see /v1/health");
			r->retry_after = 5;
			return;
		}
		cx.state = &state;
		make_etag(&state, rt->flags & FEED_STATE, req, r->etag, sizeof r->etag);
		http_date(rt->flags & FEED_STATE ? state.feeds_changed_at : state.changed_at,
		    r->last_modified, sizeof r->last_modified);
		r->cache_control = CACHE_DATA;
		if (etag_matches(req->if_none_match, r->etag)) {
			r->status = 304;
			store_end(cx.store);
			return;
		}
	}
	rt->handler(&cx, r);
	if (cx.store != NULL)
		store_end(cx.store);
}
