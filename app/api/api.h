/*
 * api.h: what the request path shares, from the FastCGI loop (main.c) to
 * the handlers (h_*.c).
 *
 *   main.c      accept a FastCGI request, fill struct request
 *   dispatch.c  method → route → parameters → (ETag, 304) → handler, in
 *               that order, rejecting early; the one table of routes
 *   h_*.c       one file per route (or two close ones): its parameters, its
 *               handler and its struct route; read typed rows from the store
 *               (store/read.h), build the body with render/
 *   respond.c   struct response → status line, headers, body; every error
 *               and shared answer (JSON, HTML, CSV, 503)
 *
 * Handlers return the HTTP status they set in the response; they never
 * write errors themselves but call respond_error (or a respond_* above it).
 *
 * Adding a route: write h_<name>.c with its pspec table, a static handler and
 * `const struct route route_<name> = { … }`; add X(<name>) to ROUTES in
 * dispatch.c, and the path to openapi.json
 * (tests/e2e/test_openapi.py checks both ways, from figures-fcgi --routes).
 */
#ifndef FIGURES_API_H
#define FIGURES_API_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "params.h"
#include "../core/base_url.h"
#include "../core/err.h"
#include "../core/feeds_state.h"
#include "../render/table.h"
#include "../store/read.h"

struct app {
	const char   *db_path;
	struct store *store;          /* NULL until the database could be opened */
	time_t        store_tried;    /* when opening was last attempted */
	enum status   store_status;
	char          store_err[ERR_MAX];
	dev_t         store_dev;      /* the file the store has open (stat before opening): */
	ino_t         store_ino;      /* another one at db_path is a replaced database */
	int           store_unseen;   /* db_path cannot be stat'ed (said once) */
	/*
	 * The file the store has open, open once more and holding a shared flock
	 * while the store reads it (-1: none): a read node's follower removes an
	 * old version only when it can lock it exclusively (follow.h).
	 * flock and SQLite's POSIX locks do not meet on Linux; this descriptor is
	 * closed only after the store is (a close drops the process's POSIX locks
	 * on the file).
	 */
	int           held_fd;
	const char   *public_url;     /* --public-url, normalised (base_url.h), or NULL */
	/*
	 * This very build, for the ETags: the version and a digest of the
	 * executable (main.c, build_identity), so a rebuilt worker whose answers
	 * differ never matches a copy made by the one before (the version alone
	 * stays the same across builds). NULL: FIGURES_VERSION.
	 */
	const char   *build;
	/*
	 * The last Last-Modified made, and the ISO time it was made from: the
	 * same for every answer until the data changes (strptime, timegm and
	 * strftime were ~2,700 instructions a request).
	 */
	char          modified_iso[32];
	char          modified_http[40];
	/*
	 * A read node's PATH.feeds.json as last read (feeds_overlay.h): which
	 * file it was (feeds_read: device, inode, size, mtime), and what it
	 * says when it is usable (feeds_ok).
	 */
	struct feeds_state feeds;
	int           feeds_read, feeds_ok;
	dev_t         feeds_dev;
	ino_t         feeds_ino;
	off_t         feeds_size;
	struct timespec feeds_mtime;
};

struct request {
	const char *method;           /* REQUEST_METHOD */
	const char *path;             /* DOCUMENT_URI: the decoded path, no query */
	const char *query;            /* QUERY_STRING, raw; may be NULL */
	const char *if_none_match;    /* HTTP_IF_NONE_MATCH, or NULL */
	const char *accept;           /* HTTP_ACCEPT, or NULL */
	const char *host;             /* HTTP_HOST, for links the answer gives out */
	const char *scheme;           /* REQUEST_SCHEME ("http", "https"): nginx's choice */
	const char *public_url;       /* --public-url: the base of every absolute address, or NULL */
};

/* What a data route answers in: format= if given, else what Accept prefers. */
enum out_format { OUT_JSON, OUT_CSV, OUT_HXL, OUT_HTML };

/*
 * A next-page link: "<", the public URL's path (a proxy's prefix), a route
 * (short, fixed), "?", the query, "&cursor=", one, ">; rel=..."
 */
#define LINK_MAX (BASE_URL_MAX + QUERY_MAX + CURSOR_MAX + 64)

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
	int         page;             /* a public HTML page: its own CSP */
	int         retry_after;      /* seconds, for 503; 0: none */
	char        error[512];       /* an error's message (respond_error), for an error card */
};

/* What a handler sees: the request, its checked parameters, the store. */
struct hctx {
	struct app              *app;
	const struct request    *req;
	struct store            *store;       /* NULL for routes that do not need it */
	const struct data_state *state;
	/* FEED_STATE routes: the feeds' state newer than the snapshot's (feeds_overlay.h), or NULL */
	const struct feeds_state *feeds;
	const struct pval       *p;           /* indexed like the route's pspec table */
	long long                id;          /* the {id} in the path, if the route has one */
	const char              *code;        /* the {code} in the path, for a CODE_ID route */
	enum out_format          format;
	char                     now[21];
};

/* Answers one request into resp (which the caller frees). */
void dispatch(struct app *app, const struct request *req, struct response *resp);

/* Closes the store; the next request reopens it. */
void app_close(struct app *app);
/*
 * The store, opened if it is not open: at most once a second, or now if
 * retry_now (health checks, which is how recovery is seen). NULL if it cannot
 * be opened (app->store_err says why). An open store whose file was replaced
 * (another inode at db_path: `mv new.db figures.db`, or a follower's link
 * moved to another version) or removed since it was opened is closed first
 * and the file at db_path opened now: a worker never answers from a file
 * that is no longer the database. db_path may be a symbolic link: the file it
 * names is opened, and held (held_fd) while open.
 */
struct store *app_store(struct app *app, int retry_now);

#define HANDLER(name) int name(struct hctx *cx, struct response *r)

enum route_flags {
	NEEDS_STORE = 1,   /* 503 if the database cannot be read */
	FEED_STATE  = 2,   /* the answer shows feeds' fetch state, which changes every refresh */
	NEGOTIATES  = 4,   /* JSON, CSV or HXL: format=, else the Accept header */
	CODE_ID     = 8,   /* the {id} is a code (a place's), in cx->code, not a number */
	PAGE        = 16,  /* a public HTML page: its errors are pages too (page_error) */
	/*
	 * An HTML card for iframes: tracking parameters (utm_*, fbclid…) are
	 * skipped, and every error is an HTML card saying what is wrong, as
	 * framable as the card (respond_error_card).
	 */
	CARD        = 32,
};

/*
 * A route: its file (h_<name>.c) defines it, with its parameters and its
 * handler, as `const struct route route_<name>`; dispatch.c's table lists it.
 * dispatch checks method, path, parameters (unknown, malformed or missing
 * required ones are a 400 naming the parameter), the store and conditional
 * GET before the handler runs.
 */
struct route {
	const char         *path;
	int                 has_id;     /* path is a prefix followed by {id} */
	const struct pspec *params;     /* the handler reads cx->p indexed like this */
	size_t              nparams;
	HANDLER((*handler));
	int                 flags;      /* enum route_flags */
	const char         *card;       /* the card this route's answer embeds as, or NULL */
};
/* params and their count, for a struct route initialiser */
#define ROUTE_PARAMS(table) (table), sizeof (table) / sizeof (table)[0]

/* The route serving path (a decoded path, no query), its {id} text in *id; NULL if none. */
const struct route *route_find(const char *path, const char **id);
/* Every route, in the order route_find tries them. */
extern const struct route *const routes[];
extern const size_t nroutes;

/*
 * h_pages.c: turns r, a JSON error answer to a page's request, into an HTML
 * page saying the same, with the same status and headers.
 */
void page_error(const struct request *req, struct response *r);

/* respond.c */
/*
 * The base of the absolute addresses an answer gives out (oEmbed, Atom,
 * pages) into out: the public URL when the operator set one (--public-url:
 * "https://host[:port][/prefix]", whatever the request says); else
 * "scheme://host" of the request, the scheme nginx passes (REQUEST_SCHEME:
 * https when it terminates TLS, or when a proxy it trusts says so; http
 * otherwise). 0 and "" if there is no public URL and Host is not a plain
 * host[:port]: Host is the client's, and it goes into HTML and XML.
 */
int request_base(const struct request *req, char *out, size_t size);
int respond_error(struct response *r, int status, const char *code, const char *param,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A database error mid-request: logged, and a 503 for the client. */
int respond_db_failed(struct hctx *cx, struct response *r, const char *what);
/* Prints root (freed here) as the body with status. */
int respond_json(struct response *r, int status, cJSON *root);
/*
 * A list's answer, 200: body holds `{"data":[` and the items, written by
 * render/json.h's writers (st: how that went); root holds "meta" alone
 * (respond_meta), which is printed after them, as respond_json would print
 * {"data":[…],"meta":{…}}. Takes body and root; 503 when st is not ST_OK.
 */
#define JSON_LIST_BEGIN "{\"data\":["
#define JSON_BODY_MAX (256 * 1024 * 1024)
int respond_json_list(struct response *r, struct buf *body, enum status st, cJSON *root);
/* The same for one object: body holds `{"data":{…}`, completed with `,"meta":{…}}`. */
#define JSON_OBJECT_BEGIN "{\"data\":"
int respond_json_object(struct response *r, struct buf *body, enum status st, cJSON *root);
/* b's bytes (taken over) as an HTML card, framable by any page. */
int respond_html(struct response *r, struct buf *b);
/*
 * b's bytes (taken over) as a public page with status: framable by nobody,
 * it may frame this service's cards and send its GET form to itself.
 */
int respond_page(struct response *r, int status, struct buf *b);
/*
 * Turns the error in r (respond_error) into an HTML card that says what is
 * wrong, in lang's words ("en", "ar", "fr", "es"), framable like a card, with
 * the same status: inside an iframe a reader sees a sentence, not JSON.
 */
void respond_error_card(struct response *r, const char *lang);
/* The language query's lang= asks for ("en", "ar", "fr", "es"), or NULL: for an error card. */
const char *card_lang(const char *query);
/* 503: the answer could not be made (out of memory, too large): what says which. */
int respond_overloaded(struct response *r, const char *what);
/* 503: the database cannot be opened or read now. */
int respond_unavailable(struct response *r);
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

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000

/*
 * limit=all, with format=csv or hxl: the whole filtered list in one answer,
 * for spreadsheets (which cannot follow a Link header), up to EXPORT_MAX
 * rows (summary: groups); filters matching more are a 413 that says how many
 * and how to narrow them, never a silently cut file.
 */
#define EXPORT_MAX         100000
#define SUMMARY_EXPORT_MAX 20000
extern const char *const limit_words[];   /* { "all", NULL } */
/*
 * The page size asked for (limit: a pval index; dflt when not given), or for
 * limit=all, max: 0 and the error in r when limit=all is not allowed here
 * (JSON answers are paged) or when total > max (413).
 */
int limit_of(struct hctx *cx, struct response *r, int limit, int dflt, long long total,
    long long max, const char *what);

#endif
