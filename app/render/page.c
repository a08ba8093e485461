/*
 * page.c: the public pages (page.h). The cards' helpers (html.h) escape and
 * isolate every value from a source; this file adds the page's frame, the
 * search, the place's claims in words, the chart and the embed box.
 */
#include "page.h"
#include "attribution.h"
#include "html.h"
#include "words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)

/*
 * The start of a link to this service: the root it is mounted at (escaped:
 * it is checked config, escaped all the same), then path, a fixed address of
 * ours already written for an attribute.
 */
static enum status
ours(struct buf *b, const struct page_opts *o, const char *path)
{
	enum status st;

	CHECK(html_escape(b, o->root != NULL ? o->root : ""));
	return buf_puts(b, path);
}

/*
 * The first 10 bytes of a stored date (YYYY-MM-DD, or a timestamp's date),
 * for a page: any byte but a digit or '-' shown as '?'. Ingest checks dates;
 * a page still writes none that could be markup.
 */
static const char *
date10(const char *s, char out[11])
{
	size_t i = 0;

	for (; s != NULL && i < 10 && s[i] != '\0'; i++)
		out[i] = (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ? s[i] : '?';
	out[i] = '\0';
	return out;
}
#define D10(s) date10((s), (char[11]){ 0 })

/* The page's language for a link: nothing in English, else sep ('?' or '&') and "lang=fr". */
static enum status
lang_query(struct buf *b, const struct words *w, char sep)
{
	if (w->id == LANG_EN)
		return ST_OK;
	return buf_printf(b, "%clang=%s", sep, w->lang);
}

/* Light by default, dark when the reader's system asks; 320 px and up. */
static const char style[] =
    ":root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1b;--muted:#555;--line:#d9d9d9;"
    "--box:#f4f5f7;--link:#0b57d0;--ok-bg:#e7f4ea;--ok:#14532d;--no-bg:#fdecea;--no:#8a1c12;"
    "--s0:#0b57d0;--s1:#b3261e;--s2:#146c2e;--s3:#8a4b00;--s4:#6a1b9a;--s5:#00639b}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#121417;--fg:#eceff1;--muted:#b8bec5;"
    "--line:#3a3f45;--box:#1d2126;--link:#8ab4f8;--ok-bg:#17351f;--ok:#b7e4c7;"
    "--no-bg:#3d1a17;--no:#f5b7b1;--s0:#8ab4f8;--s1:#f2b8b5;--s2:#7dd99a;--s3:#ffb870;"
    "--s4:#d7aefb;--s5:#7fcfff}}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\","
    "\"Noto Sans Arabic\",Tahoma,sans-serif;background:var(--bg);color:var(--fg)}\n"
    "header,main,footer{max-width:60rem;margin:0 auto;padding:12px 16px;overflow-wrap:anywhere}\n"
    "header{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline;"
    "border-bottom:1px solid var(--line)}\n"
    "header .site{font-weight:750;font-size:20px}\n"
    "a{color:var(--link)}\n"
    "a:focus,button:focus,input:focus,textarea:focus,summary:focus{outline:3px solid var(--link);"
    "outline-offset:2px}\n"
    ".skip{position:absolute;inset-inline-start:-999px}\n"
    ".skip:focus{position:static}\n"
    ".muted,.meta{color:var(--muted);font-size:14px}\n"
    "form.search{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0 16px}\n"
    "form.search label{flex-basis:100%;font-weight:600}\n"
    "form.search input{flex:1 1 12rem;min-width:0;font:inherit;padding:8px;"
    "border:1px solid var(--muted);border-radius:6px;background:var(--bg);color:var(--fg)}\n"
    "button{font:inherit;padding:8px 16px;border-radius:6px;border:1px solid var(--link);"
    "background:var(--link);color:var(--bg);cursor:pointer}\n"
    "section{margin:0 0 24px;padding:12px 0;border-top:1px solid var(--line)}\n"
    "h1{font-size:26px;line-height:1.25;margin:8px 0}\n"
    "h2{font-size:21px;margin:4px 0 8px}\n"
    "h3{font-size:17px;margin:12px 0 4px}\n"
    "ul.plain{list-style:none;padding:0;margin:0}\n"
    "ul.plain li{padding:6px 0;border-top:1px solid var(--line)}\n"
    ".n{font-weight:700;font-variant-numeric:tabular-nums}\n"
    ".big{font-size:34px;font-weight:750}\n"
    ".verdict{font-size:17px;margin:8px 0}\n"
    ".badge{display:inline-block;font-size:14px;font-weight:700;padding:1px 8px;"
    "border-radius:999px;background:var(--ok-bg);color:var(--ok)}\n"
    ".badge.no{background:var(--no-bg);color:var(--no)}\n"
    ".claims li{display:block}\n"
    ".quote{font-style:italic;margin:6px 0;padding-inline-start:10px;"
    "border-inline-start:3px solid var(--line)}\n"
    "figure{margin:8px 0}\n"
    ".chart{width:100%;height:auto;max-width:36rem;display:block}\n"
    ".chart text{fill:var(--muted);font-size:13px}\n"
    ".chart .axis{stroke:var(--line)}\n"
    ".legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px}\n"
    ".sw{display:inline-block;width:12px;height:12px;border-radius:50%;margin-inline-end:6px}\n"
    ".c0{color:var(--s0);fill:var(--s0);stroke:var(--s0);background:var(--s0)}"
    ".c1{color:var(--s1);fill:var(--s1);stroke:var(--s1);background:var(--s1)}"
    ".c2{color:var(--s2);fill:var(--s2);stroke:var(--s2);background:var(--s2)}"
    ".c3{color:var(--s3);fill:var(--s3);stroke:var(--s3);background:var(--s3)}"
    ".c4{color:var(--s4);fill:var(--s4);stroke:var(--s4);background:var(--s4)}"
    ".c5{color:var(--s5);fill:var(--s5);stroke:var(--s5);background:var(--s5)}\n"
    "polyline{fill:none;stroke-width:2.5}\n"
    "table{border-collapse:collapse;font-size:14px;margin:8px 0;max-width:100%}\n"
    "th,td{text-align:start;padding:4px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "caption{text-align:start;font-weight:600;padding:4px 0}\n"
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "details{margin:8px 0}\n"
    "summary{cursor:pointer;font-weight:600}\n"
    ".embed{background:var(--box);border:1px solid var(--line);border-radius:8px;padding:8px 12px;"
    "margin:8px 0}\n"
    ".embed label{display:block;font-weight:600;font-size:14px;margin-top:6px}\n"
    ".embed textarea,.embed input{width:100%;font:13px/1.4 ui-monospace,monospace;padding:6px;"
    "border:1px solid var(--muted);border-radius:4px;background:var(--bg);color:var(--fg)}\n"
    ".embed iframe{display:block;margin-top:8px;background:#fff}\n"
    "footer{border-top:1px solid var(--line);color:var(--muted);font-size:14px}\n";

enum status
page_begin(struct buf *b, const struct page_opts *o, const char *title)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n<title>", w->lang, w->dir));
	CHECK(html_escape(b, title));
	CHECK(buf_printf(b, " · %s</title>\n", w->page.site));
	/* oEmbed discovery: a publishing system given this page's address finds its card */
	if (o->card != NULL) {
		const char *base = o->base != NULL ? o->base : "";

		CHECK(buf_printf(b, "<link rel=\"alternate\" type=\"application/json+oembed\" "
		    "href=\"%s/v1/oembed?url=", base));
		CHECK(page_url_encode(b, base));
		CHECK(page_url_encode(b, o->card));
		CHECK(buf_puts(b, "\" title=\""));
		CHECK(html_escape(b, title));
		CHECK(buf_puts(b, "\">\n"));
	}
	CHECK(buf_puts(b, "<style>\n"));
	CHECK(buf_puts(b, style));
	CHECK(buf_printf(b, "</style>\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">%s</a>\n"
	    "<header>\n<a class=\"site\" href=\"", w->page.skip));
	CHECK(ours(b, o, "/"));
	CHECK(lang_query(b, w, '?'));
	CHECK(buf_printf(b, "\">%s</a>\n<span class=\"muted\">%s</span>\n", w->page.site,
	    w->page.tagline));
	/* the same page in each other language, each link named in its own */
	for (size_t i = 0; words_langs[i] != NULL; i++) {
		const struct words *x = words_for(words_langs[i]);

		if (x->id == w->id)
			continue;
		CHECK(buf_puts(b, "<a href=\""));
		CHECK(ours(b, o, ""));
		CHECK(html_escape(b, o->path != NULL ? o->path : "/"));
		CHECK(buf_printf(b, "?lang=%s\" lang=\"%s\" hreflang=\"%s\">%s</a>\n", x->lang,
		    x->lang, x->lang, x->page.name));
	}
	return buf_puts(b, "</header>\n<main id=\"main\">\n");
}

enum status
page_end(struct buf *b, const struct page_opts *o)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_puts(b, "</main>\n<footer>\n<p>figures · "));
	if (o->data_as_of != NULL && *o->data_as_of != '\0')
		CHECK(buf_printf(b, "%s <time dir=\"ltr\">%s</time> · ", w->page.data_as_of,
		    D10(o->data_as_of)));
	CHECK(buf_puts(b, "<a href=\""));
	CHECK(ours(b, o, "/v1/openapi.json"));
	CHECK(buf_puts(b, "\">API</a> · <a href=\""));
	CHECK(ours(b, o, "/v1/feeds"));
	return buf_puts(b, "\">feeds</a></p>\n</footer>\n</body>\n</html>\n");
}

enum status
page_h1(struct buf *b, const char *prefix, const char *text)
{
	enum status st;

	CHECK(buf_puts(b, "<h1>"));
	if (prefix != NULL && *prefix != '\0') {
		CHECK(html_escape(b, prefix));
		CHECK(buf_puts(b, " "));
	}
	CHECK(html_bdi(b, text));
	return buf_puts(b, "</h1>\n");
}

enum status
page_para(struct buf *b, const char *cls, const char *text)
{
	enum status st;

	CHECK(buf_printf(b, "<p class=\"%s\">", cls));
	CHECK(html_escape(b, text));
	return buf_puts(b, "</p>\n");
}

enum status
page_url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	enum status st = ST_OK;

	for (const unsigned char *p = (const unsigned char *)s; p != NULL && *p != '\0' &&
	    st == ST_OK; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			st = buf_putc(b, (char)*p);
		else
			st = buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	return st;
}

/* A link to a place's page: its name (isolated), its code. */
static enum status
place_link(struct buf *b, const struct page_opts *o, const char *code, const char *name)
{
	enum status st;

	CHECK(buf_puts(b, "<a href=\""));
	CHECK(ours(b, o, "/places/"));
	CHECK(page_url_encode(b, code));
	CHECK(lang_query(b, words_for(o->lang), '?'));
	CHECK(buf_puts(b, "\">"));
	CHECK(html_bdi(b, name != NULL ? name : code));
	CHECK(buf_puts(b, "</a> <span class=\"meta\" dir=\"ltr\">"));
	CHECK(html_escape(b, code));
	return buf_puts(b, "</span>");
}

enum status
page_search_form(struct buf *b, const struct page_opts *o, const char *q)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_puts(b, "<form class=\"search\" role=\"search\" method=\"get\" action=\""));
	CHECK(ours(b, o, "/"));
	CHECK(buf_puts(b, "\">\n"));
	CHECK(buf_printf(b, "<label for=\"q\">%s</label>\n<input id=\"q\" name=\"q\" type=\"search\" "
	    "required maxlength=\"100\" dir=\"auto\" aria-describedby=\"q-hint\" value=\"", w->page.find));
	CHECK(html_escape(b, q));
	CHECK(buf_puts(b, "\">\n"));
	if (strcmp(w->lang, "en") != 0)
		CHECK(buf_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n", w->lang));
	return buf_printf(b, "<button type=\"submit\">%s</button>\n"
	    "<span id=\"q-hint\" class=\"meta\">%s</span>\n</form>\n", w->page.search, w->page.find_hint);
}

enum status
page_results_begin(struct buf *b, const struct page_opts *o, const char *q)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_printf(b, "<section aria-labelledby=\"results\">\n<h2 id=\"results\">%s: ",
	    w->page.results));
	CHECK(html_bdi(b, q));
	CHECK(buf_puts(b, "</h2>\n"));
	CHECK(buf_puts(b, "<p class=\"meta\"><a href=\""));
	CHECK(ours(b, o, "/v1/search?q="));
	CHECK(page_url_encode(b, q));
	return buf_puts(b, "\">JSON</a></p>\n<ul class=\"plain results\">\n");
}

enum status
page_result(struct buf *b, const struct page_opts *o, const struct location_row *l)
{
	enum status st;

	CHECK(buf_puts(b, "<li>"));
	CHECK(place_link(b, o, l->code, l->name));
	CHECK(buf_puts(b, " <span class=\"meta\">"));
	CHECK(html_escape(b, l->type));
	if (l->country != NULL && (l->code == NULL || strcmp(l->code, l->country) != 0)) {
		CHECK(buf_puts(b, ", "));
		CHECK(html_escape(b, l->country));
	}
	return buf_puts(b, "</span></li>\n");
}

enum status
page_results_end(struct buf *b, const struct page_opts *o, size_t n)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	if (n == 0)
		CHECK(buf_printf(b, "<li>%s</li>\n", w->page.no_results));
	return buf_puts(b, "</ul>\n</section>\n");
}

enum status
page_countries_begin(struct buf *b, const struct page_opts *o)
{
	const struct words *w = words_for(o->lang);

	return buf_printf(b, "<h2 id=\"latest\">%s</h2>\n", w->page.by_country);
}

enum status
page_country_begin(struct buf *b, const struct page_opts *o, const struct location_row *c)
{
	enum status st;

	CHECK(buf_puts(b, "<section>\n<h3>"));
	CHECK(place_link(b, o, c->code, c->name));
	CHECK(buf_puts(b, "</h3>\n"));
	CHECK(buf_puts(b, "<p class=\"meta\"><a href=\""));
	CHECK(ours(b, o, "/v1/figures?country="));
	CHECK(page_url_encode(b, c->country));
	CHECK(buf_puts(b, "\">JSON</a> · <a href=\""));
	CHECK(ours(b, o, "/v1/figures?format=csv&amp;country="));
	CHECK(page_url_encode(b, c->country));
	CHECK(buf_puts(b, "\">CSV</a> · <a href=\""));
	CHECK(ours(b, o, "/v1/figures?format=hxl&amp;country="));
	CHECK(page_url_encode(b, c->country));
	return buf_puts(b, "\">HXL</a></p>\n<ul class=\"plain\">\n");
}

/* The qualifier and the number: "almost 800", "130,000 households". */
static enum status
number(struct buf *b, const struct page_opts *o, const struct figure_row *fig)
{
	const struct words *w = words_for(o->lang);
	const char *q = html_qualifier_word(fig->qualifier, w->lang);
	char n[WORDS_NUMBER_MAX];
	enum status st;

	words_number(w, fig->value, n);
	if (q != NULL && *q != '\0') {
		CHECK(html_escape(b, q));
		CHECK(buf_puts(b, " "));
	}
	CHECK(buf_printf(b, "<span class=\"n\" dir=\"ltr\">%s</span>", n));
	if (fig->unit != NULL && strcmp(fig->unit, "households") == 0)
		CHECK(buf_printf(b, " %s", w->households));
	return ST_OK;
}

/* "as of 2019-10-13", "2019-10-01 – 2019-10-13", or "date not given". */
static enum status
date_of(struct buf *b, const struct words *w, const char *as_of, const char *start,
    const char *end)
{
	if (as_of != NULL)
		return buf_printf(b, "%s <time dir=\"ltr\">%s</time>", w->as_of, D10(as_of));
	if (start != NULL || end != NULL)
		return buf_printf(b, "<time dir=\"ltr\">%s</time> – <time dir=\"ltr\">%s"
		    "</time>", start != NULL ? D10(start) : "…", end != NULL ? D10(end) : "…");
	return buf_puts(b, w->no_date);
}

/* What a figure counts: "escaped · foreigners affiliated with IS · from … · conflict". */
static enum status
what(struct buf *b, const struct page_opts *o, const struct figure_row *fig)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(html_escape(b, html_metric_word(fig->metric, w->lang)));
	if (fig->group != NULL && *fig->group != '\0') {
		CHECK(buf_puts(b, " · "));
		CHECK(html_bdi(b, fig->group));
	}
	if (fig->origin.code != NULL) {
		CHECK(buf_printf(b, " · %s: ", w->page.origin));
		CHECK(html_bdi(b, fig->origin.name != NULL ? fig->origin.name : fig->origin.code));
	}
	if (fig->cause != NULL && *fig->cause != '\0') {
		CHECK(buf_printf(b, " · %s: ", w->page.cause));
		CHECK(html_cause_words(b, fig->cause, w->lang));
	}
	return ST_OK;
}

/*
 * The figure's attribution sentence ("Kurdish authorities said almost 800
 * people had escaped from Ain Issa camp, as of 13 October 2019 (via …).") in
 * the page's language, ready to quote: render/attribution.c writes it.
 */
static enum status
attribution(struct buf *b, const struct page_opts *o, const struct figure_row *fig)
{
	enum status st;

	CHECK(buf_puts(b, "<p class=\"attribution\">"));
	CHECK(attribution_figure_html(b, fig, o->lang));
	return buf_puts(b, "</p>\n");
}

enum status
page_figure_item(struct buf *b, const struct page_opts *o, const struct figure_row *fig)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_puts(b, "<li><a href=\""));
	CHECK(ours(b, o, "/figures/"));
	CHECK(buf_printf(b, "%lld", fig->id));
	CHECK(lang_query(b, w, '?'));
	CHECK(buf_puts(b, "\">"));
	CHECK(number(b, o, fig));
	CHECK(buf_puts(b, " "));
	CHECK(what(b, o, fig));
	CHECK(buf_puts(b, "</a><br><span class=\"meta\">"));
	CHECK(html_bdi(b, fig->location.name));
	CHECK(buf_puts(b, " · "));
	CHECK(html_bdi(b, fig->source.name));
	CHECK(buf_puts(b, " · "));
	CHECK(date_of(b, w, fig->as_of, fig->period_start, fig->period_end));
	CHECK(buf_puts(b, "</span>"));
	CHECK(attribution(b, o, fig));
	return buf_puts(b, "</li>\n");
}

enum status
page_country_end(struct buf *b, const struct page_opts *o)
{
	(void)o;
	return buf_puts(b, "</ul>\n</section>\n");
}

enum status
page_countries_end(struct buf *b, const struct page_opts *o)
{
	(void)b;
	(void)o;
	return ST_OK;
}

/* ---- the chart ---- */

/* small enough that its text stays legible scaled down to 288 px */
#define CH_W 360
#define CH_H 200
#define CH_LEFT 60
#define CH_RIGHT 16
#define CH_TOP 16
#define CH_BOTTOM 32
#define SERIES_MAX 64

/* Days since 1970-01-01 of "YYYY-MM-DD…" (Howard Hinnant's days_from_civil); 0 if not a date. */
static int
day_number(const char *s, long *out)
{
	int y, m, d;
	long era, yoe, doy, doe;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return 0;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return 1;
}

/* The series' names, in the order they first appear; their count. */
static size_t
series_of(const struct chart_point *pts, size_t n, const char **names)
{
	size_t ns = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < ns && strcmp(names[k], pts[i].series) != 0; k++)
			;
		if (k == ns && ns < SERIES_MAX)
			names[ns++] = pts[i].series;
	}
	return ns;
}

static int
by_date(const void *a, const void *b)
{
	const struct chart_point *x = a, *y = b;

	return strcmp(x->date != NULL ? x->date : "", y->date != NULL ? y->date : "");
}

/* A rounded top for the value axis: 1, 2 or 5 times a power of ten, at least max. */
static long long
axis_top(long long max)
{
	long long p = 1;

	if (max < 10)
		return 10;
	while (p <= max / 10)
		p *= 10;
	for (;;) {
		if (p >= max)
			return p;
		if (2 * p >= max)
			return 2 * p;
		if (5 * p >= max)
			return 5 * p;
		p *= 10;
	}
}

struct frame {
	long lo, hi;        /* the dates' day numbers */
	long long top;      /* the value axis' top */
};

static double
x_of(const struct frame *f, long day)
{
	if (f->hi == f->lo)
		return CH_LEFT + (CH_W - CH_LEFT - CH_RIGHT) / 2.0;
	return CH_LEFT + (double)(day - f->lo) * (CH_W - CH_LEFT - CH_RIGHT) / (double)(f->hi - f->lo);
}

static double
y_of(const struct frame *f, long long v)
{
	return CH_TOP + (CH_H - CH_TOP - CH_BOTTOM) * (1.0 - (double)v / (double)f->top);
}

/* The axes: the value axis at 0, half and top, the dates at both ends. */
static enum status
axes(struct buf *b, const struct words *w, const struct frame *f, const char *first,
    const char *last)
{
	char n[WORDS_NUMBER_MAX];
	enum status st;

	for (int i = 0; i <= 2; i++) {
		long long v = f->top * i / 2;
		double y = y_of(f, v);

		words_number(w, v, n);
		CHECK(buf_printf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
		    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", CH_LEFT, CH_W - CH_RIGHT,
		    y, y, CH_LEFT - 6, y + 4, n));
	}
	CHECK(buf_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", CH_LEFT, CH_H - 8, D10(first)));
	if (strcmp(first, last) != 0)
		CHECK(buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
		    CH_W - CH_RIGHT, CH_H - 8, D10(last)));
	return ST_OK;
}

/* One series: its line (two points or more) and its points, each with a title. */
static enum status
series(struct buf *b, const struct page_opts *o, const struct frame *f, const char *name,
    int k, const struct chart_point *pts, size_t n)
{
	const struct words *w = words_for(o->lang);
	char v[WORDS_NUMBER_MAX];
	long day;
	int drawn = 0;
	enum status st;

	CHECK(buf_printf(b, "<g class=\"series c%d\" data-source=\"", k % 6));
	CHECK(html_escape(b, name));
	CHECK(buf_puts(b, "\">"));
	for (size_t i = 0; i < n; i++)
		drawn += strcmp(pts[i].series, name) == 0 && day_number(pts[i].date, &day);
	if (drawn > 1) {
		CHECK(buf_puts(b, "<polyline points=\""));
		for (size_t i = 0; i < n; i++)
			if (strcmp(pts[i].series, name) == 0 && day_number(pts[i].date, &day))
				CHECK(buf_printf(b, "%.1f,%.1f ", x_of(f, day), y_of(f, pts[i].value)));
		CHECK(buf_puts(b, "\"/>"));
	}
	for (size_t i = 0; i < n; i++) {
		const char *q;

		if (strcmp(pts[i].series, name) != 0 || !day_number(pts[i].date, &day))
			continue;
		q = html_qualifier_word(pts[i].qualifier, o->lang);
		words_number(w, pts[i].value, v);
		/* a marker of its own shape per series, so colour is not the only difference */
		if (k % 2 == 0)
			CHECK(buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\">", x_of(f, day),
			    y_of(f, pts[i].value)));
		else
			CHECK(buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\">",
			    x_of(f, day) - 5, y_of(f, pts[i].value) - 5));
		CHECK(buf_puts(b, "<title>"));
		CHECK(html_escape(b, name));
		CHECK(buf_puts(b, ": "));
		CHECK(html_escape(b, q));
		CHECK(buf_printf(b, "%s%s, %s</title></%s>", q != NULL && *q ? " " : "", v,
		    D10(pts[i].date), k % 2 == 0 ? "circle" : "rect"));
	}
	return buf_puts(b, "</g>\n");
}

/* The chart's points as a table: source, date, value. */
static enum status
chart_table(struct buf *b, const struct page_opts *o, const char *title,
    const struct chart_point *pts, size_t n)
{
	const struct words *w = words_for(o->lang);
	char v[WORDS_NUMBER_MAX];
	enum status st;

	CHECK(buf_printf(b, "<details><summary>%s</summary>\n<div class=\"scroll\"><table>"
	    "<caption>", w->page.chart_table));
	CHECK(html_escape(b, title));
	CHECK(buf_printf(b, "</caption>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
	    "</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n", w->source, w->page.date, w->page.value));
	for (size_t i = 0; i < n; i++) {
		const char *q = html_qualifier_word(pts[i].qualifier, o->lang);

		words_number(w, pts[i].value, v);
		CHECK(buf_puts(b, "<tr><td>"));
		CHECK(html_bdi(b, pts[i].series));
		CHECK(buf_printf(b, "</td><td dir=\"ltr\">%s</td><td>", pts[i].date != NULL ?
		    D10(pts[i].date) : w->no_date));
		if (q != NULL && *q != '\0') {
			CHECK(html_escape(b, q));
			CHECK(buf_puts(b, " "));
		}
		CHECK(buf_printf(b, "<span dir=\"ltr\">%s</span></td></tr>\n", v));
	}
	return buf_puts(b, "</tbody></table></div></details>\n");
}

/* The legend: each series' colour and marker, and its name. */
static enum status
legend(struct buf *b, const char **names, size_t ns)
{
	enum status st;

	CHECK(buf_puts(b, "<ul class=\"legend\" aria-hidden=\"true\">"));
	for (size_t k = 0; k < ns; k++) {
		CHECK(buf_printf(b, "<li><span class=\"sw c%zu\"%s></span>", k % 6,
		    k % 2 ? " style=\"border-radius:0\"" : ""));
		CHECK(html_bdi(b, names[k]));
		CHECK(buf_puts(b, "</li>"));
	}
	return buf_puts(b, "</ul>\n");
}

enum status
page_chart(struct buf *b, const struct page_opts *o, const char *title,
    const struct chart_point *in, size_t n, int id)
{
	const struct words *w = words_for(o->lang);
	const char *names[SERIES_MAX];
	struct chart_point *pts;
	struct frame f = { 0, 0, 0 };
	const char *first = NULL, *last = NULL;
	long long max = 0;
	size_t ns;
	long day;
	enum status st = ST_OK;

	if (n == 0)
		return ST_OK;
	if ((pts = malloc(n * sizeof *pts)) == NULL)
		return ST_NOMEM;
	memcpy(pts, in, n * sizeof *pts);
	qsort(pts, n, sizeof *pts, by_date);
	ns = series_of(pts, n, names);
	for (size_t i = 0; i < n; i++) {
		if (!day_number(pts[i].date, &day))
			continue;
		if (first == NULL)
			f.lo = day, first = pts[i].date;
		f.hi = day;
		last = pts[i].date;
		max = pts[i].value > max ? pts[i].value : max;
	}
	f.top = axis_top(max);
	st = buf_printf(b, "<figure>\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"chart%d-t chart%d-d\"><title id=\"chart%d-t\">", CH_W, CH_H, id, id, id);
	if (st == ST_OK)
		st = html_escape(b, title);
	if (st == ST_OK)
		st = buf_printf(b, "</title><desc id=\"chart%d-d\">%s (%zu)</desc>\n", id, w->page.chart_desc,
		    ns);
	if (st == ST_OK && first != NULL)
		st = axes(b, w, &f, first, last);
	for (size_t k = 0; st == ST_OK && k < ns; k++)
		st = series(b, o, &f, names[k], (int)k, pts, n);
	if (st == ST_OK)
		st = buf_puts(b, "</svg>\n");
	if (st == ST_OK)
		st = legend(b, names, ns);
	if (st == ST_OK)
		st = chart_table(b, o, title, pts, n);
	if (st == ST_OK)
		st = buf_puts(b, "</figure>\n");
	free(pts);
	return st;
}

/* ---- a place's summary item ---- */

/* How a source of this type gave its number: a monitor counted, the media reported. */
static const char *
verb(const struct words *w, const char *type)
{
	if (type != NULL && strcmp(type, "monitor") == 0)
		return w->page.counted;
	if (type != NULL && strcmp(type, "media") == 0)
		return w->page.reported;
	return w->page.said;
}

/*
 * "Sources disagree: A monitoring group counted 100, Kurdish authorities said
 * almost 800." (or agree, or one source): every claim, lowest first.
 */
static enum status
verdict(struct buf *b, const struct page_opts *o, const struct summary_item *it)
{
	const struct words *w = words_for(o->lang);
	const char *head = it->n == 1 ? w->page.one_source : it->agree ? w->agree : w->disagree;
	enum status st;

	CHECK(buf_printf(b, "<p class=\"verdict\"><span class=\"badge%s\">%s</span>: ",
	    it->n > 1 && !it->agree ? " no" : "", head));
	for (size_t i = 0; i < it->n; i++) {
		const struct figure_row *c = &it->claims[i];

		if (i > 0)
			CHECK(buf_puts(b, w->page.list_sep));
		CHECK(html_bdi(b, c->source.name));
		CHECK(buf_printf(b, " %s ", verb(w, c->source.type)));
		CHECK(number(b, o, c));
	}
	return buf_puts(b, ".</p>\n");
}

/* One claim: number, source (linked when it gave an address), date, via, quote. */
static enum status
claim(struct buf *b, const struct page_opts *o, const struct figure_row *c)
{
	const struct words *w = words_for(o->lang);
	const char *q = html_qualifier_word(c->qualifier, w->lang);
	enum status st;

	if (c->qualifier == NULL)
		q = "";
	else if (q == NULL || *q == '\0')
		q = w->page.exact;   /* the one qualifier the cards leave unsaid */

	CHECK(buf_puts(b, "<li><a href=\""));
	CHECK(ours(b, o, "/figures/"));
	CHECK(buf_printf(b, "%lld", c->id));
	CHECK(lang_query(b, w, '?'));
	CHECK(buf_puts(b, "\">"));
	CHECK(number(b, o, c));
	CHECK(buf_puts(b, "</a> · "));
	if (html_url_ok(c->source.url)) {
		CHECK(buf_puts(b, "<a href=\""));
		CHECK(html_escape(b, c->source.url));
		CHECK(buf_puts(b, "\" rel=\"noopener noreferrer\">"));
		CHECK(html_bdi(b, c->source.name));
		CHECK(buf_puts(b, "</a>"));
	} else
		CHECK(html_bdi(b, c->source.name));
	CHECK(buf_puts(b, "<br><span class=\"meta\">"));
	CHECK(date_of(b, w, c->as_of, c->period_start, c->period_end));
	if (c->reported_on != NULL)
		CHECK(buf_printf(b, " · %s <time dir=\"ltr\">%s</time>", w->page.reported_on,
		    D10(c->reported_on)));
	CHECK(buf_printf(b, " · %s: <span>", w->page.qualifier));
	CHECK(html_escape(b, q));   /* a word of ours, or a code the store holds */
	CHECK(buf_printf(b, "</span> · %s: %s",
	    w->page.unit, c->unit != NULL && strcmp(c->unit, "households") == 0 ? w->households :
	    w->page.people));
	if (c->via != NULL) {
		CHECK(buf_printf(b, " · %s ", w->page.via));
		CHECK(html_bdi(b, c->via));
	}
	if (html_url_ok(c->url)) {
		CHECK(buf_puts(b, " · <a href=\""));
		CHECK(html_escape(b, c->url));
		CHECK(buf_printf(b, "\" rel=\"noopener noreferrer\">%s</a>", w->document));
	}
	CHECK(buf_puts(b, "</span>"));
	if (c->quote != NULL) {
		CHECK(buf_puts(b, "<blockquote class=\"quote\" dir=\"auto\">“"));
		CHECK(html_escape(b, c->quote));
		CHECK(buf_puts(b, "”</blockquote>"));
	}
	CHECK(attribution(b, o, c));
	return buf_puts(b, "</li>\n");
}

enum status
page_summary_item(struct buf *b, const struct page_opts *o, const struct summary_item *it,
    const struct chart_point *pts, size_t npts, const char *data, const char *card, int id)
{
	const struct words *w = words_for(o->lang);
	struct buf title;
	char lo[WORDS_NUMBER_MAX], hi[WORDS_NUMBER_MAX];
	enum status st;

	if (it->n == 0)
		return ST_OK;
	CHECK(buf_printf(b, "<section aria-labelledby=\"item%d\">\n<h2 id=\"item%d\">", id, id));
	CHECK(what(b, o, &it->claims[0]));
	CHECK(buf_puts(b, "</h2>\n"));
	CHECK(verdict(b, o, it));
	words_number(w, it->min, lo);
	words_number(w, it->max, hi);
	if (it->n > 1)
		CHECK(buf_printf(b, "<p class=\"meta\">%s <span dir=\"ltr\">%s – %s</span> · %zu</p>\n",
		    w->range, lo, hi, it->n));
	CHECK(buf_puts(b, "<ul class=\"plain claims\">\n"));
	for (size_t i = 0; i < it->n; i++)
		CHECK(claim(b, o, &it->claims[i]));
	CHECK(buf_puts(b, "</ul>\n"));
	/* the chart's title: what it counts, in words (plain text) */
	buf_init(&title, 8192);
	st = buf_puts(&title, html_metric_word(it->claims[0].metric, w->lang));
	if (st == ST_OK && it->claims[0].group != NULL && *it->claims[0].group != '\0')
		st = buf_printf(&title, " · %s", it->claims[0].group);
	if (st == ST_OK && it->claims[0].location.name != NULL)
		st = buf_printf(&title, " · %s", it->claims[0].location.name);
	if (st == ST_OK)
		st = page_chart(b, o, title.data, pts, npts, id);
	buf_free(&title);
	if (st != ST_OK)
		return st;
	CHECK(page_links(b, o, data, NULL));
	CHECK(page_embed(b, o, card, id, 3));
	return buf_puts(b, "</section>\n");
}

/* ---- a figure ---- */

enum status
page_figure(struct buf *b, const struct page_opts *o, const struct figure_row *fig)
{
	const struct words *w = words_for(o->lang);
	enum status st;

	CHECK(buf_puts(b, "<p class=\"big\">"));
	CHECK(number(b, o, fig));
	CHECK(buf_puts(b, "</p>\n<p>"));
	CHECK(what(b, o, fig));
	CHECK(buf_puts(b, " · "));
	CHECK(place_link(b, o, fig->location.code, fig->location.name));
	CHECK(buf_printf(b, "</p>\n<p>%s: ", w->source));
	if (html_url_ok(fig->source.url)) {
		CHECK(buf_puts(b, "<a href=\""));
		CHECK(html_escape(b, fig->source.url));
		CHECK(buf_puts(b, "\" rel=\"noopener noreferrer\">"));
		CHECK(html_bdi(b, fig->source.name));
		CHECK(buf_puts(b, "</a>"));
	} else
		CHECK(html_bdi(b, fig->source.name));
	CHECK(buf_puts(b, " · "));
	CHECK(date_of(b, w, fig->as_of, fig->period_start, fig->period_end));
	CHECK(buf_puts(b, "</p>\n"));
	if (fig->withdrawn)
		CHECK(buf_printf(b, "<p><span class=\"badge no\">%s</span></p>\n", w->page.withdrawn));
	if (fig->via != NULL) {
		CHECK(buf_printf(b, "<p class=\"meta\">%s ", w->page.via));
		CHECK(html_bdi(b, fig->via));
		CHECK(buf_puts(b, "</p>\n"));
	}
	if (fig->quote != NULL) {
		CHECK(buf_puts(b, "<blockquote class=\"quote\" dir=\"auto\">“"));
		CHECK(html_escape(b, fig->quote));
		CHECK(buf_puts(b, "”</blockquote>\n"));
	}
	if (html_url_ok(fig->url)) {
		CHECK(buf_puts(b, "<p><a href=\""));
		CHECK(html_escape(b, fig->url));
		CHECK(buf_printf(b, "\" rel=\"noopener noreferrer\">%s</a></p>\n", w->document));
	}
	CHECK(buf_puts(b, "<p class=\"meta\">"));
	if (fig->reported_on != NULL)
		CHECK(buf_printf(b, "%s <time dir=\"ltr\">%s</time> · ", w->page.reported_on,
		    D10(fig->reported_on)));
	if (fig->retrieved_at != NULL)
		CHECK(buf_printf(b, "%s <time dir=\"ltr\">%s</time>", w->page.retrieved,
		    D10(fig->retrieved_at)));
	CHECK(buf_puts(b, "</p>\n"));
	return attribution(b, o, fig);
}

enum status
page_revisions_begin(struct buf *b, const struct page_opts *o)
{
	const struct words *w = words_for(o->lang);

	return buf_printf(b, "<section aria-labelledby=\"revs\">\n<h2 id=\"revs\">%s</h2>\n"
	    "<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
	    "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	    w->page.revisions, w->page.value, w->page.date, w->page.retrieved, w->page.superseded);
}

enum status
page_revision(struct buf *b, const struct page_opts *o, const struct revision_row *r)
{
	const struct words *w = words_for(o->lang);
	const char *q = html_qualifier_word(r->qualifier, w->lang);
	char v[WORDS_NUMBER_MAX];
	enum status st;

	words_number(w, r->value, v);
	CHECK(buf_puts(b, "<tr><td>"));
	if (q != NULL && *q != '\0') {
		CHECK(html_escape(b, q));
		CHECK(buf_puts(b, " "));
	}
	CHECK(buf_printf(b, "<span class=\"n\" dir=\"ltr\">%s</span></td><td>", v));
	CHECK(date_of(b, w, r->as_of, r->period_start, r->period_end));
	CHECK(buf_printf(b, "</td><td dir=\"ltr\">%s</td><td>", D10(r->retrieved_at)));
	if (r->superseded_at != NULL)
		CHECK(buf_printf(b, "<span dir=\"ltr\">%s</span>", D10(r->superseded_at)));
	else
		CHECK(html_escape(b, w->page.current));
	return buf_puts(b, "</td></tr>\n");
}

enum status
page_revisions_end(struct buf *b, const struct page_opts *o)
{
	(void)o;
	return buf_puts(b, "</tbody></table></div>\n</section>\n");
}

/* ---- links and embeds ---- */

enum status
page_links(struct buf *b, const struct page_opts *o, const char *json, const char *table)
{
	const struct words *w = words_for(o->lang);
	const char *sep;
	enum status st;

	if (table == NULL)
		table = json;
	sep = strchr(table, '?') != NULL ? "&amp;" : "?";
	CHECK(buf_printf(b, "<p class=\"meta\">%s: <a href=\"", w->data));
	CHECK(ours(b, o, ""));
	CHECK(html_escape(b, json));
	CHECK(buf_puts(b, "\">JSON</a> · <a href=\""));
	CHECK(ours(b, o, ""));
	CHECK(html_escape(b, table));
	CHECK(buf_printf(b, "%sformat=csv\">CSV</a> · <a href=\"", sep));
	CHECK(ours(b, o, ""));
	CHECK(html_escape(b, table));
	return buf_printf(b, "%sformat=hxl\">HXL</a></p>\n", sep);
}

enum status
page_embed(struct buf *b, const struct page_opts *o, const char *card, int id, int level)
{
	const struct words *w = words_for(o->lang);
	const char *base = o->base != NULL ? o->base : "";
	struct buf src, code;
	enum status st;

	/* the card's address, absolute when the host is known, in the page's language */
	buf_init(&src, 16 * 1024);
	buf_init(&code, 64 * 1024);
	st = buf_printf(&src, "%s%s", base, card);
	if (st == ST_OK)
		st = lang_query(&src, w, strchr(card, '?') != NULL ? '&' : '?');
	if (st == ST_OK)
		st = buf_puts(&code, "<iframe src=\"");
	if (st == ST_OK)
		st = html_escape(&code, src.data);
	if (st == ST_OK)
		st = buf_puts(&code, "\" width=\"320\" height=\"340\" style=\"border:0;max-width:100%\" "
		    "loading=\"lazy\" referrerpolicy=\"no-referrer\" title=\"figures\"></iframe>");
	if (st == ST_OK)
		st = buf_printf(b, "<div class=\"embed\">\n<h%d>%s</h%d>\n<label for=\"embed%d\">%s"
		    "</label>\n<textarea id=\"embed%d\" class=\"embed-code\" rows=\"3\" readonly>", level,
		    w->page.embed, level, id, w->page.embed_code, id);
	if (st == ST_OK)
		st = html_escape(b, code.data);
	if (st == ST_OK)
		st = buf_printf(b, "</textarea>\n<label for=\"oembed%d\">%s</label>\n<input id=\"oembed%d\" "
		    "class=\"oembed-url\" readonly value=\"%s/v1/oembed?url=", id, w->page.oembed, id, base);
	if (st == ST_OK)
		st = page_url_encode(b, src.data);   /* encoded: nothing left to escape */
	if (st == ST_OK)
		st = buf_printf(b, "\">\n<details><summary>%s</summary>\n<iframe src=\"", w->page.preview);
	if (st == ST_OK)
		st = html_escape(b, src.data);
	if (st == ST_OK)
		st = buf_puts(b, "\" width=\"320\" height=\"340\" loading=\"lazy\" title=\"figures card\" "
		    "style=\"border:0;max-width:100%\"></iframe></details>\n</div>\n");
	buf_free(&src);
	buf_free(&code);
	return st;
}

enum status
page_error_body(struct buf *b, const struct page_opts *o, int status, const char *message)
{
	enum status st;

	CHECK(buf_printf(b, "<h1>%d</h1>\n", status));
	CHECK(page_para(b, "error", message));
	return page_search_form(b, o, NULL);
}
