#include "fetch.h"
#include "../core/buf.h"
#include "../core/log.h"
#include "../core/strutil.h"

#include <curl/curl.h>
#include <stdint.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define ERRBODY_MAX 300   /* bytes of an error response kept for the message */

struct fetch_state {
	CURL               *easy;
	struct curl_slist  *headers;
	struct sink         sink;
	void               *parse;          /* the adapter's state for this page */
	int                 checked;        /* status and type looked at for this response */
	int                 parsing;        /* this response's body goes to the adapter */
	int                 running;        /* in the multi handle */
	int                 attempt;        /* of the current page, from 1 */
	double              not_before;     /* monotonic seconds: when a retry may start */
	double              started;
	long long           page_bytes;
	long long           max_bytes;
	uint64_t            hash[2];        /* two FNV-1a 64 lanes over the whole payload */
	uint64_t            page_hash[2];   /* the lanes at this page's start (a retry resets) */
	off_t               page_start;     /* spool position where this page began */
	char                page_url[URL_MAX];
	char                hdr_etag[256], hdr_last_modified[64];
	struct buf          errbody;
	char                why[ERR_MAX];   /* set by a callback that aborted the transfer */
	char                curl_err[CURL_ERROR_SIZE];
};

void
fetch_defaults(struct fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connect_timeout = 30;
	o->timeout = 300;
	o->low_speed_limit = 100;
	o->low_speed_time = 60;
	o->max_bytes = 64LL * 1024 * 1024;
	o->retries = 3;
	o->retry_delay = 1.0;
	o->retry_after_max = 120;
	o->max_pages = 100000;
	o->user_agent = "figures-refresh/" FIGURES_VERSION " (humanitarian figures cache; libcurl)";
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
fetch_job_free(struct fetch_job *job)
{
	struct fetch_state *st = job->priv;

	spool_free(job->spool);
	job->spool = NULL;
	if (st == NULL)
		return;
	if (st->parse != NULL)
		job->adapter->free(st->parse);
	curl_easy_cleanup(st->easy);
	curl_slist_free_all(st->headers);
	buf_free(&st->errbody);
	free(st);
	job->priv = NULL;
}

static void
fail(struct fetch_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct fetch_job *job, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(job->err, sizeof job->err, fmt, ap);
	va_end(ap);
	job->outcome = FETCH_FAILED;
}

/* 1 if the response's media type is one the adapter reads (or there is none). */
static int
type_accepted(const struct adapter *a, const char *type)
{
	char want[64];
	size_t n;

	if (type == NULL || *type == '\0' || a->content_types == NULL)
		return 1;
	n = strcspn(type, "; ");
	for (const char *p = a->content_types; *p != '\0';) {
		size_t len = strcspn(p, " ");

		snprintf(want, sizeof want, "%.*s", (int)len, p);
		if (len == n && strncasecmp(type, want, n) == 0)
			return 1;
		p += len;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Starts the adapter on this page's body; 0 and st->why set on failure. */
static int
begin_parse(struct fetch_job *job)
{
	struct fetch_state *st = job->priv;
	struct adapter_ctx ctx = { .sink = &st->sink, .url = st->page_url,
	    .country = job->country };

	if ((st->parse = job->adapter->begin(&ctx, st->why)) == NULL)
		return 0;
	st->parsing = 1;
	return 1;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch_job *job = arg;
	struct fetch_state *st = job->priv;
	size_t n = size * nmemb;

	if (!st->checked) {
		long code = 0;
		char *type = NULL;

		st->checked = 1;
		curl_easy_getinfo(st->easy, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_getinfo(st->easy, CURLINFO_CONTENT_TYPE, &type);
		if (code == 200 || code == 0) {
			if (!type_accepted(job->adapter, type)) {
				snprintf(st->why, sizeof st->why, "the response is %s, not what the %s "
				    "adapter reads (%s)", type, job->adapter->name,
				    job->adapter->content_types);
				return 0;
			}
			if (!begin_parse(job))
				return 0;
		}
	}
	st->page_bytes += (long long)n;
	job->bytes += (long long)n;
	/* The size cap, enforced here: CURLOPT_MAXFILESIZE cannot see chunked bodies. */
	if (st->page_bytes > st->max_bytes) {
		snprintf(st->why, sizeof st->why, "the response is larger than %lld bytes",
		    st->max_bytes);
		return 0;
	}
	if (st->parsing) {
		fnv1a_128(st->hash, data, n);
		if (job->adapter->write(st->parse, data, n, st->why) != ST_OK) {
			/* the spool, not the payload, may be what failed (a full disk) */
			if (spool_error(job->spool) != NULL)
				snprintf(st->why, sizeof st->why, "%s", spool_error(job->spool));
			else if (st->why[0] == '\0')
				snprintf(st->why, sizeof st->why, "the %s adapter could not read the "
				    "response", job->adapter->name);
			return 0;
		}
	} else if (st->errbody.len < ERRBODY_MAX)
		buf_append(&st->errbody, data, n < ERRBODY_MAX - st->errbody.len ? n :
		    ERRBODY_MAX - st->errbody.len);
	return n;
}

/* Copies a header's value, trimmed, if line is "name: value". */
static void
header_value(const char *line, size_t n, const char *name, char *out, size_t size)
{
	size_t len = strlen(name);
	const char *v, *end = line + n;

	if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
		return;
	for (v = line + len + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	snprintf(out, size, "%.*s", (int)(end - v), v);
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct fetch_state *st = ((struct fetch_job *)arg)->priv;
	size_t n = size * nmemb;

	/* A new response (after a redirect or a 100): forget the last one's headers. */
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		st->hdr_etag[0] = st->hdr_last_modified[0] = '\0';
		return n;
	}
	header_value(line, n, "ETag", st->hdr_etag, sizeof st->hdr_etag);
	header_value(line, n, "Last-Modified", st->hdr_last_modified, sizeof st->hdr_last_modified);
	return n;
}

/* Sets up the easy handle for the current page and adds it to the multi handle. */
static int
start_request(CURLM *multi, struct fetch_job *job, const struct fetch_opts *o)
{
	struct fetch_state *st = job->priv;
	const char *secret;
	char line[512];

	st->checked = st->parsing = 0;
	st->page_bytes = 0;
	/* a page's bytes count once: a retried page starts the lanes where it began */
	if (st->attempt == 0) {
		st->page_hash[0] = st->hash[0];
		st->page_hash[1] = st->hash[1];
	} else {
		st->hash[0] = st->page_hash[0];
		st->hash[1] = st->page_hash[1];
	}
	st->why[0] = st->curl_err[0] = '\0';
	buf_reset(&st->errbody);
	st->page_start = spool_tell(job->spool);
	curl_slist_free_all(st->headers);
	st->headers = NULL;
	if (job->adapter->auth_header != NULL &&
	    (secret = getenv(job->adapter->auth_env)) != NULL && *secret != '\0') {
		snprintf(line, sizeof line, "%s: %s", job->adapter->auth_header, secret);
		st->headers = curl_slist_append(st->headers, line);
	}
	/* Validators only make sense for the first page of what was one page. */
	if (job->pages == 0 && job->etag != NULL && *job->etag != '\0') {
		snprintf(line, sizeof line, "If-None-Match: %s", job->etag);
		st->headers = curl_slist_append(st->headers, line);
	}
	if (job->pages == 0 && job->last_modified != NULL && *job->last_modified != '\0') {
		snprintf(line, sizeof line, "If-Modified-Since: %s", job->last_modified);
		st->headers = curl_slist_append(st->headers, line);
	}
	curl_easy_setopt(st->easy, CURLOPT_URL, st->page_url);
	curl_easy_setopt(st->easy, CURLOPT_HTTPHEADER, st->headers);
	st->attempt++;
	job->attempts++;
	if (curl_multi_add_handle(multi, st->easy) != CURLM_OK) {
		fail(job, "libcurl refused the request for %s", job->code);
		return 0;
	}
	st->running = 1;
	(void)o;
	return 1;
}

static int
setup_job(struct fetch_job *job, const struct fetch_opts *o)
{
	struct fetch_state *st;
	CURL *e;

	if ((st = calloc(1, sizeof *st)) == NULL || (e = curl_easy_init()) == NULL) {
		free(st);
		fail(job, "out of memory setting up the transfer");
		return 0;
	}
	job->priv = st;
	st->easy = e;
	buf_init(&st->errbody, ERRBODY_MAX);
	st->max_bytes = o->max_bytes;
	if ((job->spool = spool_new(job->err)) == NULL) {
		job->outcome = FETCH_FAILED;
		return 0;
	}
	st->sink = spool_sink(job->spool);
	snprintf(st->page_url, sizeof st->page_url, "%s", job->url);
	st->hash[0] = FNV1A_OFFSET;
	st->hash[1] = FNV1A_OFFSET_LANE2;
	fnv1a_128(st->hash, FIGURES_VERSION, strlen(FIGURES_VERSION));
	fnv1a_128(st->hash, job->adapter->name, strlen(job->adapter->name) + 1);
	curl_easy_setopt(e, CURLOPT_PRIVATE, job);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");   /* gzip; the cap counts decoded bytes */
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, st->curl_err);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, job);
	st->started = now_mono();
	return 1;
}

/* Errors worth another attempt: the network, not the payload. */
static int
transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
		return 1;
	default:
		return 0;
	}
}

static int
transient_status(long code)
{
	return code == 408 || code == 429 || code == 500 || code == 502 || code == 503 ||
	    code == 504;
}

/* Text fit for a one-line message: printable ASCII, runs of blanks folded. */
static void
snippet(const struct buf *b, char *out, size_t size)
{
	size_t o = 0;
	int blank = 0;

	for (size_t i = 0; i < b->len && o + 1 < size; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c <= ' ' || c >= 0x7f) {
			blank = o > 0;
			continue;
		}
		if (blank && o + 2 < size)
			out[o++] = ' ';
		blank = 0;
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* Schedules another attempt of the current page, or fails the job. */
static void
retry_or_fail(struct fetch_job *job, const struct fetch_opts *o, const char *what)
{
	struct fetch_state *st = job->priv;
	double delay;
	curl_off_t after = -1;

	if (st->attempt > o->retries) {
		fail(job, "%s; gave up after %d attempts", what, st->attempt);
		return;
	}
	delay = o->retry_delay * pow(2, st->attempt - 1);
	delay *= 0.75 + 0.5 * ((double)rand() / RAND_MAX);   /* jitter: not all at once */
	curl_easy_getinfo(st->easy, CURLINFO_RETRY_AFTER, &after);
	if (after > 0) {
		if ((double)after > o->retry_after_max) {
			fail(job, "%s, and the server asks to wait %ld s (more than %.0f s): "
			    "the next run will try again", what, (long)after, o->retry_after_max);
			return;
		}
		if ((double)after > delay)
			delay = (double)after;
	}
	if (spool_truncate(job->spool, st->page_start, job->err) != ST_OK) {
		job->outcome = FETCH_FAILED;
		return;
	}
	if (st->parse != NULL) {
		job->adapter->free(st->parse);
		st->parse = NULL;
	}
	log_warn("feed %s: page %d: %s; retrying in %.1f s (attempt %d of %d)", job->code,
	    job->pages + 1, what, delay, st->attempt + 1, o->retries + 1);
	st->not_before = now_mono() + delay;
}

/* A transfer ended: decide what comes next for its job. */
static void
on_done(CURLM *multi, struct fetch_job *job, CURLcode rc, const struct fetch_opts *o)
{
	struct fetch_state *st = job->priv;
	char what[ERR_MAX], body[ERRBODY_MAX + 1], next[URL_MAX];
	long code = 0;

	curl_multi_remove_handle(multi, st->easy);
	st->running = 0;
	curl_easy_getinfo(st->easy, CURLINFO_RESPONSE_CODE, &code);
	job->http_status = code;

	if (st->why[0] != '\0') {
		/* our own callback stopped it: the payload is broken, not the network */
		fail(job, "page %d: %s", job->pages + 1, st->why);
		return;
	}
	if (rc == CURLE_FILESIZE_EXCEEDED) {
		fail(job, "page %d: the response is larger than %lld bytes", job->pages + 1,
		    o->max_bytes);
		return;
	}
	if (rc != CURLE_OK) {
		snprintf(what, sizeof what, "%.100s%s%.140s", curl_easy_strerror(rc),
		    st->curl_err[0] ? ": " : "", st->curl_err);
		if (transient_curl(rc))
			retry_or_fail(job, o, what);
		else
			fail(job, "page %d: %s", job->pages + 1, what);
		return;
	}
	if (code == 304 && job->pages == 0) {
		job->outcome = FETCH_UNCHANGED;
		snprintf(job->new_etag, sizeof job->new_etag, "%s", st->hdr_etag[0] ? st->hdr_etag :
		    job->etag != NULL ? job->etag : "");
		snprintf(job->new_last_modified, sizeof job->new_last_modified, "%s",
		    st->hdr_last_modified[0] ? st->hdr_last_modified :
		    job->last_modified != NULL ? job->last_modified : "");
		return;
	}
	if (code != 200 && code != 0) {
		snippet(&st->errbody, body, sizeof body);
		snprintf(what, sizeof what, "HTTP %ld%s%.200s", code, body[0] ? ": " : "", body);
		if (transient_status(code))
			retry_or_fail(job, o, what);
		else
			fail(job, "page %d: %s", job->pages + 1, what);
		return;
	}
	/* A whole page arrived. An empty body never reached on_body: start the adapter now. */
	if (!st->parsing && !begin_parse(job)) {
		fail(job, "page %d: %s", job->pages + 1, st->why);
		return;
	}
	if (job->adapter->end(st->parse, st->why) != ST_OK) {
		fail(job, "page %d: %s", job->pages + 1, spool_error(job->spool) != NULL ?
		    spool_error(job->spool) : st->why[0] ? st->why : "the response could not be read");
		return;
	}
	job->pages++;
	fnv1a_128(st->hash, "\n--page--\n", 10);
	next[0] = '\0';
	/* A file is one page: a query string on a file: URL would read it again. */
	if (strncmp(st->page_url, "file:", 5) != 0 &&
	    job->adapter->next_page(st->parse, next, sizeof next) != ST_OK)
		next[0] = '\0';
	job->adapter->free(st->parse);
	st->parse = NULL;
	if (next[0] == '\0') {
		job->outcome = FETCH_OK;
		snprintf(job->payload_hash, sizeof job->payload_hash, "%016llx%016llx",
		    (unsigned long long)st->hash[0], (unsigned long long)st->hash[1]);
		if (job->pages == 1) {
			snprintf(job->new_etag, sizeof job->new_etag, "%s", st->hdr_etag);
			snprintf(job->new_last_modified, sizeof job->new_last_modified, "%s",
			    st->hdr_last_modified);
		}
		return;
	}
	if (job->pages >= o->max_pages) {
		fail(job, "more than %d pages: the upstream keeps paging", o->max_pages);
		return;
	}
	snprintf(st->page_url, sizeof st->page_url, "%s", next);
	st->attempt = 0;
	st->not_before = 0;
}

enum status
fetch_run(struct fetch_job *jobs, size_t n, const struct fetch_opts *o, char *err)
{
	CURLM *multi;
	double last_progress = 0;
	size_t left;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (multi = curl_multi_init()) == NULL) {
		err_set(err, "libcurl could not be initialised");
		return ST_UNAVAILABLE;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (size_t i = 0; i < n; i++) {
		jobs[i].outcome = FETCH_PENDING;
		if (!setup_job(&jobs[i], o))
			jobs[i].outcome = FETCH_FAILED;
	}
	for (;;) {
		double now = now_mono(), wait = 1.0;
		int running, msgs;
		CURLMsg *m;

		left = 0;
		for (size_t i = 0; i < n; i++) {
			struct fetch_state *st = jobs[i].priv;

			if (jobs[i].outcome != FETCH_PENDING)
				continue;
			left++;
			if (st->running)
				continue;
			if (st->not_before > now) {
				if (st->not_before - now < wait)
					wait = st->not_before - now;
				continue;
			}
			start_request(multi, &jobs[i], o);
		}
		if (left == 0)
			break;
		curl_multi_perform(multi, &running);
		while ((m = curl_multi_info_read(multi, &msgs)) != NULL) {
			struct fetch_job *job = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&job);
			on_done(multi, job, m->data.result, o);
			if (job->outcome != FETCH_PENDING)
				job->seconds = now_mono() - job->priv->started;
			wait = 0;
		}
		if (o->progress != NULL && now - last_progress >= 0.1) {
			o->progress(o->progress_ctx, jobs, n);
			last_progress = now;
		}
		if (wait > 0)
			curl_multi_poll(multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}
	for (size_t i = 0; i < n; i++)
		if (jobs[i].priv != NULL && jobs[i].priv->running)
			curl_multi_remove_handle(multi, jobs[i].priv->easy);
	curl_multi_cleanup(multi);
	if (o->progress != NULL)
		o->progress(o->progress_ctx, jobs, n);
	return ST_OK;
}
