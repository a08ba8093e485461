/*
 * gazetteer.h: countries by any of their names, from Debian's iso-codes (the
 * ISO 3166-1 list and the translations it ships), not from a table of ours.
 *
 * "SY", "SYR", "760", "Syrian Arab Republic", "Syrie", "Siria" and
 * "سوريا" (when a translation says so) all name SYR. Names match whole,
 * ignoring ASCII case and runs of spaces; nothing is guessed from part of a
 * name, and a name two countries share names neither.
 */
#ifndef FIGURES_GAZETTEER_H
#define FIGURES_GAZETTEER_H

#include "../core/err.h"

struct gazetteer;

/*
 * Loads json (iso-codes' iso_3166-1.json) and every translation of it under
 * locale_dir (<locale_dir>/<lang>/LC_MESSAGES/iso_3166-1.mo; NULL: none).
 * NULL with the reason in err if json cannot be read. Free with gazetteer_free.
 */
struct gazetteer *gazetteer_load(const char *json, const char *locale_dir, char *err);
void gazetteer_free(struct gazetteer *g);

/*
 * The system's gazetteer (/usr/share/iso-codes, /usr/share/locale), loaded on
 * first use and kept for the process; NULL if iso-codes is not installed
 * (then *why says so, when why is not NULL).
 */
const struct gazetteer *gazetteer_system(const char **why);

/* 1 and the alpha-3 code in out if s names one country, else 0. */
int gazetteer_country(const struct gazetteer *g, const char *s, char out[4]);

/* How many names (codes included) it knows, for logs and tests. */
size_t gazetteer_size(const struct gazetteer *g);

#endif
