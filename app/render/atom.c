#include "atom.h"
#include "../core/strutil.h"

#include <stdio.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"   /* U+FFFD */

/*
 * The bytes of the UTF-8 character at s, 0 if s does not start one; *ok says
 * whether XML 1.0 may hold it.
 */
static size_t
char_len(const unsigned char *s, int *ok)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 :
	    s[0] >= 0xE0 && s[0] <= 0xEF ? 3 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;

	*ok = 0;
	if (n == 1) {
		*ok = s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
		return 1;
	}
	for (size_t i = 1; i < n; i++)   /* stops at the NUL: never reads past the string */
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if (n == 0 || !utf8_valid((const char *)s, n))
		return 0;
	/* U+FFFE and U+FFFF are not characters */
	*ok = !(n == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF));
	return n;
}

enum status
atom_text(struct buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	enum status st = ST_OK;
	int ok;

	while (s != NULL && *s != '\0' && st == ST_OK) {
		size_t n = char_len(s, &ok);

		if (!ok) {
			/* one U+FFFD for a whole character, or for each byte that starts none */
			st = buf_puts(b, REPLACEMENT);
			s += n > 0 ? n : 1;
			continue;
		}
		switch (*s) {
		case '&': st = buf_puts(b, "&amp;"); break;
		case '<': st = buf_puts(b, "&lt;"); break;
		case '>': st = buf_puts(b, "&gt;"); break;
		case '"': st = buf_puts(b, "&quot;"); break;
		case '\'': st = buf_puts(b, "&#39;"); break;
		case '\r': st = buf_puts(b, "&#13;"); break;   /* a parser would make it a line feed */
		default: st = buf_append(b, s, n);
		}
		s += n;
	}
	return st;
}

const char *
change_kind_name(enum change_kind kind)
{
	switch (kind) {
	case CHANGE_ADDED: return "added";
	case CHANGE_REVISED: return "revised";
	case CHANGE_WITHDRAWN: return "withdrawn";
	}
	return "revised";
}

void
change_id(const struct change_row *c, char out[CHANGE_ID_MAX])
{
	char t[24] = "";
	size_t o = 0;

	if (c->kind != CHANGE_WITHDRAWN) {
		snprintf(out, CHANGE_ID_MAX, "r%lld", c->seq);
		return;
	}
	/* the time without its separators: URL- and fragment-safe */
	for (const char *p = c->at != NULL ? c->at : ""; *p != '\0' && o + 1 < sizeof t; p++)
		if (*p != '-' && *p != ':')
			t[o++] = *p;
	t[o] = '\0';
	snprintf(out, CHANGE_ID_MAX, "w%lld.%s", c->seq, t);
}

/* The metrics in English words (a metric this build does not know: its code). */
static const char *
metric_words(const char *code)
{
	static const char *const words[][2] = {
		{ "displaced", "displaced" }, { "idps", "internally displaced" },
		{ "refugees", "refugees" }, { "returnees", "returnees" },
		{ "detained", "detained" }, { "escaped", "escaped" }, { "released", "released" },
		{ "killed", "killed" }, { "injured", "injured" }, { "missing", "missing" },
		{ "idp_returnees", "IDP returnees" }, { "refugee_returnees", "refugee returnees" },
		{ "asylum_seekers", "asylum seekers" }, { "killed_injured", "killed or injured" },
	};

	for (size_t i = 0; code != NULL && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(code, words[i][0]) == 0)
			return words[i][1];
	return code != NULL ? code : "";
}

/* "almost 800", "800", "about 40 households": a value in words. */
static enum status
value_words(struct buf *b, const struct change_value *v, const char *unit)
{
	static const char *const words[][2] = {
		{ "about", "about " }, { "almost", "almost " }, { "at_least", "at least " },
		{ "more_than", "more than " }, { "up_to", "up to " },
	};
	const char *q = "";
	enum status st;

	for (size_t i = 0; v->qualifier != NULL && i < sizeof words / sizeof words[0]; i++)
		if (strcmp(v->qualifier, words[i][0]) == 0)
			q = words[i][1];
	if ((st = buf_printf(b, "%s%lld", q, v->value)) != ST_OK)
		return st;
	return unit != NULL && strcmp(unit, "households") == 0 ? buf_puts(b, " households") : ST_OK;
}

enum status
atom_change_title(struct buf *b, const struct change_row *c)
{
	const struct figure_row *f = &c->figure;
	enum status st;

	if ((st = buf_printf(b, "%s: %s, %s", f->source.name != NULL ? f->source.name : "",
	    metric_words(f->metric), f->location.name != NULL ? f->location.name : "")) != ST_OK)
		return st;
	if (f->group != NULL && *f->group != '\0' && (st = buf_printf(b, ", %s", f->group)) != ST_OK)
		return st;
	switch (c->kind) {
	case CHANGE_ADDED:
		if ((st = buf_puts(b, ", added: ")) == ST_OK)
			st = value_words(b, &c->new_, f->unit);
		return st;
	case CHANGE_REVISED:
		if ((st = buf_puts(b, ", revised from ")) == ST_OK &&
		    (st = value_words(b, &c->old, f->unit)) == ST_OK &&
		    (st = buf_puts(b, " to ")) == ST_OK)
			st = value_words(b, &c->new_, f->unit);
		return st;
	case CHANGE_WITHDRAWN:
		if ((st = buf_puts(b, ", withdrawn (was ")) == ST_OK &&
		    (st = value_words(b, &c->old, f->unit)) == ST_OK)
			st = buf_putc(b, ')');
		return st;
	}
	return ST_OK;
}

/* Appends <name>escaped text</name>. */
static enum status
element(struct buf *b, const char *name, const char *text)
{
	enum status st;

	if ((st = buf_printf(b, "<%s>", name)) != ST_OK || (st = atom_text(b, text)) != ST_OK)
		return st;
	return buf_printf(b, "</%s>\n", name);
}

/* Appends <link rel="rel" type="type" href="base path"/>, every part escaped. */
static enum status
link(struct buf *b, const char *rel, const char *type, const char *base, const char *path)
{
	enum status st;

	if ((st = buf_printf(b, "<link rel=\"%s\" type=\"%s\" href=\"", rel, type)) != ST_OK ||
	    (st = atom_text(b, base)) != ST_OK || (st = atom_text(b, path)) != ST_OK)
		return st;
	return buf_puts(b, "\"/>\n");
}

enum status
atom_feed_begin(struct buf *b, const struct atom_feed *f)
{
	enum status st;

	if ((st = buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<id>")) != ST_OK ||
	    (st = atom_text(b, f->base)) != ST_OK || (st = atom_text(b, f->self)) != ST_OK ||
	    (st = buf_puts(b, "</id>\n")) != ST_OK ||
	    (st = element(b, "title", f->title)) != ST_OK ||
	    (st = element(b, "updated", f->updated)) != ST_OK ||
	    (st = link(b, "self", "application/atom+xml", f->base, f->self)) != ST_OK)
		return st;
	return buf_puts(b, "<author><name>figures</name></author>\n"
	    "<generator version=\"" FIGURES_VERSION "\">figures</generator>\n");
}

/* "2019-10-13", "2019-10-01 to 2019-10-13", or "no date given": the date a value describes. */
static void
date_words(const struct change_value *v, char *out, size_t size)
{
	if (v->as_of != NULL)
		snprintf(out, size, "%s", v->as_of);
	else if (v->period_start != NULL || v->period_end != NULL)
		snprintf(out, size, "%s to %s", v->period_start != NULL ? v->period_start : "?",
		    v->period_end != NULL ? v->period_end : "?");
	else
		snprintf(out, size, "no date given");
}

/* The change in plain text: what, as of when, who said it through what, and where to look. */
static enum status
content(struct buf *b, const struct atom_feed *fd, const struct change_row *c, const char *title)
{
	const struct figure_row *f = &c->figure;
	const struct change_value *v = c->new_.set ? &c->new_ : &c->old;
	char now[32], was[32];
	struct buf t;
	enum status st;

	date_words(v, now, sizeof now);
	buf_init(&t, 1024 * 1024);
	st = buf_printf(&t, "%s.\nAs of %s", title, now);
	if (c->kind == CHANGE_REVISED) {
		date_words(&c->old, was, sizeof was);
		if (st == ST_OK && strcmp(was, now) != 0)
			st = buf_printf(&t, " (was %s)", was);
	}
	if (st == ST_OK)
		st = buf_printf(&t, ".\nSource: %s (%s)", f->source.name != NULL ? f->source.name : "",
		    f->source.type != NULL ? f->source.type : "");
	if (st == ST_OK && f->via != NULL)
		st = buf_printf(&t, ", via %s", f->via);
	if (st == ST_OK && f->url != NULL)
		st = buf_printf(&t, ".\nDocument: %s", f->url);
	if (st == ST_OK && f->quote != NULL)
		st = buf_printf(&t, ".\nQuote: \"%s\"", f->quote);
	if (st == ST_OK)
		st = buf_printf(&t, ".\nChanged at %s (feed %s).\nFigure: %s/v1/figures/%lld; card: "
		    "%s/v1/embed/figures/%lld\n", c->at != NULL ? c->at : "",
		    f->feed != NULL ? f->feed : "", fd->base, f->id, fd->base, f->id);
	if (st == ST_OK && (st = buf_puts(b, "<content type=\"text\">")) == ST_OK &&
	    (st = atom_text(b, t.data)) == ST_OK)
		st = buf_puts(b, "</content>\n");
	buf_free(&t);
	return st;
}

enum status
atom_entry(struct buf *b, const struct atom_feed *fd, const struct change_row *c)
{
	const struct figure_row *f = &c->figure;
	char id[CHANGE_ID_MAX], path[96];
	struct buf title;
	enum status st;

	change_id(c, id);
	buf_init(&title, 64 * 1024);
	if ((st = atom_change_title(&title, c)) != ST_OK || (st = buf_putc(&title, '\0')) != ST_OK) {
		buf_free(&title);
		return st;
	}
	snprintf(path, sizeof path, "/v1/figures/%lld#%s", f->id, id);
	if ((st = buf_puts(b, "<entry>\n<id>")) == ST_OK && (st = atom_text(b, fd->base)) == ST_OK &&
	    (st = atom_text(b, path)) == ST_OK && (st = buf_puts(b, "</id>\n")) == ST_OK &&
	    (st = element(b, "title", title.data)) == ST_OK &&
	    (st = element(b, "updated", c->at)) == ST_OK &&
	    (st = buf_puts(b, "<author>")) == ST_OK &&
	    (st = element(b, "name", f->source.name)) == ST_OK &&
	    (st = buf_puts(b, "</author>\n")) == ST_OK) {
		/* what a reader opens: the figure's card, a page; then its data */
		snprintf(path, sizeof path, "/v1/embed/figures/%lld", f->id);
		st = link(b, "alternate", "text/html", fd->base, path);
	}
	if (st == ST_OK) {
		snprintf(path, sizeof path, "/v1/figures/%lld", f->id);
		st = link(b, "related", "application/json", fd->base, path);
	}
	if (st == ST_OK)
		st = buf_printf(b, "<category term=\"%s\" label=\"%s\"/>\n",
		    change_kind_name(c->kind), change_kind_name(c->kind));
	if (st == ST_OK && (st = buf_puts(b, "<category term=\"")) == ST_OK &&
	    (st = atom_text(b, f->metric)) == ST_OK)
		st = buf_puts(b, "\"/>\n");
	if (st == ST_OK)
		st = content(b, fd, c, title.data);
	if (st == ST_OK)
		st = buf_puts(b, "</entry>\n");
	buf_free(&title);
	return st;
}

enum status
atom_feed_end(struct buf *b)
{
	return buf_puts(b, "</feed>\n");
}
