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

static int
h_embed_figure(struct hctx *cx, struct response *r)
{
	struct card_opts o = { .dark = cx->p[EP_THEME].set && strcmp(cx->p[EP_THEME].s, "dark") == 0,
	    .lang = cx->p[EP_LANG].s, .data_as_of = cx->state->changed_at };
	struct figure_row fig;
	char data_url[64];
	struct cursor *c;
	struct buf b;
	enum status rs;

	if (!open_figure(cx, r, cx->id, &c, &fig))
		return r->status;
	snprintf(data_url, sizeof data_url, "/v1/figures/%lld", cx->id);
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

static int
h_embed_summary(struct hctx *cx, struct response *r)
{
	struct card_opts o = { .dark = cx->p[ES_THEME].set && strcmp(cx->p[ES_THEME].s, "dark") == 0,
	    .lang = cx->p[ES_LANG].s, .data_as_of = cx->state->changed_at };
	struct figure_filter f;
	struct filter_text ftext;
	struct group_row g[2], row;
	struct summary_page page;
	char data_url[QUERY_MAX + 32], group[GROUP_MAX + 1], facet[FACET_MAX];
	struct cursor *c;
	struct buf b;
	enum status rs;
	int n = 0, rc;

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
	if ((rs = summary_read(cx->store, &f, &g[0], 1, &page)) != ST_OK || page.n != 1) {
		summary_page_free(&page);
		if (rs == ST_NOMEM)
			return respond_overloaded(r, "out of memory");
		return respond_db_failed(cx, r, "reading a summary");
	}
	snprintf(data_url, sizeof data_url, "/v1/summary?%s", cx->req->query);
	o.data_url = data_url;
	buf_init(&b, 1024 * 1024);
	rs = html_summary_card(&b, &page.items[0], &o);
	summary_page_free(&page);
	if (rs != ST_OK) {
		buf_free(&b);
		return respond_overloaded(r, "the card could not be rendered");
	}
	return respond_html(r, &b);
}

/* 1 if host is a plain host[:port] (Host is client-controlled: it goes into HTML). */
static int
host_ok(const char *host)
{
	if (host == NULL || *host == '\0' || strlen(host) > 255)
		return 0;
	for (const char *p = host; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == ':' ||
		    *p == '[' || *p == ']'))
			return 0;
	return 1;
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

/* An oEmbed answer's bounds: a card's address is under 2,400 bytes, each escaped to at most 6. */
#define OEMBED_TEXT_MAX (64 * 1024)

/*
 * oEmbed: the iframe for one of our addresses (a card, or what a card shows),
 * resolved by the same router as requests (route_find), to the route's card.
 */
static int
h_oembed(struct hctx *cx, struct response *r)
{
	const char *url = cx->p[OP_URL].s, *scheme = cx->req->scheme, *host = cx->req->host;
	const char *rest, *query, *id_text;
	char base[300], path[2048], embed[QUERY_MAX + 400];
	long long id = 0, width = CARD_WIDTH, height;
	const struct route *rt;
	struct figure_row fig;
	struct cursor *c;
	struct buf html, title;
	enum status st;
	cJSON *root;
	size_t hl, pl;
	int n;

	if (cx->p[OP_FORMAT].set && strcmp(cx->p[OP_FORMAT].s, "xml") == 0)
		return respond_error(r, 501, "not_implemented", "format", "this provider answers "
		    "oEmbed in JSON only: format=json");
	if (!host_ok(host))
		return respond_error(r, 400, "invalid_parameter", NULL, "the Host header is "
		    "missing or malformed");
	if (scheme == NULL || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		scheme = "http";
	snprintf(base, sizeof base, "%s://%s", scheme, host);
	/* the URL must be ours: http(s)://<this host>/v1/... */
	rest = strncasecmp(url, "https://", 8) == 0 ? url + 8 :
	    strncasecmp(url, "http://", 7) == 0 ? url + 7 : NULL;
	hl = strlen(host);
	if (rest == NULL || strncasecmp(rest, host, hl) != 0 || rest[hl] != '/')
		return respond_error(r, 404, "not_found", "url", "url is not an address of this "
		    "service (%s)", base);
	pl = strcspn(rest + hl, "?");
	query = rest[hl + pl] == '?' ? rest + hl + pl : NULL;
	snprintf(path, sizeof path, "%.*s", (int)pl, rest + hl);   /* url is < 2000 bytes */
	if ((rt = route_find(path, &id_text)) == NULL || rt->card == NULL ||
	    (!rt->has_id && (query == NULL || query[1] == '\0')))
		return respond_error(r, 404, "not_found", "url", "url is not a card or a figure of "
		    "this service: /v1/embed/figures/{id}, /v1/embed/summary?..., /v1/figures/{id}");
	if (rt->has_id) {
		if (!parse_int64(id_text, 1, INT64_MAX, &id))
			return respond_error(r, 404, "not_found", "url", "url names no figure");
		if (!open_figure(cx, r, id, &c, &fig))
			return r->status;
		buf_init(&title, CARD_TITLE_MAX);
		st = card_title_figure(&title, &fig);
		height = fig.quote != NULL ? 330 : 260;
		store_cursor_close(c);
		/* a card's own options (theme, lang) stay; a data URL's query is not a card's */
		n = snprintf(embed, sizeof embed, "%s%s%lld%s", base, rt->card, id,
		    query != NULL && strcmp(rt->path, rt->card) == 0 ? query : "");
	} else {
		buf_init(&title, CARD_TITLE_MAX);
		st = buf_puts(&title, "figures: every source side by side");
		height = 340;
		n = snprintf(embed, sizeof embed, "%s%s%s", base, rt->card, query);
	}
	/* base is under 300 bytes and url under 2,000: embed always fits */
	if (n < 0 || (size_t)n >= sizeof embed) {
		buf_free(&title);
		return respond_error(r, 414, "query_too_long", "url", "url is too long for a card's "
		    "address here");
	}
	if (cx->p[OP_MAXWIDTH].set && cx->p[OP_MAXWIDTH].n < width)
		width = cx->p[OP_MAXWIDTH].n;
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
    ROUTE_PARAMS(embed_figure_params), h_embed_figure, NEEDS_STORE, "/v1/embed/figures/" };
const struct route route_embed_summary = { "/v1/embed/summary", 0,
    ROUTE_PARAMS(embed_summary_params), h_embed_summary, NEEDS_STORE, "/v1/embed/summary" };
const struct route route_oembed = { "/v1/oembed", 0, ROUTE_PARAMS(oembed_params),
    h_oembed, NEEDS_STORE, NULL };
