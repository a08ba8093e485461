/*
 * page.h: the public pages, for people (journalists first): server-drawn
 * HTML, no script, nothing loaded from elsewhere, readable at 320 px, light
 * and dark (prefers-color-scheme), in English, Arabic (right to left), French
 * or Spanish: the words are render/words.c's, one table for pages and cards.
 *
 *   /                 a search box (GET, /v1/search's matching) and the
 *                     latest figures by country
 *   /places/{code}    per metric and group, every source's latest claim in
 *                     words, side by side, with a chart of them over time
 *   /figures/{id}     one figure and its revisions
 *
 * A page is written in pieces, in order, between page_begin and page_end;
 * the handlers (api/h_pages.c) read the store between them. Every value
 * from a source is escaped (html_escape) and bidi-isolated; a link is made
 * from an http(s) URL only. Every page gives its data as JSON, CSV and HXL
 * (the /v1 addresses) and the code to embed it (a card's iframe and its
 * oEmbed address). Every link to the service starts with the options' root,
 * so the pages work under a proxy's path prefix too.
 */
#ifndef FIGURES_PAGE_H
#define FIGURES_PAGE_H

#include "../core/buf.h"
#include "../core/rows.h"

struct page_opts {
	const char *lang;        /* "en", "ar", "fr" or "es" (words_langs); English for any other */
	const char *base;        /* "http://host" for addresses given out; "" if unknown */
	const char *data_as_of;  /* when the figures last changed, or NULL */
	const char *path;        /* this page's path, for its other language's link */
	const char *card;        /* the page's card (a path), announced for oEmbed; NULL: none */
	/*
	 * The path every link to this service starts with: "" (or NULL) when
	 * the service is the host's root, "/figures" when a proxy mounts it
	 * there (the public URL's path, base_url_path). Escaped here.
	 */
	const char *root;
};

/* The page's head, its title (plain text, escaped here) and its header; then <main>. */
enum status page_begin(struct buf *b, const struct page_opts *o, const char *title);
/* </main>, the footer and the end of the document. */
enum status page_end(struct buf *b, const struct page_opts *o);

/* An <h1> whose text is a value from a source (bdi), after a plain prefix (may be ""). */
enum status page_h1(struct buf *b, const char *prefix, const char *text);
/* A paragraph of plain text, escaped. */
enum status page_para(struct buf *b, const char *cls, const char *text);

/* The search form, q (NULL: none) in its box. */
enum status page_search_form(struct buf *b, const struct page_opts *o, const char *q);
/* The results of q: begin, one per place, end with how many there were. */
enum status page_results_begin(struct buf *b, const struct page_opts *o, const char *q);
enum status page_result(struct buf *b, const struct page_opts *o, const struct location_row *l);
enum status page_results_end(struct buf *b, const struct page_opts *o, size_t n);

/* "Latest figures by country": begin, per country (its place row, then its figures), end. */
enum status page_countries_begin(struct buf *b, const struct page_opts *o);
enum status page_country_begin(struct buf *b, const struct page_opts *o,
    const struct location_row *country);
enum status page_figure_item(struct buf *b, const struct page_opts *o,
    const struct figure_row *fig);
enum status page_country_end(struct buf *b, const struct page_opts *o);
enum status page_countries_end(struct buf *b, const struct page_opts *o);

/*
 * One point of a chart: a source's value at a date (YYYY-MM-DD…, or NULL:
 * left out of the drawing, kept in the table), with its qualifier.
 */
struct chart_point {
	const char *series;      /* the source's name */
	const char *date;
	long long   value;
	const char *qualifier;
};
/*
 * A chart of points over time: one series per source (in the order they
 * first appear), an inline SVG with a <title> and <desc>, and the same
 * points as a table. id makes its element ids unique in the page.
 */
enum status page_chart(struct buf *b, const struct page_opts *o, const char *title,
    const struct chart_point *pts, size_t n, int id);

/*
 * One summary item of a place page: what it counts, the sentence that says
 * whether the sources agree ("Sources disagree: … counted 100, … said almost
 * 800."), every claim with its range, dates, qualifier, origin and unit, a
 * chart of figures (every figure of the group, pts), its data links and its
 * embed code. card is the card's path and query (/v1/embed/summary?…), data
 * the /v1/summary address of the item; id unique in the page.
 */
enum status page_summary_item(struct buf *b, const struct page_opts *o,
    const struct summary_item *item, const struct chart_point *pts, size_t npts,
    const char *data, const char *card, int id);

/* A figure page's figure: the number, what, where, who, when, quote. */
enum status page_figure(struct buf *b, const struct page_opts *o, const struct figure_row *fig);
/* Its revisions, newest first: begin, one each, end. */
enum status page_revisions_begin(struct buf *b, const struct page_opts *o);
enum status page_revision(struct buf *b, const struct page_opts *o,
    const struct revision_row *rev);
enum status page_revisions_end(struct buf *b, const struct page_opts *o);

/*
 * "Data: JSON · CSV · HXL": json, and table (NULL: json) with format=csv and
 * format=hxl (a figure's JSON is /v1/figures/{id}, its table a filtered list);
 * both paths from the service's root, written after the options' root.
 */
enum status page_links(struct buf *b, const struct page_opts *o, const char *json,
    const char *table);
/*
 * The box with the embed code of card (a path and query) and its oEmbed
 * address, under a heading of level (2 or 3, as the page's outline needs).
 */
enum status page_embed(struct buf *b, const struct page_opts *o, const char *card, int id,
    int level);

/* An error page's body: its heading and the message (plain text). */
enum status page_error_body(struct buf *b, const struct page_opts *o, int status,
    const char *message);

/*
 * s with every byte but A-Z a-z 0-9 - . _ ~ percent-encoded, appended to b
 * (for a value in a query: a group's name, a card's address).
 */
enum status page_url_encode(struct buf *b, const char *s);

#endif
