/*
 * api.h: what the request path shares, from the FastCGI loop (main.c) to
 * the handlers (h_*.c).
 *
 *   main.c      accept a FastCGI request, fill struct request
 *   dispatch.c  method → route → parameters → (ETag, 304) → handler, in
 *               that order, rejecting early; one responder for all errors
 *   h_*.c       one file per route: read validated values, query the
 *               store, build the body
 *   respond.c   struct response → status line, headers, body
 *
 * Handlers return the HTTP status they set in the response; they never
 * write errors themselves but call respond_error.
 */
#ifndef FIGURES_API_H
#define FIGURES_API_H

#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "params.h"
#include "../core/err.h"
#include "../render/table.h"
#include "../store/read.h"

struct app {
	const char   *db_path;
	struct store *store;          /* NULL until the database could be opened */
	time_t        store_tried;    /* when opening was last attempted */
	enum status   store_status;
	char          store_err[ERR_MAX];
};

struct request {
	const char *method;           /* REQUEST_METHOD */
	const char *path;             /* DOCUMENT_URI: the decoded path, no query */
	const char *query;            /* QUERY_STRING, raw; may be NULL */
	const char *if_none_match;    /* HTTP_IF_NONE_MATCH, or NULL */
	const char *accept;           /* HTTP_ACCEPT, or NULL */
	const char *host;             /* HTTP_HOST, for links the answer gives out */
	const char *scheme;           /* REQUEST_SCHEME ("http", "https") */
};

/* What a data route answers in: format= if given, else what Accept prefers. */
enum out_format { OUT_JSON, OUT_CSV, OUT_HXL, OUT_HTML };

/* A next-page link: "<", a route (short, fixed), "?", the query, "&cursor=", one, ">; rel=..." */
#define LINK_MAX (QUERY_MAX + CURSOR_MAX + 64)

struct response {
	int         status;
	const char *content_type;
	char       *body;             /* owned; freed by response_free */
	size_t      len;
	char        etag[48];         /* quoted, or "" */
	char        last_modified[40];
	const char *allow;            /* for 405 and OPTIONS */
	const char *cache_control;
	char        cache_buf[96];    /* when cache_control is computed */
	const char *vary;             /* the request headers the answer depends on */
	const char *disposition;      /* Content-Disposition */
	/* Link: <next page>; rel="next" (CSV has no meta): a route, the query, a cursor */
	char        link[LINK_MAX];
	long long   total;            /* X-Total-Count, or -1 */
	int         preflight;        /* a CORS preflight answer */
	int         embed;            /* an HTML card for iframes: its own CSP */
	int         retry_after;      /* seconds, for 503; 0: none */
};

/* What a handler sees: the request, its checked parameters, the store. */
struct hctx {
	struct app              *app;
	const struct request    *req;
	struct store            *store;       /* NULL for routes that do not need it */
	const struct data_state *state;
	const struct pval       *p;           /* indexed like the route's pspec table */
	long long                id;          /* the {id} in the path, if the route has one */
	enum out_format          format;
	char                     now[21];
};

/* Answers one request into resp (which the caller frees). */
void dispatch(struct app *app, const struct request *req, struct response *resp);

/* Closes the store; the next request reopens it. */
void app_close(struct app *app);
/* Opens the store if it is not open (at most once a second); 1 if open. */
int app_store_open(struct app *app);

/* respond.c */
int respond_error(struct response *r, int status, const char *code, const char *param,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A database error mid-request: logged, and a 503 for the client. */
int respond_db_failed(struct hctx *cx, struct response *r, const char *what);
/* Prints root (freed here) as the body with status. */
int respond_json(struct response *r, int status, cJSON *root);
/*
 * A CSV or HXL answer (cx->format) under way: begin loads HXL's metric columns
 * (ST_DB, ST_NOMEM on failure) and opens the buffer, the handler writes rows
 * (render/table.h), end answers it (rs: how beginning and writing went) with
 * the next page and the total in the Link and X-Total-Count headers
 * (next_cursor NULL: the last page; total -1: unknown), and frees t.
 */
struct table_out {
	struct buf           b;
	enum table_kind      kind;
	struct table_metric *metrics;    /* every metric, for HXL; NULL for CSV */
	size_t               nmetrics;
};
enum status respond_table_begin(struct hctx *cx, struct table_out *t);
int respond_table_end(struct hctx *cx, struct response *r, struct table_out *t, enum status rs,
    const char *next_cursor, long long total);
/* Adds "meta" with data_as_of and generated_at to root; returns it. */
cJSON *respond_meta(cJSON *root, const struct hctx *cx);
/* Writes the CGI header block for r into out; returns its length (0 if it does not fit). */
size_t respond_headers(const struct response *r, char *out, size_t size);
void response_free(struct response *r);

/* Handlers (h_*.c) and their parameter tables. */
#define HANDLER(name) int name(struct hctx *cx, struct response *r)
HANDLER(h_figures);
HANDLER(h_figure);
HANDLER(h_locations);
HANDLER(h_sources);
HANDLER(h_feeds);
HANDLER(h_metrics);
HANDLER(h_health);
HANDLER(h_summary);
HANDLER(h_embed_figure);
HANDLER(h_embed_summary);
HANDLER(h_oembed);
HANDLER(h_openapi);

extern const struct pspec figures_params[];
extern const size_t figures_nparams;
extern const struct pspec summary_params[];
extern const size_t summary_nparams;
extern const struct pspec embed_figure_params[], embed_summary_params[], oembed_params[];
extern const size_t embed_figure_nparams, embed_summary_nparams, oembed_nparams;
extern const struct pspec locations_params[];
extern const size_t locations_nparams;
extern const struct pspec sources_params[];
extern const size_t sources_nparams;
extern const struct pspec metrics_params[];
extern const size_t metrics_nparams;

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000

#endif
