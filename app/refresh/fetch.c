#include "fetch.h"
#include "../core/buf.h"
#include "../core/log.h"
#include "../core/sha256.h"
#include "../core/strutil.h"

#include <curl/curl.h>
#include <errno.h>
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
#define HDR_MAX     512   /* bytes of a header's value kept (its length is always known) */

/* A response header's value, trimmed; len is its whole length, even if cut. */
struct hdr_value {
	char   v[HDR_MAX];
	size_t len;
	int    folded;        /* continued on another line (obs-fold) */
};

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
	double              deadline;       /* monotonic seconds: when the feed's run ends (0: never) */
	int                 capped;         /* this request's timeout is the deadline's */
	int                 sent_validator; /* this request is conditional */
	long long           page_bytes;
	long long           max_bytes;
	uint64_t            hash[2];        /* two FNV-1a 64 lanes over the whole payload */
	uint64_t            page_hash[2];   /* the lanes at this page's start (a retry resets) */
	off_t               page_start;     /* spool position where this page began */
	char                page_url[URL_MAX];
	struct hdr_value    hdr_etag, hdr_last_modified, hdr_retry_after;
	struct hdr_value   *hdr_last;       /* the header a continuation line would extend */
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
	o->deadline = 600;
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

/* 1 and the value, trimmed, in *out if line is "name: value"; else 0. */
static int
header_value(const char *line, size_t n, const char *name, struct hdr_value *out)
{
	size_t len = strlen(name);
	const char *v, *end = line + n;

	if (n <= len || strncasecmp(line, name, len) != 0 || line[len] != ':')
		return 0;
	for (v = line + len + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	out->len = (size_t)(end - v);
	out->folded = 0;
	snprintf(out->v, sizeof out->v, "%.*s", (int)(end - v), v);
	return 1;
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct fetch_state *st = ((struct fetch_job *)arg)->priv;
	size_t n = size * nmemb;

	/* A new response (after a redirect or a 100): forget the last one's headers. */
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		memset(&st->hdr_etag, 0, sizeof st->hdr_etag);
		memset(&st->hdr_last_modified, 0, sizeof st->hdr_last_modified);
		memset(&st->hdr_retry_after, 0, sizeof st->hdr_retry_after);
		st->hdr_last = NULL;
		return n;
	}
	/* A line folded onto the last header's: that value is not what we kept. */
	if (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
		if (st->hdr_last != NULL)
			st->hdr_last->folded = 1;
		return n;
	}
	st->hdr_last = NULL;
	if (header_value(line, n, "ETag", &st->hdr_etag))
		st->hdr_last = &st->hdr_etag;
	else if (header_value(line, n, "Last-Modified", &st->hdr_last_modified))
		st->hdr_last = &st->hdr_last_modified;
	else if (header_value(line, n, "Retry-After", &st->hdr_retry_after))
		st->hdr_last = &st->hdr_retry_after;
	return n;
}

/*
 * NULL if v (len bytes) may be sent as a header's value: printable ASCII
 * (spaces and tabs inside), one line, shorter than size bytes. Else why not.
 * What else an upstream sends as a validator could split the next request's
 * headers (a CR or LF) or be cut when stored; it is not worth a conditional
 * request.
 */
static const char *
header_value_invalid(const char *v, size_t len, int folded, size_t size)
{
	if (folded)
		return "it is folded over several lines";
	if (len >= size)
		return "it is too long";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r' || c == '\n')
			return "it holds a CR or LF";
		if ((c < ' ' && c != '\t') || c >= 0x7f)
			return "it holds a control character or a byte outside printable ASCII";
	}
	return NULL;
}

/* A value as it can be shown in one log line: escaped, at most about 80 bytes. */
static void
shown(const char *v, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < size && o < 80; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r')
			o += (size_t)snprintf(out + o, size - o, "\\r");
		else if (c == '\n')
			o += (size_t)snprintf(out + o, size - o, "\\n");
		else if (c < ' ' || c >= 0x7f || c == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (o + 4 < size && (o >= 80 || len > HDR_MAX - 1))
		o += (size_t)snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

/*
 * Keeps the response's validator h in out (size bytes) if it is a header
 * value fit to send back; otherwise keeps none, and says so.
 */
static void
take_validator(const struct fetch_job *job, const char *name, const struct hdr_value *h,
    char *out, size_t size)
{
	const char *why;
	char text[128];

	out[0] = '\0';
	if (h->len == 0)
		return;
	if ((why = header_value_invalid(h->v, h->len, h->folded, size)) != NULL) {
		shown(h->v, h->len, text, sizeof text);
		log_warn("feed %s: ignoring the %s \"%s\" (%zu bytes): %s, so it is no header "
		    "value to send back; the next request will not be conditional on it", job->code,
		    name, text, h->len, why);
		return;
	}
	memcpy(out, h->v, h->len);   /* shorter than size: checked */
	out[h->len] = '\0';
}

/* 1 if a stored validator (from an older build) may be sent; else 0, said once. */
static int
stored_validator_ok(const struct fetch_job *job, const char *name, const char *v, size_t size)
{
	const char *why;
	char text[128];

	if (v == NULL || *v == '\0')
		return 0;
	if ((why = header_value_invalid(v, strlen(v), 0, size)) == NULL)
		return 1;
	if (job->pages == 0 && job->attempts == 0) {
		shown(v, strlen(v), text, sizeof text);
		log_warn("feed %s: not sending the stored %s \"%s\": %s; it will be replaced",
		    job->code, name, text, why);
	}
	return 0;
}

/* Sets up the easy handle for the current page and adds it to the multi handle. */
static int
start_request(CURLM *multi, struct fetch_job *job, const struct fetch_opts *o)
{
	struct fetch_state *st = job->priv;
	const char *secret;
	char line[512];
	long timeout_ms;

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
	st->sent_validator = 0;
	if (job->pages == 0 && stored_validator_ok(job, "ETag", job->etag, sizeof job->new_etag)) {
		snprintf(line, sizeof line, "If-None-Match: %s", job->etag);
		st->headers = curl_slist_append(st->headers, line);
		st->sent_validator = 1;
	}
	if (job->pages == 0 && stored_validator_ok(job, "Last-Modified", job->last_modified,
	    sizeof job->new_last_modified)) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", job->last_modified);
		st->headers = curl_slist_append(st->headers, line);
		st->sent_validator = 1;
	}
	/* No request outlives the feed's deadline: its timeout is what is left of it. */
	timeout_ms = o->timeout * 1000L;
	st->capped = 0;
	if (st->deadline > 0 && (st->deadline - now_mono()) * 1000 < (double)timeout_ms) {
		timeout_ms = (long)((st->deadline - now_mono()) * 1000) + 1;
		if (timeout_ms < 1)
			timeout_ms = 1;
		st->capped = 1;
	}
	curl_easy_setopt(st->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(st->easy, CURLOPT_URL, st->page_url);
	curl_easy_setopt(st->easy, CURLOPT_HTTPHEADER, st->headers);
	st->attempt++;
	job->attempts++;
	if (curl_multi_add_handle(multi, st->easy) != CURLM_OK) {
		fail(job, "libcurl refused the request for %s", job->code);
		return 0;
	}
	st->running = 1;
	return 1;
}

static void easy_common(CURL *e, const struct fetch_opts *o, char *errbuf);

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
	easy_common(e, o, st->curl_err);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");   /* gzip; the cap counts decoded bytes */
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, job);
	st->started = now_mono();
	st->deadline = o->deadline > 0 ? st->started + o->deadline : 0;
	return 1;
}

/* What every transfer here is: the protocols, redirects, TLS, timeouts, size cap, name. */
static void
easy_common(CURL *e, const struct fetch_opts *o, char *errbuf)
{
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,file");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
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

/* Seconds left before the feed's deadline (HUGE_VAL: it has none). */
static double
time_left(const struct fetch_state *st)
{
	return st->deadline > 0 ? st->deadline - now_mono() : HUGE_VAL;
}

/* Fails a feed whose run reached its deadline; what: the last failure, or NULL. */
static void
fail_deadline(struct fetch_job *job, const struct fetch_opts *o, const char *what)
{
	struct fetch_state *st = job->priv;

	fail(job, "the feed did not finish within its deadline of %.0f s (--feed-deadline): "
	    "page %d, attempt %d, %lld bytes received%s%.200s; the next run will try again",
	    o->deadline, job->pages + 1, st->attempt, job->bytes, what != NULL ? ": " : "",
	    what != NULL ? what : "");
}

/*
 * Reads the response's Retry-After: 1 and *secs (from now; HUGE_VAL when the
 * number is beyond reason) and a text saying how long, or 0 if there is none
 * that can be read (then our own backoff applies).
 */
static int
retry_after(const struct hdr_value *h, double *secs, char *text, size_t size)
{
	char v[128];
	time_t when;

	if (h->len == 0 || header_value_invalid(h->v, h->len, h->folded, 64) != NULL)
		return 0;
	if (strspn(h->v, "0123456789") == h->len) {
		const char *d = h->v + strspn(h->v, "0");

		/* past 15 digits (30 million years) a double is no longer exact: beyond reason */
		*secs = strlen(d) > 15 ? HUGE_VAL : strtod(h->v, NULL);
		snprintf(text, size, "%.63s s", h->v);
		return 1;
	}
	if ((when = curl_getdate(h->v, NULL)) == -1)
		return 0;
	*secs = difftime(when, time(NULL));
	if (*secs < 0)
		*secs = 0;
	shown(h->v, h->len, v, sizeof v);
	snprintf(text, size, "until %s", v);
	return 1;
}

/* Schedules another attempt of the current page, or fails the job. */
static void
retry_or_fail(struct fetch_job *job, const struct fetch_opts *o, const char *what)
{
	struct fetch_state *st = job->priv;
	double delay, after = 0;
	char wait[160];
	int asked;

	if (st->attempt > o->retries) {
		fail(job, "%s; gave up after %d attempts", what, st->attempt);
		return;
	}
	delay = o->retry_delay * pow(2, st->attempt - 1);
	delay *= 0.75 + 0.5 * ((double)rand() / RAND_MAX);   /* jitter: not all at once */
	if ((asked = retry_after(&st->hdr_retry_after, &after, wait, sizeof wait)) != 0) {
		if (after > o->retry_after_max) {
			fail(job, "%s, and the server asks to wait %s (more than %.0f s): "
			    "the next run will try again", what, wait, o->retry_after_max);
			return;
		}
		if (after > delay)
			delay = after;
	}
	/* No attempt starts that the deadline would cut short: fail now, not later. */
	if (delay >= time_left(st)) {
		if (asked && after >= time_left(st))
			fail(job, "%s, and the server asks to wait %s, beyond the feed's deadline "
			    "(%.0f s left of %.0f s, --feed-deadline): the next run will try again",
			    what, wait, time_left(st) > 0 ? time_left(st) : 0, o->deadline);
		else
			fail_deadline(job, o, what);
		return;
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
		/* the request's time was what was left of the feed's: the deadline ended it */
		if (rc == CURLE_OPERATION_TIMEDOUT && st->capped && time_left(st) < 1.0)
			fail_deadline(job, o, what);
		else if (transient_curl(rc))
			retry_or_fail(job, o, what);
		else
			fail(job, "page %d: %s", job->pages + 1, what);
		return;
	}
	if (code == 304 && job->pages == 0 && !st->sent_validator) {
		fail(job, "page 1: HTTP 304 (not modified) to a request that sent no validator (no "
		    "If-None-Match, no If-Modified-Since): the upstream answers wrongly; the next run "
		    "will try again");
		return;
	}
	if (code == 304 && job->pages == 0) {
		job->outcome = FETCH_UNCHANGED;
		/* a 304 may update the validators; else the ones sent stay (if fit to send) */
		take_validator(job, "ETag", &st->hdr_etag, job->new_etag, sizeof job->new_etag);
		take_validator(job, "Last-Modified", &st->hdr_last_modified, job->new_last_modified,
		    sizeof job->new_last_modified);
		if (st->hdr_etag.len == 0 && stored_validator_ok(job, "ETag", job->etag,
		    sizeof job->new_etag))
			snprintf(job->new_etag, sizeof job->new_etag, "%s", job->etag);
		if (st->hdr_last_modified.len == 0 && stored_validator_ok(job, "Last-Modified",
		    job->last_modified, sizeof job->new_last_modified))
			snprintf(job->new_last_modified, sizeof job->new_last_modified, "%s",
			    job->last_modified);
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
			take_validator(job, "ETag", &st->hdr_etag, job->new_etag,
			    sizeof job->new_etag);
			take_validator(job, "Last-Modified", &st->hdr_last_modified,
			    job->new_last_modified, sizeof job->new_last_modified);
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

/* A job has its outcome: how long it took, and the caller hears of it. */
static void
finish(struct fetch_job *job, const struct fetch_opts *o)
{
	if (job->priv != NULL && job->priv->started > 0)
		job->seconds = now_mono() - job->priv->started;
	if (o->done != NULL)
		o->done(o->done_ctx, job);
}

/* Ends the transfer of a job whose deadline has passed. */
static void
expire(CURLM *multi, struct fetch_job *job, const struct fetch_opts *o)
{
	struct fetch_state *st = job->priv;

	if (st->running) {
		curl_multi_remove_handle(multi, st->easy);
		st->running = 0;
	}
	fail_deadline(job, o, NULL);
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
		if (jobs[i].outcome != FETCH_PENDING)
			continue;
		if (!setup_job(&jobs[i], o)) {
			jobs[i].outcome = FETCH_FAILED;
			finish(&jobs[i], o);
		}
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
			if (st->deadline > 0 && now >= st->deadline) {
				expire(multi, &jobs[i], o);
				finish(&jobs[i], o);
				continue;
			}
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
				finish(job, o);
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

/* fetch_file's transfer: where the body goes, and the response's validators. */
struct file_xfer {
	struct fetch_file *f;
	struct buf         body;
	struct sha256      hash;
	struct hdr_value   etag, last_modified;
	long long          max_bytes;
	char               why[ERR_MAX];
};

static size_t
file_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct file_xfer *x = arg;
	size_t n = size * nmemb;

	if (x->f->bytes + (long long)n > x->max_bytes) {
		snprintf(x->why, sizeof x->why, "the response is larger than %lld bytes",
		    x->max_bytes);
		return 0;
	}
	x->f->bytes += (long long)n;
	sha256_update(&x->hash, data, n);
	if (x->f->fd >= 0) {
		for (size_t done = 0; done < n;) {
			ssize_t w = write(x->f->fd, data + done, n - done);

			if (w < 0) {
				snprintf(x->why, sizeof x->why, "cannot write the download: %s (is "
				    "the disk full?)", strerror(errno));
				return 0;
			}
			done += (size_t)w;
		}
	} else if (buf_append(&x->body, data, n) != 0) {
		snprintf(x->why, sizeof x->why, "out of memory holding the response");
		return 0;
	}
	return n;
}

static size_t
file_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct file_xfer *x = arg;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		memset(&x->etag, 0, sizeof x->etag);
		memset(&x->last_modified, 0, sizeof x->last_modified);
	} else if (!header_value(line, n, "ETag", &x->etag))
		header_value(line, n, "Last-Modified", &x->last_modified);
	return n;
}

/* One attempt; 1 if another is worth it (the network, 408, 429, 5xx). */
static int
file_attempt(CURL *e, struct file_xfer *x, const struct fetch_opts *o, enum fetch_outcome *out)
{
	struct fetch_file *f = x->f;
	struct curl_slist *headers = NULL;
	char line[512], curl_err[CURL_ERROR_SIZE] = "";
	int conditional = 0;
	CURLcode rc;

	f->bytes = 0;
	f->http_status = 0;
	x->why[0] = '\0';
	buf_reset(&x->body);
	sha256_init(&x->hash);
	if (f->fd >= 0 && (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0)) {
		snprintf(f->err, sizeof f->err, "cannot empty the download file: %s", strerror(errno));
		*out = FETCH_FAILED;
		return 0;
	}
	if (f->etag != NULL && *f->etag != '\0' &&
	    header_value_invalid(f->etag, strlen(f->etag), 0, sizeof f->new_etag) == NULL) {
		snprintf(line, sizeof line, "If-None-Match: %s", f->etag);
		headers = curl_slist_append(headers, line);
		conditional = 1;
	}
	if (f->last_modified != NULL && *f->last_modified != '\0' &&
	    header_value_invalid(f->last_modified, strlen(f->last_modified), 0,
	    sizeof f->new_last_modified) == NULL) {
		snprintf(line, sizeof line, "If-Modified-Since: %s", f->last_modified);
		headers = curl_slist_append(headers, line);
		conditional = 1;
	}
	easy_common(e, o, curl_err);
	curl_easy_setopt(e, CURLOPT_URL, f->url);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, file_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, file_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	rc = curl_easy_perform(e);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &f->http_status);
	*out = FETCH_FAILED;
	if (rc != CURLE_OK) {
		snprintf(f->err, sizeof f->err, "fetching %s failed: %s", f->url,
		    x->why[0] != '\0' ? x->why : curl_err[0] != '\0' ? curl_err :
		    curl_easy_strerror(rc));
		return x->why[0] == '\0' && transient_curl(rc);
	}
	if (f->http_status == 304) {
		if (!conditional) {
			snprintf(f->err, sizeof f->err, "%s answered 304 Not Modified to a request "
			    "that was not conditional", f->url);
			return 0;
		}
		*out = FETCH_UNCHANGED;
		return 0;
	}
	if (f->http_status != 200 && f->http_status != 0) {
		snprintf(f->err, sizeof f->err, "%s answered HTTP %ld", f->url, f->http_status);
		return transient_status(f->http_status);
	}
	/* kept only if fit to send back, and shorter than its field: checked */
	if (header_value_invalid(x->etag.v, x->etag.len, x->etag.folded, sizeof f->new_etag) == NULL) {
		memcpy(f->new_etag, x->etag.v, x->etag.len);
		f->new_etag[x->etag.len] = '\0';
	}
	if (header_value_invalid(x->last_modified.v, x->last_modified.len, x->last_modified.folded,
	    sizeof f->new_last_modified) == NULL) {
		memcpy(f->new_last_modified, x->last_modified.v, x->last_modified.len);
		f->new_last_modified[x->last_modified.len] = '\0';
	}
	sha256_final_hex(&x->hash, f->sha256);
	*out = FETCH_OK;
	return 0;
}

enum fetch_outcome
fetch_file(struct fetch_file *f, const struct fetch_opts *o)
{
	struct file_xfer x;
	enum fetch_outcome out = FETCH_FAILED;
	double delay = o->retry_delay;
	CURL *e;

	memset(&x, 0, sizeof x);
	x.f = f;
	x.max_bytes = f->max_bytes > 0 ? f->max_bytes : o->max_bytes;
	f->body = NULL;
	f->err[0] = f->new_etag[0] = f->new_last_modified[0] = f->sha256[0] = '\0';
	buf_init(&x.body, (size_t)x.max_bytes);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (e = curl_easy_init()) == NULL) {
		snprintf(f->err, sizeof f->err, "out of memory setting up the transfer");
		buf_free(&x.body);
		return FETCH_FAILED;
	}
	for (int attempt = 0; file_attempt(e, &x, o, &out) && attempt < o->retries; attempt++) {
		log_warn("%s; trying again in %.1f s", f->err, delay);
		usleep((useconds_t)(delay * 1e6));
		delay *= 2;
	}
	curl_easy_cleanup(e);
	if (out == FETCH_OK && f->fd < 0) {
		if ((f->body = malloc(x.body.len + 1)) == NULL) {
			snprintf(f->err, sizeof f->err, "out of memory holding the response");
			out = FETCH_FAILED;
		} else {
			if (x.body.len > 0)
				memcpy(f->body, x.body.data, x.body.len);
			f->body[x.body.len] = '\0';
		}
	}
	buf_free(&x.body);
	return out;
}
