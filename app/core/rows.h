/*
 * rows.h: what the worker reads, as typed rows. The store fills them
 * (store/read.h), handlers pass them on, render/ writes them out; render
 * depends on this header alone, never on SQLite or the store.
 *
 * Lifetime, for every row the store hands out: its strings point into the
 * store's statement and stay valid until the next read from the same cursor
 * (store_*_next) or until the cursor is closed, whichever comes first; a
 * figure's metric, place, source and feed strings (kept by the store between
 * requests, store/dims.h) until the next read from any figure cursor. A row
 * kept longer is copied (figure_row_copy). A NULL string is a field the
 * source did not give: render writes it as null or an empty cell, never as
 * a guess.
 */
#ifndef FIGURES_ROWS_H
#define FIGURES_ROWS_H

#include <stddef.h>

/* A place (a figure's, or one of /v1/locations). */
struct location_row {
	const char *code, *name, *country, *type;
	const char *parent;          /* the parent's code; only in /v1/locations */
	long long   admin_level;     /* 0 country, 1, 2 …; meaningless unless has_level */
	int         has_level;       /* 0 for sites and regions: admin_level is null */
};

/* Who said it. */
struct source_row {
	const char *code, *name, *organisation, *type, *url, *licence;
};

/* A figure: one claim, with its place and its source. */
struct figure_row {
	long long           id, value;
	const char         *metric, *category, *qualifier, *group;
	struct location_row location;
	const char         *as_of, *period_start, *period_end;
	const char         *sort_date;    /* the date it is ordered by (YYYY-MM-DD) */
	struct source_row   source;
	const char         *via, *url, *quote, *reported_on, *retrieved_at, *licence;
	const char         *feed;         /* the feed's code */
	int                 withdrawn;
	/* what it counts (docs/DESIGN.md): */
	const char         *unit;         /* "people" or "households" */
	const char         *cause;        /* canonical; NULL when the source did not say */
	long long           males, females;   /* meaningless unless has_males, has_females */
	int                 has_males, has_females;
	struct location_row origin;       /* origin.code NULL: no origin given */
	long long           metric_id, location_id;   /* internal ids */
	const char         *facet;        /* the summary's grouping text; only in its claims */
};

/* An earlier (or the current) value of a figure. */
struct revision_row {
	long long   id, value;
	const char *qualifier, *as_of, *period_start, *period_end, *reported_on, *url, *quote;
	const char *retrieved_at, *superseded_at;
	long long   males, females;       /* meaningless unless has_males, has_females */
	int         has_males, has_females;
};

/* A registered feed and how fresh it is (/v1/feeds). */
struct feed_status_row {
	const char *code, *name, *url, *adapter;
	long long   interval, consecutive_failures;
	long long   added, changed, unchanged, rejected;   /* the last payload's rows */
	const char *last_attempt, *last_success, *last_error;
	const char *removed_at;           /* when the feed was removed (--remove-feed), or NULL */
	int         enabled, stale;
};

/* A metric of the vocabulary (/v1/metrics). */
struct metric_row {
	const char *code, *category, *hxl, *label, *description;
	const char *kind;                 /* "stock" (a count at a date) or "flow" (over a period) */
};

/*
 * A summary group's key: one metric, one location, one population group,
 * one facet (unit, cause and origin: figure.facet in sql/migrations/0013).
 */
struct group_row {
	long long   metric_id, location_id;
	const char *group, *facet;
};

/*
 * One summary item: every source's latest claim about one metric, location
 * and group, side by side (claims[0..n), by value then source; each a copy
 * that the item owns), their range, and whether they agree (core/agree.h).
 */
struct summary_item {
	struct figure_row *claims;
	size_t             n;
	long long          min, max;
	int                agree;
	char               latest_as_of[11];   /* the newest date of a claim; "" if none */
};

/* A value a figure had, in a change (/v1/changes): its revision's words and date. */
struct change_value {
	int         set;              /* 0: there is none (before an addition, after a withdrawal) */
	long long   value;
	const char *qualifier, *as_of, *period_start, *period_end;
};

/*
 * One change to a claim: added (its first revision), revised (a later one)
 * or withdrawn (no longer carried by its feed), at a time (the revision's
 * retrieved_at, or the figure's withdrawn_at). The figure is as it is now.
 */
enum change_kind { CHANGE_ADDED, CHANGE_REVISED, CHANGE_WITHDRAWN };
struct change_row {
	enum change_kind    kind;
	const char         *at;           /* YYYY-MM-DDThh:mm:ssZ */
	long long           seq;          /* the revision's id; the figure's for a withdrawal */
	struct figure_row   figure;
	struct change_value old, new_;    /* what it was and what it became */
};

/*
 * Copies src into dst with every string in one new block, which the function
 * returns and the caller frees (free()) when done with dst; NULL when out of
 * memory (dst is then untouched).
 */
char *figure_row_copy(struct figure_row *dst, const struct figure_row *src);
/*
 * The same into mem, room bytes that the caller owns: the bytes used (a row
 * without strings counts one), or 0 when src's strings do not fit in room
 * (dst then holds nothing to keep).
 */
size_t figure_row_copy_to(struct figure_row *dst, const struct figure_row *src, char *mem,
    size_t room);

#endif
