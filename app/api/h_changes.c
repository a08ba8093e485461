/*
 * h_changes.c: GET /v1/changes (claims added, revised or withdrawn since a
 * time, oldest first, paged) and GET /v1/changes.atom (the newest of the
 * same as an Atom feed, for live blogs and alert tools), both filtered like
 * /v1/figures.
 *
 * A change's time is when the refresher wrote it: an addition's or a
 * revision's retrieved_at, a withdrawal's withdrawn_at. The refresher writes
 * one feed at a time, so a change never appears later with a time before
 * one already shown: a client that passes the last `at` it saw as since
 * (and drops the ids it has) misses nothing.
 */
#include "api.h"
#include "filters.h"
#include "../core/strutil.h"
#include "../render/atom.h"
#include "../render/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CP_LIMIT = FP__FILTERS, CP_CURSOR, CP__COUNT };

/* include=withdrawn means nothing here: a change to a figure now withdrawn is listed */
static const char *const change_includes[] = { "sublocations", NULL };

/* The feed's entries: its newest changes, as many as a reader takes at once. */
#define ATOM_DEFAULT 50
#define ATOM_MAX     200

#define TIME_HINT "a time, YYYY-MM-DDThh:mm:ssZ (UTC, as a change's at), or a date, " \
	"YYYY-MM-DD (from its first second)"

/*
 * The figures' filters, but since and until are the changes' times, not the
 * figure's date (hence the overrides: FILTER_PSPECS stays the one list).
 */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
static const struct pspec changes_params[] = {
	FILTER_PSPECS,
	[FP_INCLUDE] = { "include", P_LIST, 0, 0, change_includes },
	[FP_SINCE] = { "since", P_TEXT, 0, 20, NULL, 1, TIME_HINT },
	[FP_UNTIL] = { "until", P_TEXT, 0, 20, NULL },
	[CP_LIMIT] = { "limit", P_INT, 1, PAGE_MAX, NULL },
	[CP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
};
/* The feed: since is optional (a subscription's address stays the same). */
static const struct pspec atom_params[] = {
	FILTER_PSPECS,
	[FP_INCLUDE] = { "include", P_LIST, 0, 0, change_includes },
	[FP_SINCE] = { "since", P_TEXT, 0, 20, NULL },
	[FP_UNTIL] = { "until", P_TEXT, 0, 20, NULL },
	[CP_LIMIT] = { "limit", P_INT, 1, ATOM_MAX, NULL },
};
#if defined(__clang__)
#pragma clang diagnostic pop
#else
#pragma GCC diagnostic pop
#endif

/* The two digits at s as a number; -1 if they are not two digits. */
static int
two_digits(const char *s)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* 1 if s is exactly YYYY-MM-DDThh:mm:ssZ and a real time. */
static int
time_valid(const char *s)
{
	char date[11];
	int h, m, sec;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	h = two_digits(s + 11);
	m = two_digits(s + 14);
	sec = two_digits(s + 17);
	return date_valid(date) && h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60;
}

/*
 * A since or until value as a time (a date: its first second, or for until
 * its last): 0, or the status of the 400 naming the parameter.
 */
static int
time_param(struct response *r, const struct pval *v, const char *name, int end_of_day,
    char out[21])
{
	if (!v->set)
		return 0;
	if (date_valid(v->s)) {
		snprintf(out, 21, "%sT%s", v->s, end_of_day ? "23:59:59Z" : "00:00:00Z");
		return 0;
	}
	if (time_valid(v->s)) {
		memcpy(out, v->s, 21);
		return 0;
	}
	return respond_error(r, 400, "invalid_parameter", name, "%s must be %s, not '%s'", name,
	    TIME_HINT, v->s);
}

/* "c1|<at>|<seq>|<tag>": the last change of a page. */
static int
cursor_decode_change(const char *token, char at[21], long long *seq, int *tag)
{
	char text[64];
	long long t;

	if (!cursor_decode_text(token, 'c', text, sizeof text) || strlen(text) < 24 ||
	    text[20] != '|')
		return 0;
	memcpy(at, text, 20);
	at[20] = '\0';
	char *bar = strchr(text + 21, '|');
	if (!time_valid(at) || bar == NULL)
		return 0;
	*bar = '\0';
	if (!parse_int64(text + 21, 1, INT64_MAX, seq) || !parse_int64(bar + 1, 0, 1, &t))
		return 0;
	*tag = (int)t;
	return 1;
}

struct changes_req {
	struct change_filter cf;
	struct filter_text   ftext;
	char since[21], until[21], after[21];
	int  limit;
};

/* Reads the request's filters, times, cursor and limit: 0, or the status of the 400. */
static int
changes_parse(struct hctx *cx, struct response *r, struct changes_req *q, int paged,
    int limit_default)
{
	struct pval pv[CP__COUNT];
	struct hctx sub = *cx;
	int rc, tag;

	memset(q, 0, sizeof *q);
	/* the figure filters without since and until, which are not the figure's date here */
	memcpy(pv, cx->p, (paged ? CP__COUNT : CP_CURSOR) * sizeof pv[0]);
	pv[FP_SINCE].set = pv[FP_UNTIL].set = 0;
	pv[FP_SINCE].s = pv[FP_UNTIL].s = NULL;
	sub.p = pv;
	if ((rc = filters_parse(&sub, r, &q->cf.f, &q->ftext)) != 0 ||
	    (rc = time_param(r, &cx->p[FP_SINCE], "since", 0, q->since)) != 0 ||
	    (rc = time_param(r, &cx->p[FP_UNTIL], "until", 1, q->until)) != 0)
		return rc;
	q->cf.since = cx->p[FP_SINCE].set ? q->since : NULL;
	q->cf.until = cx->p[FP_UNTIL].set ? q->until : NULL;
	if (q->cf.since != NULL && q->cf.until != NULL && strcmp(q->since, q->until) > 0)
		return respond_error(r, 400, "invalid_parameter", "until", "until (%s) is before "
		    "since (%s)", q->until, q->since);
	if (paged && cx->p[CP_CURSOR].set) {
		if (!cursor_decode_change(cx->p[CP_CURSOR].s, q->after, &q->cf.after_seq, &tag))
			return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not "
			    "one this API issued: pass meta.next_cursor back unchanged");
		q->cf.after_at = q->after;
		q->cf.after_tag = tag;
	}
	q->limit = cx->p[CP_LIMIT].set ? (int)cx->p[CP_LIMIT].n : limit_default;
	return 0;
}

/* A value of a change: {value, qualifier, as_of, period}, or null. */
static cJSON *
json_change_value(const struct change_value *v)
{
	cJSON *o, *period;

	if (!v->set)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	json_add_int(o, "value", v->value);
	json_add_text(o, "qualifier", v->qualifier);
	json_add_text(o, "as_of", v->as_of);
	if (v->period_start == NULL && v->period_end == NULL)
		cJSON_AddNullToObject(o, "period");
	else {
		period = cJSON_AddObjectToObject(o, "period");
		json_add_text(period, "start", v->period_start);
		json_add_text(period, "end", v->period_end);
	}
	return o;
}

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* {id, kind, at, figure, old, new, changed}: one change (docs/DESIGN.md, "Shapes"). */
static cJSON *
json_change(const struct change_row *c)
{
	cJSON *o = cJSON_CreateObject(), *changed;
	char id[CHANGE_ID_MAX];

	change_id(c, id);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "kind", change_kind_name(c->kind));
	json_add_text(o, "at", c->at);
	cJSON_AddItemToObject(o, "figure", json_figure(&c->figure));
	cJSON_AddItemToObject(o, "old", json_change_value(&c->old));
	cJSON_AddItemToObject(o, "new", json_change_value(&c->new_));
	/* what differs between old and new, when there are both */
	changed = cJSON_AddArrayToObject(o, "changed");
	if (c->old.set && c->new_.set) {
		if (c->old.value != c->new_.value)
			cJSON_AddItemToArray(changed, cJSON_CreateString("value"));
		if (!same(c->old.qualifier, c->new_.qualifier))
			cJSON_AddItemToArray(changed, cJSON_CreateString("qualifier"));
		if (!same(c->old.as_of, c->new_.as_of))
			cJSON_AddItemToArray(changed, cJSON_CreateString("as_of"));
		if (!same(c->old.period_start, c->new_.period_start) ||
		    !same(c->old.period_end, c->new_.period_end))
			cJSON_AddItemToArray(changed, cJSON_CreateString("period"));
	}
	return o;
}

static int
h_changes(struct hctx *cx, struct response *r)
{
	struct changes_req q;
	struct change_row row;
	char next[CURSOR_MAX + 1], text[64], last_at[21] = "";
	long long last_seq = 0;
	int last_tag = 0, n = 0, rc;
	cJSON *root, *data, *meta;
	struct cursor *c;

	if ((rc = changes_parse(cx, r, &q, 1, PAGE_DEFAULT)) != 0)
		return rc;
	q.cf.limit = q.limit + 1;   /* one more tells whether there is a next page */
	root = cJSON_CreateObject();
	data = cJSON_AddArrayToObject(root, "data");
	c = store_changes(cx->store, &q.cf);
	while (store_changes_next(c, &row)) {
		if (++n > q.limit)
			break;
		cJSON_AddItemToArray(data, json_change(&row));
		snprintf(last_at, sizeof last_at, "%s", row.at != NULL ? row.at : "");
		last_seq = row.seq;
		last_tag = row.kind == CHANGE_WITHDRAWN;
	}
	if (store_cursor_close(c) != ST_OK) {
		cJSON_Delete(root);
		return respond_db_failed(cx, r, "listing changes");
	}
	if (n > q.limit) {
		snprintf(text, sizeof text, "%s|%lld|%d", last_at, last_seq, last_tag);
		if (!cursor_encode_text('c', text, next, sizeof next))
			next[0] = '\0';   /* cannot happen: the text is short ASCII */
	}
	meta = respond_meta(root, cx);
	json_add_text(meta, "since", q.cf.since);
	json_add_text(meta, "until", q.cf.until);
	json_add_int(meta, "limit", q.limit);
	json_add_text(meta, "next_cursor", n > q.limit && next[0] ? next : NULL);
	return respond_json(r, 200, root);
}

/* "figures: changes" and the filters asked for, as given: the feed's title. */
static void
feed_title(const struct hctx *cx, const struct pspec *spec, size_t n, struct buf *b)
{
	int first = 1;

	buf_puts(b, "figures: changes");
	for (size_t i = 0; i < n; i++) {
		if (!cx->p[i].set)
			continue;
		buf_printf(b, "%s%s=%s", first ? " (" : ", ", spec[i].name, cx->p[i].s);
		first = 0;
	}
	if (!first)
		buf_putc(b, ')');
}

static int
h_changes_atom(struct hctx *cx, struct response *r)
{
	const char *query = cx->req->query != NULL ? cx->req->query : "";
	char base[300], self[QUERY_READ_MAX + 32];
	struct changes_req q;
	struct change_row row;
	struct atom_feed feed;
	struct buf b, title;
	struct cursor *c;
	enum status st;
	int rc;

	if ((rc = changes_parse(cx, r, &q, 0, ATOM_DEFAULT)) != 0)
		return rc;
	if (!request_base(cx->req, base, sizeof base))
		return respond_error(r, 400, "invalid_parameter", NULL, "the Host header is "
		    "missing or malformed: a feed's addresses are absolute");
	snprintf(self, sizeof self, "%s%s%s", cx->req->path, *query ? "?" : "", query);
	/* the newest changes: what a reader polling the same address wants */
	q.cf.newest_first = 1;
	q.cf.limit = q.limit;
	buf_init(&title, 8 * 1024);
	feed_title(cx, atom_params, FP__FILTERS, &title);
	feed = (struct atom_feed){ .base = base, .self = self,
	    .title = title.data != NULL ? title.data : "figures: changes",
	    .updated = cx->state->changed_at };
	buf_init(&b, 64 * 1024 * 1024);
	st = atom_feed_begin(&b, &feed);
	c = store_changes(cx->store, &q.cf);
	while (st == ST_OK && store_changes_next(c, &row))
		st = atom_entry(&b, &feed, &row);
	if (st == ST_OK)
		st = atom_feed_end(&b);
	buf_free(&title);
	if (store_cursor_close(c) != ST_OK) {
		buf_free(&b);
		return respond_db_failed(cx, r, "listing changes");
	}
	if (st != ST_OK) {
		buf_free(&b);
		return respond_overloaded(r, "the feed could not be rendered (too large, or out of "
		    "memory): ask for a smaller limit");
	}
	response_free(r);
	r->status = 200;
	r->content_type = "application/atom+xml; charset=utf-8";
	r->body = b.data;
	r->len = b.len;
	return 200;
}

const struct route route_changes = { "/v1/changes", 0, ROUTE_PARAMS(changes_params),
    h_changes, NEEDS_STORE, NULL };
const struct route route_changes_atom = { "/v1/changes.atom", 0, ROUTE_PARAMS(atom_params),
    h_changes_atom, NEEDS_STORE, NULL };
