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
	[FP_METRIC] = { "metric", P_CODE, 0, 0, NULL }, \
	[FP_CATEGORY] = { "category", P_ENUM, 0, 0, metric_categories }, \
	[FP_LOCATION] = { "location", P_CODE, 0, 0, NULL }, \
	[FP_INCLUDE] = { "include", P_LIST, 0, 0, filter_includes }, \
	[FP_COUNTRY] = { "country", P_COUNTRY, 0, 0, NULL }, \
	[FP_SOURCE] = { "source", P_CODE, 0, 0, NULL }, \
	[FP_FEED] = { "feed", P_CODE, 0, 0, NULL }, \
	[FP_SINCE] = { "since", P_DATE, 0, 0, NULL }, \
	[FP_UNTIL] = { "until", P_DATE, 0, 0, NULL }, \
	[FP_GROUP] = { "group", P_TEXT, 0, GROUP_MAX, NULL }, \
	[FP_ORIGIN] = { "origin", P_CODE, 0, 0, NULL }, \
	[FP_UNIT] = { "unit", P_ENUM, 0, 0, filter_units }, \
	[FP_CAUSE] = { "cause", P_TEXT, 0, 64, NULL }

/*
 * Fills f from the request's filter values (cause into the caller's buffer,
 * canonical). An unknown metric, location,
 * source, feed, country, group or origin is a 400 naming the parameter. Returns 0,
 * or the status of the error response written into r.
 */
struct filter_text {
	char cause[CAUSE_MAX];
};
int filters_parse(struct hctx *cx, struct response *r, struct figure_filter *f,
    struct filter_text *text);

#endif
