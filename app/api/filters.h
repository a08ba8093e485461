/*
 * filters.h: the figure filters shared by /v1/figures, /v1/summary and the
 * summary card: one declaration, the first FP__FILTERS entries of each of
 * those routes' parameter tables (FILTER_PSPECS), and one function that
 * turns the checked values into a struct figure_filter.
 */
#ifndef FIGURES_FILTERS_H
#define FIGURES_FILTERS_H

#include "api.h"
#include "../core/figure.h"

enum {
	FP_METRIC, FP_CATEGORY, FP_LOCATION, FP_INCLUDE, FP_COUNTRY, FP_SOURCE, FP_FEED,
	FP_SINCE, FP_UNTIL, FP_GROUP, FP_ORIGIN, FP_UNIT, FP_CAUSE,
	FP__FILTERS
};

extern const char *const filter_includes[];
extern const char *const filter_units[];

#define FILTER_PSPECS \
	[FP_METRIC] = { "metric", P_CODES, 0, 0, NULL }, \
	[FP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories }, \
	[FP_LOCATION] = { "location", P_CODE, 0, 0, NULL }, \
	[FP_INCLUDE] = { "include", P_LIST, 0, 0, filter_includes }, \
	[FP_COUNTRY] = { "country", P_COUNTRIES, 0, 0, NULL }, \
	[FP_SOURCE] = { "source", P_CODES, 0, 0, NULL }, \
	[FP_FEED] = { "feed", P_CODES, 0, 0, NULL }, \
	[FP_SINCE] = { "since", P_DATE, 0, 0, NULL }, \
	[FP_UNTIL] = { "until", P_DATE, 0, 0, NULL }, \
	[FP_GROUP] = { "group", P_TEXT, 0, GROUP_MAX, NULL }, \
	[FP_ORIGIN] = { "origin", P_CODE, 0, 0, NULL }, \
	[FP_UNIT] = { "unit", P_ENUM, 0, 0, filter_units }, \
	[FP_CAUSE] = { "cause", P_TEXT, 0, 64, NULL }

/*
 * Fills f from the request's filter values (cause into the caller's buffer,
 * canonical; lists of metrics, sources, feeds and countries as JSON arrays
 * of their ids or codes, when more than one is given: one is the plain
 * field). An unknown metric, location, source, feed, country, group or
 * origin is a 400 naming the parameter and the value. Returns 0, or the
 * status of the error response written into r.
 */
#define ID_LIST_MAX (LIST_MAX * 22 + 3)   /* "[id,id,...]": ids have at most 20 digits */
struct filter_text {
	char cause[CAUSE_MAX];
	char metrics[ID_LIST_MAX], sources[ID_LIST_MAX], feeds[ID_LIST_MAX];
	char countries[LIST_MAX * 6 + 3];     /* ["SYR","IRQ"] */
};
int filters_parse(struct hctx *cx, struct response *r, struct figure_filter *f,
    struct filter_text *text);

/*
 * as_of_date and known_by (pval indexes): "what we knew" at the end of that
 * day (UTC), by retrieval (this service's knowledge, the default) or by
 * report (known_by=reported: public knowledge), into f (known: the caller's
 * buffer). known_by without as_of_date is a 400. Returns 0 or the status
 * of the error written into r.
 */
extern const char *const known_bys[];   /* retrieved, reported */
int history_parse(struct hctx *cx, struct response *r, struct figure_filter *f, int as_of_date,
    int known_by, char known[21]);

#endif
