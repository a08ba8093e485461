#include "html.h"
#include "attribution.h"
#include "words.h"
#include "../core/strutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum status
html_escape(struct buf *b, const char *s)
{
	enum status st = ST_OK;

	for (; s != NULL && *s != '\0' && st == ST_OK; s++)
		switch (*s) {
		case '&': st = buf_puts(b, "&amp;"); break;
		case '<': st = buf_puts(b, "&lt;"); break;
		case '>': st = buf_puts(b, "&gt;"); break;
		case '"': st = buf_puts(b, "&quot;"); break;
		case '\'': st = buf_puts(b, "&#39;"); break;
		default: st = buf_putc(b, *s);
		}
	return st;
}

int
html_url_ok(const char *url)
{
	if (url == NULL || (strncasecmp(url, "https://", 8) != 0 &&
	    strncasecmp(url, "http://", 7) != 0))
		return 0;
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return 0;
	return strlen(url) < 2000;
}

/*
 * A date for people in the card's language, "13 October 2019", marked up
 * with its machine-readable day; a text that is no date is escaped as given.
 */
enum status
html_date(struct buf *b, const struct words *w, const char *date)
{
	char day[11];
	enum status st;

	if (date == NULL || strlen(date) < 10 || (date[10] != '\0' && date[10] != 'T'))
		return html_escape(b, date);
	memcpy(day, date, 10);
	day[10] = '\0';
	if (!date_valid(day))
		return html_escape(b, date);
	if ((st = buf_printf(b, "<time datetime=\"%s\">", day)) != ST_OK ||
	    (st = words_date(b, w, day)) != ST_OK)
		return st;
	return buf_puts(b, "</time>");
}

#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)

static enum status
head(struct buf *b, const struct words *w, const struct card_opts *o, const char *title)
{
	enum status st;

	CHECK(buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>", w->lang, w->dir));
	CHECK(html_escape(b, title));
	CHECK(buf_puts(b, "</title>\n"));
	if (o->oembed_url != NULL) {
		/* oEmbed discovery (https://oembed.com/#section4): publishing systems find it here */
		CHECK(buf_puts(b, "<link rel=\"alternate\" type=\"application/json+oembed\" href=\""));
		CHECK(html_escape(b, o->oembed_url));
		CHECK(buf_puts(b, "\" title=\""));
		CHECK(html_escape(b, title));
		CHECK(buf_puts(b, "\">\n"));
	}
	CHECK(buf_puts(b, "<style>\n"
	    ":root{color-scheme:light dark}\n"
	    "*{box-sizing:border-box}\n"
	    "body{margin:0;font:15px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	    "\"Noto Sans\",\"Noto Sans Arabic\",Tahoma,sans-serif;background:#fff;color:#1b1b1b}\n"
	    ".card{max-width:100%;min-width:0;padding:14px 16px;border:1px solid #d9d9d9;"
	    "border-radius:10px;overflow-wrap:anywhere}\n"
	    ".fig{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 .35em;margin:0}\n"
	    ".q{font-size:17px;font-weight:600;color:#555}\n"
	    ".n{font-size:34px;font-weight:750;line-height:1.1;font-variant-numeric:tabular-nums}\n"
	    ".what{font-size:16px;font-weight:600;margin:2px 0 0}\n"
	    ".where{margin:0 0 8px;color:#333}\n"
	    ".meta{font-size:13px;color:#555;margin:2px 0}\n"
	    ".quote{font-size:13px;font-style:italic;margin:8px 0;padding-inline-start:8px;"
	    "border-inline-start:3px solid #ccc;color:#333}\n"
	    ".claims{list-style:none;margin:8px 0;padding:0}\n"
	    ".claims li{display:flex;flex-wrap:wrap;gap:0 .4em;align-items:baseline;padding:5px 0;"
	    "border-top:1px solid #eee}\n"
	    ".claims .n{font-size:20px}\n"
	    ".badge{display:inline-block;font-size:12px;font-weight:700;padding:2px 8px;"
	    "border-radius:999px;background:#e7f4ea;color:#14532d}\n"
	    ".badge.no{background:#fdecea;color:#8a1c12}\n"
	    ".status{font-size:13px;font-weight:700;margin:4px 0;color:#8a4b00}\n"
	    ".status.gone{color:#8a1c12}\n"
	    ".attr{font-size:13px;margin:8px 0 0;padding:6px 8px;border-radius:6px;"
	    "background:#f4f5f7;color:#1b1b1b}\n"
	    "a{color:#0b57d0}\n"
	    "footer{margin-top:8px;padding-top:6px;border-top:1px solid #eee}\n"
	    ".dark{background:#121417;color:#eceff1}\n"
	    ".dark .card{border-color:#3a3f45}\n"
	    ".dark .q,.dark .meta{color:#b8bec5}\n"
	    ".dark .where,.dark .quote{color:#d6dade}\n"
	    ".dark .claims li,.dark footer{border-color:#2c3137}\n"
	    ".dark a{color:#8ab4f8}\n"
	    ".dark .badge{background:#17351f;color:#b7e4c7}\n"
	    ".dark .badge.no{background:#3d1a17;color:#f5b7b1}\n"
	    ".dark .status{color:#f6c177}\n"
	    ".dark .status.gone{color:#f5b7b1}\n"
	    ".dark .attr{background:#1e2227;color:#eceff1}\n"
	    "</style>\n</head>\n"));
	return buf_printf(b, "<body class=\"%s\">\n<article class=\"card\">\n",
	    o->dark ? "dark" : "light");
}

/* "<bdi>text</bdi>": a value from a source, isolated from the card's direction. */
static enum status
bdi(struct buf *b, const char *s)
{
	enum status st;

	CHECK(buf_puts(b, "<bdi>"));
	CHECK(html_escape(b, s));
	return buf_puts(b, "</bdi>");
}

static enum status
link(struct buf *b, const char *url, const char *text, int isolate)
{
	enum status st;

	if (!html_url_ok(url))
		return isolate ? bdi(b, text) : html_escape(b, text);
	CHECK(buf_puts(b, "<a href=\""));
	CHECK(html_escape(b, url));
	CHECK(buf_puts(b, "\" target=\"_blank\" rel=\"noopener noreferrer\">"));
	CHECK(isolate ? bdi(b, text) : html_escape(b, text));
	return buf_puts(b, "</a>");
}

/* The qualifier and the number, e.g. "almost" "800". */
static enum status
number(struct buf *b, const struct words *w, const struct figure_row *fig)
{
	const char *q = words_qualifier(w, fig->qualifier);
	char n[WORDS_NUMBER_MAX];
	enum status st;

	words_number(w, fig->value, n);
	if (q != NULL && *q != '\0') {
		CHECK(buf_puts(b, "<span class=\"q\">"));
		CHECK(html_escape(b, q));
		CHECK(buf_puts(b, "</span> "));
	}
	return buf_printf(b, "<span class=\"n\" dir=\"ltr\">%s</span>", n);
}

static enum status
date_of(struct buf *b, const struct words *w, const struct figure_row *fig)
{
	const char *as_of = fig->as_of, *start = fig->period_start, *end = fig->period_end;

	enum status st;

	if (as_of != NULL) {
		CHECK(buf_printf(b, "%s ", w->as_of));
		return html_date(b, w, as_of);
	}
	if (start != NULL || end != NULL) {
		CHECK(start != NULL ? html_date(b, w, start) : buf_puts(b, "…"));
		CHECK(buf_puts(b, " – "));
		return end != NULL ? html_date(b, w, end) : buf_puts(b, "…");
	}
	return html_escape(b, w->no_date);
}

static enum status
footer(struct buf *b, const struct words *w, const struct card_opts *o,
    const struct figure_row *fig)
{
	enum status st;

	CHECK(buf_puts(b, "<footer class=\"meta\">figures · "));
	if (fig != NULL && fig->retrieved_at != NULL) {
		CHECK(buf_printf(b, "%s ", w->retrieved));
		CHECK(html_date(b, w, fig->retrieved_at));
		CHECK(buf_puts(b, " · "));
	}
	if (o->data_url != NULL) {
		CHECK(buf_puts(b, "<a href=\""));
		CHECK(html_escape(b, o->data_url));
		CHECK(buf_puts(b, "\" target=\"_blank\" rel=\"noopener\">"));
		CHECK(html_escape(b, w->data));
		CHECK(buf_puts(b, "</a>"));
	}
	return buf_puts(b, "</footer>\n</article>\n</body>\n</html>\n");
}

/* A canonical cause ("conflict+disaster") in words: "conflict, disaster". */
static enum status
cause_words(struct buf *b, const struct words *w, const char *cause)
{
	enum status st;
	int first = 1;

	while (*cause != '\0') {
		size_t len = strcspn(cause, "+");
		char word[16];

		snprintf(word, sizeof word, "%.*s", (int)(len < 15 ? len : 15), cause);
		if (!first)
			CHECK(buf_puts(b, ", "));
		CHECK(html_escape(b, words_cause(w, word)));
		first = 0;
		cause += len + (cause[len] == '+');
	}
	return ST_OK;
}

/*
 * "escaped · <group>" (with "households", the origin and the cause when the
 * figure says them) and "<place> (SYR)": what a figure or a group counts,
 * and where.
 */
static enum status
what_where(struct buf *b, const struct words *w, const struct figure_row *obj)
{
	const struct location_row *loc = &obj->location;
	const char *group = obj->group;
	enum status st;

	CHECK(buf_puts(b, "<p class=\"what\">"));
	CHECK(html_escape(b, words_metric(w, obj->metric)));
	if (obj->unit != NULL && strcmp(obj->unit, "households") == 0) {
		CHECK(buf_puts(b, " ("));
		CHECK(html_escape(b, w->households));
		CHECK(buf_puts(b, ")"));
	}
	if (group != NULL && *group != '\0') {
		CHECK(buf_puts(b, " · "));
		CHECK(bdi(b, group));
	}
	if (obj->origin.code != NULL) {
		CHECK(buf_printf(b, " · %s ", w->from));
		CHECK(bdi(b, obj->origin.name != NULL ? obj->origin.name : obj->origin.code));
	}
	if (obj->cause != NULL && *obj->cause != '\0') {
		CHECK(buf_puts(b, " · "));
		CHECK(cause_words(b, w, obj->cause));
	}
	CHECK(buf_puts(b, "</p>\n<p class=\"where\">"));
	CHECK(bdi(b, loc->name));
	return buf_printf(b, " <span class=\"meta\">(%.3s)</span></p>\n", loc->country ?
	    loc->country : "");
}

/* " (households)" after a title's metric for a household count, else "". */
static const char *
households(const struct figure_row *fig)
{
	return fig->unit != NULL && strcmp(fig->unit, "households") == 0 ? " (households)" : "";
}

/* s, or "" for NULL. */
static const char *
text_of(const char *s)
{
	return s != NULL ? s : "";
}

enum status
card_title_figure(struct buf *b, const struct figure_row *fig)
{
	const struct words *w = words_for("en");
	const char *q = words_qualifier(w, fig->qualifier);
	char n[WORDS_NUMBER_MAX];

	words_number(w, fig->value, n);
	return buf_printf(b, "%s%s%s %s%s: %s%s%s", text_of(q), q && *q ? " " : "", n,
	    words_metric(w, fig->metric), households(fig),
	    text_of(fig->location.name), fig->origin.name ? ", from " : "",
	    text_of(fig->origin.name));
}

enum status
card_title_summary(struct buf *b, const struct summary_item *item)
{
	const struct words *w = words_for("en");
	const struct figure_row *first = &item->claims[0];

	if (item->n == 0)
		return buf_puts(b, "figures");
	return buf_printf(b, "%s%s: %s%s%s%s%s", words_metric(w, first->metric),
	    households(first), text_of(first->location.name),
	    first->group && *first->group ? ", " : "", text_of(first->group),
	    first->origin.name ? ", from " : "", text_of(first->origin.name));
}

/*
 * The page's head with the title title_of writes for row: the title whole,
 * however long its names (they are bounded at ingest), never cut.
 */
static enum status
head_titled(struct buf *b, const struct words *w, const struct card_opts *o,
    enum status (*title_of)(struct buf *, const void *), const void *row)
{
	struct buf title;
	enum status st;

	buf_init(&title, CARD_TITLE_MAX);
	st = title_of(&title, row);
	if (st == ST_OK)
		st = head(b, w, o, title.data);
	buf_free(&title);
	return st;
}

static enum status
figure_title(struct buf *b, const void *row)
{
	return card_title_figure(b, row);
}

static enum status
summary_title(struct buf *b, const void *row)
{
	return card_title_summary(b, row);
}

/*
 * "no longer published by the feed" for a withdrawn figure, else "revised on
 * <date>" when revised_on is set: a reader of an old embed sees it changed.
 */
static enum status
figure_status(struct buf *b, const struct words *w, const struct figure_row *fig,
    const char *revised_on)
{
	enum status st;

	if (fig->withdrawn) {
		CHECK(buf_puts(b, "<p class=\"status gone\">"));
		CHECK(html_escape(b, w->withdrawn));
		return buf_puts(b, "</p>\n");
	}
	if (revised_on == NULL)
		return ST_OK;
	CHECK(buf_puts(b, "<p class=\"status\">"));
	CHECK(html_escape(b, w->revised_on));
	CHECK(buf_puts(b, " "));
	CHECK(html_date(b, w, revised_on));
	return buf_puts(b, "</p>\n");
}

/* The figure's licence, else its source's; NULL when neither is known. */
static const char *
licence_of(const struct figure_row *fig)
{
	return fig->licence != NULL ? fig->licence : fig->source.licence;
}

/* "Licence: CC BY 4.0" (a link when it is an address); nothing when unknown. */
static enum status
licence_line(struct buf *b, const struct words *w, const char *licence, int whole_line)
{
	enum status st;

	if (licence == NULL || *licence == '\0')
		return ST_OK;
	if (whole_line)
		CHECK(buf_puts(b, "<p class=\"meta licence\">"));
	CHECK(html_escape(b, w->licence));
	CHECK(buf_puts(b, ": "));
	CHECK(link(b, licence, licence, 1));
	return whole_line ? buf_puts(b, "</p>\n") : ST_OK;
}

enum status
html_figure_card(struct buf *b, const struct figure_row *fig, const struct card_opts *o)
{
	const struct words *w = words_for(o->lang);
	const struct source_row *src = &fig->source;
	const char *quote = fig->quote, *via = fig->via;
	enum status st;

	CHECK(head_titled(b, w, o, figure_title, fig));
	CHECK(buf_puts(b, "<p class=\"fig\">"));
	CHECK(number(b, w, fig));
	CHECK(buf_puts(b, "</p>\n"));
	CHECK(figure_status(b, w, fig, o->revised_on));
	CHECK(what_where(b, w, fig));
	CHECK(buf_puts(b, "<p class=\"meta\">"));
	CHECK(html_escape(b, w->source));
	CHECK(buf_puts(b, ": "));
	CHECK(link(b, src->url, src->name, 1));
	CHECK(buf_puts(b, " · "));
	CHECK(date_of(b, w, fig));
	CHECK(buf_puts(b, "</p>\n"));
	if (via != NULL) {
		CHECK(buf_puts(b, "<p class=\"meta\">"));
		CHECK(html_escape(b, w->via));
		CHECK(buf_puts(b, " "));
		CHECK(bdi(b, via));
		CHECK(buf_puts(b, "</p>\n"));
	}
	if (quote != NULL) {
		CHECK(buf_puts(b, "<blockquote class=\"quote\" dir=\"auto\">“"));
		CHECK(html_escape(b, quote));
		CHECK(buf_puts(b, "”</blockquote>\n"));
	}
	if (html_url_ok(fig->url)) {
		CHECK(buf_puts(b, "<p class=\"meta\">"));
		CHECK(link(b, fig->url, w->document, 0));
		CHECK(buf_puts(b, " ↗</p>\n"));
	}
	CHECK(licence_line(b, w, licence_of(fig), 1));
	/* the sentence to quote it by (attribution.h), in the card's language */
	CHECK(buf_puts(b, "<p class=\"attr\">"));
	CHECK(attribution_figure_html(b, fig, w->lang));
	CHECK(buf_puts(b, "</p>\n"));
	return footer(b, w, o, fig);
}

/* "… 9,960 more sources in between …": the claims a long list leaves out. */
static enum status
claims_left_out(struct buf *b, const struct words *w, size_t n)
{
	char count[WORDS_NUMBER_MAX];

	words_number(w, (long long)n, count);
	return buf_printf(b, "<li class=\"meta\">… <span dir=\"ltr\">%s</span> %s …</li>\n",
	    count, w->between);
}

/*
 * The verdict, first (it is what a reader came for, and an iframe cut short
 * still shows it): agree or disagree, the range and the count of sources.
 */
static enum status
verdict(struct buf *b, const struct words *w, const struct summary_item *item)
{
	char lo[WORDS_NUMBER_MAX], hi[WORDS_NUMBER_MAX];
	enum status st;

	CHECK(buf_puts(b, "<p class=\"meta verdict\">"));
	words_number(w, item->min, lo);
	words_number(w, item->max, hi);
	if (item->n > 1) {
		CHECK(buf_printf(b, "<span class=\"badge%s\">%s</span> ", item->agree ? "" : " no",
		    item->agree ? w->agree : w->disagree));
		CHECK(buf_printf(b, "%s <span dir=\"ltr\">%s – %s</span> · %lu %s", w->range, lo, hi,
		    (unsigned long)item->n, w->sources));
	} else
		CHECK(html_escape(b, w->one_source));
	return buf_puts(b, "</p>\n");
}

/* The claims' licences, each once ("Licence: CC BY 4.0 · CC BY-IGO"); nothing when none is known. */
static enum status
licences(struct buf *b, const struct words *w, const struct summary_item *item)
{
	const char *seen[8];
	size_t nseen = 0;
	enum status st;

	for (size_t i = 0; i < item->n && nseen < 8; i++) {
		const char *l = licence_of(&item->claims[i]);
		size_t k;

		if (l == NULL || *l == '\0')
			continue;
		for (k = 0; k < nseen && strcmp(seen[k], l) != 0; k++)
			;
		if (k < nseen)
			continue;
		if (nseen == 0)
			CHECK(buf_puts(b, "<p class=\"meta licence\">"));
		else
			CHECK(buf_puts(b, " · "));
		CHECK(nseen == 0 ? licence_line(b, w, l, 0) : link(b, l, l, 1));
		seen[nseen++] = l;
	}
	return nseen > 0 ? buf_puts(b, "</p>\n") : ST_OK;
}

enum status
html_summary_card(struct buf *b, const struct summary_item *item, const struct card_opts *o)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	if (item->n == 0)
		return ST_INVALID;
	CHECK(head_titled(b, w, o, summary_title, item));
	CHECK(what_where(b, w, &item->claims[0]));
	CHECK(verdict(b, w, item));
	CHECK(buf_puts(b, "<ul class=\"claims\">\n"));
	for (size_t i = 0; i < item->n; i++) {
		const struct figure_row *c = &item->claims[i];

		/* a long list: its lowest and its highest claims, the count of the others */
		if (item->n > CARD_CLAIMS_MAX && i == CARD_CLAIMS_MAX / 2) {
			CHECK(claims_left_out(b, w, item->n - CARD_CLAIMS_MAX));
			i = item->n - CARD_CLAIMS_MAX / 2;
			c = &item->claims[i];
		}

		CHECK(buf_puts(b, "<li>"));
		CHECK(number(b, w, c));
		CHECK(buf_puts(b, " <span>"));
		CHECK(link(b, c->url, c->source.name, 1));
		CHECK(buf_puts(b, "</span> <span class=\"meta\">"));
		CHECK(date_of(b, w, c));
		CHECK(buf_puts(b, "</span>"));
		if (c->withdrawn) {
			CHECK(buf_puts(b, " <span class=\"status gone\">"));
			CHECK(html_escape(b, w->withdrawn));
			CHECK(buf_puts(b, "</span>"));
		}
		CHECK(buf_puts(b, "</li>\n"));
	}
	CHECK(buf_puts(b, "</ul>\n"));
	CHECK(licences(b, w, item));
	CHECK(buf_puts(b, "<p class=\"attr\">"));
	CHECK(attribution_summary_html(b, item, w->lang));
	CHECK(buf_puts(b, "</p>\n"));
	return footer(b, w, o, NULL);
}

enum status
html_error_card(struct buf *b, int status, const char *message, const char *lang)
{
	const struct words *w = words_for(lang);
	const struct card_opts o = { 0 };
	const char *what = status == 404 ? w->err_not_found : status == 503 ?
	    w->err_unavailable : w->err_other;
	enum status st;

	CHECK(head(b, w, &o, what));
	CHECK(buf_puts(b, "<p class=\"what\">"));
	CHECK(html_escape(b, what));
	CHECK(buf_puts(b, "</p>\n<p class=\"meta\">"));
	CHECK(html_escape(b, message));
	CHECK(buf_printf(b, "</p>\n<p class=\"meta\"><span dir=\"ltr\">HTTP %d</span> · ", status));
	CHECK(html_escape(b, status < 500 ? w->err_check : w->err_recover));
	return buf_puts(b, "</p>\n<footer class=\"meta\">figures</footer>\n</article>\n</body>\n"
	    "</html>\n");
}

/*
 * Heights: what a card needs at CARD_WIDTH, estimated from its text with the
 * widths of the stylesheet above (measured in Chromium at 320 px: a claim's
 * line is 35 px, each line it wraps to 22 more), rounded up rather than down:
 * a card a little too tall shows some blank space, one too short hides its
 * end. Characters, not bytes, are counted.
 */
#define CARD_INNER 286          /* 320 px less the card's padding and border */

static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Lines a run of text of width px takes when it starts on a line of its own. */
static int
lines_of(double px)
{
	int n = (int)(px / CARD_INNER);

	return n + (px > n * CARD_INNER || n == 0);
}

/* Flex items laid out in wrapping lines (each item whole; a longer one on lines of its own). */
static int
flex_lines(const double *w, size_t n)
{
	double used = 0;
	int lines = 1;

	for (size_t i = 0; i < n; i++) {
		if (w[i] <= 0)
			continue;
		if (w[i] > CARD_INNER) {
			lines += (used > 0) + lines_of(w[i]) - 1;
			used = CARD_INNER;   /* whatever follows starts a new line */
			continue;
		}
		if (used > 0 && used + 6 + w[i] > CARD_INNER) {
			lines++;
			used = 0;
		}
		used += (used > 0 ? 6 : 0) + w[i];
	}
	return lines;
}

/* A claim's row in a summary card, in px. */
static int
claim_height(const struct words *w, const struct figure_row *c)
{
	const char *q = words_qualifier(w, c->qualifier);
	char n[WORDS_NUMBER_MAX];
	double items[4];

	words_number(w, c->value, n);
	items[0] = q != NULL && *q ? 10.0 * (double)chars(q) : 0;
	items[1] = 12.5 * (double)strlen(n);
	items[2] = 8.0 * (double)chars(c->source.name);
	items[3] = c->as_of != NULL ? 7.0 * (double)(chars(w->as_of) + 11) :
	    c->period_start != NULL || c->period_end != NULL ? 7.0 * 25 :
	    7.0 * (double)chars(w->no_date);
	if (c->withdrawn)
		items[3] += 7.5 * (double)chars(w->withdrawn) + 6;
	return 35 + 22 * (flex_lines(items, 4) - 1);
}

/* A line of 13 px text (meta), in px: 19 a line. */
static int
meta_height(double chars_13px)
{
	return 19 * lines_of(6.8 * chars_13px);
}

/* The licence's line: a meta line and its margin (2 px) under it. */
static int
licence_height(const char *licence)
{
	return licence != NULL && *licence ? 3 + meta_height((double)chars(licence) + 10) : 0;
}

/*
 * A figure card's footer beyond its first line: "figures · retrieved 14
 * October 2019 · Data", the date written for people, wraps in the wordier
 * languages ("obtenido el 14 de octubre de 2019").
 */
static int
footer_extra_height(const struct words *w, const struct figure_row *fig)
{
	struct buf t;
	double n = 10 + (double)chars(w->data);
	char day[11];
	int h;

	if (fig->retrieved_at == NULL)
		return meta_height(n) - 19;
	snprintf(day, sizeof day, "%.10s", fig->retrieved_at);
	buf_init(&t, 256);
	if (words_date(&t, w, day) != ST_OK)
		buf_reset(&t);
	n += (double)chars(w->retrieved) + 4 + (t.data != NULL ? (double)chars(t.data) : 20);
	h = meta_height(n) - 19;
	buf_free(&t);
	return h;
}

/*
 * The attribution sentence's box (.attr: 13 px text, 8 px above, 6 px of
 * padding above and below, 8 px either side, so 270 px of line): its plain
 * text laid out word by word (a word that does not fit starts a line; one
 * longer than a line is broken anywhere), at 7 px a character.
 */
static int
attr_height(const char *text)
{
	const double line = CARD_INNER - 16, space = 3.5;
	double used = 0;
	int lines = 1;

	while (text != NULL && *text != '\0') {
		size_t n = strcspn(text, " ");
		char word[256];
		double w;

		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word - 1 ? n : sizeof word - 1),
		    text);
		w = 7.0 * (double)chars(word);
		if (used > 0 && used + space + w > line) {
			lines++;
			used = 0;
		}
		for (; w > line; w -= line)
			lines++;
		used += (used > 0 ? space : 0) + w;
		text += n;
		text += strspn(text, " ");
	}
	return 20 + 19 * lines;
}

static int
figure_attr_height(const struct figure_row *fig, const struct words *w)
{
	struct buf t;
	int h;

	buf_init(&t, 16 * 1024);
	h = attribution_figure(&t, fig, w->lang) == ST_OK ? attr_height(t.data) : 20 + 19 * 4;
	buf_free(&t);
	return h;
}

static int
summary_attr_height(const struct summary_item *item, const struct words *w)
{
	struct buf t;
	int h;

	buf_init(&t, 64 * 1024);
	h = attribution_summary(&t, item, w->lang) == ST_OK ? attr_height(t.data) :
	    20 + 19 * 8;
	buf_free(&t);
	return h;
}

/* What what_where writes: the metric line (16 px) and the place line. */
static int
what_where_height(const struct words *w, const struct figure_row *f)
{
	double what = (double)chars(words_metric(w, f->metric)) +
	    (double)chars(f->group) + 3 + (f->origin.name != NULL ?
	    (double)chars(f->origin.name) + 8 : 0) + (f->cause != NULL ? (double)chars(f->cause) +
	    3 : 0);

	return 24 * lines_of(8.5 * what) + 29 * lines_of(8.0 * ((double)chars(f->location.name) + 6));
}

int
html_summary_card_height(const struct summary_item *item, const struct card_opts *o)
{
	const struct words *w = words_for(o->lang);
	int h = 92, nlic = 0;   /* padding, borders, list margins, footer */

	if (item->n == 0)
		return h;
	h += what_where_height(w, &item->claims[0]);
	h += item->n > 1 ? 26 : 19;   /* the verdict: a badge, or "one source" */
	for (size_t i = 0; i < item->n; i++) {
		if (item->n > CARD_CLAIMS_MAX && i == CARD_CLAIMS_MAX / 2) {
			h += 35;   /* "… n more sources in between …" */
			i = item->n - CARD_CLAIMS_MAX / 2;
		}
		h += claim_height(w, &item->claims[i]);
	}
	for (size_t i = 0; i < item->n && nlic < 8; i++)
		if (licence_of(&item->claims[i]) != NULL)
			nlic += licence_height(licence_of(&item->claims[i]));
	return h + nlic + summary_attr_height(item, w);
}

int
html_figure_card_height(const struct figure_row *fig, const struct card_opts *o)
{
	const struct words *w = words_for(o->lang);
	int h = 110;   /* padding, borders, the number (34 px), the footer; and some room */

	h += what_where_height(w, fig);
	h += meta_height((double)chars(w->source) + (double)chars(fig->source.name) + 20);
	if (fig->via != NULL)
		h += meta_height((double)chars(w->via) + (double)chars(fig->via) + 1);
	if (fig->quote != NULL)
		h += 16 + meta_height((double)chars(fig->quote) + 2);
	if (html_url_ok(fig->url))
		h += 19;
	if (fig->withdrawn || o->revised_on != NULL)
		h += 23;
	return h + licence_height(licence_of(fig)) + figure_attr_height(fig, w) +
	    footer_extra_height(w, fig);
}

int
html_error_card_height(const char *message, const char *lang)
{
	const struct words *w = words_for(lang);

	return 110 + meta_height((double)chars(message)) +
	    meta_height((double)chars(w->err_check) + 12);
}

/* For the public pages (render/page.c): the cards' words and bidi isolation. */
enum status
html_bdi(struct buf *b, const char *s)
{
	return bdi(b, s);
}

const char *
html_metric_word(const char *metric, const char *lang)
{
	return words_metric(words_for(lang), metric);
}

const char *
html_qualifier_word(const char *qualifier, const char *lang)
{
	return words_qualifier(words_for(lang), qualifier);
}

enum status
html_cause_words(struct buf *b, const char *cause, const char *lang)
{
	return cause_words(b, words_for(lang), cause);
}

void
html_grouped(long long v, char *out, size_t size)
{
	char n[WORDS_NUMBER_MAX];

	words_number(words_for("en"), v, n);
	snprintf(out, size, "%s", n);
}
