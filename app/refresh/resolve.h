/*
 * resolve.h: the pure half of ingest: one claim checked and resolved into
 * everything the writer stores for it, or the reason it is refused.
 *
 * No database, no I/O, no allocation, no logging, no clock: the same claim
 * and environment always give the same answer, so this is unit-tested and
 * fuzzed on its own (tests/fuzz/fuzz_resolve.c). Checks run in a fixed
 * order (text, metric, value, qualifier, dates, place, source) and the first
 * that fails names the reason.
 *
 * What only the database knows is left to the write step (ingest.c): the ids
 * of places and sources, whether a place's code already belongs to another
 * country, and whether the payload already held the figure. The write step
 * checks those before it writes anything, so a refused row leaves nothing.
 */
#ifndef FIGURES_RESOLVE_H
#define FIGURES_RESOLVE_H

#include "../core/figure.h"

#include <stddef.h>

#define RESOLVE_PLACES    7      /* country > admin1 > … > admin5 > site */
#define RESOLVE_CODE_MAX  80     /* a place code: at most 64 bytes (code_valid) */
#define RESOLVE_KEY_MAX   1024   /* every key resolve_key writes fits (bounds below) */
#define RESOLVE_CAUSE_MAX CAUSE_MAX

/*
 * What a claim is checked against. The metric vocabulary is a lookup the
 * caller provides, which must be pure too: the refresher's searches the list
 * the writer loaded once (writer_metrics); a test or fuzzer's, a fixed table.
 */
struct resolve_env {
	const char *feed_code;          /* for messages */
	long long   default_source_id;  /* the feed's default source; 0: none */
	const char *retrieved_at;       /* ISO 8601: a row with no date sorts by its day */
	/* 1 and the metric's id in *id if code names a metric, else 0 */
	int (*metric)(const void *ctx, const char *code, long long *id);
	const void *metric_ctx;
	/*
	 * 1 and the ISO 3166-1 alpha-3 code in out if s names a country (a code of
	 * another form, or a name); NULL: only alpha-3 codes are understood.
	 */
	int (*country)(const void *ctx, const char *s, char out[4]);
	const void *country_ctx;
};

/* One place of a chain. */
struct resolved_place {
	const char *code;     /* 1-64 of [A-Za-z0-9._-] (code_valid) */
	const char *name;     /* the name given, else the code */
	const char *type;     /* "country", "admin1" … "admin5", or the site's type */
	int         level;    /* admin level 0 … 5; -1 for a site */
};

/*
 * A place with its parents, outermost first: places[0] is the country,
 * places[n - 1] the place itself. A place's code is the one the source gave
 * (an ISO code, a P-code), else derived from its name within its parent
 * (place_code_derive): never from the name alone, so Afrin in Aleppo and
 * Afrin in Idleb are two places. n == 0: no place (an origin not given).
 */
struct resolved_chain {
	char                  country[4];   /* ISO 3166-1 alpha-3, upper case */
	struct resolved_place places[RESOLVE_PLACES];
	size_t                n;
	char                  code[RESOLVE_PLACES][RESOLVE_CODE_MAX];   /* scratch */
};

/*
 * Who said it: either the feed's default source (default_id > 0, every text
 * NULL) or a named one, found by code or created from the rest.
 */
struct resolved_source {
	long long   default_id;
	const char *code;          /* code_valid */
	const char *name, *organisation;   /* never NULL: defaulted to the code */
	const char *type;          /* one of source_types */
	const char *url, *licence; /* NULL or "": not given */
};

/*
 * A checked claim. Its pointers point into the claim (so it is valid only
 * while the claim is, which for a sink is the call) and into this struct's
 * own scratch arrays (so it is not to be copied by value; fill it in place).
 * Nothing in it is allocated: there is nothing to free.
 */
struct resolved {
	const char *metric;        /* the metric's code, as the claim gave it */
	long long   metric_id;     /* from the vocabulary */
	long long   value;         /* 0 … COUNT_MAX */
	const char *qualifier;     /* canonical (qualifier_parse), static */
	const char *group;         /* NULL or "": none */
	const char *unit;          /* "people" or "households", static */
	char        cause[RESOLVE_CAUSE_MAX];   /* canonical (cause_parse), "" when not said */
	long long   males, females;             /* -1 when not given */
	/* YYYY-MM-DD, or "" when not given; a one-day period is moved to as_of */
	char        as_of[11], period_start[11], period_end[11], reported_on[11];
	char        sort_date[11]; /* as_of, else end, start, reported, retrieved day */
	struct resolved_chain  where;    /* the figure's place: never empty */
	struct resolved_chain  origin;   /* where the people come from: n == 0 if not said */
	struct resolved_source source;
	const char *key;           /* the claim's own key, or NULL: see resolve_key */
	const char *via, *url, *quote, *licence;   /* NULL or "": not given */

	/* scratch the pointers above may point into */
	char        source_code[65];
};

/*
 * Checks claim c against env and fills *out (see struct resolved for how
 * long it stays valid). Returns ST_OK, or ST_INVALID with one sentence in
 * why (ERR_MAX bytes) saying what is wrong, *out then being unspecified.
 * The reasons are those the refresher logs and the e2e tests read.
 */
enum status resolve_claim(const struct resolve_env *env, const struct claim *c,
    struct resolved *out, char *why);

/*
 * Writes the figure's identity within its feed into out: the claim's own key,
 * else "source|metric|location|group|as of|period start|period end", where
 * source is the source's code or "#<default source id>" and location is
 * location_id, the database id of where.places[where.n - 1], in decimal;
 * followed, only for a figure that says them, by "|unit|cause|origin"
 * (origin_id: the database id of origin.places[origin.n - 1], or 0).
 * Databases store these keys: changing this text makes the next refresh
 * withdraw and re-add every figure (tests/unit/test_ingest.c pins it). The
 * ids are ignored for a claim's own key. Returns the key's length, which is
 * always less than RESOLVE_KEY_MAX: a claim's own key is at most 500 bytes,
 * and a derived one at most 64 + 64 + 20 + 500 + 3 × 10 + 6 + 10 + 32 + 20 + 3
 * (resolve_claim's bounds; the fuzzer checks it).
 */
size_t resolve_key(const struct resolved *r, long long location_id, long long origin_id,
    char out[RESOLVE_KEY_MAX]);

/*
 * The code of a place the source named but gave no code for: "<parent>-<slug
 * of name>" ("SYR-aleppo", "SY02-afrin"); when the name has no Latin letter
 * or digit (a name in Arabic, Cyrillic…) or the code would exceed 64 bytes,
 * "<country>-<slug cut short>-<12 hex digits of a hash of parent and name>".
 * Deterministic, URL-safe (code_valid). Returns 0 if it cannot (a country
 * that is not three letters).
 */
int place_code_derive(const char *country, const char *parent, const char *name,
    char out[RESOLVE_CODE_MAX]);

#endif
