#include "ingest.h"
#include "../core/log.h"
#include "../core/strutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define TEXT_MAX   500     /* bytes in a name, URL, group or via */
#define QUOTE_MAX  4000    /* bytes in a verbatim quote */

/* Copies at most 40 bytes of s for a log line, replacing what is not printable. */
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

void
ingest_init(struct ingest *in, struct writer *w, const struct feed_row *feed, const char *now)
{
	memset(in, 0, sizeof *in);
	in->w = w;
	in->feed = feed;
	snprintf(in->retrieved_at, sizeof in->retrieved_at, "%s", now);
}

/* Resolves the chain country > adm1 > adm2 > site; writes the deepest id. */
static enum status
ingest_location(struct ingest *in, const struct claim *c, char country[4], long long *id,
    char *why)
{
	struct location_in loc;
	char code[80], slug[256], tmp[48];
	long long parent;
	enum status rs;

	if (!given(c->country)) {
		err_set(why, "missing location: the row gives no country code");
		return ST_INVALID;
	}
	if (strlen(c->country) != 3 || !isalpha((unsigned char)c->country[0]) ||
	    !isalpha((unsigned char)c->country[1]) || !isalpha((unsigned char)c->country[2])) {
		err_set(why, "country code '%s' is not ISO 3166-1 alpha-3", shown(c->country, tmp));
		return ST_INVALID;
	}
	for (int i = 0; i < 3; i++)
		country[i] = (char)toupper((unsigned char)c->country[i]);
	country[3] = '\0';

	loc = (struct location_in){ .code = country, .country = country, .type = "country",
	    .admin_level = 0, .name = given(c->country_name) ? c->country_name : country };
	if ((rs = writer_location(in->w, &loc, id, why)) != ST_OK)
		return rs;

	/* Each level: the code given, else "<ISO3>-<slug of the name>". */
	const struct { const char *code, *name, *type; int level; } levels[] = {
		{ c->adm1_code, c->adm1_name, "admin1", 1 },
		{ c->adm2_code, c->adm2_name, "admin2", 2 },
		{ c->loc_code, c->loc_name, given(c->loc_type) ? c->loc_type : "site", -1 },
	};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		const char *name = levels[i].name;

		if (!given(levels[i].code) && !given(name))
			continue;
		if (given(levels[i].code))
			snprintf(code, sizeof code, "%s", levels[i].code);
		else if (slugify(name, slug, sizeof slug) == 0) {
			err_set(why, "location name '%s' gives no usable code: add a code column",
			    shown(name, tmp));
			return ST_INVALID;
		} else {
			slug_shorten(slug, 64 - 4);   /* room for "SYR-" */
			snprintf(code, sizeof code, "%s-%.60s", country, slug);
		}
		if (!code_valid(code)) {
			err_set(why, "location code '%s' is not 1-64 letters, digits, '.', '_' or '-'",
			    shown(code, tmp));
			return ST_INVALID;
		}
		parent = *id;
		loc = (struct location_in){ .code = code, .country = country,
		    .name = given(name) ? name : code, .type = levels[i].type,
		    .admin_level = levels[i].level, .parent_id = parent };
		if ((rs = writer_location(in->w, &loc, id, why)) != ST_OK)
			return rs;
	}
	return ST_OK;
}

static enum status
ingest_source(struct ingest *in, const struct claim *c, long long *id, char *code_out,
    size_t code_size, char *why)
{
	struct source_in src;
	char slug[256], tmp[48];
	const char *type = given(c->source_type) ? c->source_type : "other";

	if (!given(c->source_name) && !given(c->source_code)) {
		if (in->feed->default_source_id > 0) {
			*id = in->feed->default_source_id;
			snprintf(code_out, code_size, "#%lld", *id);
			return ST_OK;
		}
		err_set(why, "no source: the row names none and feed %s has no default source "
		    "(set one with --organisation)", in->feed->code);
		return ST_INVALID;
	}
	if (given(c->source_code))
		snprintf(slug, sizeof slug, "%s", c->source_code);
	else if (slugify(c->source_name, slug, sizeof slug) == 0) {
		err_set(why, "source name '%s' gives no usable code: add #meta+source+code",
		    shown(c->source_name, tmp));
		return ST_INVALID;
	} else
		slug_shorten(slug, 64);
	if (!code_valid(slug)) {
		err_set(why, "source code '%s' is not 1-64 letters, digits, '.', '_' or '-'",
		    shown(slug, tmp));
		return ST_INVALID;
	}
	if (!source_type_valid(type)) {
		err_set(why, "source type '%s' is not one of un, ngo, government, monitor, media, "
		    "armed_group, other", shown(type, tmp));
		return ST_INVALID;
	}
	src = (struct source_in){ .code = slug,
	    .name = given(c->source_name) ? c->source_name : slug,
	    .organisation = given(c->source_org) ? c->source_org :
	        given(c->source_name) ? c->source_name : slug,
	    .type = type, .url = c->source_url, .licence = c->licence };
	snprintf(code_out, code_size, "%.64s", slug);
	return writer_source(in->w, &src, id, why);
}

enum status
ingest_claim(struct ingest *in, const struct claim *c, char *why)
{
	struct figure_in fig;
	char as_of[11], start[11], end[11], reported[11], country[4];
	char src_code[72], key[1024], tmp[48], today[11];
	const char *qualifier, *sort_date;
	long long metric_id, value, location_id, source_id;
	enum figure_outcome outcome;
	enum status rs;

	/* Text first: nothing below may look at invalid bytes. */
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
			return ST_INVALID;

	if (!given(c->metric)) {
		err_set(why, "no metric");
		return ST_INVALID;
	}
	if (writer_metric(in->w, c->metric, &metric_id) != ST_OK) {
		err_set(why, "unknown metric '%s' (see /v1/metrics)", shown(c->metric, tmp));
		return ST_INVALID;
	}
	if (!parse_count(c->value, &value)) {
		err_set(why, "value '%s' is not a whole number of people from 0 to 10^12",
		    shown(c->value, tmp));
		return ST_INVALID;
	}
	if ((qualifier = qualifier_parse(c->qualifier)) == NULL) {
		err_set(why, "qualifier '%s' is not one of exact, about, almost, at least, "
		    "more than, up to", shown(c->qualifier, tmp));
		return ST_INVALID;
	}
	if (!date_ok(c->as_of, as_of, "as-of date", why) ||
	    !date_ok(c->period_start, start, "period start", why) ||
	    !date_ok(c->period_end, end, "period end", why) ||
	    !date_ok(c->reported_on, reported, "reported date", why))
		return ST_INVALID;
	if (*start && *end && strcmp(start, end) > 0) {
		err_set(why, "period starts (%s) after it ends (%s)", start, end);
		return ST_INVALID;
	}
	/* A period of one day is a point in time. */
	if (!*as_of && *start && *end && strcmp(start, end) == 0) {
		memcpy(as_of, start, sizeof as_of);
		start[0] = end[0] = '\0';
	}
	sort_date = *as_of ? as_of : *end ? end : *start ? start : *reported ? reported : NULL;
	if (sort_date == NULL) {
		/* No date at all: order it by when we learnt it, and say nothing else. */
		strlcpy_n(today, sizeof today, in->retrieved_at, 10);
		sort_date = today;
	}

	if ((rs = ingest_location(in, c, country, &location_id, why)) != ST_OK ||
	    (rs = ingest_source(in, c, &source_id, src_code, sizeof src_code, why)) != ST_OK)
		return rs;

	if (given(c->key))
		snprintf(key, sizeof key, "%s", c->key);
	else {
		/* HXL's identity: source, metric, location, group and date. */
		char loc_code[80];

		snprintf(loc_code, sizeof loc_code, "%lld", location_id);
		snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%s|%s", src_code, c->metric, loc_code,
		    given(c->group) ? c->group : "", as_of, start, end);
	}

	fig = (struct figure_in){
		.feed_id = in->feed->id, .metric_id = metric_id, .location_id = location_id,
		.source_id = source_id, .value = value, .key = key, .country = country,
		.group = c->group, .qualifier = qualifier, .as_of = as_of, .period_start = start,
		.period_end = end, .sort_date = sort_date, .reported_on = reported,
		.retrieved_at = in->retrieved_at, .via = c->via, .url = c->url, .quote = c->quote,
		.licence = c->licence,
	};
	if ((rs = writer_figure(in->w, &fig, &outcome, why)) != ST_OK) {
		in->fatal = rs;
		snprintf(in->fatal_err, sizeof in->fatal_err, "%s", why);
		return rs;
	}
	switch (outcome) {
	case FIG_ADDED:     in->added++; break;
	case FIG_CHANGED:   in->changed++; break;
	case FIG_UNCHANGED: in->unchanged++; break;
	case FIG_DUPLICATE:
		err_set(why, "the payload holds this figure twice (same key %s)", key);
		return ST_INVALID;
	}
	return ST_OK;
}

static void
ingest_reject(void *ctx, long row, const char *reason)
{
	struct ingest *in = ctx;

	in->rejected++;
	if (in->rejected <= INGEST_LOGGED_REJECTS)
		log_warn("feed %s: row %ld rejected: %s", in->feed->code, row, reason);
	else if (in->rejected == INGEST_LOGGED_REJECTS + 1)
		log_warn("feed %s: more rows rejected; only the first %d are logged",
		    in->feed->code, INGEST_LOGGED_REJECTS);
}

static enum status
ingest_sink_claim(void *ctx, const struct claim *c)
{
	struct ingest *in = ctx;
	char why[ERR_MAX];
	enum status rs;

	rs = ingest_claim(in, c, why);
	if (rs == ST_INVALID) {
		ingest_reject(in, c->row, why);
		return ST_OK;
	}
	return rs;   /* a database error aborts the payload */
}

struct sink
ingest_sink(struct ingest *in)
{
	return (struct sink){ .claim = ingest_sink_claim, .reject = ingest_reject, .ctx = in };
}

enum status
ingest_finish(struct ingest *in, char *err)
{
	return writer_withdraw_unseen(in->w, in->feed->id, in->retrieved_at, &in->withdrawn, err);
}

int
ingest_changed(const struct ingest *in)
{
	return in->added > 0 || in->changed > 0 || in->withdrawn > 0;
}
