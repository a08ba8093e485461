/*
 * html.h: small self-contained HTML cards for iframes (journalists embed live
 * figures with them): no scripts, no outside assets, inline CSS, 320 px wide
 * and fluid, a light and a dark theme, English, Arabic (right to left),
 * French or Spanish (render/words.h), dates and numbers written as each
 * language writes them, and the sentence that attributes the figure
 * (render/attribution.h).
 *
 * Every value that came from a source goes through html_escape; a link is
 * made only from an http(s) URL; text from sources is bidi-isolated, so an
 * Arabic name in an English card (or the reverse) keeps its order.
 */
#ifndef FIGURES_HTML_H
#define FIGURES_HTML_H

#include "../core/buf.h"
#include "../core/rows.h"
#include "words.h"

struct card_opts {
	int         dark;
	const char *lang;        /* "en", "ar", "fr" or "es" (words_langs); else English */
	const char *data_url;    /* the JSON this card shows, linked in its footer */
	const char *data_as_of;  /* meta.data_as_of */
	/* a figure card: the date of its latest revision when it has more than one, else NULL */
	const char *revised_on;
	/* this card's oEmbed address (absolute), for the discovery <link> in <head>; or NULL */
	const char *oembed_url;
};

/* Appends s with &, <, >, " and ' escaped (NULL appends nothing). */
enum status html_escape(struct buf *b, const char *s);

/*
 * A date written for people in w's language inside <time datetime="YYYY-MM-DD">
 * ("13 October 2019"); date is a day or a time starting with one. Anything
 * else is escaped and appended as it is, never guessed at.
 */
enum status html_date(struct buf *b, const struct words *w, const char *date);

/* 1 if url may be linked: http or https, no spaces or control characters. */
int html_url_ok(const char *url);

/*
 * A card for one figure, or for one summary item (ST_INVALID if it has no
 * claim). A summary card lists up to CARD_CLAIMS_MAX claims; of a longer
 * item, the lowest and highest CARD_CLAIMS_MAX / 2 and how many are left
 * out. Its verdict, range and count are the whole item's.
 */
#define CARD_CLAIMS_MAX 40
enum status html_figure_card(struct buf *b, const struct figure_row *figure,
    const struct card_opts *o);
enum status html_summary_card(struct buf *b, const struct summary_item *item,
    const struct card_opts *o);

/*
 * The height in px a card needs at 320 px wide to show all it holds (its
 * claims and its verdict), estimated from its text: for oEmbed's height.
 */
int html_figure_card_height(const struct figure_row *figure, const struct card_opts *o);
int html_summary_card_height(const struct summary_item *item, const struct card_opts *o);

/*
 * A card that says why the card asked for cannot be shown (status, and the
 * error's message, escaped), in lang's words (English for NULL or any other),
 * for an iframe: a reader sees a sentence.
 */
enum status html_error_card(struct buf *b, int status, const char *message,
    const char *lang);
int html_error_card_height(const char *message, const char *lang);

/*
 * "almost 800 escaped: Ain Issa camp" and the like, for titles (plain text),
 * appended to b whole: a title is never cut (in a character or a name).
 * Its names are bounded at ingest, so CARD_TITLE_MAX always holds one.
 */
#define CARD_TITLE_MAX 4096
enum status card_title_figure(struct buf *b, const struct figure_row *figure);
/* "escaped: Ain Issa camp, foreign nationals" */
enum status card_title_summary(struct buf *b, const struct summary_item *item);

/*
 * For the public pages (render/page.c), in the cards' words: a value from a
 * source, escaped and bidi-isolated ("<bdi>…</bdi>"); a metric's and a
 * qualifier's words in lang ("en", "ar"; the code itself when there is no
 * word; "" for exact); a canonical cause in words; 130000 as "130,000".
 */
enum status html_bdi(struct buf *b, const char *s);
const char *html_metric_word(const char *metric, const char *lang);
const char *html_qualifier_word(const char *qualifier, const char *lang);
enum status html_cause_words(struct buf *b, const char *cause, const char *lang);
void html_grouped(long long v, char *out, size_t size);

#endif
