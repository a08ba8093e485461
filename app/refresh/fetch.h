/*
 * fetch.h: fetching feeds with libcurl, all in parallel (one multi handle),
 * each page streamed through the feed's adapter into the feed's spool.
 *
 * libcurl is configured here and nowhere else: http, https and file only
 * (redirects to http and https only), TLS verification on, connect and total
 * timeouts, a low-speed limit, a size cap enforced while bytes arrive, a
 * User-Agent naming the service, conditional requests (If-None-Match,
 * If-Modified-Since; a 304 means unchanged), and retries with exponential
 * backoff and jitter on timeouts, connection failures, 408, 429 and 5xx,
 * honouring Retry-After. Pages are followed to the end (adapter->next_page).
 * A feed's whole run, every page and every retry, is bounded by a deadline: a
 * feed still running then fails, and so does one whose server asks (with
 * Retry-After) to wait past it, at once.
 *
 * What comes back from upstream is checked before it can go out again: an
 * ETag or Last-Modified is kept only if it is a plain header value (printable
 * ASCII on one line, within its column's size), and only such values are ever
 * sent in If-None-Match or If-Modified-Since; a 304 to a request that sent no
 * validator is an error, not "unchanged".
 *
 * Nothing here touches the database: a job ends FETCH_OK with its claims
 * spooled, FETCH_UNCHANGED, or FETCH_FAILED with err saying why, and
 * opts->done hears of it at once, while the other feeds are still fetched.
 */
#ifndef FIGURES_FETCH_H
#define FIGURES_FETCH_H

#include "adapter.h"
#include "spool.h"

#define URL_MAX 4096

struct fetch_job;

struct fetch_opts {
	long        connect_timeout;   /* seconds */
	long        timeout;           /* seconds for one request, start to end */
	long        low_speed_limit;   /* bytes per second … */
	long        low_speed_time;    /* … sustained this many seconds, or it times out */
	long long   max_bytes;         /* the most one response may carry */
	int         retries;           /* further attempts of a failed request */
	double      retry_delay;       /* seconds before the first retry; doubles */
	double      retry_after_max;   /* a longer Retry-After fails the feed instead */
	double      deadline;          /* seconds for a feed's whole run: pages, retries */
	int         max_pages;         /* a feed paging further is broken */
	const char *user_agent;
	/*
	 * Called once for each job as soon as it has its outcome (NULL: never), from
	 * the fetching loop: the other transfers wait while it runs. It may
	 * fetch_job_free(job); fetch_run touches the job no more.
	 */
	void      (*done)(void *ctx, struct fetch_job *job);
	void       *done_ctx;
	/* Called from the loop about ten times a second (NULL: never). */
	void      (*progress)(void *ctx, const struct fetch_job *jobs, size_t n);
	void       *progress_ctx;
};

enum fetch_outcome { FETCH_PENDING, FETCH_OK, FETCH_UNCHANGED, FETCH_FAILED };

struct fetch_state;

struct fetch_job {
	/* in */
	const char           *code;          /* the feed's id, for messages */
	const struct adapter *adapter;
	char                  url[URL_MAX];  /* the first page, environment expanded */
	const char           *etag;          /* validators from the last fetch, or "" */
	const char           *last_modified;
	const char           *country;       /* the feed's --country (adapter_ctx), or NULL */
	void                 *user;          /* the caller's, untouched */
	/* out */
	enum fetch_outcome    outcome;
	struct spool         *spool;         /* owned by the job; fetch_job_free */
	long                  http_status;   /* of the last response (0 for file:) */
	int                   pages, attempts;
	long long             bytes;
	double                seconds;
	char                  new_etag[256], new_last_modified[64]; /* single-page feeds */
	char                  payload_hash[40];  /* of every page's bytes, seeded with the build */
	char                  err[ERR_MAX];
	struct fetch_state   *priv;
};

/*
 * Default options: 30 s connect, 300 s per request, 3 retries from 1 s, 64 MiB,
 * 600 s for a feed's whole run (a run ends before cron's next, 15 minutes on).
 */
void fetch_defaults(struct fetch_opts *o);

/*
 * Runs every job still FETCH_PENDING to its outcome (a job that already has
 * one is left alone). Returns ST_OK once all have one (failed feeds
 * included), or an error if libcurl itself could not be set up.
 */
enum status fetch_run(struct fetch_job *jobs, size_t n, const struct fetch_opts *o, char *err);

/* Frees a job's spool and private state. */
void fetch_job_free(struct fetch_job *job);

/*
 * One file fetched whole (a snapshot's manifest, a snapshot), with the same
 * libcurl setup as the feeds: protocols, TLS, timeouts, the size cap
 * (max_bytes; a body past it fails), conditional GET (etag, last_modified;
 * only plain header values are sent), retries with backoff on the network,
 * 408, 429 and 5xx. The body goes to fd if it is >= 0 (from its start: a
 * retry truncates it), else into body (malloc'ed, NUL-terminated, the
 * caller frees it); its SHA-256 is in sha256 either way.
 */
struct fetch_file {
	/* in */
	const char *url;
	const char *etag, *last_modified;   /* "" or NULL: unconditional */
	int         fd;
	long long   max_bytes;
	/* out */
	long        http_status;
	long long   bytes;
	char       *body;
	char        sha256[65];
	char        new_etag[256], new_last_modified[64];
	char        err[ERR_MAX];
};

/* FETCH_OK (200, body fetched), FETCH_UNCHANGED (304 to a conditional GET) or FETCH_FAILED (err). */
enum fetch_outcome fetch_file(struct fetch_file *f, const struct fetch_opts *o);

#endif
