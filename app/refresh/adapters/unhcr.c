/*
 * unhcr.c: the UNHCR Refugee Population Statistics API
 * (https://api.unhcr.org/docs/refugee-statistics.html), /population/v1/population/.
 *
 * Relies on: {"page", "maxPages", "items": [...]} (the content of "total" is
 * undocumented and ignored); paging by `page` up to `maxPages`; items with
 * year, coo/coa (UNHCR codes) and coo_iso/coa_iso (ISO 3166-1 alpha-3, "-"
 * in aggregate rows), coo_name/coa_name, and the populations refugees,
 * returned_refugees, idps, returned_idps as an integer, a string ("0"), or
 * "-" (not applicable). The data are end-of-year stocks per calendar year:
 * a figure's period is that year.
 *
 * Mapped: refugees → refugees where they are (the country of asylum, group
 * "from <origin>"); returned_refugees → returnees in the origin they returned
 * to (an all-origins row cannot place them, and is rejected for it); idps →
 * idps; returned_idps → returnees. UNHCR writes 0 and "-" for populations
 * that do not apply to a row (an origin-asylum pair has no IDPs): both are
 * skipped, not stored as claims of zero. Asylum seekers, stateless people and
 * others of concern have no metric here. Who said it: the feed's default
 * source (register with --organisation UNHCR --type un).
 */
#include "json_page.h"
#include "../url.h"
#include "../../core/strutil.h"

#include <stdio.h>
#include <string.h>

/* A country code: ISO where given, UNHCR's code otherwise, NULL for "-". */
static const char *
country(const cJSON *item, const char *iso, const char *code)
{
	const char *v = jtext(item, iso);

	if (v == NULL || strcmp(v, "-") == 0 || strlen(v) != 3)
		v = jtext(item, code);
	return v == NULL || strcmp(v, "-") == 0 ? NULL : v;
}

static const char *
name_of(const cJSON *item, const char *key)
{
	const char *v = jtext(item, key);

	return v == NULL || strcmp(v, "-") == 0 ? NULL : v;
}

static enum status
unhcr_item(const struct sink *sink, const cJSON *it, long row)
{
	static const char *const fields[] = { "refugees", "returned_refugees", "idps",
	    "returned_idps" };
	const char *coo = country(it, "coo_iso", "coo"), *coa = country(it, "coa_iso", "coa");
	const char *coo_name = name_of(it, "coo_name"), *coa_name = name_of(it, "coa_name");
	char year[32], start[32], end[32], value[32], group[256], key[256];
	const char *y = jcount(it, "year", year, sizeof year);
	long long yv;
	enum status st;

	if (y == NULL || !parse_int64(y, 1900, 2200, &yv)) {
		sink->reject(sink->ctx, row, "the item has no year (1900-2200)");
		return ST_OK;
	}
	snprintf(year, sizeof year, "%lld", yv);
	snprintf(start, sizeof start, "%lld-01-01", yv);
	snprintf(end, sizeof end, "%lld-12-31", yv);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct claim c = { .row = row, .period_start = start, .period_end = end,
		    .via = "UNHCR Refugee Population Statistics API" };
		const char *v = jcount(it, fields[i], value, sizeof value);

		if (v == NULL || strcmp(v, "-") == 0 || strcmp(v, "0") == 0)
			continue;
		c.value = v;
		switch (i) {
		case 0:   /* refugees, where they are */
			c.metric = "refugees";
			c.country = coa != NULL ? coa : coo;
			c.country_name = coa != NULL ? coa_name : coo_name;
			snprintf(group, sizeof group, coa != NULL ? "from %s" :
			    "from %s, in all countries of asylum",
			    coo_name != NULL ? coo_name : "all origins");
			break;
		case 1:   /* returned refugees, in the origin they returned to */
			if (coo == NULL) {
				/* an all-origins row: they returned to many countries, none of them coa */
				sink->reject(sink->ctx, row, "returned refugees in an all-origins row "
				    "cannot be placed: they returned to their origins, not to the "
				    "country of asylum");
				continue;
			}
			c.metric = "returnees";
			c.country = coo;
			c.country_name = coo_name;
			if (coa != NULL && strcmp(coa, coo) != 0)
				snprintf(group, sizeof group, "returned refugees, from %s",
				    coa_name != NULL ? coa_name : coa);
			else
				snprintf(group, sizeof group, "returned refugees");
			break;
		default:  /* IDPs and returned IDPs, in their own country */
			c.metric = i == 2 ? "idps" : "returnees";
			c.country = coa != NULL ? coa : coo;
			c.country_name = coa != NULL ? coa_name : coo_name;
			snprintf(group, sizeof group, "%s", i == 2 ? "" : "returned IDPs");
			break;
		}
		c.group = group;
		snprintf(key, sizeof key, "unhcr|%s|%s|%s|%s", year, coo != NULL ? coo : "-",
		    coa != NULL ? coa : "-", fields[i]);
		c.key = key;
		if (c.country == NULL) {
			sink->reject(sink->ctx, row, "the item names neither an origin nor an "
			    "asylum country");
			return ST_OK;
		}
		if ((st = sink->claim(sink->ctx, &c)) != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum status
unhcr_parse(struct json_page *p, const cJSON *root, char *err)
{
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items"), *it;
	char num[32], buf[32];
	long long page = 1, max_pages = 1;
	long row = 0;
	enum status st;

	if (!cJSON_IsArray(items)) {
		err_set(err, "expected UNHCR's {\"page\", \"maxPages\", \"items\": [...]}");
		return ST_INVALID;
	}
	if (jcount(root, "page", buf, sizeof buf) != NULL)
		parse_int64(buf, 1, 1000000, &page);
	if (jcount(root, "maxPages", buf, sizeof buf) != NULL)
		parse_int64(buf, 0, 1000000, &max_pages);
	cJSON_ArrayForEach(it, items) {
		row++;
		if (!cJSON_IsObject(it)) {
			p->ctx.sink->reject(p->ctx.sink->ctx, row, "an item is not a JSON object");
			continue;
		}
		if ((st = unhcr_item(p->ctx.sink, it, row)) != ST_OK)
			return st;
	}
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

static void *
unhcr_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, unhcr_parse, err);
}

const struct adapter adapter_unhcr = {
	.name = "unhcr",
	.description = "UNHCR population statistics API (refugees, returnees, IDPs)",
	.content_types = JSON_TYPES,
	.example_url = "https://api.unhcr.org/population/v1/population/?page=1",
	.begin = unhcr_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
