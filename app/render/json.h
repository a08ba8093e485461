/*
 * json.h: the worker's typed rows (core/rows.h) as cJSON objects. JSON is only
 * ever built through cJSON, which escapes every string; the refresher
 * guarantees stored text is valid UTF-8. A NULL string becomes null.
 * Each function returns a new object the caller owns, or NULL when out of
 * memory.
 */
#ifndef FIGURES_JSON_H
#define FIGURES_JSON_H

#include <cjson/cJSON.h>
#include "../core/rows.h"

/*
 * A figure, with "attribution": its sentence (render/attribution.h) in lang
 * ("en", "ar", "fr", "es"; NULL or any other: English). json_figure is
 * json_figure_lang in English.
 */
cJSON *json_figure(const struct figure_row *f);
cJSON *json_figure_lang(const struct figure_row *f, const char *lang);
/* A figure's place: code, name, country, admin_level, type. */
cJSON *json_location_of_figure(const struct figure_row *f);
cJSON *json_revision(const struct revision_row *r);
/* A place of /v1/locations: a figure's place fields, and its parent. */
cJSON *json_location(const struct location_row *l);
cJSON *json_source(const struct source_row *s);
cJSON *json_feed(const struct feed_status_row *f);
cJSON *json_metric(const struct metric_row *m);
/*
 * A summary item: metric, category, location, group, claims, range,
 * sources, agree, latest_as_of, attribution (the sources' claims side by
 * side in one sentence, in lang; each claim has its own).
 */
cJSON *json_summary_item(const struct summary_item *item);
cJSON *json_summary_item_lang(const struct summary_item *item, const char *lang);

/* Adds name: the integer v (exactly, not through a double). */
cJSON *json_add_int(cJSON *obj, const char *name, long long v);
/* The integer v as a new item (exactly, not through a double). */
cJSON *json_int(long long v);
/* Adds name: the text s, or null when s is NULL. */
cJSON *json_add_text(cJSON *obj, const char *name, const char *s);

#endif
