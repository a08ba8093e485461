/*
 * h_pages.c: the public pages, for people who know only the address
 * (render/page.h). Served by the worker like the API, with its validators
 * (ETag, 304, Cache-Control); not in openapi.json, which is the API's.
 *   GET /                 search (?q=, as /v1/search) and the latest figures by country
 *   GET /places/{code}    every source's latest claim per metric and group, side by side
 *   GET /figures/{id}     one figure and its revisions
 * Each takes lang=en|ar|fr|es (render/words.c; Arabic right to left), English by default.
 */
#include "api.h"
#include "summary.h"
#include "../core/base_url.h"
#include "../core/strutil.h"
#include "../render/html.h"
#include "../render/page.h"
#include "../render/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#define PAGE_BYTES_MAX     (8 * 1024 * 1024)
#define HOME_COUNTRIES     12     /* countries on /, most figures first */
#define HOME_FIGURES       5      /* each one's latest figures */
#define HOME_RESULTS       50     /* places a search shows */
#define PLACE_GROUPS       100    /* a place's summary items shown */
#define PLACE_FIGURES      2000   /* a place's figures drawn in its charts, newest first */

enum { HP_Q, HP_LANG };
static const struct pspec home_params[] = {
	[HP_Q] = { "q", P_TEXT, 0, SEARCH_TEXT_MAX, NULL },
	[HP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },
};

enum { PP_LANG };
static const struct pspec page_params[] = {
	[PP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },
};

/*
 * The page's options: its language, "scheme://host" when Host is sound, the
 * data's date, and the root its links start with (the public URL's path).
 */
static void
opts_of(const struct hctx *cx, const char *lang, char *base, size_t size, struct page_opts *o)
{
	request_base(cx->req, base, size);   /* "" when Host is not sound */
	o->lang = lang != NULL ? lang : "en";
	o->base = base;
	o->data_as_of = cx->state != NULL ? cx->state->changed_at : NULL;
	o->path = cx->req->path;
	o->card = NULL;
	o->root = base_url_path(cx->req->public_url);
}

/* The page in b as the answer, or a 503 if it could not be written (st). */
static int
answer(struct response *r, struct buf *b, enum status st)
{
	if (st != ST_OK) {
		buf_free(b);
		return respond_overloaded(r, "the page could not be rendered");
	}
	return respond_page(r, 200, b);
}

/* The latest figures of each country with figures. */
static enum status
countries(struct hctx *cx, struct buf *b, const struct page_opts *o, int *db_failed)
{
	struct location_row country;
	struct figure_row fig;
	struct cursor *c, *fc;
	enum status st;
	char iso[8];

	if ((st = page_countries_begin(b, o)) != ST_OK)
		return st;
	c = store_countries(cx->store, HOME_COUNTRIES);
	while (st == ST_OK && store_locations_next(c, &country)) {
		struct figure_filter f = { .limit = HOME_FIGURES };

		snprintf(iso, sizeof iso, "%s", country.country);
		f.country = iso;
		if ((st = page_country_begin(b, o, &country)) != ST_OK)
			break;
		fc = store_figures(cx->store, &f);
		while (st == ST_OK && store_figures_next(fc, &fig))
			st = page_figure_item(b, o, &fig);
		if (store_cursor_close(fc) != ST_OK)
			*db_failed = 1;
		if (st == ST_OK)
			st = page_country_end(b, o);
	}
	if (store_cursor_close(c) != ST_OK)
		*db_failed = 1;
	return st == ST_OK ? page_countries_end(b, o) : st;
}

/* The places matching q. */
static enum status
results(struct hctx *cx, struct buf *b, const struct page_opts *o, const char *q, int *db_failed)
{
	struct location_row row;
	struct cursor *c;
	size_t n = 0;
	enum status st;

	if ((st = page_results_begin(b, o, q)) != ST_OK)
		return st;
	c = store_search(cx->store, q, HOME_RESULTS);
	while (st == ST_OK && store_locations_next(c, &row)) {
		st = page_result(b, o, &row);
		n++;
	}
	if (store_cursor_close(c) != ST_OK)
		*db_failed = 1;
	return st == ST_OK ? page_results_end(b, o, n) : st;
}

static int
h_page_home(struct hctx *cx, struct response *r)
{
	const char *q = cx->p[HP_Q].s;
	struct page_opts o;
	char base[300];
	struct buf b;
	enum status st;
	int db_failed = 0;

	opts_of(cx, cx->p[HP_LANG].s, base, sizeof base, &o);
	buf_init(&b, PAGE_BYTES_MAX);
	st = page_begin(&b, &o, q != NULL ? q : words_for(o.lang)->page.home_title);
	if (st == ST_OK)
		st = buf_printf(&b, "<h1>%s</h1>\n", words_for(o.lang)->page.home_h1);
	if (st == ST_OK)
		st = page_search_form(&b, &o, q);
	if (st == ST_OK && q != NULL)
		st = results(cx, &b, &o, q, &db_failed);
	if (st == ST_OK)
		st = countries(cx, &b, &o, &db_failed);
	if (st == ST_OK)
		st = page_end(&b, &o);
	if (db_failed) {
		buf_free(&b);
		return respond_db_failed(cx, r, "reading the home page's places and figures");
	}
	return answer(r, &b, st);
}

/* ---- a place ---- */

/* The place's name, or its code: the search's exact-code match (it comes first). */
static int
place_name(struct hctx *cx, const char *code, char *name, size_t size)
{
	struct location_row row;
	struct cursor *c = store_search(cx->store, code, 5);
	int found = 0;

	snprintf(name, size, "%s", code);
	while (!found && store_locations_next(c, &row))
		if (strcmp(row.code, code) == 0) {
			utf8_copy(name, size, row.name);
			found = 1;
		}
	return store_cursor_close(c) == ST_OK;
}

/* The place's figures, newest first, copied (rows[i] with blocks[i]): for the charts. */
struct figures {
	struct figure_row *rows;
	char             **blocks;
	size_t             n;
};

static void
figures_free(struct figures *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->blocks[i]);
	free(fs->rows);
	free(fs->blocks);
}

static enum status
figures_read(struct hctx *cx, long long location, struct figures *fs)
{
	struct figure_filter f = { .location = location, .limit = PLACE_FIGURES };
	struct figure_row row;
	struct cursor *c;
	enum status st = ST_OK;

	memset(fs, 0, sizeof *fs);
	fs->rows = calloc(PLACE_FIGURES, sizeof *fs->rows);
	fs->blocks = calloc(PLACE_FIGURES, sizeof *fs->blocks);
	if (fs->rows == NULL || fs->blocks == NULL)
		return ST_NOMEM;
	c = store_figures(cx->store, &f);
	while (st == ST_OK && fs->n < PLACE_FIGURES && store_figures_next(c, &row)) {
		if ((fs->blocks[fs->n] = figure_row_copy(&fs->rows[fs->n], &row)) == NULL)
			st = ST_NOMEM;
		else
			fs->n++;
	}
	if (store_cursor_close(c) != ST_OK && st == ST_OK)
		st = ST_DB;
	return st;
}

static int
same_text(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0;
}

/* 1 if fig counts what the item's claims count (metric, group, unit, cause, origin). */
static int
same_item(const struct figure_row *fig, const struct figure_row *claim)
{
	return same_text(fig->metric, claim->metric) && same_text(fig->group, claim->group) &&
	    same_text(fig->unit, claim->unit) && same_text(fig->cause, claim->cause) &&
	    same_text(fig->origin.code, claim->origin.code);
}

/* The item's filters as a query: location, metric, group, unit, cause, origin. */
static enum status
item_query(struct buf *b, const char *code, const struct figure_row *c)
{
	enum status st;

	if ((st = buf_puts(b, "location=")) != ST_OK || (st = page_url_encode(b, code)) != ST_OK ||
	    (st = buf_puts(b, "&metric=")) != ST_OK || (st = page_url_encode(b, c->metric)) != ST_OK)
		return st;
	if (c->group != NULL && *c->group != '\0' && ((st = buf_puts(b, "&group=")) != ST_OK ||
	    (st = page_url_encode(b, c->group)) != ST_OK))
		return st;
	if (c->unit != NULL && ((st = buf_puts(b, "&unit=")) != ST_OK ||
	    (st = page_url_encode(b, c->unit)) != ST_OK))
		return st;
	if (c->cause != NULL && ((st = buf_puts(b, "&cause=")) != ST_OK ||
	    (st = page_url_encode(b, c->cause)) != ST_OK))
		return st;
	if (c->origin.code != NULL && ((st = buf_puts(b, "&origin=")) != ST_OK ||
	    (st = page_url_encode(b, c->origin.code)) != ST_OK))
		return st;
	return ST_OK;
}

/* One item: its chart's points (the figures of its group), its data and card addresses. */
static enum status
place_item(struct buf *b, const struct page_opts *o, const char *code,
    const struct summary_item *it, const struct figures *fs, int id)
{
	struct chart_point *pts;
	struct buf query, data, card;
	size_t n = 0;
	enum status st;

	if (it->n == 0)
		return ST_OK;
	if ((pts = calloc(fs->n + 1, sizeof *pts)) == NULL)
		return ST_NOMEM;
	for (size_t i = 0; i < fs->n; i++) {
		const struct figure_row *f = &fs->rows[i];

		if (!same_item(f, &it->claims[0]))
			continue;
		pts[n++] = (struct chart_point){ f->source.name, f->as_of != NULL ? f->as_of :
		    f->period_end != NULL ? f->period_end : f->sort_date, f->value, f->qualifier };
	}
	buf_init(&query, 16 * 1024);
	buf_init(&data, 16 * 1024);
	buf_init(&card, 16 * 1024);
	st = item_query(&query, code, &it->claims[0]);
	if (st == ST_OK)
		st = buf_printf(&data, "/v1/summary?%s", query.data);
	if (st == ST_OK)
		st = buf_printf(&card, "/v1/embed/summary?%s", query.data);
	if (st == ST_OK)
		st = page_summary_item(b, o, it, pts, n, data.data, card.data, id);
	buf_free(&query);
	buf_free(&data);
	buf_free(&card);
	free(pts);
	return st;
}

/* The place's groups (every metric x group x facet with a claim there), copied. */
static enum status
place_groups(struct hctx *cx, const struct figure_filter *f, struct group_row *keys, size_t *n)
{
	struct group_row row;
	struct cursor *c = store_groups(cx->store, f, NULL);
	enum status st = ST_OK;

	*n = 0;
	while (st == ST_OK && *n < PLACE_GROUPS && store_groups_next(c, &row)) {
		keys[*n] = row;
		keys[*n].group = strdup(row.group != NULL ? row.group : "");
		keys[*n].facet = strdup(row.facet != NULL ? row.facet : "");
		if (keys[*n].group == NULL || keys[*n].facet == NULL) {
			free((char *)keys[*n].group);
			free((char *)keys[*n].facet);
			st = ST_NOMEM;
		} else
			(*n)++;
	}
	if (store_cursor_close(c) != ST_OK && st == ST_OK)
		st = ST_DB;
	return st;
}

/* 0: sources disagree, 1: several agree, 2: one source. */
static int
item_rank(const struct summary_item *it)
{
	return it->n > 1 ? (it->agree ? 1 : 0) : 2;
}

static enum status
place_body(struct hctx *cx, struct buf *b, const struct page_opts *o, const char *name,
    const struct summary_page *page, const struct figures *fs)
{
	const char *code = cx->code;
	struct buf json;
	enum status st;

	st = page_h1(b, "", name);
	if (st == ST_OK)
		st = buf_puts(b, "<p class=\"meta\" dir=\"ltr\">");
	if (st == ST_OK)
		st = html_escape(b, code);
	if (st == ST_OK)
		st = buf_puts(b, "</p>\n");
	buf_init(&json, 1024);
	if (st == ST_OK)
		st = buf_puts(&json, "/v1/summary?location=");
	if (st == ST_OK)
		st = page_url_encode(&json, code);
	if (st == ST_OK)
		st = page_links(b, o, json.data, NULL);
	buf_free(&json);
	if (st == ST_OK && page->n == 0)
		st = page_para(b, "meta", words_for(o->lang)->page.no_place_figures);
	/* where sources disagree first, then where several agree, then single claims */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; st == ST_OK && i < page->n; i++)
			if (item_rank(&page->items[i]) == pass)
				st = place_item(b, o, code, &page->items[i], fs, (int)i + 1);
	return st;
}

static int
h_page_place(struct hctx *cx, struct response *r)
{
	struct figure_filter f = { .limit = PLACE_GROUPS };
	struct group_row *keys;
	struct summary_page page = { 0 };
	struct figures fs = { 0 };
	struct page_opts o;
	char base[300], name[1024];
	struct buf b, card;
	size_t n = 0;
	enum status st;

	if (store_lookup(cx->store, LOOKUP_LOCATION, cx->code, &f.location) != ST_OK)
		return respond_error(r, 404, "not_found", "code", "no place has the code %s: "
		    "search for its name at /", cx->code);
	if (!place_name(cx, cx->code, name, sizeof name))
		return respond_db_failed(cx, r, "reading a place");
	if ((keys = calloc(PLACE_GROUPS, sizeof *keys)) == NULL)
		return respond_overloaded(r, "out of memory");
	st = place_groups(cx, &f, keys, &n);
	if (st == ST_OK)
		st = summary_read(cx->store, &f, keys, n, &page);
	if (st == ST_OK)
		st = figures_read(cx, f.location, &fs);
	for (size_t i = 0; i < n; i++) {
		free((char *)keys[i].group);
		free((char *)keys[i].facet);
	}
	free(keys);
	if (st != ST_OK) {
		summary_page_free(&page);
		figures_free(&fs);
		if (st == ST_DB)
			return respond_db_failed(cx, r, "reading a place's figures");
		return respond_overloaded(r, "out of memory");
	}
	opts_of(cx, cx->p[PP_LANG].s, base, sizeof base, &o);
	/* announced for oEmbed: the card of the place's first group */
	buf_init(&card, 16 * 1024);
	if (page.n > 0 && buf_puts(&card, "/v1/embed/summary?") == ST_OK &&
	    item_query(&card, cx->code, &page.items[0].claims[0]) == ST_OK)
		o.card = card.data;
	buf_init(&b, PAGE_BYTES_MAX);
	st = page_begin(&b, &o, name);
	if (st == ST_OK)
		st = place_body(cx, &b, &o, name, &page, &fs);
	if (st == ST_OK)
		st = page_end(&b, &o);
	summary_page_free(&page);
	figures_free(&fs);
	buf_free(&card);
	return answer(r, &b, st);
}

/* ---- a figure ---- */

/* The figure's revisions as the chart's points (dates copied into dates[]), oldest last. */
static enum status
revision_points(struct hctx *cx, const struct figure_row *fig, struct chart_point *pts,
    char (*dates)[11], char (*quals)[16], size_t max, size_t *n)
{
	struct revision_row rev;
	struct cursor *c = store_revisions(cx->store, fig->id);

	*n = 0;
	while (*n < max && store_revisions_next(c, &rev)) {
		const char *d = rev.as_of != NULL ? rev.as_of : rev.period_end != NULL ?
		    rev.period_end : rev.reported_on != NULL ? rev.reported_on : rev.retrieved_at;

		snprintf(dates[*n], 11, "%.10s", d != NULL ? d : "");
		snprintf(quals[*n], 16, "%s", rev.qualifier != NULL ? rev.qualifier : "");
		pts[*n] = (struct chart_point){ fig->source.name, d != NULL ? dates[*n] : NULL,
		    rev.value, quals[*n] };
		(*n)++;
	}
	return store_cursor_close(c) == ST_OK ? ST_OK : ST_DB;
}

#define FIGURE_REVISIONS_DRAWN 200

static enum status
figure_body(struct hctx *cx, struct buf *b, const struct page_opts *o,
    const struct figure_row *fig, int *db_failed)
{
	struct drawn {
		struct chart_point pts[FIGURE_REVISIONS_DRAWN];
		char dates[FIGURE_REVISIONS_DRAWN][11], quals[FIGURE_REVISIONS_DRAWN][16];
	} *d = calloc(1, sizeof *d);
	struct revision_row rev;
	struct buf json, table, card, title;
	struct cursor *c;
	size_t n = 0;
	enum status st;

	if (d == NULL)
		return ST_NOMEM;
	if (revision_points(cx, fig, d->pts, d->dates, d->quals, FIGURE_REVISIONS_DRAWN, &n) !=
	    ST_OK)
		*db_failed = 1;
	st = page_figure(b, o, fig);
	buf_init(&title, CARD_TITLE_MAX);
	if (st == ST_OK)
		st = card_title_figure(&title, fig);
	if (st == ST_OK)
		st = page_chart(b, o, title.data, d->pts, n, 1);
	buf_free(&title);
	free(d);
	buf_init(&json, 1024);
	buf_init(&table, 16 * 1024);
	buf_init(&card, 1024);
	if (st == ST_OK)
		st = buf_printf(&json, "/v1/figures/%lld", fig->id);
	/* its table: this source's figures of the same place, metric and group */
	if (st == ST_OK)
		st = buf_puts(&table, "/v1/figures?source=");
	if (st == ST_OK)
		st = page_url_encode(&table, fig->source.code);
	if (st == ST_OK)
		st = buf_puts(&table, "&");
	if (st == ST_OK)
		st = item_query(&table, fig->location.code, fig);
	if (st == ST_OK)
		st = page_links(b, o, json.data, table.data);
	if (st == ST_OK)
		st = buf_printf(&card, "/v1/embed/figures/%lld", fig->id);
	if (st == ST_OK)
		st = page_embed(b, o, card.data, 1, 2);
	buf_free(&json);
	buf_free(&table);
	buf_free(&card);
	if (st == ST_OK)
		st = page_revisions_begin(b, o);
	c = store_revisions(cx->store, fig->id);
	while (st == ST_OK && store_revisions_next(c, &rev))
		st = page_revision(b, o, &rev);
	if (store_cursor_close(c) != ST_OK)
		*db_failed = 1;
	return st == ST_OK ? page_revisions_end(b, o) : st;
}

static int
h_page_figure(struct hctx *cx, struct response *r)
{
	struct figure_row row, fig;
	struct page_opts o;
	struct cursor *c;
	struct buf b, title;
	char base[300], card_path[64], *block = NULL;
	int found, db_failed = 0;
	enum status st;

	c = store_figure(cx->store, cx->id);
	if ((found = store_figures_next(c, &row)))
		block = figure_row_copy(&fig, &row);
	if (store_cursor_close(c) != ST_OK) {
		free(block);
		return respond_db_failed(cx, r, "reading a figure");
	}
	if (!found)
		return respond_error(r, 404, "not_found", "id", "no figure has id %lld", cx->id);
	if (block == NULL)
		return respond_overloaded(r, "out of memory");
	opts_of(cx, cx->p[PP_LANG].s, base, sizeof base, &o);
	snprintf(card_path, sizeof card_path, "/v1/embed/figures/%lld", fig.id);
	o.card = card_path;   /* announced for oEmbed */
	buf_init(&b, PAGE_BYTES_MAX);
	buf_init(&title, CARD_TITLE_MAX);
	st = card_title_figure(&title, &fig);
	if (st == ST_OK)
		st = page_begin(&b, &o, title.data);
	if (st == ST_OK)
		st = page_h1(&b, words_for(o.lang)->page.figure_prefix, title.data);
	buf_free(&title);
	if (st == ST_OK)
		st = figure_body(cx, &b, &o, &fig, &db_failed);
	if (st == ST_OK)
		st = page_end(&b, &o);
	free(block);
	if (db_failed) {
		buf_free(&b);
		return respond_db_failed(cx, r, "reading a figure's revisions");
	}
	return answer(r, &b, st);
}

/* ---- errors ---- */

/*
 * The value of the query's lang parameter (its last, as the parameters
 * read it), into out; NULL when it has none or one too long to be ours.
 * An error page speaks the language asked for when it knows it, and
 * English otherwise (words_for).
 */
static const char *
query_lang(const char *query, char *out, size_t size)
{
	const char *found = NULL;
	size_t n = 0;

	for (const char *p = query; p != NULL && *p != '\0'; p += strcspn(p, "&"), p += *p == '&') {
		if (strncmp(p, "lang=", 5) == 0) {
			found = p + 5;
			n = strcspn(found, "&");
		}
	}
	if (found == NULL || n >= size)
		return NULL;
	memcpy(out, found, n);
	out[n] = '\0';
	return out;
}

void
page_error(const struct request *req, struct response *r)
{
	struct page_opts o = { .lang = "en", .base = "", .path = "/",
	    .root = base_url_path(req->public_url) };
	cJSON *root = r->body != NULL ? cJSON_ParseWithLength(r->body, r->len) : NULL;
	const cJSON *msg = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "error"), "message");
	struct buf b;
	enum status st;
	char title[16], lang[8];

	o.lang = words_for(query_lang(req->query, lang, sizeof lang))->lang;
	snprintf(title, sizeof title, "%d", r->status);
	buf_init(&b, 64 * 1024);
	st = page_begin(&b, &o, title);
	if (st == ST_OK)
		st = page_error_body(&b, &o, r->status, cJSON_IsString(msg) ? msg->valuestring :
		    "this page cannot be shown");
	if (st == ST_OK)
		st = page_end(&b, &o);
	cJSON_Delete(root);
	if (st != ST_OK) {   /* the JSON error stays */
		buf_free(&b);
		return;
	}
	respond_page(r, r->status, &b);
}

const struct route route_page_home = { "/", 0, ROUTE_PARAMS(home_params), h_page_home,
    NEEDS_STORE | PAGE, NULL };
const struct route route_page_place = { "/places/", 0, ROUTE_PARAMS(page_params),
    h_page_place, NEEDS_STORE | PAGE | CODE_ID, NULL };
const struct route route_page_figure = { "/figures/", 1, ROUTE_PARAMS(page_params),
    h_page_figure, NEEDS_STORE | PAGE, NULL };
