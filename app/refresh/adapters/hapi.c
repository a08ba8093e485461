/*
 * hapi.c: OCHA HDX HAPI (https://hapi.humdata.org/docs), the JSON endpoints
 *   /api/v1/affected-people/refugees   (v2: …/refugees-persons-of-concern)
 *   /api/v1/affected-people/returnees  (RET and RDP rows, the same shape)
 *   /api/v1/affected-people/idps
 *   /api/v1/coordination-context/conflict-event
 * One adapter for them all: a row's fields say which it is.
 *
 * Relies on (hdx-hapi models/refugees.py, idps.py, conflict_event.py and
 * endpoints/util/util.py):
 *   - the body is {"data": [rows]}; an error is a 4xx with {"error": "…"}
 *   - paging by `offset` and `limit` (default and maximum 10000): a page with
 *     `limit` rows may have a next one, a shorter page is the last
 *   - refugees rows (hapi-schema db_refugees, whose primary key the claim's
 *     key repeats): origin_location_code/_name, asylum_location_code/_name,
 *     population_group (UNHCR's: REF, ROC, ASY, IDP, IOC, RET, RDP read;
 *     OIP, STA, OOC, HST, RST, NAT have no metric and are refused by name),
 *     gender ("all", "f", "m"), age_range ("all", "12-17", "60+"),
 *     population, reference_period_start/_end (naive datetimes, the whole
 *     year of UNHCR's end-year figures; end may be null). A refugee or asylum
 *     seeker is at the asylum country, its origin the claim's origin (never a
 *     group); a returned refugee is at the origin it returned to, from the
 *     asylum country it left. Stocks are as of the period's end, returns a
 *     flow over the period. The group holds ROC's and IOC's part of their
 *     metric and the sex and age breakdown, "" for a whole population.
 *   - idps rows (hapi-schema db_idps): location_code/_name,
 *     admin1_code/_name, admin2_code/_name (null when HAPI matched no
 *     p-code), provider_admin1_name/provider_admin2_name (the source's own
 *     spelling; "" where it named none), operation (the claim's group: two
 *     operations count different crises), reporting_round, assessment_type,
 *     population, reference_period_start/_end. A level with no p-code but a
 *     provider's name is that place by its name, and the name is in the key
 *     (HAPI's own key holds the provider names); rows with p-codes keep the
 *     key they had. In 6,854 real rows no p-code carried two provider names.
 *   - conflict-event rows: the same admin fields, event_type
 *     (civilian_targeting, demonstration, political_violence: not mutually
 *     exclusive), events, fatalities (either may be null; a demonstration's
 *     null fatalities is no claim, any other's a rejected row)
 *   - a null population is no claim (nobody gave a number), not an error
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
#include <string.h>
#include <strings.h>

#define HAPI_LIMIT_DEFAULT 10000

/* Text scratch for one row's claim. */
struct row {
	char value[32], start[32], end[32], group[512], key[2400], via[160];
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

/*
 * UNHCR's population groups (hdx-hapi's PopulationGroup): the metric each is
 * counted as here, whether the asylum country is where they are (else the
 * origin: returnees are counted where they returned), whether the count is a
 * flow over the period (returns) rather than a stock at its end, and the
 * population group, for the groups that are one part of a metric's people.
 */
static const struct poc_group {
	const char *code, *metric;
	int         at_origin, flow;
	const char *group;
} poc_groups[] = {
	{ "REF", "refugees", 0, 0, "" },
	{ "ROC", "refugees", 0, 0, "people in a refugee-like situation" },
	{ "ASY", "asylum_seekers", 0, 0, "" },
	{ "IDP", "idps", 0, 0, "" },
	{ "IOC", "idps", 0, 0, "people in an IDP-like situation" },
	{ "RET", "refugee_returnees", 1, 1, "" },
	{ "RDP", "idp_returnees", 0, 1, "" },
};

static const struct poc_group *
poc_group(const char *code)
{
	for (size_t i = 0; code != NULL && i < sizeof poc_groups / sizeof poc_groups[0]; i++)
		if (strcmp(code, poc_groups[i].code) == 0)
			return &poc_groups[i];
	return NULL;
}

/* The group: the population group's part, then the sex and age breakdown. */
static void
poc_group_text(const struct poc_group *g, const char *gender, const char *age, struct row *s)
{
	size_t len = (size_t)snprintf(s->group, sizeof s->group, "%s", g->group);

	if (gender != NULL && strcmp(gender, "all") != 0 && len < sizeof s->group)
		len += (size_t)snprintf(s->group + len, sizeof s->group - len, "%sgender %s",
		    len ? ", " : "", strcmp(gender, "f") == 0 ? "female" :
		    strcmp(gender, "m") == 0 ? "male" : gender);
	if (age != NULL && strcasecmp(age, "all") != 0 && len < sizeof s->group)
		snprintf(s->group + len, sizeof s->group - len, "%saged %s", len ? ", " : "", age);
}

/*
 * Refugees and other persons of concern: placed in the country of asylum,
 * their origin the claim's origin (returned refugees: placed in the origin
 * they returned to, the country they left their origin). A stock is as of
 * the period's end (UNHCR's end-year figures), a return a flow over it.
 */
static enum status
refugee_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	const char *pg = jtext(r, "population_group"), *gender = jtext(r, "gender");
	const char *age = jtext(r, "age_range");
	const char *origin = jtext(r, "origin_location_code"), *asylum = jtext(r, "asylum_location_code");
	const char *origin_name = jtext(r, "origin_location_name");
	const char *asylum_name = jtext(r, "asylum_location_name");
	const struct poc_group *g = poc_group(pg);
	char why[160];
	struct claim c = { .row = row };

	if (g == NULL) {
		snprintf(why, sizeof why, "population group '%.20s' has no metric here (read: "
		    "REF, ROC, ASY, IDP, IOC, RET, RDP)", or_empty(pg));
		sink->reject(sink->ctx, row, why);
		return ST_OK;
	}
	c.value = jcount(r, "population", s->value, sizeof s->value);
	if (c.value == NULL)
		return ST_OK;   /* a null count: nobody claimed a number */
	c.metric = g->metric;
	if (g->at_origin) {
		c.country = origin, c.country_name = origin_name;
		c.origin_country = asylum, c.origin_country_name = asylum_name;
	} else {
		c.country = asylum, c.country_name = asylum_name;
		/* IDPs and returned IDPs are in their own country: no origin elsewhere */
		if (strcmp(g->metric, "refugees") == 0 || strcmp(g->metric, "asylum_seekers") == 0)
			c.origin_country = origin, c.origin_country_name = origin_name;
	}
	poc_group_text(g, gender, age, s);
	c.group = s->group;
	if (!g->flow && jtext(r, "reference_period_end") != NULL)
		c.as_of = jtext(r, "reference_period_end");
	else
		period(&c, r);   /* a return; or a stock whose period has no end */
	via(&c, r, s);
	/* HAPI's own identity for the row (hapi-schema db_refugees: its primary key) */
	snprintf(s->key, sizeof s->key, "hapi:poc|%s|%s|%s|%s|%s|%s|%s", pg, or_empty(origin),
	    or_empty(asylum), or_empty(gender), or_empty(age),
	    or_empty(jtext(r, "reference_period_start")), or_empty(jtext(r, "reference_period_end")));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

/* 1 if s is a non-empty string. */
static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

/*
 * The admin fields shared by IDP and conflict rows. A level HAPI could not
 * match to a p-code ("unspecified": its code and name null) while the
 * provider named a place there is that place, known by the provider's name
 * only: several such places in one admin1 are distinct counts (HAPI's own
 * identity for a row holds the provider's names), and none is the admin1's
 * total.
 */
static void
admin(struct claim *c, const cJSON *r)
{
	const char *p1 = jtext(r, "provider_admin1_name"), *p2 = jtext(r, "provider_admin2_name");

	c->country = jtext(r, "location_code");
	c->country_name = jtext(r, "location_name");
	c->adm1_code = jtext(r, "admin1_code");
	c->adm1_name = jtext(r, "admin1_name");
	c->adm2_code = jtext(r, "admin2_code");
	c->adm2_name = jtext(r, "admin2_name");
	if (!given(c->adm1_code) && given(p1))
		c->adm1_name = p1;
	if (!given(c->adm2_code) && given(p2))
		c->adm2_name = p2;
}

/*
 * The key's part for the places known by a provider's name only (see admin):
 * "" for every row whose levels have p-codes, so their keys are what they
 * were before provider names were read.
 */
static const char *
provider_key(const struct claim *c, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (!given(c->adm1_code) && given(c->adm1_name))
		len = (size_t)snprintf(buf, size, "|p1=%s", c->adm1_name);
	if (!given(c->adm2_code) && given(c->adm2_name) && len < size)
		snprintf(buf + len, size - len, "|p2=%s", c->adm2_name);
	return buf;
}

static enum status
idp_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	struct claim c = { .row = row, .metric = "idps" };
	char round[32], prov[1100];

	admin(&c, r);
	c.value = jcount(r, "population", s->value, sizeof s->value);
	if (c.value == NULL)
		return ST_OK;   /* a null count: nobody claimed a number */
	/* the DTM operation: two operations in one place count different crises */
	c.group = jtext(r, "operation");
	period(&c, r);
	via(&c, r, s);
	snprintf(s->key, sizeof s->key, "hapi:idps|%s|%s|%s|%s|%s|%s|%s|%s%s",
	    or_empty(c.country), or_empty(c.adm1_code), or_empty(c.adm2_code), or_empty(c.group),
	    or_empty(jcount(r, "reporting_round", round, sizeof round)),
	    or_empty(jtext(r, "assessment_type")), or_empty(c.period_start),
	    or_empty(c.period_end), provider_key(&c, prov, sizeof prov));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

static enum status
conflict_row(const struct sink *sink, const cJSON *r, long row, struct row *s)
{
	struct claim c = { .row = row, .metric = "killed" };
	const char *type = jtext(r, "event_type");
	char prov[1100];

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
	snprintf(s->key, sizeof s->key, "hapi:conflict|%s|%s|%s|%s|%s|%s%s", or_empty(c.country),
	    or_empty(c.adm1_code), or_empty(c.adm2_code), or_empty(type),
	    or_empty(c.period_start), or_empty(c.period_end), provider_key(&c, prov, sizeof prov));
	c.key = s->key;
	return sink->claim(sink->ctx, &c);
}

/* One page: where it starts and how long a full one is (from its URL), and a row's scratch. */
struct hapi_page {
	struct json_page page;
	long long        limit, offset;
	struct row       s;
};

static enum status
hapi_rows_start(struct json_page *p, char *err)
{
	struct hapi_page *h = (struct hapi_page *)p;
	char param[32];

	(void)err;
	h->limit = HAPI_LIMIT_DEFAULT;
	h->offset = 0;
	if (url_param(p->ctx.url, "limit", param, sizeof param))
		parse_int64(param, 0, 1000000, &h->limit);
	if (url_param(p->ctx.url, "offset", param, sizeof param))
		parse_int64(param, 0, 1LL << 40, &h->offset);
	return ST_OK;
}

static enum status
hapi_row(struct json_page *p, const cJSON *r, long n, char *err)
{
	struct hapi_page *h = (struct hapi_page *)p;
	const struct sink *sink = p->ctx.sink;
	long row = (long)(h->offset + n);

	(void)err;
	if (!cJSON_IsObject(r))
		sink->reject(sink->ctx, row, "a row is not a JSON object");
	else if (jhas(r, "population_group"))
		return refugee_row(sink, r, row, &h->s);
	else if (jhas(r, "event_type"))
		return conflict_row(sink, r, row, &h->s);
	else if (jhas(r, "population"))
		return idp_row(sink, r, row, &h->s);
	else
		sink->reject(sink->ctx, row, "not a HAPI refugees, IDPs or conflict-event "
		    "row (no population_group, event_type or population)");
	return ST_OK;
}

/* The page is complete: an error answer fails it; a full page may have a next one. */
static enum status
hapi_end(struct json_page *p, const cJSON *env, char *err)
{
	struct hapi_page *h = (struct hapi_page *)p;
	char next[URL_MAX], num[32];
	enum status st;

	if (!p->rows_array) {
		const char *e = jtext(env, "error");

		err_set(err, "expected HAPI's {\"data\": [...]}%s%.150s", e != NULL ? "; it says: " :
		    "", e != NULL ? e : "");
		return ST_INVALID;
	}
	/* A full page may have a next one; a short page is the last. */
	if (h->limit <= 0 || p->nrows != h->limit)
		return ST_OK;
	snprintf(num, sizeof num, "%lld", h->offset + h->limit);
	st = url_set_param(p->ctx.url, "offset", num, next, sizeof next);
	snprintf(num, sizeof num, "%lld", h->limit);
	if (st == ST_OK)
		st = url_set_param(next, "limit", num, p->next, sizeof p->next);
	if (st != ST_OK) {
		/* never a cut URL: it would fetch the wrong page, or stop short */
		p->next[0] = '\0';
		err_set(err, "the next page's URL would be longer than %d bytes", URL_MAX - 1);
	}
	return st;
}

/* {"data": [rows]}; an error answer is {"error": "…"}. */
static const char *const hapi_keep[] = { "error", NULL };

static const struct json_shape hapi_shape = {
	.rows = "data",
	.keep = hapi_keep,
	.size = sizeof(struct hapi_page),
	.rows_start = hapi_rows_start,
	.row = hapi_row,
	.end = hapi_end,
};

static void *
hapi_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, &hapi_shape, err);
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
