/*
 * summary.h: one summary item, for /v1/summary and its embeddable card.
 */
#ifndef FIGURES_SUMMARY_H
#define FIGURES_SUMMARY_H

#include <cjson/cJSON.h>
#include "../store/read.h"

/*
 * The item for group g under filters f: metric, category, location, group,
 * claims (each source's latest figure), range, sources, agree, latest_as_of.
 * NULL if the group has no claims (or the database failed). Caller frees.
 */
cJSON *summary_item(struct store *s, const struct figure_filter *f, const struct group_key *g);

#endif
