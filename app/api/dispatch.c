/*
 * dispatch.c: the one place a request is checked before any handler runs
 * (Redis's processCommand is the model): method, route, parameters, then
 * the database and conditional GET, then the handler.
 */
#include "api.h"
#include "feeds_overlay.h"
#include "../core/log.h"
#include "../core/strutil.h"
#include "../render/words.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ALLOW "GET, HEAD, OPTIONS"

/*
 * Every route, one line each, in the order they are tried; each is defined
 * by its file (h_<name>.c) as route_<name>.
 */
#define ROUTES(X) \
	X(figures) X(summary) X(figure) X(locations) X(sources) X(feeds) X(metrics) X(health) \
	X(embed_figure) X(embed_summary) X(oembed) X(openapi) \
	X(changes) X(changes_atom) \
	X(search) \
	X(page_home) X(page_place) X(page_figure)

#define DECLARE(name) extern const struct route route_##name;
ROUTES(DECLARE)
#define LIST(name) &route_##name,
const struct route *const routes[] = { ROUTES(LIST) };
const size_t nroutes = sizeof routes / sizeof routes[0];

const struct route *
route_find(const char *path, const char **id)
{
	*id = NULL;
	for (size_t i = 0; i < nroutes; i++) {
		const struct route *rt = routes[i];
		size_t n = strlen(rt->path);

		if (!rt->has_id && strcmp(path, rt->path) == 0 && !(rt->flags & CODE_ID))
			return rt;
		if ((rt->has_id || (rt->flags & CODE_ID)) && strncmp(path, rt->path, n) == 0 &&
		    path[n] != '\0' &&
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
	/* after the store: closing a descriptor of the file drops its POSIX locks */
	if (app->held_fd >= 0)
		close(app->held_fd);
	app->held_fd = -1;
}

/*
 * 1 if the file at the app's path is no longer the one its store has open:
 * replaced by another (a rename over it) or gone. One stat per request: a
 * rename of a new database over the old one leaves the old one's -wal and
 * -shm at the path, which the next writer of the new one uses, so a worker
 * must stop reading the old one before its next read, not a second later.
 */
static int
store_replaced(struct app *app)
{
	struct stat sb;

	if (stat(app->db_path, &sb) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		/* (a worker that dropped to a user who cannot see the path: it cannot tell) */
		if (!app->store_unseen)
			log_warn("cannot stat %s (%s): a replaced database will not be noticed; "
			    "let the workers' user read its directory", app->db_path,
			    strerror(errno));
		app->store_unseen = 1;
		return 0;
	}
	return sb.st_dev != app->store_dev || sb.st_ino != app->store_ino;
}

/*
 * Opens the file db_path names now (through a link: the version a follower
 * points at), takes a shared flock on it, and checks db_path still names it
 * (the link may move between; a follower may have removed the old file just
 * before the lock): the descriptor, with the file's path in real and its
 * identity in app, or -1 (the caller opens db_path as it is, for its errors).
 */
static int
hold(struct app *app, char *real, size_t size)
{
	struct stat a, b;
	char *r;
	int fd;

	for (int tries = 0; tries < 5; tries++) {
		if ((r = realpath(app->db_path, NULL)) == NULL)
			return -1;
		fd = open(r, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_SH) == 0 && fstat(fd, &a) == 0 &&
		    stat(app->db_path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
		    strlen(r) < size) {
			snprintf(real, size, "%s", r);
			free(r);
			app->store_dev = a.st_dev;
			app->store_ino = a.st_ino;
			return fd;
		}
		if (fd >= 0)
			close(fd);
		free(r);
	}
	return -1;
}

struct store *
app_store(struct app *app, int retry_now)
{
	time_t now = time(NULL);
	struct stat sb;
	char real[PATH_MAX];

	if (app->store != NULL && store_replaced(app)) {
		log_warn("database %s was replaced or removed since it was opened: closing it "
		    "and opening what is there now", app->db_path);
		app_close(app);
		retry_now = 1;
	}
	/*
	 * Not open, and tried this second: again now only if another file is at
	 * the path since (a read node's first version, a database just created).
	 */
	if (app->store == NULL && app->store_tried == now && !retry_now &&
	    stat(app->db_path, &sb) == 0 &&
	    (sb.st_dev != app->store_dev || sb.st_ino != app->store_ino))
		retry_now = 1;
	if (app->store != NULL || (app->store_tried == now && !retry_now))
		return app->store;
	app->store_tried = now;
	if (app->held_fd >= 0)   /* (a store that failed to open) */
		close(app->held_fd);
	app->held_fd = hold(app, real, sizeof real);
	/* the file's identity before opening it: if it changes between, we reopen again */
	if (app->held_fd < 0 && stat(app->db_path, &sb) == 0) {
		app->store_dev = sb.st_dev;
		app->store_ino = sb.st_ino;
	}
	app->store_status = store_open(app->held_fd >= 0 ? real : app->db_path, &app->store,
	    app->store_err);
	if (app->store_status != ST_OK)
		log_error("store: %s", app->store_err);
	return app->store;
}

/* Appends n bytes of s to the seed (its len so far), cutting it at size - 1 bytes as snprintf would. */
static void
seed_add(char *seed, size_t size, size_t *len, const char *s, size_t n)
{
	if (n > size - 1 - *len)
		n = size - 1 - *len;
	memcpy(seed + *len, s, n);
	*len += n;
}

static void
seed_add_int(char *seed, size_t size, size_t *len, long long v)
{
	char num[INT_TEXT_MAX];

	seed_add(seed, size, len, num, int_text(v, num));
}

/* "\"%016llx\"" of h, into out (at least 19 bytes). */
static void
quoted_hex(uint64_t h, char *out)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '"';
	for (int i = 16; i >= 1; i--, h >>= 4)
		out[i] = hex[h & 0xf];
	out[17] = '"';
	out[18] = '\0';
}

/*
 * A strong validator for this answer: the build, the version of what it shows
 * (the figures, or the feeds' state and how many feeds are stale as of now:
 * a feed turns stale with time alone), the format and the request. nginx's
 * microcache revalidates its copies with it: it must change whenever the
 * bytes would (but for generated_at, the time they were made). The seed is
 * "build|schema|dVERSION|format|" (feeds: "fFEEDS.STALE"), appended piece by
 * piece: two snprintf calls were ~2,600 of a figure's instructions.
 */
static void
make_etag(const char *build, const struct data_state *st, int feeds, long long feeds_version,
    long long stale, enum out_format format, const struct request *req, char *out, size_t size)
{
	uint64_t h = FNV1A_OFFSET;
	char seed[128];
	size_t n = 0;
	const char *parts[] = { req->path, "?", req->query != NULL ? req->query : "" };

	seed_add(seed, sizeof seed, &n, build, strlen(build));
	seed_add(seed, sizeof seed, &n, "|", 1);
	seed_add_int(seed, sizeof seed, &n, st->schema_version);
	seed_add(seed, sizeof seed, &n, feeds ? "|f" : "|d", 2);
	seed_add_int(seed, sizeof seed, &n, feeds ? feeds_version : st->version);
	if (feeds) {
		seed_add(seed, sizeof seed, &n, ".", 1);
		seed_add_int(seed, sizeof seed, &n, stale);
	}
	seed_add(seed, sizeof seed, &n, "|", 1);
	seed_add_int(seed, sizeof seed, &n, (int)format);
	seed_add(seed, sizeof seed, &n, "|", 1);
	h = fnv1a(h, seed, n);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		h = fnv1a(h, parts[i], strlen(parts[i]));
	if (size >= 19)
		quoted_hex(h, out);
	else if (size > 0)
		out[0] = '\0';
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
	time_t t = iso_time(iso);
	struct tm tm;

	out[0] = '\0';
	if (t != (time_t)-1 && gmtime_r(&t, &tm) != NULL)
		strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* http_date of iso, made again only when iso is not the one it was last made from. */
static void
last_modified(struct app *app, const char *iso, char *out, size_t size)
{
	if (strcmp(app->modified_iso, iso) != 0) {
		http_date(iso, app->modified_http, sizeof app->modified_http);
		strlcpy_n(app->modified_iso, sizeof app->modified_iso, iso, strlen(iso));
	}
	strlcpy_n(out, size, app->modified_http, strlen(app->modified_http));
}

/* 1 if c may be in an HTTP token (RFC 9110 5.6.2). */
static int
tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/*
 * A q-value: a decimal number from 0 to 1 ("0", "0.5", "1.000"; ".5" too, as
 * Java's default Accept writes it). *end is where it stops. -1 if s is not one.
 */
static double
qvalue(const char *s, const char **end)
{
	double v = 0, scale = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((v = v * 10 + (*s - '0')) > 1)
			return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			v += (*s - '0') * (scale /= 10);
	*end = s;
	return digits > 0 && digits <= 8 && v <= 1 ? v : -1;
}

/*
 * The q the Accept header gives type/subtype: that of the most specific
 * media range matching it (type/subtype, then type/any, then any/any; RFC
 * 9110 12.5.1: "application/json;q=0, any/any" refuses JSON), 0 when none
 * does ("any" written for the star). -1
 * if some range's q is not a number from 0 to 1. Ranges that are not
 * type/subtype are skipped, not refused (a bare "*" from old clients).
 */
static double
accept_q(const char *accept, const char *type, const char *subtype)
{
	double best = 0;
	int best_rank = 0;

	for (const char *p = accept; p != NULL && *p != '\0';) {
		const char *t = p, *sub = NULL, *e;
		size_t tn = 0, sn = 0;
		double q = 1;
		int rank = 0, ok = 1;

		while (*p == ' ' || *p == '\t')
			p++;
		for (t = p; tchar(*p); p++)
			tn++;
		if (*p == '/') {
			for (sub = ++p; tchar(*p); p++)
				sn++;
		}
		ok = tn > 0 && sub != NULL && sn > 0;
		/* parameters: ;name=value, q among them; anything else is skipped */
		while (*p != '\0' && *p != ',') {
			if (*p == ';') {
				p++;
				while (*p == ' ' || *p == '\t')
					p++;
				if ((*p == 'q' || *p == 'Q') && p[1] == '=') {
					if ((q = qvalue(p + 2, &e)) < 0 ||
					    (*e != '\0' && strchr(" \t;,", *e) == NULL))
						return -1;
					p = e;
					continue;
				}
			}
			if (*p == '"') {   /* a quoted-string value may hold ',' and ';' */
				for (p++; *p != '\0' && *p != '"'; p++)
					if (*p == '\\' && p[1] != '\0')
						p++;
				if (*p == '"')
					p++;
				continue;
			}
			p++;
		}
		if (*p == ',')
			p++;
		if (!ok)
			continue;
		if (tn == 1 && *t == '*')
			rank = sn == 1 && *sub == '*' ? 1 : 0;
		else if (tn == strlen(type) && strncasecmp(t, type, tn) == 0)
			rank = sn == 1 && *sub == '*' ? 2 : sn == strlen(subtype) &&
			    strncasecmp(sub, subtype, sn) == 0 ? 3 : 0;
		if (rank == 0 || rank < best_rank)
			continue;
		if (rank > best_rank || q > best)
			best = q;
		best_rank = rank;
	}
	return best;
}

/*
 * format= wins; else the Accept header: JSON or CSV, whichever it prefers
 * (JSON on a tie or without the header). -1 if it accepts neither, -2 if the
 * header is malformed (a q that is not a number from 0 to 1), format= or not.
 */
static int
negotiate(const struct route *rt, const struct pval *pv, const char *accept)
{
	double json, csv;

	if (accept == NULL || *accept == '\0')
		accept = "*/*";
	json = accept_q(accept, "application", "json");
	csv = accept_q(accept, "text", "csv");
	if (json < 0 || csv < 0)
		return -2;
	for (size_t i = 0; i < rt->nparams; i++)
		if (strcmp(rt->params[i].name, "format") == 0 && pv[i].set)
			return strcmp(pv[i].s, "csv") == 0 ? OUT_CSV : strcmp(pv[i].s, "hxl") == 0 ?
			    OUT_HXL : OUT_JSON;
	if (json <= 0 && csv <= 0)
		return -1;
	return csv > json ? OUT_CSV : OUT_JSON;
}

/* "public, max-age=AGE, stale-while-revalidate=AGE" into out (cache_buf: 96 bytes), age 30-600. */
static void
cache_control_text(long long age, char out[96])
{
	static const char max_age[] = "public, max-age=", swr[] = ", stale-while-revalidate=";
	char num[INT_TEXT_MAX];
	size_t n = int_text(age, num), len = 0;

	memcpy(out, max_age, sizeof max_age - 1);
	len += sizeof max_age - 1;
	memcpy(out + len, num, n);
	len += n;
	memcpy(out + len, swr, sizeof swr - 1);
	len += sizeof swr - 1;
	memcpy(out + len, num, n);
	out[len + n] = '\0';
}

/*
 * How long a client may keep an answer: a tenth of the shortest refresh
 * interval, from 30 s to 10 min, and as long again to serve it stale while it
 * revalidates. A refresh shows within max-age; a 304 costs little after it.
 */
static void
cache_control(const struct data_state *st, struct response *r)
{
	long long age = st->min_interval > 0 ? st->min_interval / 10 : 600;

	if (age < 30)
		age = 30;
	if (age > 600)
		age = 600;
	cache_control_text(age, r->cache_buf);
	r->cache_control = r->cache_buf;
}

/*
 * The language a card's query asks for (lang=en|ar|fr|es, as words_langs
 * spells them), or NULL: read from the raw query, for an error card, when
 * the parameters could not be parsed.
 */
const char *
card_lang(const char *query)
{
	const char *p = query;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "&");

		if (params_segment_is(p, n, "lang") && memchr(p, '=', n) != NULL) {
			const char *v = (const char *)memchr(p, '=', n) + 1;
			size_t vn = n - (size_t)(v - p);

			for (size_t i = 0; words_langs[i] != NULL; i++)
				if (strlen(words_langs[i]) == vn && memcmp(words_langs[i], v, vn) == 0)
					return words_langs[i];
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return NULL;
}

/*
 * An error on a card route: an HTML card (what an iframe shows a reader),
 * unless the client prefers JSON to HTML (a program asking with Accept:
 * application/json gets the JSON error every other route gives).
 */
static void
card_error(const struct request *req, struct response *r)
{
	const char *accept = req->accept != NULL && *req->accept != '\0' ? req->accept : "*/*";

	r->vary = "Accept";
	if (accept_q(accept, "application", "json") > accept_q(accept, "text", "html"))
		return;
	respond_error_card(r, card_lang(req->query));
}

static void dispatch_route(struct app *app, const struct request *req, struct response *r,
    const struct route **found);

/*
 * Answers the request; the errors (JSON until here) of a card become cards,
 * those of a page pages.
 */
void
dispatch(struct app *app, const struct request *req, struct response *r)
{
	const struct route *rt = NULL;

	dispatch_route(app, req, r, &rt);
	if (rt == NULL || r->status < 400)
		return;
	if (rt->flags & CARD)
		card_error(req, r);
	else if ((rt->flags & PAGE) && !r->page)
		page_error(req, r);
}

static void
dispatch_route(struct app *app, const struct request *req, struct response *r,
    const struct route **found)
{
	const struct route *rt;
	struct pval pv[PARAMS_MAX];
	struct query q;
	struct perror pe;
	struct data_state state;
	long long stale = 0;
	struct hctx cx;
	const char *id;
	char err[ERR_MAX];

	memset(r, 0, sizeof *r);
	r->total = -1;
	memset(&cx, 0, sizeof cx);
	cx.app = app;
	cx.req = req;
	time_now_iso(cx.now);

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		r->allow = ALLOW;
		if (strcmp(req->method, "OPTIONS") == 0) {
			/* CORS preflight: any origin may GET; nothing else exists. */
			r->status = 204;
			r->preflight = 1;
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
	*found = rt;
	if (params_parse(req->query, rt->params, rt->nparams, &q, pv, rt->path,
	    rt->flags & CARD ? PARAMS_SKIP_TRACKING : 0, &pe) != 0) {
		respond_error(r, pe.status, pe.status == 414 ? "query_too_long" :
		    "invalid_parameter", pe.param, "%s", pe.message);
		return;
	}
	cx.p = pv;
	if (rt->flags & NEGOTIATES) {
		int format = negotiate(rt, pv, req->accept);

		if (format == -2) {
			respond_error(r, 400, "invalid_header", NULL, "the Accept header has a "
			    "q-value that is not a number from 0 to 1 (such as q=0.5)");
			r->vary = "Accept";
			return;
		}
		if (format < 0) {
			respond_error(r, 406, "not_acceptable", NULL, "this route answers "
			    "application/json or text/csv (or format=json|csv|hxl); Accept asks "
			    "for neither");
			r->vary = "Accept";
			return;
		}
		cx.format = (enum out_format)format;
	}
	if ((rt->flags & CODE_ID) && !code_valid(id)) {
		respond_error(r, 404, "not_found", "code", "%.80s is not a code: a place's code is "
		    "1-64 letters, digits, '.', '_' or '-' (search for its name at /)",
		    utf8_valid(id, strlen(id)) ? id : "(not UTF-8)");
		return;
	}
	cx.code = id;
	if (rt->has_id && !parse_int64(id, 1, INT64_MAX, &cx.id)) {
		respond_error(r, 400, "invalid_parameter", "id", "the id in %s{id} must be a "
		    "positive whole number", rt->path);
		return;
	}
	if (rt->flags & NEEDS_STORE) {
		if ((cx.store = app_store(app, 0)) == NULL) {
			respond_unavailable(r);
			return;
		}
		if (store_begin(cx.store, &state, err) != ST_OK) {
			log_error("%s", err);
			app_close(app);
			respond_unavailable(r);
			return;
		}
		cx.state = &state;
		/* a read node's newer feeds' state: its version names the answer */
		if (rt->flags & FEED_STATE)
			cx.feeds = feeds_overlay(app, &state);
		if ((rt->flags & FEED_STATE) && feeds_overlay_stale_count(cx.store, cx.now,
		    cx.feeds, state.feeds_version, &stale, err) != ST_OK) {
			respond_db_failed(&cx, r, "counting the stale feeds");
			store_end(cx.store);
			return;
		}
		make_etag(app->build != NULL ? app->build : FIGURES_VERSION, &state,
		    rt->flags & FEED_STATE, cx.feeds != NULL ? cx.feeds->feeds_version :
		    state.feeds_version, stale, cx.format, req, r->etag, sizeof r->etag);
		last_modified(app, !(rt->flags & FEED_STATE) ? state.changed_at : cx.feeds != NULL ?
		    cx.feeds->published_at : state.feeds_changed_at, r->last_modified,
		    sizeof r->last_modified);
		cache_control(&state, r);
		if (rt->flags & NEGOTIATES)
			r->vary = "Accept";
		if (etag_matches(req->if_none_match, r->etag)) {
			r->status = 304;
			store_end(cx.store);
			return;
		}
	}
	rt->handler(&cx, r);
	if (cx.store != NULL)
		store_end(cx.store);
	/* a route without the store sets its own validator: revalidate it here */
	if (cx.store == NULL && r->status == 200 && r->etag[0] != '\0' &&
	    etag_matches(req->if_none_match, r->etag)) {
		response_free(r);
		r->status = 304;
	}
}
