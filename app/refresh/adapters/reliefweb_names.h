/*
 * reliefweb_names.h: what each ReliefWeb key figure counts, by its name.
 *
 * ReliefWeb's key figures say what they count only in their name ("Syrian
 * Refugees in Turkey", "Civilians Killed since 24 Feb 2022", "Personas
 * desplazadas internamente por violencia"), in English, Spanish and French.
 * Words are not read: every name the service published (in the real files
 * under tests/fixtures/real/reliefweb/) has one line in the table of
 * reliefweb_names.c saying its metric, place, origin, unit, cause, period and
 * population group, or why it is not a figure of this service. A name the
 * table does not have is rejected with the name, never guessed.
 */
#ifndef FIGURES_RELIEFWEB_NAMES_H
#define FIGURES_RELIEFWEB_NAMES_H

#include <stddef.h>

struct rw_name {
	const char *name;        /* the key figure's name, byte for byte */
	const char *metric;      /* a metric code; NULL: rejected, for why */
	const char *why;         /* why it is rejected: words after the name */
	const char *country;     /* where the people are (ISO3); NULL: the feed's country */
	const char *adm1;        /* a first-level area of that country, by name */
	const char *site, *site_type;   /* a camp, or a region the name bounds */
	const char *origin;      /* where they come from (ISO3), if the name says */
	const char *group;       /* the population group, if the name narrows it */
	const char *unit;        /* "households"; NULL: people */
	const char *cause;       /* conflict, violence, disaster, other, joined by '+' */
	const char *qualifier;   /* "about" for an estimate; NULL: exact */
	/*
	 * The period's start, when the figure counts over one: "YYYY-MM-DD"; a
	 * day without a year ("--10-07", the name's "since 7 Oct") is its latest
	 * occurrence on or before the figure's date; "year" and "month" are the
	 * calendar year or month of the figure's date ("per year"). NULL: the
	 * figure is a count at its date.
	 */
	const char *since;
	const char *until;       /* the period's end, if the name gives it; else the date */
};

/* The table's line for name, or NULL if the table does not know it. */
const struct rw_name *rw_name_find(const char *name);

/* The whole table, sorted by name (strcmp), for tests. */
extern const struct rw_name rw_names[];
extern const size_t rw_names_count;

#endif
