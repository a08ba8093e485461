/*
 * test_real.c: the HAPI and UNHCR adapters on real payloads
 * (tests/fixtures/real/hapi/, tests/fixtures/real/unhcr/; provenance in
 * tests/fixtures/real/README.md). Each test asserts what a truthful load of
 * the payload is: every count of a mapped column is a claim or a rejection
 * with its reason (the sums agree), distinct rows keep distinct keys, and
 * named rows land where, when and from where they should.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/strutil.h"
#include "refresh/adapter.h"
#include "sink_helper.h"
#include "testutil.h"

#define TURKIYE "T\xc3\xbcrkiye"
#define UNHCR_URL "https://api.unhcr.org/population/v1/population/?year=2024&page=1"
#define HAPI_IDP_URL "https://hapi.humdata.org/api/v1/affected-people/idps?limit=10000"
#define HAPI_REF_URL "https://hapi.humdata.org/api/v2/affected-people/refugees-persons-" \
	"of-concern?origin_location_code=SYR"

/* The UNHCR columns the adapter reads; the others have no metric. */
static const char *const unhcr_read[] = { "refugees", "asylum_seekers", "returned_refugees",
    "idps", "returned_idps", NULL };
static const char *const hapi_read[] = { "population", NULL };

/* A count as UNHCR or HAPI write it: a number, or digits in a string; else 0. */
static long long
count_of(const cJSON *v)
{
	long long n = 0;

	if (cJSON_IsNumber(v))
		return (long long)v->valuedouble;
	if (cJSON_IsString(v) && parse_int64(v->valuestring, 0, 1LL << 50, &n))
		return n;
	return 0;   /* "-", null: no count */
}

/* The sum of the columns cols over the rows (the array under key) of a fixture. */
static long long
payload_sum(const char *rel, const char *key, const char *const *cols)
{
	size_t len;
	char *data = read_source_file(rel, &len);
	cJSON *root = cJSON_ParseWithLength(data, len), *r;
	long long sum = 0;

	assert_non_null(root);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, key))
		for (size_t i = 0; cols[i] != NULL; i++)
			sum += count_of(cJSON_GetObjectItemCaseSensitive(r, cols[i]));
	cJSON_Delete(root);
	free(data);
	return sum;
}

static long long
claims_sum(const struct got *g)
{
	long long sum = 0, v;

	for (size_t i = 0; i < g->nclaims; i++) {
		if (!parse_int64(g->claim[i].c.value, 0, 1LL << 50, &v))
			fail_msg("claim %zu: value '%s' is no count", i, g->claim[i].c.value);
		sum += v;
	}
	return sum;
}

/* Every two claims' keys differ. */
static void
assert_keys_distinct(const struct got *g)
{
	for (size_t i = 0; i < g->nclaims; i++) {
		assert_non_null(g->claim[i].c.key);
		for (size_t j = i + 1; j < g->nclaims; j++)
			if (strcmp(g->claim[i].c.key, g->claim[j].c.key) == 0)
				fail_msg("claims %zu and %zu share key %s", i, j, g->claim[i].c.key);
	}
}

/* The claim whose key is key; fails if none. */
static const struct claim *
by_key(const struct got *g, const char *key)
{
	for (size_t i = 0; i < g->nclaims; i++)
		if (strcmp(g->claim[i].c.key, key) == 0)
			return &g->claim[i].c;
	fail_msg("no claim has key %s", key);
	return NULL;
}

/* The claim of metric m at country cc from origin oc (NULL: none); fails if not one. */
static const struct claim *
find(const struct got *g, const char *m, const char *cc, const char *oc)
{
	const struct claim *found = NULL;

	for (size_t i = 0; i < g->nclaims; i++) {
		const struct claim *c = &g->claim[i].c;

		if (strcmp(c->metric, m) != 0 || c->country == NULL || strcmp(c->country, cc) != 0)
			continue;
		if ((oc == NULL) != (c->origin_country == NULL) ||
		    (oc != NULL && strcmp(c->origin_country, oc) != 0))
			continue;
		if (found != NULL)
			fail_msg("two claims of %s at %s from %s", m, cc, oc ? oc : "(none)");
		found = c;
	}
	if (found == NULL)
		fail_msg("no claim of %s at %s from %s", m, cc, oc ? oc : "(none)");
	return found;
}

static void
load(const char *adapter, const char *url, const char *rel, struct got *g)
{
	char err[ERR_MAX] = "";
	const char *under = "tests/fixtures/";

	/* run_fixture reads under tests/fixtures/, read_source_file under the tree */
	if (strncmp(rel, under, strlen(under)) == 0)
		rel += strlen(under);
	if (run_fixture(adapter, url, rel, g, err) != ST_OK)
		fail_msg("%s: %s", rel, err);
}

/* ---- UNHCR ----------------------------------------------------------------- */

/*
 * The recorded answer for coa=TUR, year 2024: one row summing every origin.
 * Its refugees and asylum seekers are claims in Türkiye with no origin; its
 * returned refugees (159439 who left Türkiye for their many origins) have no
 * one place and are refused; "0" IDPs are no claim; stateless (420) and the
 * others are columns not read.
 */
static void
unhcr_real_tur_2024_every_count_claimed_or_refused(void **state)
{
	const char *rel = "tests/fixtures/real/unhcr/population-coa-TUR-2024-limit5.json";
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	load("unhcr", UNHCR_URL, rel, &g);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 1);
	assert_true(got_reject_mentions(&g, 0, "returned_refugees of a row summing every origin"));
	assert_int_equal(claims_sum(&g) + 159439, payload_sum(rel, "items", unhcr_read));
	c = find(&g, "refugees", "TUR", NULL);
	assert_text(c->value, "2940735");
	assert_text(c->country_name, TURKIYE);
	assert_text(c->group, "");
	assert_text(c->as_of, "2024-12-31");
	assert_null(c->period_start);
	assert_text(c->key, "unhcr|2024|-|TUR|refugees");
	c = find(&g, "asylum_seekers", "TUR", NULL);
	assert_text(c->value, "154083");
	assert_text(c->as_of, "2024-12-31");
	assert_text(c->key, "unhcr|2024|-|TUR|asylum_seekers");
	assert_keys_distinct(&g);
	got_free(&g);
}

/* The recorded answer for coa=GBR: the same shape; ooc 389 and stateless 4672 not read. */
static void
unhcr_real_gbr_2024_every_count_claimed_or_refused(void **state)
{
	const char *rel = "tests/fixtures/real/unhcr/population-coa-GBR-2024-limit5.json";
	struct got g = { 0 };

	(void)state;
	load("unhcr", UNHCR_URL, rel, &g);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 1);
	assert_int_equal(g.reject[0].row, 1);
	assert_true(got_reject_mentions(&g, 0, "returned_refugees"));
	assert_int_equal(claims_sum(&g) + 6000, payload_sum(rel, "items", unhcr_read));
	assert_text(find(&g, "refugees", "GBR", NULL)->value, "515677");
	assert_text(find(&g, "asylum_seekers", "GBR", NULL)->value, "124783");
	got_free(&g);
}

/*
 * UNHCR's published 2024 figures for Syrians, by pair: the world and origin
 * totals' refugees have no one place (refused), each pair's refugees are in
 * the country of asylum from Syria, its returned refugees in Syria from the
 * country they left, Syria's IDPs in Syria.
 */
static void
unhcr_real_syria_pairs_2024(void **state)
{
	const char *rel = "tests/fixtures/real/unhcr/population-2024-syr-pairs.json";
	/* what the refused parts held: the world row (5 counts), Syria's total's
	 * refugees and asylum seekers, Jordan's total's returned refugees */
	const long long refused = 30958200LL + 8352712 + 1615821 + 68131711 + 8219597 +
	    5952174 + 167334 + 65382;
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	load("unhcr", UNHCR_URL, rel, &g);
	assert_int_equal(g.nclaims, 15);
	assert_int_equal(g.nrejects, 8);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(g.reject[i].row, 1);
	assert_true(got_reject_mentions(&g, 3, "idps of a row summing every origin and country"));
	assert_int_equal(claims_sum(&g) + refused, payload_sum(rel, "items", unhcr_read));
	assert_keys_distinct(&g);

	c = find(&g, "refugees", "TUR", "SYR");
	assert_text(c->value, "2901478");
	assert_text(c->country_name, TURKIYE);
	assert_text(c->origin_country_name, "Syrian Arab Rep.");
	assert_text(c->group, "");
	assert_text(c->as_of, "2024-12-31");
	assert_text(c->key, "unhcr|2024|SYR|TUR|refugees");
	c = find(&g, "refugee_returnees", "SYR", "TUR");
	assert_text(c->value, "159439");
	assert_text(c->origin_country_name, TURKIYE);
	assert_null(c->as_of);
	assert_text(c->period_start, "2024-01-01");
	assert_text(c->period_end, "2024-12-31");
	assert_text(c->key, "unhcr|2024|SYR|TUR|returned_refugees");
	c = find(&g, "refugees", "DEU", "SYR");   /* coa GFR: UNHCR's code, never the place */
	assert_text(c->value, "725102");
	assert_text(find(&g, "asylum_seekers", "DEU", "SYR")->value, "62959");
	/*
	 * Syria's IDPs, in Syria, of no origin elsewhere: UNHCR gives them in
	 * Syria's own pair and again in Syria's total (the same 7408909), two rows
	 * of the payload, so two claims of the same source and date
	 */
	c = by_key(&g, "unhcr|2024|SYR|SYR|idps");
	assert_text(c->metric, "idps");
	assert_text(c->country, "SYR");
	assert_null(c->origin_country);
	assert_text(c->value, "7408909");
	assert_text(c->as_of, "2024-12-31");
	assert_text(by_key(&g, "unhcr|2024|SYR|-|idps")->value, "7408909");
	assert_text(by_key(&g, "unhcr|2024|SYR|SYR|returned_idps")->metric, "idp_returnees");
	/* Syria's total row: its returned refugees returned to Syria from everywhere */
	c = find(&g, "refugee_returnees", "SYR", NULL);
	assert_text(c->value, "512718");
	assert_text(c->key, "unhcr|2024|SYR|-|returned_refugees");
	/* Jordan's total row: refugees in Jordan from every origin */
	c = find(&g, "refugees", "JOR", NULL);
	assert_text(c->value, "643641");
	got_free(&g);
}

/* ---- HAPI ------------------------------------------------------------------ */

/*
 * 620 real rows of HDX HAPI's IDP table (AFG, HTI, TCD at admin levels 0-2,
 * many rounds): every row is one claim, the sums agree, every key differs,
 * and no row is refused. No admin code in it carries two provider names.
 */
static void
hapi_real_idps_every_row_one_claim(void **state)
{
	const char *rel = "tests/fixtures/real/hapi/idps-hdx_hapi_idps_global-sample.json";
	struct got g = { 0 };
	const struct claim *c;

	(void)state;
	load("hapi", HAPI_IDP_URL, rel, &g);
	assert_int_equal(g.nclaims, 620);
	assert_int_equal(g.nrejects, 0);
	assert_int_equal(claims_sum(&g), payload_sum(rel, "data", hapi_read));
	assert_keys_distinct(&g);
	for (size_t i = 0; i < g.nclaims; i++) {
		assert_text(g.claim[i].c.metric, "idps");
		assert_null(g.claim[i].c.origin_country);
	}
	/* the first row: Afghanistan's national count of round 1 (its key as before) */
	c = &g.claim[0].c;
	assert_text(c->value, "246362");
	assert_text(c->country, "AFG");
	assert_null(c->adm1_code);
	assert_null(c->adm1_name);
	assert_text(c->group, "Returns and displacement in Afghanistan");
	assert_text(c->period_start, "2017-03-30T00:00:00");
	assert_text(c->key, "hapi:idps|AFG|||Returns and displacement in Afghanistan|1|BA|"
	    "2017-03-30T00:00:00|2017-03-30T00:00:00");
	got_free(&g);
}

/*
 * A provider's spelling is not the place: the p-code HAPI matched and its name
 * are. DTM's "Darwaz-e-Balla" (Afghanistan) is two rows in rounds 10 to 16:
 * one matched AF1727 (Darwaz-e-Balla), one AF1722 (Darwaz-e-Payin, which
 * HAPI's CSV flags "PCode mismatch AF1722 != Darwaz-e-Balla"). One provider
 * name on two codes, two counts: two claims, two keys, each at its code.
 */
static void
hapi_real_idps_one_provider_name_two_codes_two_claims(void **state)
{
	const char *rel = "tests/fixtures/real/hapi/idps-hdx_hapi_idps_global-sample.json";
	struct got g = { 0 };
	const struct claim *payin, *balla;

	(void)state;
	load("hapi", HAPI_IDP_URL, rel, &g);
	payin = by_key(&g, "hapi:idps|AFG|AF17|AF1722|Returns and displacement in Afghanistan|"
	    "10|BA|2020-06-30T00:00:00|2020-06-30T00:00:00");
	balla = by_key(&g, "hapi:idps|AFG|AF17|AF1727|Returns and displacement in Afghanistan|"
	    "10|BA|2020-06-30T00:00:00|2020-06-30T00:00:00");
	assert_text(payin->value, "253");
	assert_text(payin->adm2_name, "Darwaz-e-Payin");   /* HAPI's, not the provider's */
	assert_text(balla->value, "1039");
	assert_text(balla->adm2_name, "Darwaz-e-Balla");
	got_free(&g);
}

/*
 * HAPI and UNHCR count Syria's refugees in Türkiye alike: location TUR,
 * origin SYR, metric refugees, no group, as of the end of 2024 (the date part),
 * so the summary sets the two sources side by side.
 */
static void
hapi_and_unhcr_syrians_in_turkiye_side_by_side(void **state)
{
	struct got h = { 0 }, u = { 0 };
	const struct claim *hc, *uc;

	(void)state;
	load("hapi", HAPI_REF_URL, "tests/fixtures/hapi/refugees-syr-2024.json", &h);
	load("unhcr", UNHCR_URL, "tests/fixtures/real/unhcr/population-2024-syr-pairs.json", &u);
	hc = find(&h, "refugees", "TUR", "SYR");
	uc = find(&u, "refugees", "TUR", "SYR");
	assert_text(hc->group, "");
	assert_text(uc->group, hc->group);
	assert_text(hc->value, uc->value);
	assert_non_null(hc->as_of);
	assert_int_equal(strncmp(hc->as_of, uc->as_of, 10), 0);
	/* and their returns: in Syria, from Türkiye, over 2024 */
	hc = find(&h, "refugee_returnees", "SYR", "TUR");
	uc = find(&u, "refugee_returnees", "SYR", "TUR");
	assert_text(hc->value, uc->value);
	assert_text(hc->group, uc->group);
	assert_int_equal(strncmp(hc->period_start, uc->period_start, 10), 0);
	got_free(&h);
	got_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unhcr_real_tur_2024_every_count_claimed_or_refused),
		cmocka_unit_test(unhcr_real_gbr_2024_every_count_claimed_or_refused),
		cmocka_unit_test(unhcr_real_syria_pairs_2024),
		cmocka_unit_test(hapi_real_idps_every_row_one_claim),
		cmocka_unit_test(hapi_real_idps_one_provider_name_two_codes_two_claims),
		cmocka_unit_test(hapi_and_unhcr_syrians_in_turkiye_side_by_side),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
