/*
 * summary.h: summary items, for /v1/summary and its embeddable card. For a
 * page of groups (metric x location x population group): every source's
 * latest claim side by side, the range, how many sources, whether they agree
 * (core/agree.h, every claim counted), and the newest date. Never an average.
 */
#ifndef FIGURES_SUMMARY_H
#define FIGURES_SUMMARY_H

#include "../core/rows.h"
#include "../store/read.h"

/* A page of items; its claims are copies it owns (summary_page_free). */
struct summary_page {
	struct summary_item *items;
	size_t               n;
	char               **blocks;     /* the claims' strings, in chunks */
	size_t               nblocks, bcap;
	char                *room;       /* where the last chunk's free bytes start */
	size_t               left;       /* how many there are */
};

/*
 * Reads the item of each group g[0..n) (groups store_groups found under f, in
 * its order) under the filters f into page, in order; a group with no claim
 * under f has no item. ST_DB if the database failed (page is then empty),
 * ST_NOMEM. page is always safe to pass to summary_page_free.
 */
enum status summary_read(struct store *s, const struct figure_filter *f,
    const struct group_row *g, size_t n, struct summary_page *page);
void summary_page_free(struct summary_page *page);
#endif
