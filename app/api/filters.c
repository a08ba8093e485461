#include "filters.h"

#include <stdio.h>
#include <string.h>

_Static_assert(GROUP_MAX == 500, "openapi.json's group says maxLength 500: change both");

const char *const filter_includes[] = { "sublocations", "withdrawn", NULL };
const char *const filter_units[] = { "people", "households", NULL };
#define INCLUDE_SUBLOCATIONS (1u << 0)
#define INCLUDE_WITHDRAWN    (1u << 1)

/*
 * Resolves a code parameter, one code or several joined by ',', to internal
 * ids: one into *id; several into json (a JSON array of ids), *id left 0. An
 * unknown code is a 400 naming the parameter and the code, never a silently
 * empty answer.
 */
static int
resolve(struct hctx *cx, struct response *r, enum lookup what, int param, const char *name,
    const char *list, long long *id, char json[ID_LIST_MAX])
{
	const struct pval *v = &cx->p[param];
	size_t len = 0;
	int n = 0;

	if (json != NULL)
		json[0] = '\0';
	if (!v->set)
		return 0;
	for (const char *p = v->s;; n++) {
		size_t cl = strcspn(p, ",");
		char code[72];
		long long one;

		snprintf(code, sizeof code, "%.*s", (int)cl, p);   /* codes are at most 64 bytes */
		if (store_lookup(cx->store, what, code, &one) != ST_OK)
			return respond_error(r, 400, "unknown_value", name, "no %s '%s' is known: "
			    "see %s", name, code, list);
		if (n == 0)
			*id = one;
		if (json != NULL)
			len += (size_t)snprintf(json + len, ID_LIST_MAX - len, "%c%lld",
			    n ? ',' : '[', one);
		if (p[cl] == '\0')
			break;
		p += cl + 1;
	}
	if (n > 0) {   /* several: the list filters, the single field does not */
		snprintf(json + len, ID_LIST_MAX - len, "]");
		*id = 0;
	} else if (json != NULL)
		json[0] = '\0';
	return 0;
}

/* country=SYR,IRQ: each must be some location's; several go into text->countries. */
static int
countries(struct hctx *cx, struct response *r, struct figure_filter *f,
    struct filter_text *text)
{
	const char *s = cx->p[FP_COUNTRY].s;
	size_t len = 0;

	if (s == NULL)
		return 0;
	for (const char *p = s;; p += 4) {
		char code[4];

		snprintf(code, sizeof code, "%.3s", p);   /* checked: three letters each */
		if (!store_country_known(cx->store, code))
			return respond_error(r, 400, "unknown_value", "country", "no location is in "
			    "country '%s': see /v1/locations", code);
		len += (size_t)snprintf(text->countries + len, sizeof text->countries - len,
		    "%c\"%s\"", p == s ? '[' : ',', code);
		if (p[3] == '\0')
			break;
	}
	if (strchr(s, ',') != NULL) {
		snprintf(text->countries + len, sizeof text->countries - len, "]");
		f->countries = text->countries;
	} else
		f->country = s;
	return 0;
}

int
filters_parse(struct hctx *cx, struct response *r, struct figure_filter *f,
    struct filter_text *text)
{
	const struct pval *p = cx->p;
	long long loc = 0;
	int rc;

	memset(f, 0, sizeof *f);
	if ((rc = resolve(cx, r, LOOKUP_METRIC, FP_METRIC, "metric", "/v1/metrics", &f->metric,
	        text->metrics)) ||
	    (rc = resolve(cx, r, LOOKUP_LOCATION, FP_LOCATION, "location", "/v1/locations", &loc,
	        NULL)) ||
	    (rc = resolve(cx, r, LOOKUP_SOURCE, FP_SOURCE, "source", "/v1/sources", &f->source,
	        text->sources)) ||
	    (rc = resolve(cx, r, LOOKUP_FEED, FP_FEED, "feed", "/v1/feeds", &f->feed,
	        text->feeds)) ||
	    (rc = resolve(cx, r, LOOKUP_LOCATION, FP_ORIGIN, "origin", "/v1/locations",
	        &f->origin, NULL)) ||
	    (rc = countries(cx, r, f, text)))
		return rc;
	f->metrics = text->metrics[0] ? text->metrics : NULL;
	f->sources = text->sources[0] ? text->sources : NULL;
	f->feeds = text->feeds[0] ? text->feeds : NULL;
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

const char *const known_bys[] = { "retrieved", "reported", NULL };

int
history_parse(struct hctx *cx, struct response *r, struct figure_filter *f, int as_of_date,
    int known_by, char known[21])
{
	const struct pval *day = &cx->p[as_of_date], *by = &cx->p[known_by];

	if (by->set && !day->set)
		return respond_error(r, 400, "invalid_parameter", "known_by", "known_by says how "
		    "as_of_date is read: give as_of_date too");
	if (!day->set)
		return 0;
	/* what we knew at the end of that day, UTC */
	snprintf(known, 21, "%.10sT23:59:59Z", day->s);
	f->known = known;
	f->known_reported = by->set && strcmp(by->s, "reported") == 0;
	return 0;
}
