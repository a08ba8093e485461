/*
 * hapi.c: OCHA HDX HAPI (https://hapi.humdata.org/docs), the JSON endpoints
 *   /api/v1/affected-people/refugees   (v2: …/refugees-persons-of-concern)
 *   /api/v1/affected-people/idps
 *   /api/v1/coordination-context/conflict-event
 * One adapter for the three: a row's fields say which it is.
 *
 * Relies on (hdx-hapi models/refugees.py, idps.py, conflict_event.py and
 * endpoints/util/util.py):
 *   - the body is {"data": [rows]}; an error is a 4xx with {"error": "…"}
 *   - paging by `offset` and `limit` (default and maximum 10000): a page with
 *     `limit` rows may have a next one, a shorter page is the last
 *   - refugees rows: origin_location_code/_name, asylum_location_code/_name,
 *     population_group (REF, RET, RDP, IDP … ), gender ("all", "f", "m"),
 *     age_range ("all", "12-17", "60+"), population, reference_period_start,
 *     reference_period_end (naive datetimes; end may be null), resource_hdx_id
 *   - idps rows: location_code/_name, admin1_code/_name, admin2_code/_name
 *     (null when unspecified), operation, reporting_round, assessment_type,
 *     population, reference_period_start/_end
 *   - conflict-event rows: the same admin fields, event_type
 *     (civilian_targeting, demonstration, political_violence: not mutually
 *     exclusive), events, fatalities (either may be null; a demonstration's
 *     null fatalities is no claim, any other's a rejected row)
 * The app identifier goes in the X-HDX-HAPI-APP-IDENTIFIER header, from
 * $HAPI_APP_IDENTIFIER, so it is in no URL, log or database.
 *
 * Who said it: the feed's default source (set --organisation when
 * registering: UNHCR for refugees, IOM DTM for IDPs, ACLED for conflict
 * events); via names HAPI and the resource the row came from.
 */
#include "json_page.h"
#include "../url.h"
#include "../../core/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HAPI_LIMIT_DEFAULT 10000

/* Text scratch for one row's claim. */
struct row {
	char value[32], start[32], end[32], group[512], key[1024], via[160];
};

/* "2023-01-01T00:00:00" → kept as is: ingest reads the date part. */
static void
period(struct claim *c, const cJSON *r)
{
	c->period_start = jtext(r, "reference_period_start");
	c->period_end = jtext(r, "reference_period_end");
}

static void
via(struct claim *c, const cJSON *r, struct row *s)
{
	const char *res = jtext(r, "resource_hdx_id");

	snprintf(s->via, sizeof s->via, "HDX HAPI%s%s", res != NULL ? ", resource " : "",
	    res != NULL ? res : "");
	c->via = s->via;
}

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* Refugees and other persons of concern. */
static enum status
refugee_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	static const struct { const char *group, *metric; } groups[] = {
		{ "REF", "refugees" }, { "RET", "returnees" }, { "RDP", "returnees" },
		{ "IDP", "idps" },
	};
	const char *pg = jtext(r, "population_group"), *gender = jtext(r, "gender");
	const char *age = jtext(r, "age_range"), *metric = NULL, *origin, *asylum;
	char why[160];
	struct claim c = { .row = row };
	size_t len;

	for (size_t i = 0; pg != NULL && i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(pg, groups[i].group) == 0)
			metric = groups[i].metric;
	if (metric == NULL) {
		snprintf(why, sizeof why, "population group '%.20s' has no metric here (read: "
		    "REF, RET, RDP, IDP)", or_empty(pg));
		sink->reject(sink->ctx, row, why);
		return ST_OK;
	}
	origin = jtext(r, "origin_location_name");
	asylum = jtext(r, "asylum_location_name");
	if (strcmp(pg, "RET") == 0) {
		/* returned refugees are counted where they returned: their origin */
		c.country = jtext(r, "origin_location_code");
		c.country_name = origin;
		len = (size_t)snprintf(s->group, sizeof s->group, "returned refugees, from %s",
		    or_empty(asylum));
	} else {
		c.country = jtext(r, "asylum_location_code");
		c.country_name = asylum;
		if (strcmp(pg, "REF") == 0)
			len = (size_t)snprintf(s->group, sizeof s->group, "from %s", or_empty(origin));
		else
			len = (size_t)snprintf(s->group, sizeof s->group, "%s",
			    strcmp(pg, "RDP") == 0 ? "returned IDPs" : "");
	}
	if (gender != NULL && strcmp(gender, "all") != 0 && len < sizeof s->group)
		len += (size_t)snprintf(s->group + len, sizeof s->group - len, "%sgender %s",
		    len ? ", " : "", strcmp(gender, "f") == 0 ? "female" :
		    strcmp(gender, "m") == 0 ? "male" : gender);
	if (age != NULL && strcasecmp(age, "all") != 0 && len < sizeof s->group)
		snprintf(s->group + len, sizeof s->group - len, "%saged %s", len ? ", " : "", age);
	c.metric = metric;
	c.value = jcount(r, "population", s->value, sizeof s->value);
	c.group = s->group;
	period(&c, r);
	via(&c, r, s);
	snprintf(s->key, sizeof s->key, "hapi:poc|%s|%s|%s|%s|%s|%s|%s", pg,
	    or_empty(jtext(r, "origin_location_code")), or_empty(jtext(r, "asylum_location_code")),
	    or_empty(gender), or_empty(age), or_empty(c.period_start), or_empty(c.period_end));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

/* The admin fields shared by IDP and conflict rows. */
static void
admin(struct claim *c, const cJSON *r)
{
	c->country = jtext(r, "location_code");
	c->country_name = jtext(r, "location_name");
	c->adm1_code = jtext(r, "admin1_code");
	c->adm1_name = jtext(r, "admin1_name");
	c->adm2_code = jtext(r, "admin2_code");
	c->adm2_name = jtext(r, "admin2_name");
}

static enum status
idp_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	struct claim c = { .row = row, .metric = "idps" };
	char round[32];

	admin(&c, r);
	c.value = jcount(r, "population", s->value, sizeof s->value);
	c.group = jtext(r, "operation");
	period(&c, r);
	via(&c, r, s);
	snprintf(s->key, sizeof s->key, "hapi:idps|%s|%s|%s|%s|%s|%s|%s|%s", or_empty(c.country),
	    or_empty(c.adm1_code), or_empty(c.adm2_code), or_empty(c.group),
	    or_empty(jcount(r, "reporting_round", round, sizeof round)),
	    or_empty(jtext(r, "assessment_type")), or_empty(c.period_start),
	    or_empty(c.period_end));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

static enum status
conflict_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	struct claim c = { .row = row, .metric = "killed" };
	const char *type = jtext(r, "event_type");

	admin(&c, r);
	c.value = jcount(r, "fatalities", s->value, sizeof s->value);
	if (c.value == NULL && type != NULL && strcmp(type, "demonstration") == 0)
		return ST_OK;   /* ACLED counts no deaths at demonstrations: nobody claimed any */
	if (c.value == NULL) {
		sink->reject(sink->ctx, row, "the row gives no fatalities count (null)");
		return ST_OK;
	}
	/* the types overlap: each is its own claim, told apart by its group */
	snprintf(s->group, sizeof s->group, "in %s events",
	    type == NULL ? "conflict" : strcmp(type, "civilian_targeting") == 0 ?
	    "civilian targeting" : strcmp(type, "political_violence") == 0 ?
	    "political violence" : type);
	c.group = s->group;
	period(&c, r);
	via(&c, r, s);
	snprintf(s->key, sizeof s->key, "hapi:conflict|%s|%s|%s|%s|%s|%s", or_empty(c.country),
	    or_empty(c.adm1_code), or_empty(c.adm2_code), or_empty(type),
	    or_empty(c.period_start), or_empty(c.period_end));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

static enum status
hapi_parse(struct json_page *p, const cJSON *root, char *err)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data"), *r;
	const struct sink *sink = p->ctx.sink;
	char param[32], next[URL_MAX], num[32];
	long long limit = HAPI_LIMIT_DEFAULT, offset = 0, n = 0;
	struct row *s;
	enum status st = ST_OK;

	if (!cJSON_IsArray(data)) {
		const char *e = jtext(root, "error");

		err_set(err, "expected HAPI's {\"data\": [...]}%s%.150s", e != NULL ? "; it says: " :
		    "", e != NULL ? e : "");
		return ST_INVALID;
	}
	if (url_param(p->ctx.url, "limit", param, sizeof param))
		parse_int64(param, 0, 1000000, &limit);
	if (url_param(p->ctx.url, "offset", param, sizeof param))
		parse_int64(param, 0, 1LL << 40, &offset);
	if ((s = malloc(sizeof *s)) == NULL) {
		err_set(err, "out of memory");
		return ST_NOMEM;
	}
	cJSON_ArrayForEach(r, data) {
		long row = (long)(offset + ++n);

		if (!cJSON_IsObject(r))
			sink->reject(sink->ctx, row, "a row is not a JSON object");
		else if (jhas(r, "population_group"))
			st = refugee_row(sink, r, row, s);
		else if (jhas(r, "event_type"))
			st = conflict_row(sink, r, row, s);
		else if (jhas(r, "population"))
			st = idp_row(sink, r, row, s);
		else
			sink->reject(sink->ctx, row, "not a HAPI refugees, IDPs or conflict-event "
			    "row (no population_group, event_type or population)");
		if (st != ST_OK)
			break;
	}
	free(s);
	/* A full page may have a next one; a short page is the last. */
	if (st == ST_OK && limit > 0 && n == limit) {
		snprintf(num, sizeof num, "%lld", offset + limit);
		st = url_set_param(p->ctx.url, "offset", num, next, sizeof next);
		snprintf(num, sizeof num, "%lld", limit);
		if (st == ST_OK)
			st = url_set_param(next, "limit", num, p->next, sizeof p->next);
		if (st != ST_OK) {
			/* never a cut URL: it would fetch the wrong page, or stop short */
			p->next[0] = '\0';
			err_set(err, "the next page's URL would be longer than %d bytes", URL_MAX - 1);
		}
	}
	return st;
}

static void *
hapi_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, hapi_parse, err);
}

const struct adapter adapter_hapi = {
	.name = "hapi",
	.description = "OCHA HDX HAPI: refugees and persons of concern, IDPs, conflict events",
	.content_types = JSON_TYPES,
	.auth_header = "X-HDX-HAPI-APP-IDENTIFIER",
	.auth_env = "HAPI_APP_IDENTIFIER",
	.example_url = "https://hapi.humdata.org/api/v2/affected-people/refugees?limit=3&offset=0",
	.begin = hapi_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
