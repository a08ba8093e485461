#include "attribution.h"
#include "html.h"
#include "words.h"

#include <stdlib.h>
#include <string.h>

/* Where a metric's place goes: people are counted in a place, escape from it, return to it. */
enum prep { IN, FROM, TO };

/* A metric's predicate: before the place, the place's preposition, after the place. */
struct predicate {
	const char *before[2];   /* [0] for people, [1] for households (their agreement) */
	enum prep   prep;
	const char *after[2];    /* or NULL */
};

/* One language's sentence (words.h has the words it shares with the cards). */
struct sentence {
	const char *said_pre, *said_post;     /* around the source: "Selon " ", " */
	const char *noun[2];                  /* people, households */
	const char *origin;                   /* "from" */
	const char *prep[3];                  /* IN, FROM, TO */
	struct predicate metric[WORDS_METRICS];
	struct predicate unknown;             /* a metric with no words: its code, quoted */
	const char *quote_open, *quote_close;
	const char *cause_pre, *cause[WORDS_CAUSES], *and_, *list_sep;
	const char *comma;
	const char *as_of, *between, *between_and, *since, *until;
	const char *via_pre, *via_post;
	/* a summary item's */
	const char *verdict[2];               /* [agree] */
	const char *relative;                 /* " qui", " que"; "" */
	const char *colon, *claim_sep, *per_claim;
};

#define P(a, p) { { a, a }, p, { NULL, NULL } }
#define P2(a, b, p) { { a, b }, p, { NULL, NULL } }

static const struct sentence sentences[LANG__N] = {
	[LANG_EN] = { "", " said ", { "people", "households" }, "from", { "in", "from", "to" },
	    { P("had been displaced", IN), P("were internally displaced", IN),
	      P("were refugees", IN), P("had returned", TO), P("were detained", IN),
	      P("had escaped", FROM), P("had been released", IN), P("had been killed", IN),
	      P("had been injured", IN), P("were missing", IN),
	      { { "had returned", "had returned" }, TO,
	        { "after internal displacement", "after internal displacement" } },
	      { { "had returned", "had returned" }, TO,
	        { "after having been refugees", "after having been refugees" } },
	      P("were asylum seekers", IN), P("had been killed or injured", IN) },
	    P("were counted as", IN), "“", "”",
	    "because of", { "conflict", "violence", "disaster", "other causes" }, " and ", ", ",
	    ", ", "as of", "between", "and", "since", "until", " (via ", ")",
	    { "Sources disagree on how many", "Sources agree on how many" }, "", ": ", "; ",
	    "according to " },
	[LANG_AR] = { "بحسب ", "، ", { "", "أسر" }, "من", { "في", "من", "إلى" },
	    { P("النازحين", IN), P("النازحين داخليًا", IN), P("اللاجئين", IN),
	      P("العائدين", TO), P("المحتجزين", IN), P("الفارّين", FROM),
	      P("المُفرج عنهم", IN), P("القتلى", IN), P("الجرحى", IN), P("المفقودين", IN),
	      P("النازحين داخليًا العائدين", TO), P("اللاجئين العائدين", TO),
	      P("طالبي اللجوء", IN), P("القتلى والجرحى", IN) },
	    P("المعدودين ضمن", IN), "«", "»",
	    "بسبب", { "النزاع", "العنف", "الكوارث", "أسباب أخرى" }, " و", " و",
	    "، ", "حتى تاريخ", "في الفترة من", "إلى", "منذ", "حتى", " (عبر ", ")",
	    { "تختلف المصادر حول عدد", "تتفق المصادر حول عدد" }, "", ": ", "؛ ", "بحسب " },
	[LANG_FR] = { "Selon ", ", ", { "personnes", "ménages" }, "originaires", { "à", "de", "à" },
	    { P2("ont été déplacées", "ont été déplacés", IN),
	      P2("sont déplacées à l’intérieur de leur pays",
	         "sont déplacés à l’intérieur de leur pays", IN),
	      P2("sont réfugiées", "sont réfugiés", IN), P2("sont rentrées", "sont rentrés", TO),
	      P2("sont détenues", "sont détenus", IN),
	      P2("se sont évadées", "se sont évadés", FROM),
	      P2("ont été libérées", "ont été libérés", IN),
	      P2("ont été tuées", "ont été tués", IN), P2("ont été blessées", "ont été blessés", IN),
	      P2("sont portées disparues", "sont portés disparus", IN),
	      { { "sont rentrées", "sont rentrés" }, TO,
	        { "après un déplacement interne", "après un déplacement interne" } },
	      { { "sont rentrées", "sont rentrés" }, TO,
	        { "après avoir été réfugiées", "après avoir été réfugiés" } },
	      P("demandent l’asile", IN),
	      P2("ont été tuées ou blessées", "ont été tués ou blessés", IN) },
	    P2("sont comptées comme", "sont comptés comme", IN), "« ", " »",
	    "en raison", { "du conflit", "de la violence", "de catastrophes", "d’autres causes" },
	    " et ", ", ", ", ", "au", "entre le", "et le", "depuis le", "jusqu’au",
	    " (via ", ")",
	    { "Les sources divergent sur le nombre de", "Les sources concordent sur le nombre de" },
	    " qui", " : ", " ; ", "selon " },
	[LANG_ES] = { "Según ", ", ", { "personas", "hogares" }, "procedentes de",
	    { "en", "de", "a" },
	    { P2("fueron desplazadas", "fueron desplazados", IN),
	      P2("son desplazadas internas", "son desplazados internos", IN),
	      P2("son refugiadas", "son refugiados", IN), P("regresaron", TO),
	      P2("están detenidas", "están detenidos", IN), P("escaparon", FROM),
	      P2("fueron liberadas", "fueron liberados", IN),
	      P2("resultaron muertas", "resultaron muertos", IN),
	      P2("resultaron heridas", "resultaron heridos", IN),
	      P2("están desaparecidas", "están desaparecidos", IN),
	      { { "regresaron", "regresaron" }, TO,
	        { "tras un desplazamiento interno", "tras un desplazamiento interno" } },
	      { { "regresaron", "regresaron" }, TO,
	        { "tras haber sido refugiadas", "tras haber sido refugiados" } },
	      P("solicitan asilo", IN),
	      P2("resultaron muertas o heridas", "resultaron muertos o heridos", IN) },
	    P("se contaron como", IN), "«", "»",
	    "a causa", { "del conflicto", "de la violencia", "de desastres", "de otras causas" },
	    " y ", ", ", ", ", "al", "entre el", "y el", "desde el", "hasta el", " (vía ", ")",
	    { "Las fuentes discrepan sobre el número de", "Las fuentes coinciden sobre el número de" },
	    " que", ": ", "; ", "según " },
};

/* Where the sentence goes, and how: plain text, or HTML with values escaped and isolated. */
struct out {
	struct buf            *b;
	int                    html;
	const struct words    *w;
	const struct sentence *s;
	size_t                 start;   /* where the sentence begins in b */
};

#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)

/* Our own words. */
static enum status
word(struct out *o, const char *text)
{
	return o->html ? html_escape(o->b, text) : buf_puts(o->b, text);
}

/* A value a source gave (a name, a group): escaped and isolated in HTML. */
static enum status
value(struct out *o, const char *text)
{
	enum status st;

	if (!o->html)
		return buf_puts(o->b, text);
	CHECK(buf_puts(o->b, "<bdi>"));
	CHECK(html_escape(o->b, text));
	return buf_puts(o->b, "</bdi>");
}

static enum status
date(struct out *o, const char *day)
{
	return o->html ? html_date(o->b, o->w, day) : words_date(o->b, o->w, day);
}

static enum status
number(struct out *o, long long v)
{
	char n[WORDS_NUMBER_MAX];

	words_number(o->w, v, n);
	return buf_puts(o->b, n);
}

/* 1 if the name starts with a vowel: French elides "de" before it ("d’Alep"). */
static int
starts_vowel(const char *name)
{
	static const char *const accented[] = { "É", "é", "È", "Ê", "À", "Â", "Î", "Ô", "Û", "Ü" };

	if (strchr("AEIOUYaeiouy", name[0]) != NULL && name[0] != '\0')
		return 1;
	for (size_t i = 0; i < sizeof accented / sizeof accented[0]; i++)
		if (strncmp(name, accented[i], strlen(accented[i])) == 0)
			return 1;
	return 0;
}

/* " de X" or " d’X" (French), or " <prep> X" in the others. */
static enum status
prep_place(struct out *o, const char *prep, const char *name)
{
	enum status st;

	if (o->w->id == LANG_FR && strcmp(prep, "de") == 0 && starts_vowel(name)) {
		CHECK(word(o, " d’"));
		return value(o, name);
	}
	CHECK(buf_putc(o->b, ' '));
	CHECK(word(o, prep));
	CHECK(buf_putc(o->b, ' '));
	return value(o, name);
}

/* 1 if loc is a country: French says "sur le territoire de" it ("à" a country is wrong). */
static int
is_country(const struct location_row *loc)
{
	return (loc->type != NULL && strcmp(loc->type, "country") == 0) ||
	    (loc->has_level && loc->admin_level == 0);
}

/* The predicate's place: " in Ain Issa camp", " d’Ain Issa camp", " sur le territoire de …". */
static enum status
place(struct out *o, const struct figure_row *fig, enum prep p)
{
	const char *name = fig->location.name;
	enum status st;

	if (name == NULL || *name == '\0')
		return ST_OK;
	if (o->w->id == LANG_FR && p != FROM && is_country(&fig->location)) {
		CHECK(word(o, " sur le territoire"));
		return prep_place(o, "de", name);
	}
	return prep_place(o, o->s->prep[p], name);
}

static int
households(const struct figure_row *fig)
{
	return fig->unit != NULL && strcmp(fig->unit, "households") == 0;
}

/* The metric's index among words_metric_codes, or -1 for one this build has no words for. */
static int
metric_index(const char *metric)
{
	return words_index(metric, words_metric_codes, WORDS_METRICS);
}

static const struct predicate *
predicate_of(const struct sentence *s, int metric)
{
	return metric < 0 ? &s->unknown : &s->metric[metric];
}

/* The metric's code, quoted, for a metric this build has no words for (index -1). */
static enum status
unknown_metric(struct out *o, const char *metric, int index)
{
	enum status st;

	if (index >= 0 || metric == NULL)
		return ST_OK;
	CHECK(buf_putc(o->b, ' '));
	CHECK(word(o, o->s->quote_open));
	CHECK(value(o, metric));
	return word(o, o->s->quote_close);
}

/* " (foreigners affiliated with IS)" when the figure names a group. */
static enum status
group(struct out *o, const struct figure_row *fig)
{
	enum status st;

	if (fig->group == NULL || *fig->group == '\0')
		return ST_OK;
	CHECK(buf_puts(o->b, " ("));
	CHECK(value(o, fig->group));
	return buf_putc(o->b, ')');
}

/* " from Syria", " originaires de Syrie" when the figure gives an origin. */
static enum status
origin(struct out *o, const struct figure_row *fig)
{
	const char *name = fig->origin.name != NULL ? fig->origin.name : fig->origin.code;
	enum status st;

	if (fig->origin.code == NULL || name == NULL)
		return ST_OK;
	if (o->w->id == LANG_FR) {
		CHECK(buf_putc(o->b, ' '));
		CHECK(word(o, o->s->origin));
		return prep_place(o, "de", name);
	}
	return prep_place(o, o->s->origin, name);
}

/* The index of the cause c[0..len) among words_cause_codes, or -1. */
static int
cause_index(const char *c, size_t len)
{
	for (size_t i = 0; i < WORDS_CAUSES; i++)
		if (strlen(words_cause_codes[i]) == len && strncmp(c, words_cause_codes[i], len) == 0)
			return (int)i;
	return -1;
}

/* One cause the build has no words for, as given (whole: never cut in a character). */
static enum status
unknown_cause(struct out *o, const char *c, size_t len)
{
	char *code = strndup(c, len);
	enum status st;

	if (code == NULL)
		return ST_NOMEM;
	st = value(o, code);
	free(code);
	return st;
}

/* " because of conflict and disaster" when the source said what caused it. */
static enum status
cause(struct out *o, const struct figure_row *fig)
{
	const char *c = fig->cause;
	size_t n = 0, k = 0;
	enum status st;

	if (c == NULL || *c == '\0')
		return ST_OK;
	for (const char *p = c; *p != '\0'; p++)
		n += *p == '+';
	n++;
	CHECK(buf_putc(o->b, ' '));
	CHECK(word(o, o->s->cause_pre));
	CHECK(buf_putc(o->b, ' '));
	for (; *c != '\0'; k++) {
		size_t len = strcspn(c, "+");
		int i = cause_index(c, len);

		if (k > 0)
			CHECK(word(o, k + 1 == n ? o->s->and_ : o->s->list_sep));
		CHECK(i < 0 ? unknown_cause(o, c, len) : word(o, o->s->cause[i]));
		c += len + (c[len] == '+');
	}
	return ST_OK;
}

/*
 * The subject and its predicate, without the number: "people (group) from
 * Syria had escaped from Ain Issa camp" (fr, es: with the relative pronoun
 * when rel); Arabic: "الفارّين (group) من Syria من Ain Issa camp".
 */
static enum status
what_where(struct out *o, const struct figure_row *fig, int rel)
{
	int metric = metric_index(fig->metric);   /* once: twice was ~155 instructions a sentence */
	const struct predicate *p = predicate_of(o->s, metric);
	int h = households(fig);
	enum status st;

	if (o->w->id == LANG_AR) {
		if (h) {
			CHECK(word(o, o->s->noun[1]));
			CHECK(buf_putc(o->b, ' '));
		}
		CHECK(word(o, p->before[0]));
		CHECK(unknown_metric(o, fig->metric, metric));
		CHECK(group(o, fig));
		CHECK(origin(o, fig));
		CHECK(place(o, fig, p->prep));
		return cause(o, fig);
	}
	CHECK(word(o, o->s->noun[h]));
	CHECK(group(o, fig));
	CHECK(origin(o, fig));
	if (rel)
		CHECK(word(o, o->s->relative));
	CHECK(buf_putc(o->b, ' '));
	CHECK(word(o, p->before[h]));
	CHECK(unknown_metric(o, fig->metric, metric));
	CHECK(place(o, fig, p->prep));
	if (p->after[h] != NULL) {
		CHECK(buf_putc(o->b, ' '));
		CHECK(word(o, p->after[h]));
	}
	return cause(o, fig);
}

/* "almost 800": the qualifier's words (none for exact) and the number. */
static enum status
quantity(struct out *o, const struct figure_row *fig)
{
	const char *q = words_qualifier(o->w, fig->qualifier);
	enum status st;

	if (q != NULL && *q != '\0') {
		CHECK(word(o, q));
		CHECK(buf_putc(o->b, ' '));
	}
	return number(o, fig->value);
}

/* 1 if the figure has a date to say: a period (a flow), else its as-of date. */
static int
has_date(const struct figure_row *fig)
{
	return fig->period_start != NULL || fig->period_end != NULL || fig->as_of != NULL;
}

/* ", as of 13 October 2019", ", between … and …", ", since …", ", until …"; "" if none. */
static enum status
when(struct out *o, const struct figure_row *fig)
{
	const struct sentence *s = o->s;
	const char *start = fig->period_start, *end = fig->period_end;
	enum status st;

	if (!has_date(fig))
		return ST_OK;
	CHECK(word(o, s->comma));
	if (start == NULL && end == NULL) {
		CHECK(word(o, s->as_of));
		CHECK(buf_putc(o->b, ' '));
		return date(o, fig->as_of);
	}
	CHECK(word(o, start != NULL && end != NULL ? s->between : start != NULL ? s->since :
	    s->until));
	CHECK(buf_putc(o->b, ' '));
	CHECK(date(o, start != NULL ? start : end));
	if (start == NULL || end == NULL)
		return ST_OK;
	CHECK(buf_putc(o->b, ' '));
	CHECK(word(o, s->between_and));
	CHECK(buf_putc(o->b, ' '));
	return date(o, end);
}

/* The source's name (its code if it has none), or NULL: the sentence then names no one. */
static const char *
source_of(const struct figure_row *fig)
{
	if (fig->source.name != NULL && *fig->source.name != '\0')
		return fig->source.name;
	if (fig->source.code != NULL && *fig->source.code != '\0')
		return fig->source.code;
	return NULL;
}

/* The first letter upper-case, when it is a lower-case ASCII one of our words. */
static void
capitalise(struct out *o)
{
	char *c = o->b->data + o->start;

	if (o->b->len > o->start && *c >= 'a' && *c <= 'z')
		*c = (char)(*c - 'a' + 'A');
}

static enum status
figure_sentence(struct out *o, const struct figure_row *fig)
{
	const char *src = source_of(fig);
	enum status st;

	o->start = o->b->len;
	if (src != NULL && o->w->id == LANG_EN) {
		CHECK(value(o, src));
		CHECK(word(o, o->s->said_post));
	} else if (src != NULL) {
		CHECK(word(o, o->s->said_pre));
		CHECK(value(o, src));
		CHECK(word(o, o->s->said_post));
	}
	if (o->w->id == LANG_AR) {
		CHECK(word(o, "بلغ عدد "));
		CHECK(what_where(o, fig, 0));
		CHECK(buf_putc(o->b, ' '));
		CHECK(quantity(o, fig));
	} else {
		CHECK(quantity(o, fig));
		CHECK(buf_putc(o->b, ' '));
		CHECK(what_where(o, fig, 0));
	}
	CHECK(when(o, fig));
	if (fig->via != NULL && *fig->via != '\0') {
		CHECK(word(o, o->s->via_pre));
		CHECK(value(o, fig->via));
		CHECK(word(o, o->s->via_post));
	}
	capitalise(o);   /* a tag (HTML's <bdi>) starts with '<': left as it is */
	return buf_putc(o->b, '.');
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 if claims a and b are dated alike: the summary's sentence then says the date once. */
static int
same_date(const struct figure_row *a, const struct figure_row *b)
{
	return same_text(a->as_of, b->as_of) && same_text(a->period_start, b->period_start) &&
	    same_text(a->period_end, b->period_end);
}

/* "according to Kurdish authorities, almost 800" (its own date when dates differ). */
static enum status
claim(struct out *o, const struct figure_row *c, int own_date)
{
	const char *src = source_of(c);
	enum status st;

	if (src != NULL) {
		CHECK(word(o, o->s->per_claim));
		CHECK(value(o, src));
		CHECK(word(o, o->s->comma));
	}
	CHECK(quantity(o, c));
	return own_date ? when(o, c) : ST_OK;
}

/* "9,960 more sources in between": the claims a long item's sentence leaves out. */
static enum status
left_out(struct out *o, size_t n)
{
	enum status st;

	CHECK(number(o, (long long)n));
	CHECK(buf_putc(o->b, ' '));
	return word(o, o->w->between);
}

static enum status
summary_sentence(struct out *o, const struct summary_item *item)
{
	const struct figure_row *first = &item->claims[0];
	int dated_alike = 1;
	enum status st;

	if (item->n == 1)
		return figure_sentence(o, first);
	for (size_t i = 1; i < item->n && dated_alike; i++)
		dated_alike = same_date(first, &item->claims[i]);
	o->start = o->b->len;
	CHECK(word(o, o->s->verdict[item->agree != 0]));
	CHECK(buf_putc(o->b, ' '));
	CHECK(what_where(o, first, 1));
	CHECK(word(o, o->s->colon));
	for (size_t i = 0; i < item->n; i++) {
		if (i > 0)
			CHECK(word(o, o->s->claim_sep));
		if (item->n > ATTRIBUTION_CLAIMS_MAX && i == ATTRIBUTION_CLAIMS_MAX / 2) {
			CHECK(left_out(o, item->n - ATTRIBUTION_CLAIMS_MAX));
			CHECK(word(o, o->s->claim_sep));
			i = item->n - ATTRIBUTION_CLAIMS_MAX / 2;
		}
		CHECK(claim(o, &item->claims[i], !dated_alike));
	}
	if (dated_alike)
		CHECK(when(o, first));
	return buf_putc(o->b, '.');
}

static struct out
out_for(struct buf *b, const char *lang, int html)
{
	const struct words *w = words_for(lang);

	return (struct out){ .b = b, .html = html, .w = w, .s = &sentences[w->id] };
}

enum status
attribution_figure(struct buf *b, const struct figure_row *fig, const char *lang)
{
	struct out o = out_for(b, lang, 0);

	return figure_sentence(&o, fig);
}

enum status
attribution_figure_html(struct buf *b, const struct figure_row *fig, const char *lang)
{
	struct out o = out_for(b, lang, 1);

	return figure_sentence(&o, fig);
}

enum status
attribution_summary(struct buf *b, const struct summary_item *item, const char *lang)
{
	struct out o = out_for(b, lang, 0);

	return item->n == 0 ? ST_INVALID : summary_sentence(&o, item);
}

enum status
attribution_summary_html(struct buf *b, const struct summary_item *item, const char *lang)
{
	struct out o = out_for(b, lang, 1);

	return item->n == 0 ? ST_INVALID : summary_sentence(&o, item);
}
