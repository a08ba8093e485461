/*
 * fcgi_rows.c: the benchmark's rows ceiling. A minimal libfcgi responder that
 * reads the rows of three of the worker's answers and writes their column
 * bytes unformatted, tab-separated, one row a line (no JSON, no CSV quoting,
 * no headers but the status, type and length): what an answer of many rows
 * costs at the very least, measured on the same nginx as the worker.
 *
 *   /rows-ceiling/figures?location=L&metric=M&since=D&until=D&limit=N
 *   /rows-ceiling/figures?country=C&metric=M&limit=N       (the CSV page's rows)
 *   /rows-ceiling/summary?country=C                        (a page of 50 groups' claims)
 *
 * It links the worker's store (app/store/read.c) and asks it what the worker's
 * handlers ask (api/h_figures.c, h_summary.c, summary.c): the same prepared
 * statements, so the same SQL through the same indexes, bound to the same
 * parameters, in one read transaction (store_begin … store_end): the lookups
 * of the codes, the total, then the page (limit + 1 rows); for the summary
 * the groups' total, the page's groups, and their claims, keyed by the very
 * text the worker binds (store_claim_keys). What it leaves out is what
 * an answer adds to its rows: checking parameters beyond these, the ETag, the
 * summary's ranges and agreement, and rendering.
 *
 * Prefork like figures-fcgi (prefork.h: SIGTERM to it ends its workers too,
 * and a worker whose parent dies ends: the benchmark leaves no process
 * behind); a connection is closed as the worker closes it (and
 * fcgi_static.c): stdin read to its end, the request detached.
 *
 *   fcgi_rows DB SOCKET WORKERS
 */
#include "api/fcgi_out.h"
#include "api/summary.h"
#include "core/strutil.h"
#include "store/read.h"

#include "prefork.h"

#include <cjson/cJSON.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_GROUPS 50   /* the summary's default page (h_summary.c) */
#define LIMIT_MAX      10000

/* The answer's bytes, grown as needed and kept from one request to the next. */
static struct {
	char  *p;
	size_t n, cap;
} out;

static int
put(const char *s, size_t n)
{
	if (out.n + n > out.cap) {
		size_t cap = out.cap ? out.cap : 64 * 1024;
		char *p;

		while (cap < out.n + n)
			cap *= 2;
		if ((p = realloc(out.p, cap)) == NULL)
			return 0;
		out.p = p;
		out.cap = cap;
	}
	memcpy(out.p + out.n, s, n);
	out.n += n;
	return 1;
}

/* A column: its text (NULL as nothing), then a tab. */
static int
col(const char *s)
{
	return (s == NULL || put(s, strlen(s))) && put("\t", 1);
}

static int
col_int(long long v)
{
	char t[INT_TEXT_MAX];

	return put(t, int_text(v, t)) && put("\t", 1);
}

static int
col_location(const struct location_row *l)
{
	return col(l->code) && col(l->name) && col(l->country) && col(l->type) &&
	    (!l->has_level || col_int(l->admin_level));
}

/* Every column of a figure row, as the store gives it. */
static int
figure(const struct figure_row *r)
{
	return col_int(r->id) && col_int(r->value) && col(r->metric) && col(r->category) &&
	    col(r->qualifier) && col(r->group) && col_location(&r->location) && col(r->as_of) &&
	    col(r->period_start) && col(r->period_end) && col(r->sort_date) &&
	    col(r->source.code) && col(r->source.name) && col(r->source.organisation) &&
	    col(r->source.type) && col(r->source.url) && col(r->source.licence) && col(r->via) &&
	    col(r->url) && col(r->quote) && col(r->reported_on) && col(r->retrieved_at) &&
	    col(r->licence) && col(r->feed) && col_int(r->withdrawn) && col(r->unit) &&
	    col(r->cause) && (!r->has_males || col_int(r->males)) &&
	    (!r->has_females || col_int(r->females)) && col_location(&r->origin) &&
	    col(r->facet) && put("\n", 1);
}

/* The query string's parameters this responder reads (values as given: codes, dates). */
struct query {
	char location[72], metric[72], country[8], since[11], until[11];
	long long limit;
};

/* 1 and *q, or 0 and why in err: a parameter it does not know, or one too long. */
static int
parse_query(const char *qs, struct query *q, char *err, size_t size)
{
	memset(q, 0, sizeof *q);
	q->limit = SUMMARY_GROUPS;
	while (qs != NULL && *qs != '\0') {
		size_t len = strcspn(qs, "&"), klen = strcspn(qs, "=");
		const char *v = qs + klen + 1;
		size_t vlen = klen < len ? len - klen - 1 : 0;
		char *dst = NULL;
		size_t dsize = 0;

		if (klen > len)
			klen = len;
		if (klen == 8 && strncmp(qs, "location", 8) == 0)
			dst = q->location, dsize = sizeof q->location;
		else if (klen == 6 && strncmp(qs, "metric", 6) == 0)
			dst = q->metric, dsize = sizeof q->metric;
		else if (klen == 7 && strncmp(qs, "country", 7) == 0)
			dst = q->country, dsize = sizeof q->country;
		else if (klen == 5 && strncmp(qs, "since", 5) == 0)
			dst = q->since, dsize = sizeof q->since;
		else if (klen == 5 && strncmp(qs, "until", 5) == 0)
			dst = q->until, dsize = sizeof q->until;
		else if (klen == 5 && strncmp(qs, "limit", 5) == 0) {
			char num[16];

			snprintf(num, sizeof num, "%.*s", (int)(vlen < 15 ? vlen : 15), v);
			if (!parse_int64(num, 1, LIMIT_MAX, &q->limit)) {
				snprintf(err, size, "limit must be a whole number from 1 to %d",
				    LIMIT_MAX);
				return 0;
			}
		} else if (!(klen == 6 && strncmp(qs, "format", 6) == 0)) {
			/* format=csv is the CSV page's: its rows are the same */
			snprintf(err, size, "unknown parameter %.*s: this responder reads location, "
			    "metric, country, since, until and limit", (int)(klen < 40 ? klen : 40),
			    qs);
			return 0;
		}
		if (dst != NULL) {
			if (vlen == 0 || vlen >= dsize || memchr(v, '%', vlen) != NULL) {
				snprintf(err, size, "%.*s must be a plain value shorter than %zu bytes",
				    (int)klen, qs, dsize);
				return 0;
			}
			memcpy(dst, v, vlen);
			dst[vlen] = '\0';
		}
		qs += len + (qs[len] == '&');
	}
	return 1;
}

/* The filter the worker's filters_parse makes of these parameters; 0 and err if a code is unknown. */
static int
filter_of(struct store *s, const struct query *q, struct figure_filter *f, char *err,
    size_t size)
{
	memset(f, 0, sizeof *f);
	if (q->metric[0] != '\0' && store_lookup(s, LOOKUP_METRIC, q->metric, &f->metric) != ST_OK) {
		snprintf(err, size, "no metric '%s' is known", q->metric);
		return 0;
	}
	if (q->location[0] != '\0' &&
	    store_lookup(s, LOOKUP_LOCATION, q->location, &f->location) != ST_OK) {
		snprintf(err, size, "no location '%s' is known", q->location);
		return 0;
	}
	if (q->country[0] != '\0') {
		if (!store_country_known(s, q->country)) {
			snprintf(err, size, "no location is in country '%s'", q->country);
			return 0;
		}
		f->country = q->country;
	}
	f->since = q->since[0] != '\0' ? q->since : NULL;
	f->until = q->until[0] != '\0' ? q->until : NULL;
	return 1;
}

/* A page of figures: the total, then limit + 1 rows (the worker's next-page probe), limit written. */
static int
figures(struct store *s, struct figure_filter *f, long long limit)
{
	struct figure_row row;
	struct cursor *c;
	long long total, n = 0;
	int ok = 1;

	if (store_figures_count(s, f, &total, NULL) != ST_OK)
		return 0;
	f->limit = (int)limit + 1;
	c = store_figures(s, f);
	while (ok && store_figures_next(c, &row) && ++n <= limit)
		ok = figure(&row);
	return store_cursor_close(c) == ST_OK && ok;
}

/* A summary page: the groups' total, limit + 1 groups, then the first limit groups' claims. */
static int
summary(struct store *s, struct figure_filter *f, long long limit)
{
	struct group_row row, *keys;
	struct figure_row claim;
	struct cursor *c;
	long long total;
	size_t n = 0;
	char *json = NULL;
	int ok = 1;

	if (store_groups_count(s, f, &total, NULL) != ST_OK ||
	    (keys = calloc((size_t)limit + 1, sizeof *keys)) == NULL)
		return 0;
	f->limit = (int)limit + 1;
	c = store_groups(s, f, NULL);
	while (ok && n < (size_t)limit + 1 && store_groups_next(c, &row)) {
		keys[n] = row;
		keys[n].group = strdup(row.group != NULL ? row.group : "");
		keys[n].facet = strdup(row.facet != NULL ? row.facet : "");
		ok = keys[n].group != NULL && keys[n].facet != NULL;
		n++;
	}
	ok = store_cursor_close(c) == ST_OK && ok;
	if (ok && n > 0 &&
	    (ok = store_claim_keys(s, keys, n < (size_t)limit ? n : (size_t)limit, &json) ==
	    ST_OK)) {
		size_t last = (n < (size_t)limit ? n : (size_t)limit) - 1;

		c = store_page_claims(s, f, json, &keys[0], &keys[last]);
		while (ok && store_figures_next(c, &claim))
			ok = figure(&claim);
		ok = store_cursor_close(c) == ST_OK && ok;
	}
	free(json);
	for (size_t i = 0; i < n; i++) {
		free((char *)keys[i].group);
		free((char *)keys[i].facet);
	}
	free(keys);
	return ok;
}

/* The answer to one request in out; its status line. */
static const char *
answer(struct store *s, const char *uri, const char *qs)
{
	struct data_state state;
	struct figure_filter f;
	struct query q;
	char err[ERR_MAX];
	const char *tail = uri != NULL && strrchr(uri, '/') ? strrchr(uri, '/') + 1 : "";
	int is_summary = strcmp(tail, "summary") == 0, ok;

	out.n = 0;
	if (!is_summary && strcmp(tail, "figures") != 0) {
		put("ask /rows-ceiling/figures or /rows-ceiling/summary\n", 51);
		return "404 Not Found";
	}
	if (!parse_query(qs, &q, err, sizeof err)) {
		put(err, strlen(err));
		return "400 Bad Request";
	}
	if (store_begin(s, &state, err) != ST_OK) {
		put(err, strlen(err));
		return "503 Service Unavailable";
	}
	if (!filter_of(s, &q, &f, err, sizeof err)) {
		store_end(s);
		put(err, strlen(err));
		return "400 Bad Request";
	}
	ok = is_summary ? summary(s, &f, q.limit) : figures(s, &f, q.limit);
	store_end(s);
	if (!ok) {
		out.n = 0;
		put(store_errmsg(s), strlen(store_errmsg(s)));
		return "500 Internal Server Error";
	}
	return "200 OK";
}

/* A worker (prefork.h): opens the database, answers until accepting fails. */
static int
serve(int sock, const char *db)
{
	FCGX_Request req;
	struct store *s;
	char err[ERR_MAX];

	if (store_open(db, &s, err) != ST_OK) {
		fprintf(stderr, "fcgi_rows: %s\n", err);
		return 1;
	}
	FCGX_InitRequest(&req, sock, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		const char *status = answer(s, FCGX_GetParam("DOCUMENT_URI", req.envp),
		    FCGX_GetParam("QUERY_STRING", req.envp));
		char head[256];
		int n = snprintf(head, sizeof head, "Status: %s\r\nContent-Type: text/plain; "
		    "charset=utf-8\r\nContent-Length: %zu\r\n\r\n", status, out.n);

		/* written as figures-fcgi writes (api/fcgi_out.h): one writev() */
		fcgi_out_write(req.ipcFd, req.requestId, head, (size_t)n, out.p, out.n);
		/* closed as figures-fcgi closes: stdin read to its end, no lingering close */
		while (FCGX_GetStr(head, sizeof head, req.in) > 0)
			;
		FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	return prefork_main(argc, argv, "fcgi_rows", "DB", serve);
}
