#include "filters.h"

#include <string.h>

_Static_assert(GROUP_MAX == 500, "openapi.json's group says maxLength 500: change both");

const char *const filter_includes[] = { "sublocations", "withdrawn", NULL };
const char *const filter_units[] = { "people", "households", NULL };
#define INCLUDE_SUBLOCATIONS (1u << 0)
#define INCLUDE_WITHDRAWN    (1u << 1)

/*
 * Resolves a code parameter to its internal id; an unknown code is a 400
 * naming the parameter, never a silently empty answer.
 */
static int
resolve(struct hctx *cx, struct response *r, enum lookup what, int param, const char *name,
    const char *list, long long *id)
{
	const struct pval *v = &cx->p[param];

	if (!v->set)
		return 0;
	if (store_lookup(cx->store, what, v->s, id) == ST_OK)
		return 0;
	return respond_error(r, 400, "unknown_value", name, "no %s '%s' is known: see %s", name,
	    v->s, list);
}

int
filters_parse(struct hctx *cx, struct response *r, struct figure_filter *f,
    struct filter_text *text)
{
	const struct pval *p = cx->p;
	long long loc = 0;
	int rc;

	memset(f, 0, sizeof *f);
	if ((rc = resolve(cx, r, LOOKUP_METRIC, FP_METRIC, "metric", "/v1/metrics", &f->metric)) ||
	    (rc = resolve(cx, r, LOOKUP_LOCATION, FP_LOCATION, "location", "/v1/locations", &loc)) ||
	    (rc = resolve(cx, r, LOOKUP_SOURCE, FP_SOURCE, "source", "/v1/sources", &f->source)) ||
	    (rc = resolve(cx, r, LOOKUP_FEED, FP_FEED, "feed", "/v1/feeds", &f->feed)) ||
	    (rc = resolve(cx, r, LOOKUP_LOCATION, FP_ORIGIN, "origin", "/v1/locations",
	        &f->origin)))
		return rc;
	f->unit = p[FP_UNIT].s;
	if (p[FP_CAUSE].set) {
		if (!cause_parse(p[FP_CAUSE].s, text->cause))
			return respond_error(r, 400, "invalid_parameter", "cause", "cause must be one or "
			    "more of conflict, violence, disaster, other, joined by '+' (a figure's "
			    "cause as it is written, e.g. conflict+disaster)");
		f->cause = text->cause;
	}
	if (p[FP_INCLUDE].bits & INCLUDE_SUBLOCATIONS) {
		if (!p[FP_LOCATION].set)
			return respond_error(r, 400, "invalid_parameter", "include",
			    "include=sublocations needs a location to include the sublocations of");
		f->subtree = loc;
	} else
		f->location = loc;
	f->withdrawn = (p[FP_INCLUDE].bits & INCLUDE_WITHDRAWN) != 0;
	f->category = p[FP_CATEGORY].s;
	if (p[FP_COUNTRY].set && !store_country_known(cx->store, p[FP_COUNTRY].s))
		return respond_error(r, 400, "unknown_value", "country", "no location is in "
		    "country '%s': see /v1/locations", p[FP_COUNTRY].s);
	f->country = p[FP_COUNTRY].s;
	if (p[FP_GROUP].set && !store_group_known(cx->store, p[FP_GROUP].s))
		return respond_error(r, 400, "unknown_value", "group", "no figure has the group "
		    "'%s' (groups match exactly)", p[FP_GROUP].s);
	f->group = p[FP_GROUP].s;
	f->since = p[FP_SINCE].s;
	f->until = p[FP_UNTIL].s;
	if (f->since != NULL && f->until != NULL && strcmp(f->since, f->until) > 0)
		return respond_error(r, 400, "invalid_parameter", "until", "until (%s) is before "
		    "since (%s)", f->until, f->since);
	return 0;
}
