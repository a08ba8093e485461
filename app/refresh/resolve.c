#include "resolve.h"
#include "../core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TEXT_MAX   500     /* bytes in a name, URL or via (a group: GROUP_MAX) */
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

/*
 * A population group is one line of text (core/figure.h): it is a key that
 * the API's group= and summary cursors carry, and shows in titles and cells,
 * so no tab, CR, LF or DEL either (text_ok allows the first three in text).
 */
static int
line_ok(const char *s, const char *field, char *why)
{
	char tmp[48];

	for (size_t i = 0; given(s) && s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			err_set(why, "%s '%s' contains a control character (byte %zu is 0x%02x): a "
			    "%s is one line of text", field, shown(s, tmp), i + 1,
			    (unsigned)(unsigned char)s[i], field);
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
		{ c->group, GROUP_MAX, "group" }, { c->country, 64, "country" },
		{ c->country_name, TEXT_MAX, "country name" },
		{ c->adm1_code, 64, "adm1 code" }, { c->adm1_name, TEXT_MAX, "adm1 name" },
		{ c->adm2_code, 64, "adm2 code" }, { c->adm2_name, TEXT_MAX, "adm2 name" },
		{ c->adm3_code, 64, "adm3 code" }, { c->adm3_name, TEXT_MAX, "adm3 name" },
		{ c->adm4_code, 64, "adm4 code" }, { c->adm4_name, TEXT_MAX, "adm4 name" },
		{ c->adm5_code, 64, "adm5 code" }, { c->adm5_name, TEXT_MAX, "adm5 name" },
		{ c->unit, 64, "unit" }, { c->cause, 200, "cause" },
		{ c->males, 64, "males" }, { c->females, 64, "females" },
		{ c->origin_country, 64, "origin country" },
		{ c->origin_country_name, TEXT_MAX, "origin country name" },
		{ c->origin_adm1_code, 64, "origin adm1 code" },
		{ c->origin_adm1_name, TEXT_MAX, "origin adm1 name" },
		{ c->origin_adm2_code, 64, "origin adm2 code" },
		{ c->origin_adm2_name, TEXT_MAX, "origin adm2 name" },
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
	return line_ok(c->group, "group", why);
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

int
place_code_derive(const char *country, const char *parent, const char *name,
    char out[RESOLVE_CODE_MAX])
{
	char slug[256];
	size_t plen = strlen(parent), n = slugify(name, slug, sizeof slug);
	uint64_t h;

	if (strlen(country) != 3)
		return 0;
	if (n > 0 && plen + 1 + n <= 64) {
		memcpy(out, parent, plen);
		out[plen] = '-';
		memcpy(out + plen + 1, slug, n + 1);
		return 1;
	}
	/* too long, or nothing Latin to read: the country, what fits, and a hash */
	h = fnv1a(FNV1A_OFFSET, parent, plen + 1);   /* its NUL separates it from the name */
	h = fnv1a(h, name, strlen(name));
	n = slug_shorten(slug, 64 - 4 - 13);
	snprintf(out, RESOLVE_CODE_MAX, "%.3s-%.47s%s%012llx", country, slug, n ? "-" : "",
	    (unsigned long long)(h & 0xffffffffffffULL));
	return 1;
}

/* The levels below a country a chain may name, outermost first. */
struct level {
	const char *code, *name, *type;
	int         level;
};

/*
 * Fills chain from a country (code, else name) and the levels below it, each
 * given by code or name; what names the chain in messages ("location",
 * "origin").
 */
static int
chain_ok(const struct resolve_env *env, const char *what, const char *country,
    const char *country_name, const struct level *levels, size_t nlevels,
    struct resolved_chain *ch, char *why)
{
	const char *pre = strcmp(what, "origin") == 0 ? "origin " : "";
	char tmp[48];

	/*
	 * Three letters are a code as given (UNHCR's and HDX's own, such as XKX,
	 * included); anything else must name one country by ISO 3166 (a two-letter
	 * or numeric code, or a name iso-codes or CLDR gives in some language).
	 */
	if (given(country) && country_code(country, strlen(country), ch->country))
		;
	else if (given(country)) {
		if (env->country == NULL || !env->country(env->country_ctx, country, ch->country)) {
			err_set(why, "%scountry '%s' is neither an ISO 3166-1 alpha-3 code nor a "
			    "code or name ISO 3166 gives one country", pre, shown(country, tmp));
			return 0;
		}
	} else if (given(country_name)) {
		if (env->country == NULL ||
		    !env->country(env->country_ctx, country_name, ch->country)) {
			err_set(why, "missing %s: the row gives no country code, and its country "
			    "name '%s' is not one ISO 3166 gives one country: add a code column",
			    what, shown(country_name, tmp));
			return 0;
		}
	} else {
		err_set(why, "missing %s: the row gives no country code", what);
		return 0;
	}
	ch->places[0] = (struct resolved_place){ .code = ch->country, .type = "country",
	    .level = 0, .name = given(country_name) ? country_name : ch->country };
	ch->n = 1;

	for (size_t i = 0; i < nlevels; i++) {
		const char *name = levels[i].name;
		char *code = ch->code[ch->n];

		if (!given(levels[i].code) && !given(name))
			continue;
		if (given(levels[i].code))
			snprintf(code, RESOLVE_CODE_MAX, "%s", levels[i].code);
		else
			place_code_derive(ch->country, ch->places[ch->n - 1].code, name, code);
		if (!code_valid(code)) {
			err_set(why, "%s code '%s' is not 1-64 letters, digits, '.', '_' or '-'",
			    what, shown(code, tmp));
			return 0;
		}
		ch->places[ch->n++] = (struct resolved_place){ .code = code,
		    .name = given(name) ? name : code, .type = levels[i].type,
		    .level = levels[i].level };
	}
	return 1;
}

/* The figure's place: country > adm1 … adm5 > site. */
static int
where_ok(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	const struct level levels[] = {
		{ c->adm1_code, c->adm1_name, "admin1", 1 },
		{ c->adm2_code, c->adm2_name, "admin2", 2 },
		{ c->adm3_code, c->adm3_name, "admin3", 3 },
		{ c->adm4_code, c->adm4_name, "admin4", 4 },
		{ c->adm5_code, c->adm5_name, "admin5", 5 },
		{ c->loc_code, c->loc_name, given(c->loc_type) ? c->loc_type : "site", -1 },
	};

	return chain_ok(env, "location", c->country, c->country_name, levels,
	    sizeof levels / sizeof levels[0], &r->where, why);
}

/*
 * Where the people come from, if the row says: a country, or an area in one.
 * An area given without its country is in the figure's own country (people
 * displaced within it, as DTM and HXL's +origin columns give them).
 */
static int
origin_ok(const struct resolve_env *env, const struct claim *c, struct resolved *r,
    char *why)
{
	const struct level levels[] = {
		{ c->origin_adm1_code, c->origin_adm1_name, "admin1", 1 },
		{ c->origin_adm2_code, c->origin_adm2_name, "admin2", 2 },
	};
	int area = given(c->origin_adm1_code) || given(c->origin_adm1_name) ||
	    given(c->origin_adm2_code) || given(c->origin_adm2_name);

	r->origin.n = 0;
	if (!given(c->origin_country) && !given(c->origin_country_name) && !area)
		return 1;
	if (!given(c->origin_country) && !given(c->origin_country_name))
		return chain_ok(env, "origin", r->where.country, NULL, levels, 2, &r->origin, why);
	return chain_ok(env, "origin", c->origin_country, c->origin_country_name, levels, 2,
	    &r->origin, why);
}

/* Unit, cause and the breakdown by sex. */
static int
counts_ok(const struct claim *c, struct resolved *r, char *why)
{
	char tmp[48];

	if (!given(c->unit) || strcasecmp(c->unit, "people") == 0 ||
	    strcasecmp(c->unit, "individuals") == 0 || strcasecmp(c->unit, "ind") == 0)
		r->unit = "people";
	else if (strcasecmp(c->unit, "households") == 0 || strcasecmp(c->unit, "hh") == 0)
		r->unit = "households";
	else {
		err_set(why, "unit '%s' is neither people nor households", shown(c->unit, tmp));
		return 0;
	}
	r->cause[0] = '\0';
	if (given(c->cause) && !cause_parse(c->cause, r->cause)) {
		err_set(why, "cause '%s' is not one or more of conflict, violence, disaster, other",
		    shown(c->cause, tmp));
		return 0;
	}
	r->males = r->females = -1;
	if ((given(c->males) && !parse_count(c->males, &r->males)) ||
	    (given(c->females) && !parse_count(c->females, &r->females))) {
		err_set(why, "breakdown by sex '%s' is not a whole number of people from 0 to 10^12",
		    shown(given(c->males) && r->males < 0 ? c->males : c->females, tmp));
		return 0;
	}
	if ((r->males > 0 ? r->males : 0) + (r->females > 0 ? r->females : 0) > r->value) {
		err_set(why, "breakdown by sex (%lld males, %lld females) exceeds the count %lld",
		    r->males > 0 ? r->males : 0, r->females > 0 ? r->females : 0, r->value);
		return 0;
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
	if (!counts_ok(c, r, why) || !dates_ok(env, c, r, why) || !where_ok(env, c, r, why) ||
	    !origin_ok(env, c, r, why) || !source_ok(env, c, r, why))
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
resolve_key(const struct resolved *r, long long location_id, long long origin_id,
    char out[RESOLVE_KEY_MAX])
{
	char src[INT_TEXT_MAX + 1];
	int n, m = 0;

	if (r->key != NULL)
		n = snprintf(out, RESOLVE_KEY_MAX, "%s", r->key);
	else {
		/* HXL's identity: source, metric, location, group and date. */
		if (r->source.default_id > 0)
			snprintf(src, sizeof src, "#%lld", r->source.default_id);
		n = snprintf(out, RESOLVE_KEY_MAX, "%s|%s|%lld|%s|%s|%s|%s",
		    r->source.default_id > 0 ? src : r->source.code, r->metric, location_id,
		    given(r->group) ? r->group : "", r->as_of, r->period_start, r->period_end);
		/* what a figure counts, only when it says: older keys stay as they were */
		if (n > 0 && (strcmp(r->unit, "people") != 0 || *r->cause || r->origin.n > 0))
			m = snprintf(out + n, RESOLVE_KEY_MAX - (size_t)n, "|%s|%s|%lld", r->unit,
			    r->cause, r->origin.n > 0 ? origin_id : 0);
	}
	return n < 0 || m < 0 ? 0 : (size_t)n + (size_t)m;
}
