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
	CHECK(buf_puts(b, "</title>\n<style>\n"
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

enum status
html_summary_card(struct buf *b, const struct summary_item *item, const struct card_opts *o)
{
	const struct words *w = words_for(o->lang);
	size_t sources = item->n;
	char lo[WORDS_NUMBER_MAX], hi[WORDS_NUMBER_MAX];
	enum status st;

	if (item->n == 0)
		return ST_INVALID;
	CHECK(head_titled(b, w, o, summary_title, item));
	CHECK(what_where(b, w, &item->claims[0]));
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
		CHECK(buf_puts(b, "</span></li>\n"));
	}
	CHECK(buf_puts(b, "</ul>\n<p class=\"meta\">"));
	words_number(w, item->min, lo);
	words_number(w, item->max, hi);
	if (sources > 1) {
		CHECK(buf_printf(b, "<span class=\"badge%s\">%s</span> ", item->agree ? "" : " no",
		    item->agree ? w->agree : w->disagree));
		CHECK(buf_printf(b, "%s <span dir=\"ltr\">%s – %s</span> · %lu %s", w->range, lo, hi,
		    (unsigned long)sources, w->sources));
	} else
		CHECK(html_escape(b, w->one_source));
	CHECK(buf_puts(b, "</p>\n<p class=\"attr\">"));
	CHECK(attribution_summary_html(b, item, w->lang));
	CHECK(buf_puts(b, "</p>\n"));
	return footer(b, w, o, NULL);
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
