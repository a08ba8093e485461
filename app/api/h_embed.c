/*
 * h_embed.c: the embeddable cards and oEmbed.
 *   GET /v1/embed/figures/{id}   one figure
 *   GET /v1/embed/summary?…      one metric x location x group, every source side by side
 *   GET /v1/oembed?url=…         the iframe for a card's (or a figure's) URL, for
 *                                publishing systems (https://oembed.com, type "rich")
 */
#include "api.h"
#include "cursor.h"
#include "filters.h"
#include "summary.h"
#include "../core/base_url.h"
#include "../core/strutil.h"
#include "../render/html.h"
#include "../render/json.h"
#include "../render/words.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CARD_WIDTH 320

static const char *const themes[] = { "light", "dark", NULL };
static const char *const oembed_formats[] = { "json", "xml", NULL };

enum { EP_THEME, EP_LANG };
static const struct pspec embed_figure_params[] = {
	[EP_THEME] = { "theme", P_ENUM, 0, 0, themes },
	[EP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },
};

enum { ES_THEME = FP__FILTERS, ES_LANG };
static const struct pspec embed_summary_params[] = {
	FILTER_PSPECS,
	[ES_THEME] = { "theme", P_ENUM, 0, 0, themes },
	[ES_LANG] = { "lang", P_ENUM, 0, 0, words_langs },
};

enum { OP_URL, OP_FORMAT, OP_MAXWIDTH, OP_MAXHEIGHT };
static const struct pspec oembed_params[] = {
	[OP_URL] = { "url", P_TEXT, 0, 2000, NULL, .required = 1, .hint = "the address of a card "
	    "(/v1/embed/...) or of a figure (/v1/figures/{id})" },
	[OP_FORMAT] = { "format", P_ENUM, 0, 0, oembed_formats },
	[OP_MAXWIDTH] = { "maxwidth", P_INT, 100, 10000, NULL },
	[OP_MAXHEIGHT] = { "maxheight", P_INT, 100, 10000, NULL },
};

/* 1 if the query segment seg[0..n) is a tracking parameter (params_is_tracking). */
static int
segment_is_tracking(const char *seg, size_t n)
{
	char name[65];
	size_t k = strcspn(seg, "=");

	if (k > n)
		k = n;
	if (k >= sizeof name || memchr(seg, '%', k) != NULL)
		return 0;   /* (a percent-encoded name is rare: it stays; the card skipped it) */
	memcpy(name, seg, k);
	name[k] = '\0';
	return params_is_tracking(name);
}

/* A card leaves out tracking parameters, and its own (theme, lang) when *data. */
static int
segment_dropped(const char *seg, size_t n, void *data)
{
	return segment_is_tracking(seg, n) || (*(const int *)data &&
	    (params_segment_is(seg, n, "theme") || params_segment_is(seg, n, "lang")));
}

/*
 * The request's query without tracking parameters, and without the card's
 * own (theme, lang) when data: a card's address to give out, or the query of
 * the data it shows; with nothing to drop, the query as it was, byte for
 * byte. "" when nothing is left. 0, or -1 (out "") when out is too small.
 */
static int
clean_query(const char *q, int data, char *out, size_t size)
{
	int dropped = params_query_without(q, segment_dropped, &data, out, size);

	if (dropped == 0 && q != NULL) {
		size_t len = strlen(q);

		if (len >= size) {
			out[0] = '\0';
			return -1;
		}
		memcpy(out, q, len + 1);
	}
	return dropped < 0 ? -1 : 0;
}

#define OEMBED_URL_MAX (3 * (300 + QUERY_MAX + 64) + 340)

/*
 * The oEmbed address of this card (its own address without tracking
 * parameters, percent-encoded into url=), for the discovery <link>; 0 when
 * the Host header cannot be used.
 */
static int
oembed_url(const struct request *req, char out[OEMBED_URL_MAX])
{
	static const char hex[] = "0123456789ABCDEF";
	char base[300], query[QUERY_MAX + 1], card[300 + QUERY_MAX + 64];
	size_t o;
	int n;

	if (!request_base(req, base, sizeof base))
		return 0;
	if (clean_query(req->query, 0, query, sizeof query) != 0)
		return 0;
	n = snprintf(card, sizeof card, "%s%s%s%s", base, req->path, query[0] ? "?" : "", query);
	if (n < 0 || (size_t)n >= sizeof card)
		return 0;
	o = (size_t)snprintf(out, OEMBED_URL_MAX, "%s/v1/oembed?url=", base);
	for (const char *p = card; *p != '\0' && o + 4 < OEMBED_URL_MAX; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 1;
}

/*
 * Opens figure id into *row (from the cursor *c, which the caller closes with
 * store_cursor_close once done with row). 0 and the 404 or 503 in r if it
 * cannot be read.
 */
static int
open_figure(struct hctx *cx, struct response *r, long long id, struct cursor **c,
    struct figure_row *row)
{
	*c = store_figure(cx->store, id);
	if (store_figures_next(*c, row))
		return 1;
	if (store_cursor_close(*c) != ST_OK)
		respond_db_failed(cx, r, "reading a figure");
	else
		respond_error(r, 404, "not_found", "id", "no figure has id %lld", id);
	*c = NULL;
	return 0;
}

/*
 * The date its latest revision was retrieved (YYYY-MM-DD) into out when
 * figure id has more than one revision (it was revised), else "".
 */
static enum status
latest_revision(struct store *s, long long id, char out[11])
{
	struct revision_row rev;
	struct cursor *c = store_revisions(s, id);
	int n = 0;

	out[0] = '\0';
	while (n < 2 && store_revisions_next(c, &rev))
		if (n++ == 0 && rev.retrieved_at != NULL)
			snprintf(out, 11, "%.10s", rev.retrieved_at);
	if (n < 2)
		out[0] = '\0';
	return store_cursor_close(c);
}

static int
h_embed_figure(struct hctx *cx, struct response *r)
{
	struct card_opts o = { .dark = cx->p[EP_THEME].set && strcmp(cx->p[EP_THEME].s, "dark") == 0,
	    .lang = cx->p[EP_LANG].s, .data_as_of = cx->state->changed_at };
	struct figure_row fig;
	char data_url[BASE_URL_MAX + 64], revised[11], oembed[OEMBED_URL_MAX];
	struct cursor *c;
	struct buf b;
	enum status rs;

	if (!open_figure(cx, r, cx->id, &c, &fig))
		return r->status;
	if ((rs = latest_revision(cx->store, cx->id, revised)) != ST_OK) {
		store_cursor_close(c);
		return respond_db_failed(cx, r, "reading a figure's revisions");
	}
	o.revised_on = revised[0] != '\0' ? revised : NULL;
	if (oembed_url(cx->req, oembed))
		o.oembed_url = oembed;
	/* from the root the service is mounted at: the card's own host, under a proxy's prefix */
	snprintf(data_url, sizeof data_url, "%s/v1/figures/%lld", base_url_path(cx->req->public_url),
	    cx->id);
	o.data_url = data_url;
	buf_init(&b, 1024 * 1024);
	rs = html_figure_card(&b, &fig, &o);
	store_cursor_close(c);   /* the row was read whole: nothing left to fail */
	if (rs != ST_OK) {
		buf_free(&b);
		return respond_overloaded(r, "the card could not be rendered");
	}
	return respond_html(r, &b);
}

/*
 * Reads the one summary item the filters in cx->p (embed_summary_params)
 * select into page. 0, or the status of the error written into r (a card
 * shows one group: filters selecting none are a 404, several a 400).
 */
static int
card_summary(struct hctx *cx, struct response *r, struct summary_page *page)
{
	struct figure_filter f;
	struct filter_text ftext;
	struct group_row g[2], row;
	char group[GROUP_MAX + 1], facet[FACET_MAX];
	struct cursor *c;
	enum status rs;
	int n = 0, rc;

	memset(page, 0, sizeof *page);
	if ((rc = filters_parse(cx, r, &f, &ftext)) != 0)
		return rc;
	/* A card shows one group: the filters must name exactly one. */
	f.limit = 2;
	c = store_groups(cx->store, &f, NULL);
	while (n < 2 && store_groups_next(c, &row)) {
		g[n] = row;
		if (n == 0) {
			snprintf(group, sizeof group, "%s", row.group);
			snprintf(facet, sizeof facet, "%s", row.facet != NULL ? row.facet : "");
		}
		n++;
	}
	if (store_cursor_close(c) != ST_OK)
		return respond_db_failed(cx, r, "reading a summary's groups");
	if (n == 0)
		return respond_error(r, 404, "not_found", NULL, "no claim matches these filters");
	if (n > 1)
		return respond_error(r, 400, "invalid_parameter", NULL, "these filters select "
		    "more than one metric, location and group (or unit, cause, origin); a card shows "
		    "one: add metric, location and group, and unit, cause or origin where the "
		    "summary lists several (see /v1/summary for the groups)");
	g[0].group = group;
	g[0].facet = facet;
	if ((rs = summary_read(cx->store, &f, &g[0], 1, page)) != ST_OK || page->n != 1) {
		summary_page_free(page);
		if (rs == ST_NOMEM)
			return respond_overloaded(r, "out of memory");
		return respond_db_failed(cx, r, "reading a summary");
	}
	return 0;
}

static int
h_embed_summary(struct hctx *cx, struct response *r)
{
	struct card_opts o = { .dark = cx->p[ES_THEME].set && strcmp(cx->p[ES_THEME].s, "dark") == 0,
	    .lang = cx->p[ES_LANG].s, .data_as_of = cx->state->changed_at };
	struct summary_page page;
	char data_url[BASE_URL_MAX + QUERY_MAX + 32], query[QUERY_MAX + 1], oembed[OEMBED_URL_MAX];
	struct buf b;
	enum status rs;
	int rc;

	if ((rc = card_summary(cx, r, &page)) != 0)
		return rc;
	/* the data: the same filters, without the card's own options or tracking */
	if (clean_query(cx->req->query, 1, query, sizeof query) == 0) {
		snprintf(data_url, sizeof data_url, "%s/v1/summary%s%s",
		    base_url_path(cx->req->public_url), query[0] ? "?" : "", query);
		o.data_url = data_url;   /* (no link rather than one to other data) */
	}
	if (oembed_url(cx->req, oembed))
		o.oembed_url = oembed;
	buf_init(&b, 1024 * 1024);
	rs = html_summary_card(&b, &page.items[0], &o);
	summary_page_free(&page);
	if (rs != ST_OK) {
		buf_free(&b);
		return respond_overloaded(r, "the card could not be rendered");
	}
	return respond_html(r, &b);
}

/*
 * The iframe for the card at src: its address escaped whole, whatever it
 * holds (a query of quotes grows six-fold), so the markup is never cut.
 */
static enum status
iframe(struct buf *b, const char *src, long long width, long long height)
{
	enum status st;

	if ((st = buf_puts(b, "<iframe src=\"")) != ST_OK || (st = html_escape(b, src)) != ST_OK)
		return st;
	return buf_printf(b, "\" width=\"%lld\" height=\"%lld\" style=\"border:0;max-width:100%%\" "
	    "loading=\"lazy\" referrerpolicy=\"no-referrer\" title=\"figures\"></iframe>", width,
	    height);
}

extern const struct route route_embed_summary;

/* An oEmbed answer's bounds: a card's address is under 2,400 bytes, each escaped to at most 6. */
#define OEMBED_TEXT_MAX (64 * 1024)

/*
 * oEmbed: the iframe for one of our addresses (a card, or what a card shows),
 * resolved by the same router as requests (route_find), to the route's card.
 */
static int
h_oembed(struct hctx *cx, struct response *r)
{
	const char *url = cx->p[OP_URL].s, *ours;
	const char *rest, *query, *id_text;
	char base[300], path[2048], embed[QUERY_MAX + 400], card_query[QUERY_MAX + 1];
	long long id = 0, width = CARD_WIDTH, height;
	struct pval pv[PARAMS_MAX];
	struct perror pe;
	struct query q;
	const struct route *rt;
	struct figure_row fig;
	struct cursor *c;
	struct buf html, title;
	enum status st;
	cJSON *root;
	size_t al, ol, pl;
	int n;

	if (cx->p[OP_FORMAT].set && strcmp(cx->p[OP_FORMAT].s, "xml") == 0)
		return respond_error(r, 501, "not_implemented", "format", "this provider answers "
		    "oEmbed in JSON only: format=json");
	if (!request_base(cx->req, base, sizeof base))
		return respond_error(r, 400, "invalid_parameter", NULL, "the Host header is "
		    "missing or malformed");
	/*
	 * The URL must be ours, in either scheme: http(s)://<host[:port]>[/prefix]/v1/...,
	 * the host (any case) and prefix of the base (the public URL, or this Host).
	 */
	rest = strncasecmp(url, "https://", 8) == 0 ? url + 8 :
	    strncasecmp(url, "http://", 7) == 0 ? url + 7 : NULL;
	ours = strstr(base, "://") + 3;
	ol = strlen(ours);
	al = strcspn(ours, "/");
	if (rest == NULL || strncasecmp(rest, ours, al) != 0 ||
	    strncmp(rest + al, ours + al, ol - al) != 0 || rest[ol] != '/')
		return respond_error(r, 404, "not_found", "url", "url is not an address of this "
		    "service (%s)", base);
	rest += ol;
	pl = strcspn(rest, "?");
	query = rest[pl] == '?' ? rest + pl : NULL;
	snprintf(path, sizeof path, "%.*s", (int)pl, rest);   /* url is < 2000 bytes */
	if ((rt = route_find(path, &id_text)) == NULL || rt->card == NULL ||
	    (!rt->has_id && (query == NULL || query[1] == '\0')))
		return respond_error(r, 404, "not_found", "url", "url is not a card or a figure of "
		    "this service: /v1/embed/figures/{id}, /v1/embed/summary?..., /v1/figures/{id}");
	/*
	 * The card's own parameters, read as the card will read them. A card
	 * that will show an error (it says what is wrong, framed) gets the height
	 * of that error.
	 */
	if (query != NULL && strcmp(rt->path, rt->card) == 0 &&
	    params_parse(query + 1, rt->params, rt->nparams, &q, pv, rt->card,
	    PARAMS_SKIP_TRACKING, &pe) != 0) {
		buf_init(&title, CARD_TITLE_MAX);
		st = buf_puts(&title, "figures: this card cannot be shown");
		height = html_error_card_height(pe.message, card_lang(query + 1));
		n = clean_query(query + 1, 0, card_query, sizeof card_query) != 0 ? -1 :
		    snprintf(embed, sizeof embed, "%s%s%s%s", base, path, card_query[0] ? "?" : "",
		    card_query);
	} else if (rt->has_id) {
		struct card_opts o = { 0 };
		char revised[11];

		if (!parse_int64(id_text, 1, INT64_MAX, &id))
			return respond_error(r, 404, "not_found", "url", "url names no figure");
		if (!open_figure(cx, r, id, &c, &fig))
			return r->status;
		if (latest_revision(cx->store, id, revised) != ST_OK) {
			store_cursor_close(c);
			return respond_db_failed(cx, r, "reading a figure's revisions");
		}
		o.revised_on = revised[0] != '\0' ? revised : NULL;
		o.lang = query != NULL && strcmp(rt->path, rt->card) == 0 ? pv[EP_LANG].s : NULL;
		buf_init(&title, CARD_TITLE_MAX);
		st = card_title_figure(&title, &fig);
		height = html_figure_card_height(&fig, &o);
		store_cursor_close(c);
		/* a card's own options (theme, lang) stay; a data URL's query is not a card's */
		n = clean_query(query != NULL && strcmp(rt->path, rt->card) == 0 ? query + 1 : NULL,
		    0, card_query, sizeof card_query) != 0 ? -1 : snprintf(embed, sizeof embed,
		    "%s%s%lld%s%s", base, rt->card, id, card_query[0] ? "?" : "", card_query);
	} else {
		struct card_opts o = { 0 };
		struct summary_page page;
		struct hctx sub = *cx;
		int rc;

		struct response saved = *r;   /* (no body yet: only the headers dispatch set) */

		/* a summary's address: its filters, as the card reads them */
		buf_init(&title, CARD_TITLE_MAX);
		if (strcmp(rt->path, rt->card) != 0 && params_parse(query + 1,
		    route_embed_summary.params, route_embed_summary.nparams, &q, pv, rt->card,
		    PARAMS_SKIP_TRACKING, &pe) != 0) {
			st = buf_puts(&title, "figures: this card cannot be shown");
			height = html_error_card_height(pe.message, card_lang(query + 1));
		} else {
			sub.p = pv;
			if ((rc = card_summary(&sub, r, &page)) != 0) {
				if (rc == 503) {
					buf_free(&title);
					return rc;
				}
				/* the card will say what is wrong (no claim, several groups…) */
				height = html_error_card_height(r->error, card_lang(query + 1));
				response_free(r);
				*r = saved;
				st = buf_puts(&title, "figures: this card cannot be shown");
			} else {
				o.lang = pv[ES_LANG].s;
				st = card_title_summary(&title, &page.items[0]);
				/* tall enough for every claim the card lists and its verdict */
				height = html_summary_card_height(&page.items[0], &o);
				summary_page_free(&page);
			}
		}
		n = clean_query(query + 1, 0, card_query, sizeof card_query) != 0 ? -1 :
		    snprintf(embed, sizeof embed, "%s%s?%s", base, rt->card, card_query);
	}
	/* base is under 300 bytes and url under 2,000: embed always fits */
	if (n < 0 || (size_t)n >= sizeof embed) {
		buf_free(&title);
		return respond_error(r, 414, "query_too_long", "url", "url is too long for a card's "
		    "address here");
	}
	if (cx->p[OP_MAXWIDTH].set && cx->p[OP_MAXWIDTH].n < width)
		width = cx->p[OP_MAXWIDTH].n;
	/* a lower maxheight: the card's verdict is at its top, the rest scrolls in the frame */
	if (cx->p[OP_MAXHEIGHT].set && cx->p[OP_MAXHEIGHT].n < height)
		height = cx->p[OP_MAXHEIGHT].n;
	buf_init(&html, OEMBED_TEXT_MAX);
	if (st == ST_OK)
		st = iframe(&html, embed, width, height);
	if (st != ST_OK) {
		buf_free(&title);
		buf_free(&html);
		return respond_overloaded(r, "the oEmbed answer could not be written");
	}
	root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "version", "1.0");
	cJSON_AddStringToObject(root, "type", "rich");
	cJSON_AddStringToObject(root, "provider_name", "figures");
	snprintf(embed, sizeof embed, "%s/", base);
	cJSON_AddStringToObject(root, "provider_url", embed);
	cJSON_AddStringToObject(root, "title", title.data != NULL ? title.data : "");
	json_add_int(root, "width", width);
	json_add_int(root, "height", height);
	cJSON_AddStringToObject(root, "html", html.data);
	buf_free(&title);
	buf_free(&html);
	json_add_int(root, "cache_age", 600);
	return respond_json(r, 200, root);
}

const struct route route_embed_figure = { "/v1/embed/figures/", 1,
    ROUTE_PARAMS(embed_figure_params), h_embed_figure, NEEDS_STORE | CARD, "/v1/embed/figures/" };
const struct route route_embed_summary = { "/v1/embed/summary", 0,
    ROUTE_PARAMS(embed_summary_params), h_embed_summary, NEEDS_STORE | CARD, "/v1/embed/summary" };
const struct route route_oembed = { "/v1/oembed", 0, ROUTE_PARAMS(oembed_params),
    h_oembed, NEEDS_STORE, NULL };
