/*
 * unhcr.c: the UNHCR Refugee Population Statistics API
 * (https://api.unhcr.org/docs/refugee-statistics.html), /population/v1/population/.
 *
 * Relies on: {"page", "maxPages", "items": [...]} (the content of "total" is
 * undocumented and ignored; a recorded answer may hold "page" and "items"
 * only); paging by `page` up to `maxPages`; items with year, coo/coa
 * (UNHCR's own codes), coo_iso/coa_iso (ISO 3166-1 alpha-3), coo_name/coa_name,
 * "-" in all four for a dimension the query summed (all origins, all
 * countries of asylum), and the counts refugees, asylum_seekers,
 * returned_refugees, idps, returned_idps, stateless, ooc, oip, hst, each an
 * integer, a string ("0", "705782") or "-" (tests/fixtures/real/unhcr/).
 *
 * What a row says (UNHCR's methodology, "Data content and structure"):
 * refugees, asylum seekers and IDPs are stocks at the end of the year: their
 * claim is as of 31 December of `year`. Returns are flows over the year
 * (people who returned during it): their claim's period is the year. For a
 * return, the country of asylum is the country the people left, their origin
 * the country they returned to.
 *
 * Mapped, one claim per count (group empty: the origin is the claim's
 * origin_country, never a group):
 *   refugees          -> refugees           at coa, origin coo
 *   asylum_seekers    -> asylum_seekers     at coa, origin coo
 *   returned_refugees -> refugee_returnees  at coo, origin coa (they came from it)
 *   idps              -> idps               at coa (coo where coa is summed)
 *   returned_idps     -> idp_returnees      at coa (coo where coa is summed)
 * A summed origin ("-") is all origins: no origin. Not read, having no metric
 * here: stateless (stateless people, most never displaced), ooc (others of
 * concern: a mix UNHCR does not break down), oip (other people in need of
 * international protection: neither refugees nor asylum seekers in UNHCR's
 * own terms), hst (host communities: not displaced). A count of "-" (not
 * applicable, or not collected, for that pair and year) or 0 (UNHCR writes 0
 * where a population does not apply to a pair: an origin-asylum pair has no
 * IDPs) is no claim.
 *
 * Refused with a reason: refugees or asylum seekers of a row that sums the
 * countries of asylum (they are in many countries, none of them one place),
 * returned refugees of a row that sums the origins (they returned to many),
 * a row naming neither country, and a country that has a UNHCR code but no
 * ISO code (UNHCR's codes are not ISO's: "AUS" is Austria to UNHCR,
 * Australia to ISO, so one is never read as the other).
 *
 * Who said it: the feed's default source (register with --organisation UNHCR
 * --type un).
 */
#include "json_page.h"
#include "../url.h"
#include "../../core/strutil.h"

#include <stdio.h>
#include <string.h>

/* One side of a row (origin or asylum): its ISO code and name, or summed. */
struct side {
	const char *iso, *name;
	int         summed;   /* "-": all countries */
	char        why[160]; /* set when the side names a country without an ISO code */
};

/* Reads prefix_iso, prefix_name and prefix (UNHCR's code) of item. */
static void
side_read(const cJSON *item, const char *prefix, struct side *s)
{
	char k_iso[16], k_name[16];
	const char *iso, *name, *code;

	snprintf(k_iso, sizeof k_iso, "%s_iso", prefix);
	snprintf(k_name, sizeof k_name, "%s_name", prefix);
	iso = jtext(item, k_iso);
	name = jtext(item, k_name);
	code = jtext(item, prefix);
	*s = (struct side){ 0 };
	if (iso != NULL && strlen(iso) == 3 && strcmp(iso, "-") != 0) {
		s->iso = iso;
		s->name = name != NULL && strcmp(name, "-") != 0 ? name : NULL;
		return;
	}
	if ((code == NULL || strcmp(code, "-") == 0) && (iso == NULL || strcmp(iso, "-") == 0)) {
		s->summed = 1;
		return;
	}
	snprintf(s->why, sizeof s->why, "%s '%.16s' (%.40s) has no ISO 3166 code (%s_iso "
	    "'%.16s'), and UNHCR's codes are not ISO's", prefix, code != NULL ? code : "",
	    name != NULL ? name : "", prefix, iso != NULL ? iso : "");
}

/* The count columns read, in the order UNHCR sends them. */
static const struct {
	const char *field, *metric;
	int         flow;   /* a return over the year, not a stock at its end */
} counts[] = {
	{ "refugees", "refugees", 0 },
	{ "asylum_seekers", "asylum_seekers", 0 },
	{ "returned_refugees", "refugee_returnees", 1 },
	{ "idps", "idps", 0 },
	{ "returned_idps", "idp_returnees", 1 },
};

/*
 * Places claim c of count i: where it is and where its people came from.
 * Returns 0 with why set when the row cannot place it.
 */
static int
place(struct claim *c, size_t i, const struct side *coo, const struct side *coa,
    char *why, size_t size)
{
	const char *field = counts[i].field;

	if (i <= 1) {   /* refugees, asylum seekers: where they sought protection */
		if (coa->summed) {
			snprintf(why, size, "%s of a row summing every country of asylum are in "
			    "many countries, not one place", field);
			return 0;
		}
		c->country = coa->iso, c->country_name = coa->name;
		c->origin_country = coo->iso, c->origin_country_name = coo->name;
		return 1;
	}
	if (i == 2) {   /* returned refugees: in the origin they returned to */
		if (coo->summed) {
			snprintf(why, size, "returned_refugees of a row summing every origin "
			    "returned to many countries, not one place");
			return 0;
		}
		c->country = coo->iso, c->country_name = coo->name;
		if (!coa->summed && strcmp(coa->iso, coo->iso) != 0)   /* where they came from */
			c->origin_country = coa->iso, c->origin_country_name = coa->name;
		return 1;
	}
	/* IDPs and returned IDPs: in their own country */
	c->country = coa->summed ? coo->iso : coa->iso;
	c->country_name = coa->summed ? coo->name : coa->name;
	if (c->country == NULL) {
		snprintf(why, size, "%s of a row summing every origin and country of asylum "
		    "have no one place", field);
		return 0;
	}
	return 1;
}

/* 1 if the count is a claim: not missing, not "-", not zero. */
static int
is_count(const char *v)
{
	return v != NULL && strcmp(v, "-") != 0 && strcmp(v, "0") != 0;
}

static enum status
unhcr_item(const struct sink *sink, const cJSON *it, long row)
{
	struct side coo, coa;
	char year[32], asof[32], start[32], end[32], value[32], key[256], why[256];
	const char *y = jcount(it, "year", year, sizeof year);
	long long yv;
	enum status st;

	if (y == NULL || !parse_int64(y, 1900, 2200, &yv)) {
		sink->reject(sink->ctx, row, "the item has no year (1900-2200)");
		return ST_OK;
	}
	side_read(it, "coo", &coo);
	side_read(it, "coa", &coa);
	snprintf(year, sizeof year, "%lld", yv);
	snprintf(asof, sizeof asof, "%lld-12-31", yv);
	snprintf(start, sizeof start, "%lld-01-01", yv);
	snprintf(end, sizeof end, "%lld-12-31", yv);
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		struct claim c = { .row = row, .group = "",
		    .via = "UNHCR Refugee Population Statistics API" };
		const char *v = jcount(it, counts[i].field, value, sizeof value);

		if (!is_count(v))
			continue;
		if (*coo.why || *coa.why) {
			/* one reason for the row: every count of it is placed by these codes */
			sink->reject(sink->ctx, row, *coa.why ? coa.why : coo.why);
			return ST_OK;
		}
		if (!place(&c, i, &coo, &coa, why, sizeof why)) {
			sink->reject(sink->ctx, row, why);
			continue;
		}
		c.value = v;
		c.metric = counts[i].metric;
		if (counts[i].flow)
			c.period_start = start, c.period_end = end;
		else
			c.as_of = asof;
		/* the key names UNHCR's column, as it did before the metrics were split */
		snprintf(key, sizeof key, "unhcr|%s|%s|%s|%s", year, coo.iso != NULL ? coo.iso : "-",
		    coa.iso != NULL ? coa.iso : "-", counts[i].field);
		c.key = key;
		if ((st = sink->claim(sink->ctx, &c)) != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum status
unhcr_row(struct json_page *p, const cJSON *it, long row, char *err)
{
	(void)err;
	if (!cJSON_IsObject(it)) {
		p->ctx.sink->reject(p->ctx.sink->ctx, row, "an item is not a JSON object");
		return ST_OK;
	}
	return unhcr_item(p->ctx.sink, it, row);
}

/* The page is complete: the next one's URL, if it says there are more. */
static enum status
unhcr_end(struct json_page *p, const cJSON *env, char *err)
{
	char num[32], buf[32];
	long long page = 1, max_pages = 1;

	if (!p->rows_array) {
		err_set(err, "expected UNHCR's {\"page\", \"maxPages\", \"items\": [...]}");
		return ST_INVALID;
	}
	if (jcount(env, "page", buf, sizeof buf) != NULL)
		parse_int64(buf, 1, 1000000, &page);
	if (jcount(env, "maxPages", buf, sizeof buf) != NULL)
		parse_int64(buf, 0, 1000000, &max_pages);
	if (page < max_pages) {
		snprintf(num, sizeof num, "%lld", page + 1);
		if (url_set_param(p->ctx.url, "page", num, p->next, sizeof p->next) != ST_OK) {
			/* never a cut URL: "page=1" instead of "page=10" would loop */
			p->next[0] = '\0';
			err_set(err, "the next page's URL would be longer than %d bytes", URL_MAX - 1);
			return ST_TOO_BIG;
		}
	}
	return ST_OK;
}

/* {"page", "maxPages", "items": [rows]}: the paging may come after the rows. */
static const char *const unhcr_keep[] = { "page", "maxPages", NULL };

static const struct json_shape unhcr_shape = {
	.rows = "items",
	.keep = unhcr_keep,
	.row = unhcr_row,
	.end = unhcr_end,
};

static void *
unhcr_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, &unhcr_shape, err);
}

const struct adapter adapter_unhcr = {
	.name = "unhcr",
	.description = "UNHCR population statistics API (refugees, asylum seekers, returnees, IDPs)",
	.content_types = JSON_TYPES,
	.example_url = "https://api.unhcr.org/population/v1/population/?page=1",
	.begin = unhcr_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
