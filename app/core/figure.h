/*
 * figure.h: the types shared by adapters, the ingest step and the API.
 *
 * A `struct claim` is one figure as an adapter read it from upstream bytes,
 * before validation: every field is text borrowed from the adapter (valid
 * only during the sink call that receives it); NULL or "" means the upstream
 * did not give it. The ingest step (refresh/ingest.c) validates a claim and
 * turns it into a stored figure; nothing else writes figures.
 */
#ifndef FIGURES_FIGURE_H
#define FIGURES_FIGURE_H

#include "err.h"

#include <stddef.h>

/*
 * Bytes in a population group ingest accepts (refresh/resolve.c). A group is
 * one line of text: no control character, tab, CR and LF included. The API
 * carries any such group whole, in group= and in the summary's cursor
 * (api/cursor.h sizes cursors by it).
 */
#define GROUP_MAX 500
/* Bytes in a figure's facet, its NUL included ("unit|cause|origin id": store/write.c). */
#define FACET_MAX 128

struct claim {
	long        row;          /* 1-based row (or item) number within the payload */
	const char *key;          /* the adapter's identity for the row; NULL: derived */
	const char *metric;       /* metric code: "escaped", "idps", … */
	const char *value;        /* the count as text: "800", "130,000" */
	const char *qualifier;    /* "exact", "about", "at least", … (see qualifier_parse) */
	const char *group;        /* population group: "foreign nationals" */

	/* what it counts, beyond the metric (see docs/DESIGN.md, "What a figure counts") */
	const char *unit;         /* "people" (also "", "individuals", "ind") or "households" ("hh") */
	const char *cause;        /* one or more of conflict, violence, disaster, other, joined by '+' */
	const char *males, *females;   /* the count's breakdown by sex, where the source gives it */

	/* where: the most specific location given wins; the others are its parents */
	const char *country;      /* ISO 3166-1 alpha-3 */
	const char *country_name;
	const char *adm1_code, *adm1_name;
	const char *adm2_code, *adm2_name;
	const char *adm3_code, *adm3_name;   /* admin levels 3 to 5, where the source goes so deep */
	const char *adm4_code, *adm4_name;
	const char *adm5_code, *adm5_name;
	const char *loc_code, *loc_name, *loc_type;   /* a site: camp, prison, region, road */

	/* where the people come from: a place resolved like the figure's own */
	const char *origin_country, *origin_country_name;
	const char *origin_adm1_code, *origin_adm1_name;
	const char *origin_adm2_code, *origin_adm2_name;

	/* when */
	const char *as_of;        /* the date the figure describes */
	const char *period_start, *period_end;
	const char *reported_on;  /* when the source published it */

	/* who said it, and how we know */
	const char *source_code;  /* stable slug; derived from source_name if absent */
	const char *source_name;
	const char *source_org;
	const char *source_type;  /* un, ngo, government, monitor, media, armed_group, other */
	const char *source_url;   /* the source's homepage */
	const char *licence;
	const char *via;          /* the document that carried the claim */
	const char *url;          /* the document's URL */
	const char *quote;        /* the source's words, verbatim */
};

/*
 * Where adapters send what they read. `claim` returns ST_OK to go on, ST_STOP
 * to stop early (e.g. --dry-run limits), anything else to abort the payload.
 * `reject` records a row the adapter itself could not read (row is 1-based
 * within the payload); the adapter then goes on with the next row.
 */
struct sink {
	enum status (*claim)(void *ctx, const struct claim *c);
	void (*reject)(void *ctx, long row, const char *reason);
	void *ctx;
};

/* A text field of struct claim: its name (for messages) and offset. */
struct claim_field {
	const char *name;
	size_t      off;
};

/*
 * Every text field of struct claim, in declaration order (not row): what the
 * spool writes and reads back, and what tests and fuzzers read in full.
 */
#define CLAIM_NFIELDS 43
extern const struct claim_field claim_fields[CLAIM_NFIELDS];

/* The text field i of c (NULL stays NULL). */
const char *claim_text(const struct claim *c, size_t i);
/* Sets the text field i of c to v (which c then points at, not a copy). */
void claim_set_text(struct claim *c, size_t i, const char *v);

/*
 * Canonical qualifier for what a source wrote: "exact", "about", "almost",
 * "at_least", "more_than", "up_to". Accepts the canonical words and the
 * common English forms ("at least", "nearly", "approximately", "over"…),
 * case-insensitively; "" or NULL is "exact" (the source gave a plain number).
 * Returns NULL for anything else.
 */
const char *qualifier_parse(const char *s);

/*
 * A cause as canonical text: one or more of conflict, violence, disaster and
 * other, separated by '+' (or ';' or ','; spaces and case ignored), written
 * into out in that order, each once ("conflict+disaster"). Returns 0 for ""
 * or a word not among them (out then unspecified). Adapters map their
 * source's words onto these.
 */
#define CAUSE_MAX 32     /* "conflict+violence+disaster+other" and its NUL */
int cause_parse(const char *s, char out[CAUSE_MAX]);

/* The vocabularies the schema allows (sql/migrations), NULL-terminated. */
extern const char *const source_types[];
extern const char *const metric_categories[];

/* 1 if s is one of source_types. */
int source_type_valid(const char *s);

#endif
