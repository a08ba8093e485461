/*
 * json.h: the worker's typed rows (core/rows.h) as cJSON objects, and, for
 * the many-row answers (a page of figures, a summary's items), the same
 * objects written straight into a buffer, byte for byte as cJSON prints them
 * (tests/unit/test_json.c compares the two). Every string is escaped as cJSON
 * escapes it; the refresher guarantees stored text is valid UTF-8. A NULL
 * string becomes null. Each cJSON function returns a new object the caller
 * owns, or NULL when out of memory.
 */
#ifndef FIGURES_JSON_H
#define FIGURES_JSON_H

#include <cjson/cJSON.h>
#include "../core/buf.h"
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

/*
 * json_figure_lang(row, lang) and json_summary_item_lang(item, lang), printed
 * unformatted, appended to b; scratch (a buffer of max ATTRIBUTION_MAX, reused
 * from row to row) holds the attribution while it is made. ST_TOO_BIG
 * or ST_NOMEM when b cannot take it; ST_INVALID for an item of no claims (of
 * which json_summary_item_lang makes no object).
 */
enum status json_write_figure(struct buf *b, const struct figure_row *row, const char *lang,
    struct buf *scratch);
enum status json_write_summary_item(struct buf *b, const struct summary_item *item,
    const char *lang, struct buf *scratch);
/* json_revision(row), printed unformatted, appended to b. */
enum status json_write_revision(struct buf *b, const struct revision_row *row);
/* s as a JSON string (null when NULL), and v as a number, as cJSON prints them. */
enum status json_put_text(struct buf *b, const char *s);
enum status json_put_int(struct buf *b, long long v);

#endif
