/*
 * summary.h: summary items, for /v1/summary and its embeddable card.
 */
#ifndef FIGURES_SUMMARY_H
#define FIGURES_SUMMARY_H

#include <cjson/cJSON.h>
#include "../store/read.h"

/*
 * Appends to the array items, in order, the item of each group g[0..n) (groups
 * store_groups found under f, in its order) under filters f: metric, category,
 * location, group, claims (each source's latest figure), range, sources,
 * agree, latest_as_of. A group with no claim under f has no item. ST_DB if the
 * database failed, ST_NOMEM.
 */
enum status summary_items(struct store *s, const struct figure_filter *f,
    const struct group_key *g, size_t n, cJSON *items);

#endif
