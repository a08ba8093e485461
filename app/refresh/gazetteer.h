/*
 * gazetteer.h: countries by any of their names, from Debian's iso-codes (the
 * ISO 3166-1 list and the translations it ships) and Unicode's CLDR (each
 * locale's names of territories, short ones included: Debian's
 * unicode-cldr-core), not from a table of ours.
 *
 * "SY", "SYR", "760", "Syrian Arab Republic", "Syria", "Syrie", "Siria",
 * "Сирия" and "سوريا" all name SYR. Names match whole, ignoring ASCII case
 * and runs of spaces; nothing is guessed from part of a name, and a name two
 * countries share names neither. A code or an English name iso-codes gives
 * stays the name of its country whatever a translation says ("Congo" is COG,
 * though some languages call COD so).
 */
#ifndef FIGURES_GAZETTEER_H
#define FIGURES_GAZETTEER_H

#include "../core/err.h"

struct gazetteer;

/* Where Debian's unicode-cldr-core puts CLDR's locale files. */
#define GAZETTEER_CLDR "/usr/share/unicode/cldr/common/main"

/*
 * Loads json (iso-codes' iso_3166-1.json), every translation of it under
 * locale_dir (<locale_dir>/<lang>/LC_MESSAGES/iso_3166-1.mo; NULL: none) and
 * the territory names of every CLDR locale file in cldr_dir (<cldr_dir>/<locale>.xml,
 * for the countries iso-codes lists; NULL: none). NULL with the reason in err
 * if json cannot be read; without CLDR files it works from iso-codes alone,
 * and gazetteer_note says so. Free with gazetteer_free.
 */
struct gazetteer *gazetteer_load(const char *json, const char *locale_dir,
    const char *cldr_dir, char *err);
void gazetteer_free(struct gazetteer *g);

/*
 * The system's gazetteer (/usr/share/iso-codes, /usr/share/locale,
 * GAZETTEER_CLDR), loaded on first use and kept for the process; NULL if
 * iso-codes is not installed (then *why says so, when why is not NULL). What
 * it lacks (iso-codes, CLDR) is logged once, as a warning.
 */
const struct gazetteer *gazetteer_system(const char **why);

/* 1 and the alpha-3 code in out if s names one country, else 0. */
int gazetteer_country(const struct gazetteer *g, const char *s, char out[4]);

/*
 * What g could not load and what to install (CLDR's files missing: it knows
 * iso-codes' names alone), or NULL if it has everything it was given.
 */
const char *gazetteer_note(const struct gazetteer *g);

/* How many names (codes included) it knows, for logs and tests. */
size_t gazetteer_size(const struct gazetteer *g);

/* A name's bytes, its NUL included, at most: a longer "name" is not one. */
#define GAZETTEER_NAME_MAX 256

/*
 * Reads one line of a CLDR locale file's <territories> (gazetteer_load reads
 * those; exposed for the fuzzer): 1 if it is one element on one line,
 *   <territory type="SY" [alt="short"|"variant"] [draft="approved"|"contributed"]>Syrie</territory>
 * with type two upper-case ASCII letters; then type and name are set, name
 * non-empty, XML's five entities and character references (of characters
 * XML allows) decoded. 0 for anything else, name then "": a region ("001"),
 * another alt, a draft below contributed (ICU leaves those out too), markup
 * or an unknown entity in the text, an element split over lines, a name of
 * GAZETTEER_NAME_MAX bytes or more.
 */
int gazetteer_cldr_line(const char *line, char type[3], char name[GAZETTEER_NAME_MAX]);

#endif
