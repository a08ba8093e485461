#include "resolve.h"
#include "../core/strutil.h"

#include <stdio.h>
#include <string.h>

#define TEXT_MAX   500     /* bytes in a name, URL, group or via */
#define QUOTE_MAX  4000    /* bytes in a verbatim quote */

/* Copies at most 40 bytes of s for a message, replacing what is not printable. */
static const char *
shown(const char *s, char out[48])
{
	size_t n = 0;

	for (; s != NULL && *s != '\0' && n < 40; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	if (s != NULL && *s != '\0')
		out[n - 1] = '~';
	out[n] = '\0';
	return out;
}

static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Checks a text field: valid UTF-8, no control bytes but tab/newline, bounded. */
static int
text_ok(const char *s, size_t max, const char *field, char *why)
{
	size_t n;

	if (!given(s))
		return 1;
	n = strlen(s);
	if (n > max) {
		err_set(why, "%s is %zu bytes long, more than %zu", field, n, max);
		return 0;
	}
	if (!utf8_valid(s, n)) {
		err_set(why, "%s is not valid UTF-8", field);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			err_set(why, "%s contains a control character", field);
			return 0;
		}
	return 1;
}

/* Normalises an optional date field into out ("" when not given). */
static int
date_ok(const char *s, char out[11], const char *field, char *why)
{
	char tmp[48];

	out[0] = '\0';
	if (!given(s))
		return 1;
	if (!date_from_timestamp(s, out)) {
		err_set(why, "%s '%s' is not a real date (YYYY-MM-DD)", field, shown(s, tmp));
		return 0;
	}
	return 1;
}

/* Every text field with its bound and its name in messages, checked first. */
static int
texts_ok(const struct claim *c, char *why)
{
	const struct { const char *v; size_t max; const char *name; } texts[] = {
		{ c->key, TEXT_MAX, "key" }, { c->metric, 64, "metric" },
		{ c->value, 64, "value" }, { c->qualifier, 64, "qualifier" },
		{ c->group, TEXT_MAX, "group" }, { c->country, 64, "country" },
		{ c->country_name, TEXT_MAX, "country name" },
		{ c->adm1_code, 64, "adm1 code" }, { c->adm1_name, TEXT_MAX, "adm1 name" },
		{ c->adm2_code, 64, "adm2 code" }, { c->adm2_name, TEXT_MAX, "adm2 name" },
		{ c->loc_code, 64, "location code" }, { c->loc_name, TEXT_MAX, "location name" },
		{ c->loc_type, 64, "location type" }, { c->source_code, 64, "source code" },
		{ c->source_name, TEXT_MAX, "source" }, { c->source_org, TEXT_MAX, "organisation" },
		{ c->source_type, 64, "source type" }, { c->source_url, TEXT_MAX, "source URL" },
		{ c->licence, TEXT_MAX, "licence" }, { c->via, TEXT_MAX, "via" },
		{ c->url, TEXT_MAX, "URL" }, { c->quote, QUOTE_MAX, "quote" },
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!text_ok(texts[i].v, texts[i].max, texts[i].name, why))
			return 0;
	return 1;
}

/* The dates: each real, the period in order, a one-day period a point in time. */
static int
dates_ok(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	const char *sort_date;

	if (!date_ok(c->as_of, r->as_of, "as-of date", why) ||
	    !date_ok(c->period_start, r->period_start, "period start", why) ||
	    !date_ok(c->period_end, r->period_end, "period end", why) ||
	    !date_ok(c->reported_on, r->reported_on, "reported date", why))
		return 0;
	if (*r->period_start && *r->period_end && strcmp(r->period_start, r->period_end) > 0) {
		err_set(why, "period starts (%s) after it ends (%s)", r->period_start,
		    r->period_end);
		return 0;
	}
	if (!*r->as_of && *r->period_start && *r->period_end &&
	    strcmp(r->period_start, r->period_end) == 0) {
		memcpy(r->as_of, r->period_start, sizeof r->as_of);
		r->period_start[0] = r->period_end[0] = '\0';
	}
	sort_date = *r->as_of ? r->as_of : *r->period_end ? r->period_end :
	    *r->period_start ? r->period_start : *r->reported_on ? r->reported_on : NULL;
	if (sort_date != NULL)
		memcpy(r->sort_date, sort_date, sizeof r->sort_date);
	else   /* no date at all: order it by when we learnt it, and say nothing else */
		strlcpy_n(r->sort_date, sizeof r->sort_date, env->retrieved_at,
		    strnlen(env->retrieved_at, 10));
	return 1;
}

/* The chain country > adm1 > adm2 > site, each level given by code or name. */
static int
places_ok(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	char slug[256], tmp[48];

	/*
	 * Three letters are a code as given (UNHCR's and HDX's own, such as XKX,
	 * included); anything else must name one country by ISO 3166 (a two-letter
	 * or numeric code, or a name in a language iso-codes knows).
	 */
	if (given(c->country) && country_code(c->country, strlen(c->country), r->country))
		;
	else if (given(c->country)) {
		if (env->country == NULL || !env->country(env->country_ctx, c->country, r->country)) {
			err_set(why, "country '%s' is neither an ISO 3166-1 alpha-3 code nor a "
			    "code or name ISO 3166 gives one country", shown(c->country, tmp));
			return 0;
		}
	} else if (given(c->country_name)) {
		if (env->country == NULL ||
		    !env->country(env->country_ctx, c->country_name, r->country)) {
			err_set(why, "missing location: the row gives no country code, and its country "
			    "name '%s' is not one ISO 3166 gives one country: add a code column",
			    shown(c->country_name, tmp));
			return 0;
		}
	} else {
		err_set(why, "missing location: the row gives no country code");
		return 0;
	}
	r->places[0] = (struct resolved_place){ .code = r->country, .type = "country",
	    .level = 0, .name = given(c->country_name) ? c->country_name : r->country };
	r->nplaces = 1;

	/* Each level: the code given, else "<ISO3>-<slug of the name>". */
	const struct { const char *code, *name, *type; int level; } levels[] = {
		{ c->adm1_code, c->adm1_name, "admin1", 1 },
		{ c->adm2_code, c->adm2_name, "admin2", 2 },
		{ c->loc_code, c->loc_name, given(c->loc_type) ? c->loc_type : "site", -1 },
	};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		const char *name = levels[i].name;
		char *code = r->place_code[r->nplaces];

		if (!given(levels[i].code) && !given(name))
			continue;
		if (given(levels[i].code))
			snprintf(code, RESOLVE_CODE_MAX, "%s", levels[i].code);
		else if (slugify(name, slug, sizeof slug) == 0) {
			err_set(why, "location name '%s' gives no usable code: add a code column",
			    shown(name, tmp));
			return 0;
		} else {
			slug_shorten(slug, 64 - 4);   /* room for "SYR-" */
			snprintf(code, RESOLVE_CODE_MAX, "%s-%.60s", r->country, slug);
		}
		if (!code_valid(code)) {
			err_set(why, "location code '%s' is not 1-64 letters, digits, '.', '_' or '-'",
			    shown(code, tmp));
			return 0;
		}
		r->places[r->nplaces++] = (struct resolved_place){ .code = code,
		    .name = given(name) ? name : code, .type = levels[i].type,
		    .level = levels[i].level };
	}
	return 1;
}

/* Who said it: the source named (by code, else by a slug of its name) or the default. */
static int
source_ok(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	struct resolved_source *s = &r->source;
	char slug[256], tmp[48];
	const char *type = given(c->source_type) ? c->source_type : "other";

	if (!given(c->source_name) && !given(c->source_code)) {
		if (env->default_source_id > 0) {
			*s = (struct resolved_source){ .default_id = env->default_source_id };
			return 1;
		}
		err_set(why, "no source: the row names none and feed %s has no default source "
		    "(set one with --organisation)", env->feed_code);
		return 0;
	}
	if (given(c->source_code))
		snprintf(slug, sizeof slug, "%s", c->source_code);
	else if (slugify(c->source_name, slug, sizeof slug) == 0) {
		err_set(why, "source name '%s' gives no usable code: add #meta+source+code",
		    shown(c->source_name, tmp));
		return 0;
	} else
		slug_shorten(slug, 64);
	if (!code_valid(slug)) {
		err_set(why, "source code '%s' is not 1-64 letters, digits, '.', '_' or '-'",
		    shown(slug, tmp));
		return 0;
	}
	if (!source_type_valid(type)) {
		err_set(why, "source type '%s' is not one of un, ngo, government, monitor, media, "
		    "armed_group, other", shown(type, tmp));
		return 0;
	}
	/* code_valid: at most 64 bytes, so it fits whole */
	strlcpy_n(r->source_code, sizeof r->source_code, slug, strlen(slug));
	*s = (struct resolved_source){ .code = r->source_code,
	    .name = given(c->source_name) ? c->source_name : r->source_code,
	    .organisation = given(c->source_org) ? c->source_org :
	        given(c->source_name) ? c->source_name : r->source_code,
	    .type = type, .url = c->source_url, .licence = c->licence };
	return 1;
}

enum status
resolve_claim(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	char tmp[48];

	/* Text first: nothing below may look at invalid bytes. */
	if (!texts_ok(c, why))
		return ST_INVALID;
	if (!given(c->metric)) {
		err_set(why, "no metric");
		return ST_INVALID;
	}
	if (!env->metric(env->metric_ctx, c->metric, &r->metric_id)) {
		err_set(why, "unknown metric '%s' (see /v1/metrics)", shown(c->metric, tmp));
		return ST_INVALID;
	}
	r->metric = c->metric;
	if (!parse_count(c->value, &r->value)) {
		err_set(why, "value '%s' is not a whole number of people from 0 to 10^12",
		    shown(c->value, tmp));
		return ST_INVALID;
	}
	if ((r->qualifier = qualifier_parse(c->qualifier)) == NULL) {
		err_set(why, "qualifier '%s' is not one of exact, about, almost, at least, "
		    "more than, up to", shown(c->qualifier, tmp));
		return ST_INVALID;
	}
	if (!dates_ok(env, c, r, why) || !places_ok(env, c, r, why) || !source_ok(env, c, r, why))
		return ST_INVALID;
	r->group = c->group;
	r->key = given(c->key) ? c->key : NULL;
	r->via = c->via;
	r->url = c->url;
	r->quote = c->quote;
	r->licence = c->licence;
	return ST_OK;
}

size_t
resolve_key(const struct resolved *r, long long location_id, char out[RESOLVE_KEY_MAX])
{
	char src[INT_TEXT_MAX + 1];
	int n;

	if (r->key != NULL)
		n = snprintf(out, RESOLVE_KEY_MAX, "%s", r->key);
	else {
		/* HXL's identity: source, metric, location, group and date. */
		if (r->source.default_id > 0)
			snprintf(src, sizeof src, "#%lld", r->source.default_id);
		n = snprintf(out, RESOLVE_KEY_MAX, "%s|%s|%lld|%s|%s|%s|%s",
		    r->source.default_id > 0 ? src : r->source.code, r->metric, location_id,
		    given(r->group) ? r->group : "", r->as_of, r->period_start, r->period_end);
	}
	return n < 0 ? 0 : (size_t)n;
}
