/*
 * words.h: what render/ writes for people, in each language it speaks
 * (English, Arabic, French, Spanish): the words for metrics, qualifiers,
 * causes and the rest of a card's labels, numbers grouped and dates written
 * the way each language writes them ("13 October 2019", "13 octobre 2019",
 * "13 de octubre de 2019", "13 أكتوبر 2019"). The cards (html.c), the
 * attribution sentence (attribution.c) and the pages share them, so a figure
 * reads the same wherever it is shown.
 *
 * Nothing here escapes: the words are ours and plain; a caller that writes
 * HTML escapes what it writes, as it does any text.
 */
#ifndef FIGURES_WORDS_H
#define FIGURES_WORDS_H

#include <stddef.h>
#include "../core/buf.h"

#define WORDS_QUALIFIERS 6
#define WORDS_METRICS    14
#define WORDS_CAUSES     4

/* The languages, in the order of the table in words.c (English first: the default). */
enum lang { LANG_EN, LANG_AR, LANG_FR, LANG_ES, LANG__N };

/*
 * The public pages' own words (render/page.c, api/h_pages.c): their frame,
 * the search, a place's claims and a figure's details. The words a page
 * shares with a card (agree, as of, source, via...) are the card's.
 */
struct words_page {
	const char *name;                /* the language's own name: "English", "العربية" */
	const char *site, *tagline, *skip, *find, *find_hint, *search;
	const char *home_title, *home_h1;          /* "/": its <title> without a query, its <h1> */
	const char *results, *no_results, *by_country, *no_place_figures, *figure_prefix;
	const char *one_source, *counted, *said, *reported, *list_sep;
	const char *value, *date, *qualifier, *origin, *unit, *people, *cause, *via;
	const char *reported_on, *retrieved, *embed, *embed_code, *oembed;
	const char *chart_table, *chart_desc, *revisions, *superseded, *current, *withdrawn;
	const char *data_as_of, *preview, *exact;
};

struct words {
	enum lang   id;
	const char *lang, *dir;          /* "en", "ltr" */
	/* a card's labels */
	const char *source, *as_of, *no_date, *via, *document, *data, *retrieved;
	const char *agree, *disagree, *range, *sources, *one_source, *between;
	/* what a figure counts */
	const char *qualifier[WORDS_QUALIFIERS];   /* "" for exact */
	const char *metric[WORDS_METRICS];
	const char *households, *from;
	const char *cause[WORDS_CAUSES];
	const char *month[12];
	char        group_sep[4];        /* the thousands separator, UTF-8 */
	int         group_min;           /* digits a number has before it is grouped */
	/* a card's state: "revised on <date>", a withdrawn figure, its licence */
	const char *revised_on, *withdrawn, *licence;
	/* an error card: what cannot be shown (404, 503, any other) and what to do */
	const char *err_not_found, *err_unavailable, *err_other;
	const char *err_check, *err_recover;   /* a client's error; the service's */
	struct words_page page;          /* the public pages' own */
};

/* Every language, NULL-terminated, for a parameter's choices: "en", "ar", "fr", "es". */
extern const char *const words_langs[];

/* The words of lang ("en", "ar", "fr", "es"); English for NULL or any other. */
const struct words *words_for(const char *lang);

/* The codes words_*() know, in their tables' order. */
extern const char *const words_qualifier_codes[WORDS_QUALIFIERS];
extern const char *const words_metric_codes[WORDS_METRICS];
extern const char *const words_cause_codes[WORDS_CAUSES];

/*
 * The index of code in codes[0..n), or -1: a code this build has no word for
 * (the caller then writes the code itself, never a guess).
 */
int words_index(const char *code, const char *const *codes, size_t n);

/* A metric's words ("escaped", "فارّون"); the code itself when there are none. */
const char *words_metric(const struct words *w, const char *code);
/* A qualifier's words ("almost"; "" for exact); the code itself when there are none. */
const char *words_qualifier(const struct words *w, const char *code);
/* One cause's words ("conflict"); the code itself when there are none. */
const char *words_cause(const struct words *w, const char *code);

/*
 * v with its thousands grouped as the language groups them: "130,000" (en,
 * ar), "130 000" (fr, a narrow no-break space), "130.000" (es, and "1000"
 * ungrouped). Returns the text's length.
 */
#define WORDS_NUMBER_MAX 48
size_t words_number(const struct words *w, long long v, char out[WORDS_NUMBER_MAX]);

/*
 * A date written for people: "13 October 2019", "1er octobre 2019",
 * "13 de octubre de 2019", "13 أكتوبر 2019" (the digits as the cards write
 * them). date is YYYY-MM-DD, or a time that starts with one; anything else
 * (a partial or a malformed date) is appended as it is, never guessed at.
 */
enum status words_date(struct buf *b, const struct words *w, const char *date);

#endif
