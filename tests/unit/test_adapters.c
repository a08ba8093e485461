/*
 * test_adapters.c: the JSON adapters (refresh/adapters/hapi.c, unhcr.c,
 * reliefweb.c, dtm.c over json_page.c) on the recorded upstream shapes in
 * tests/fixtures/, through the registry (adapter_find) and
 * adapter_parse_all, or begin/write/end/next_page for paging. The sink copies
 * what it gets (sink_helper.c). The HXL adapter has its own file (test_hxl.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refresh/adapter.h"
#include "refresh/fetch.h"   /* URL_MAX: the size of every URL the refresher handles */
#include "sink_helper.h"
#include "testutil.h"

/* "Türkiye" in UTF-8, as the upstreams send it. */
#define TURKIYE "T\xc3\xbcrkiye"

#define RW_URL "https://raw.githubusercontent.com/reliefweb/crisis-app-data/v2/edition/world/" \
	"countries/SYR/figures.json"
#define HAPI_REF_URL "https://hapi.humdata.org/api/v1/affected-people/refugees?" \
	"origin_location_code=SYR&population_group=REF"
#define UNHCR_URL "http://x/population/v1/population/?coo=SYR&page=1"

/* 1 if the space-separated list has the word. */
static int
has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0'; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* A HAPI IDP page of n rows ({"location_code", "population"}); the caller frees. */
static char *
hapi_page(int n)
{
	size_t size = 64 + (size_t)n * 64, len;
	char *s = malloc(size);

	assert_non_null(s);
	len = (size_t)snprintf(s, size, "{\"data\": [");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len,
		    "%s{\"location_code\": \"SDN\", \"population\": %d}", i ? ", " : "", 1000 + i);
	snprintf(s + len, size - len, "]}");
	return s;
}

/* ---- the registry ---------------------------------------------------------- */

static void
adapters_all_registered_by_name(void **state)
{
	static const char *const names[] = { "hapi", "unhcr", "reliefweb", "dtm", "hxl" };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct adapter *a = adapter_find(names[i]);

		assert_non_null(a);
		assert_string_equal(a->name, names[i]);
		assert_non_null(a->begin);
		assert_non_null(a->write);
		assert_non_null(a->end);
		assert_non_null(a->next_page);
		assert_non_null(a->free);
	}
	while (adapters[n] != NULL)
		n++;
	assert_int_equal(n, 5);
	assert_null(adapter_find("HAPI"));
	assert_null(adapter_find(""));
}

static void
json_adapters_accept_application_json(void **state)
{
	static const char *const names[] = { "hapi", "unhcr", "reliefweb", "dtm" };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct adapter *a = adapter_find(names[i]);

		assert_non_null(a);
		assert_non_null(a->content_types);
		if (!has_word(a->content_types, "application/json"))
			fail_msg("%s: content_types \"%s\" lacks application/json", names[i],
			    a->content_types);
		assert_false(has_word(a->content_types, "text/html"));
	}
}

static void
hapi_app_identifier_comes_from_environment(void **state)
{
	const struct adapter *a = adapter_find("hapi");

	(void)state;
	assert_non_null(a);
	assert_text(a->auth_env, "HAPI_APP_IDENTIFIER");
	assert_text(a->auth_header, "X-HDX-HAPI-APP-IDENTIFIER");
}

/* ---- HDX HAPI -------------------------------------------------------------- */

static void
hapi_refugees_asylum_seekers_rejected(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("hapi", HAPI_REF_URL, "hapi/refugees.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 1);
	assert_int_equal(g.reject[0].row, 3);
	assert_true(got_reject_mentions(&g, 0, "'ASY'"));
	got_free(&g);
}

static void
hapi_refugees_total_fully_mapped(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("hapi", HAPI_REF_URL, "hapi/refugees.json", &g, err), ST_OK);
	assert_true(g.nclaims >= 1);
	c = &g.claim[0].c;
	assert_int_equal(c->row, 1);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "3214780");
	assert_text(c->qualifier, NULL);
	assert_text(c->group, "from Syrian Arab Republic");
	assert_text(c->country, "TUR");
	assert_text(c->country_name, TURKIYE);
	assert_text(c->adm1_code, NULL);
	assert_text(c->adm2_code, NULL);
	assert_text(c->as_of, NULL);
	assert_text(c->period_start, "2023-01-01T00:00:00");
	assert_text(c->period_end, "2023-12-31T23:59:59");
	/* who said it is the feed's default source (UNHCR), not the row */
	assert_text(c->source_name, NULL);
	assert_text(c->via, "HDX HAPI, resource 17acb541-9431-409a-80a8-50eda7e8ebab");
	/* a key is the row's identity from run to run: a new spelling churns every figure */
	assert_text(c->key, "hapi:poc|REF|SYR|TUR|all|all|2023-01-01T00:00:00|"
	    "2023-12-31T23:59:59");
	got_free(&g);
}

static void
hapi_refugees_breakdown_named_in_group(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("hapi", HAPI_REF_URL, "hapi/refugees.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	c = &g.claim[1].c;
	assert_int_equal(c->row, 2);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "61244");
	assert_text(c->group, "from Syrian Arab Republic, gender female, aged 12-17");
	assert_text(c->country, "LBN");
	assert_text(c->country_name, "Lebanon");
	assert_text(c->period_start, "2023-01-01T00:00:00");
	assert_text(c->period_end, NULL);
	assert_text(c->key, "hapi:poc|REF|SYR|LBN|f|12-17|2023-01-01T00:00:00|");
	assert_string_not_equal(g.claim[0].c.key, g.claim[1].c.key);
	got_free(&g);
}

static void
hapi_idps_rounds_are_distinct_claims(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *r16, *r17;

	(void)state;
	assert_int_equal(run_fixture("hapi", "https://hapi.humdata.org/api/v1/affected-people/"
	    "idps?location_code=SDN&admin_level=2", "hapi/idps.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 3);
	assert_int_equal(g.nrejects, 0);
	r16 = &g.claim[0].c;
	r17 = &g.claim[1].c;
	for (size_t i = 0; i < 3; i++) {
		assert_text(g.claim[i].c.metric, "idps");
		assert_text(g.claim[i].c.group, "Armed Clashes in Sudan");
		assert_text(g.claim[i].c.via,
		    "HDX HAPI, resource 80911e9b-7527-469a-a545-4074860e1288");
		assert_int_equal(g.claim[i].c.row, (long)i + 1);
	}
	assert_text(r16->value, "91032");
	assert_text(r16->country, "SDN");
	assert_text(r16->country_name, "Sudan");
	assert_text(r16->adm1_code, "SD02");
	assert_text(r16->adm1_name, "North Darfur");
	assert_text(r16->adm2_code, "SD02112");
	assert_text(r16->adm2_name, "El Fasher");   /* HAPI's name, not the provider's */
	assert_text(r16->period_start, "2024-05-31T00:00:00");
	assert_text(r16->period_end, "2024-05-31T00:00:00");
	assert_text(r16->key, "hapi:idps|SDN|SD02|SD02112|Armed Clashes in Sudan|16|BA|"
	    "2024-05-31T00:00:00|2024-05-31T00:00:00");
	assert_text(r17->value, "96540");
	assert_text(r17->adm2_code, "SD02112");
	assert_text(r17->period_end, "2024-06-30T00:00:00");
	assert_string_not_equal(r16->key, r17->key);
	got_free(&g);
}

static void
hapi_idps_unspecified_admin_levels_are_null(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("hapi", "https://hapi.humdata.org/api/v1/affected-people/"
	    "idps?location_code=SDN", "hapi/idps.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 3);
	c = &g.claim[2].c;
	assert_text(c->value, "7951000");
	assert_text(c->country, "SDN");
	assert_text(c->adm1_code, NULL);
	assert_text(c->adm1_name, NULL);
	assert_text(c->adm2_code, NULL);
	assert_text(c->adm2_name, NULL);
	assert_text(c->group, "Armed Clashes in Sudan");
	assert_string_not_equal(c->key, g.claim[1].c.key);   /* same round, national level */
	got_free(&g);
}

static void
hapi_conflict_event_types_are_separate_claims(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("hapi", "https://hapi.humdata.org/api/v1/coordination-"
	    "context/conflict-event?location_code=SYR&admin_level=2", "hapi/conflict-event.json",
	    &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct claim *c = &g.claim[i].c;

		assert_text(c->metric, "killed");
		assert_text(c->country, "SYR");
		assert_text(c->adm1_code, "SY08");
		assert_text(c->adm2_code, "SY0800");
		assert_text(c->adm2_name, "Al-Hasakeh");
		assert_text(c->period_start, "2019-10-01T00:00:00");
		assert_text(c->period_end, "2019-10-31T23:59:59");
		assert_text(c->via, "HDX HAPI, resource a8e69c6c-16fc-4983-92ee-e04e8960b51f");
	}
	assert_text(g.claim[0].c.value, "9");
	assert_text(g.claim[0].c.group, "in civilian targeting events");
	assert_text(g.claim[0].c.key, "hapi:conflict|SYR|SY08|SY0800|civilian_targeting|"
	    "2019-10-01T00:00:00|2019-10-31T23:59:59");
	assert_text(g.claim[1].c.value, "57");
	assert_text(g.claim[1].c.group, "in political violence events");
	assert_string_not_equal(g.claim[0].c.key, g.claim[1].c.key);
	got_free(&g);
}

static void
hapi_conflict_null_fatalities_rejected(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("hapi", "https://hapi.humdata.org/api/v1/coordination-"
	    "context/conflict-event?location_code=SYR", "hapi/conflict-event.json", &g, err),
	    ST_OK);
	assert_int_equal(g.nrejects, 1);
	assert_int_equal(g.reject[0].row, 3);
	assert_true(got_reject_mentions(&g, 0, "fatalities"));
	got_free(&g);
}

static void
hapi_full_page_names_next_offset(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(3);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/refugees?limit=3",
	    page, strlen(page), &g, err, &next_st, next, sizeof next), ST_OK);
	free(page);
	assert_int_equal(g.nclaims, 3);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/api/v1/affected-people/refugees?limit=3&offset=3");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(g.claim[i].c.row, (long)i + 1);
	got_free(&g);
}

static void
hapi_short_page_is_the_last(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(2);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/refugees?limit=3",
	    page, strlen(page), &g, err, &next_st, next, sizeof next), ST_OK);
	free(page);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(next_st, ST_NOT_FOUND);
	got_free(&g);
}

static void
hapi_offset_advances_and_rows_continue(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(3);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/refugees?offset=6&"
	    "limit=3", page, strlen(page), &g, err, &next_st, next, sizeof next), ST_OK);
	free(page);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/api/v1/affected-people/refugees?offset=9&limit=3");
	assert_int_equal(g.nclaims, 3);
	assert_int_equal(g.claim[0].c.row, 7);
	assert_int_equal(g.claim[1].c.row, 8);
	assert_int_equal(g.claim[2].c.row, 9);
	got_free(&g);
}

static void
hapi_default_limit_short_page_is_last(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(3);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/idps?location_code=SDN",
	    page, strlen(page), &g, err, &next_st, next, sizeof next), ST_OK);
	free(page);
	assert_int_equal(g.nclaims, 3);
	assert_int_equal(next_st, ST_NOT_FOUND);
	got_free(&g);
}

static void
hapi_default_limit_is_10000(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(10000);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/idps?location_code=SDN",
	    page, strlen(page), &g, err, &next_st, next, sizeof next), ST_OK);
	free(page);
	assert_int_equal(g.nclaims, 10000);
	assert_int_equal(g.claim[9999].c.row, 10000);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/api/v1/affected-people/idps?location_code=SDN&"
	    "offset=10000&limit=10000");
	got_free(&g);
}

/*
 * Regression (fixed; was: app/refresh/adapters/hapi.c, hapi_parse, the second url_set_param
 * call): its ST_TOO_BIG is ignored, so when the next page's URL does not fit
 * in URL_MAX, p->next keeps snprintf's truncated text and next_page hands it
 * out as the next page. Expected: no next page (or a failed page), never a
 * URL the adapter did not mean.
 */
static void
hapi_next_page_url_never_truncated(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX], url[URL_MAX];
	enum status st, next_st;
	char *page = hapi_page(10000);
	int len;

	(void)state;
	/* 4075 bytes: "&offset=10000" fits, "&limit=10000" after it does not */
	len = snprintf(url, sizeof url, "http://x/api/v1/affected-people/idps?pad=");
	memset(url + len, 'a', (size_t)(4075 - len));
	url[4075] = '\0';
	st = run_page("hapi", url, page, strlen(page), &g, err, &next_st, next, sizeof next);
	free(page);
	got_free(&g);   /* before failing: the failure must not also leak */
	if (st == ST_OK && next_st == ST_OK) {
		size_t n = strlen(next);

		fail_msg("next_page gave a truncated URL ending \"%s\" (%zu bytes); "
		    "expected none, or one ending \"&offset=10000&limit=10000\"",
		    next + (n > 30 ? n - 30 : 0), n);
	}
}

static void
hapi_error_body_invalid_with_its_message(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("hapi", HAPI_REF_URL, "hapi/error-403.json", &g, err),
	    ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "Missing app identifier"));
	got_free(&g);
}

static void
hapi_malformed_json_invalid(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	static const char body[] = "{\"data\": [";

	(void)state;
	assert_int_equal(run_adapter("hapi", HAPI_REF_URL, body, strlen(body), &g, err),
	    ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "malformed JSON"));
	got_free(&g);
}

static void
hapi_empty_body_invalid(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_adapter("hapi", HAPI_REF_URL, "", 0, &g, err), ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "empty"));
	got_free(&g);
}

static void
hapi_sink_stop_ends_page_without_next(void **state)
{
	struct got g = { .answer = ST_STOP };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	char *page = hapi_page(3);

	(void)state;
	assert_int_equal(run_page("hapi", "http://x/api/v1/affected-people/idps?limit=3",
	    page, strlen(page), &g, err, &next_st, next, sizeof next), ST_STOP);
	free(page);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(next_st, ST_NOT_FOUND);
	got_free(&g);
}

/* ---- UNHCR population API --------------------------------------------------- */

static void
unhcr_page1_refugees_where_they_are(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("unhcr", UNHCR_URL, "unhcr/population-page1.json", &g, err),
	    ST_OK);
	/* "0" and "-" (returned_refugees, idps, returned_idps) give no claims */
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 0);
	c = &g.claim[0].c;
	assert_int_equal(c->row, 1);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "3214780");
	assert_text(c->country, "TUR");
	assert_text(c->country_name, TURKIYE);
	assert_text(c->group, "from Syrian Arab Rep.");
	assert_text(c->as_of, NULL);
	assert_text(c->period_start, "2023-01-01");
	assert_text(c->period_end, "2023-12-31");
	assert_text(c->via, "UNHCR Refugee Population Statistics API");
	assert_text(c->source_name, NULL);
	assert_text(c->key, "unhcr|2023|SYR|TUR|refugees");
	got_free(&g);
}

static void
unhcr_iso_code_wins_over_unhcr_code(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("unhcr", UNHCR_URL, "unhcr/population-page1.json", &g, err),
	    ST_OK);
	assert_int_equal(g.nclaims, 2);
	c = &g.claim[1].c;
	assert_int_equal(c->row, 2);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "705782");   /* a string upstream */
	assert_text(c->country, "DEU");    /* coa_iso, not coa "GFR" */
	assert_text(c->country_name, "Germany");
	assert_text(c->key, "unhcr|2023|SYR|DEU|refugees");
	got_free(&g);
}

static void
unhcr_zero_and_dash_give_no_claims(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	static const char body[] = "{\"page\": 1, \"maxPages\": 1, \"items\": [{\"year\": 2023, "
	    "\"coo\": \"SYR\", \"coo_iso\": \"SYR\", \"coo_name\": \"Syrian Arab Rep.\", "
	    "\"coa\": \"TUR\", \"coa_iso\": \"TUR\", \"coa_name\": \"Turkey\", "
	    "\"refugees\": \"0\", \"returned_refugees\": \"-\", \"idps\": 0, "
	    "\"returned_idps\": \"-\"}]}";

	(void)state;
	assert_int_equal(run_adapter("unhcr", UNHCR_URL, body, strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
}

static void
unhcr_next_page_sets_page_2(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	size_t n;
	char *data = read_fixture("unhcr/population-page1.json", &n);

	(void)state;
	assert_int_equal(run_page("unhcr", UNHCR_URL, data, n, &g, err, &next_st, next,
	    sizeof next), ST_OK);
	free(data);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/population/v1/population/?coo=SYR&page=2");
	got_free(&g);
}

static void
unhcr_next_page_appended_when_url_has_none(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	size_t n;
	char *data = read_fixture("unhcr/population-page1.json", &n);

	(void)state;
	assert_int_equal(run_page("unhcr", "http://x/population/v1/population/?coo=SYR", data, n,
	    &g, err, &next_st, next, sizeof next), ST_OK);
	free(data);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/population/v1/population/?coo=SYR&page=2");
	got_free(&g);
}

static void
unhcr_last_page_has_no_next(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;
	size_t n;
	char *data = read_fixture("unhcr/population-page2.json", &n);

	(void)state;
	assert_int_equal(run_page("unhcr", "http://x/population/v1/population/?coo=SYR&page=2",
	    data, n, &g, err, &next_st, next, sizeof next), ST_OK);
	free(data);
	assert_int_equal(next_st, ST_NOT_FOUND);
	got_free(&g);
}

static void
unhcr_aggregate_row_refugees_from_all_origins(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("unhcr", UNHCR_URL, "unhcr/population-page2.json", &g, err),
	    ST_OK);
	assert_int_equal(g.nclaims, 4);
	assert_int_equal(g.nrejects, 1);
	c = &g.claim[0].c;
	assert_int_equal(c->row, 1);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "2940735");
	assert_text(c->country, "TUR");
	assert_text(c->country_name, TURKIYE);
	assert_text(c->group, "from all origins");
	assert_text(c->period_start, "2024-01-01");
	assert_text(c->period_end, "2024-12-31");
	assert_text(c->key, "unhcr|2024|-|TUR|refugees");
	/*
	 * The same row's returned_refugees (159439) returned from Türkiye to many
	 * origins: they cannot be placed in TUR, so the row part is rejected.
	 */
	assert_int_equal(g.reject[0].row, 1);
	assert_non_null(strstr(g.reject[0].reason, "all-origins row cannot be placed"));
	got_free(&g);
}

static void
reliefweb_metric_is_read_from_words_not_substrings(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	static const char body[] = "["
	    "{\"name\": \"Sites past the midpoint\", \"value\": 3, \"date\": \"2020-01-01\"},"
	    "{\"name\": \"Appeal deadline\", \"value\": 1, \"date\": \"2020-01-01\"},"
	    "{\"name\": \"Internally displaced persons\", \"value\": 7, \"date\": \"2020-01-01\"},"
	    "{\"name\": \"People dead\", \"value\": 5, \"date\": \"2020-01-01\"},"
	    "{\"name\": \"Displacements recorded\", \"value\": 9, \"date\": \"2020-01-01\"}]";

	(void)state;
	assert_int_equal(run_adapter("reliefweb", "https://x/countries/SYR/figures.json", body,
	    strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nrejects, 2);   /* "midpoint" holds no IDPs, "deadline" no deaths */
	assert_int_equal(g.nclaims, 3);
	assert_text(g.claim[0].c.metric, "idps");
	assert_text(g.claim[1].c.metric, "killed");
	assert_text(g.claim[2].c.metric, "displaced");
	got_free(&g);
}

static void
reliefweb_history_entry_keeps_only_its_own_url(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	static const char body[] = "[{\"name\": \"People displaced\", \"value\": 2, "
	    "\"date\": \"2020-02-01\", \"url\": \"https://reliefweb.int/report/b\", "
	    "\"values\": [{\"value\": 2, \"date\": \"2020-02-01\", "
	    "\"url\": \"https://reliefweb.int/report/b\"}, {\"value\": 1, \"date\": \"2020-01-01\"}]}]";

	(void)state;
	assert_int_equal(run_adapter("reliefweb", "https://x/countries/SYR/figures.json", body,
	    strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_text(g.claim[0].c.url, "https://reliefweb.int/report/b");
	assert_null(g.claim[1].c.url);   /* the 2020-02-01 report is not the January figure's */
	got_free(&g);
}

static void
unhcr_origin_only_row_refugees_in_all_countries(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	static const char body[] = "{\"page\": 1, \"maxPages\": 1, \"items\": [{\"year\": 2023, "
	    "\"coo\": \"SYR\", \"coo_iso\": \"SYR\", \"coo_name\": \"Syrian Arab Rep.\", "
	    "\"coa\": \"-\", \"coa_iso\": \"-\", \"coa_name\": \"-\", \"refugees\": 6355800, "
	    "\"returned_refugees\": \"0\", \"idps\": \"0\", \"returned_idps\": \"0\"}]}";

	(void)state;
	assert_int_equal(run_adapter("unhcr", UNHCR_URL, body, strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_text(g.claim[0].c.metric, "refugees");
	assert_text(g.claim[0].c.value, "6355800");
	assert_text(g.claim[0].c.country, "SYR");
	assert_text(g.claim[0].c.group, "from Syrian Arab Rep., in all countries of asylum");
	assert_text(g.claim[0].c.key, "unhcr|2023|SYR|-|refugees");
	got_free(&g);
}

static void
unhcr_home_country_row_gives_returnees_and_idps(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("unhcr", UNHCR_URL, "unhcr/population-page2.json", &g, err),
	    ST_OK);
	assert_int_equal(g.nclaims, 4);
	/* the SYR-SYR row: refugees "0" skipped; returnees, IDPs, returned IDPs */
	for (size_t i = 1; i < 4; i++) {
		const struct claim *c = &g.claim[i].c;

		assert_int_equal(c->row, 2);
		assert_text(c->country, "SYR");
		assert_text(c->country_name, "Syrian Arab Rep.");
		assert_text(c->period_start, "2023-01-01");
		assert_text(c->period_end, "2023-12-31");
	}
	assert_text(g.claim[1].c.metric, "returnees");
	assert_text(g.claim[1].c.value, "38292");
	assert_text(g.claim[1].c.group, "returned refugees");
	assert_text(g.claim[1].c.key, "unhcr|2023|SYR|SYR|returned_refugees");
	assert_text(g.claim[2].c.metric, "idps");
	assert_text(g.claim[2].c.value, "7248723");
	assert_text(g.claim[2].c.group, "");
	assert_text(g.claim[2].c.key, "unhcr|2023|SYR|SYR|idps");
	assert_text(g.claim[3].c.metric, "returnees");
	assert_text(g.claim[3].c.value, "371212");
	assert_text(g.claim[3].c.group, "returned IDPs");
	assert_text(g.claim[3].c.key, "unhcr|2023|SYR|SYR|returned_idps");
	got_free(&g);
}

/*
 * Regression (fixed; was: app/refresh/adapters/unhcr.c, unhcr_parse: url_set_param's status
 * is ignored): on a URL of URL_MAX - 1 bytes ending "&page=9", "page=10" does
 * not fit, snprintf leaves "…&page=1" in p->next, and next_page returns it:
 * the refresher would fetch page 1 again. Expected: no next page (or a
 * failed page), never a truncated URL.
 */
static void
unhcr_next_page_url_never_truncated(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX], url[URL_MAX];
	static const char body[] = "{\"page\": 9, \"maxPages\": 10, \"items\": []}";
	enum status st, next_st;
	int len;

	(void)state;
	len = snprintf(url, sizeof url, "http://x/population/v1/population/?coo=SYR&pad=");
	memset(url + len, 'a', (size_t)(URL_MAX - 1 - len));
	memcpy(url + URL_MAX - 1 - strlen("&page=9"), "&page=9", strlen("&page=9"));
	url[URL_MAX - 1] = '\0';
	st = run_page("unhcr", url, body, strlen(body), &g, err, &next_st, next, sizeof next);
	got_free(&g);
	if (st == ST_OK && next_st == ST_OK) {
		size_t n = strlen(next);

		fail_msg("next_page gave a truncated URL ending \"%s\" (%zu bytes); "
		    "expected none, or one ending \"&page=10\"", next + (n > 20 ? n - 20 : 0), n);
	}
}

/* ---- ReliefWeb key figures -------------------------------------------------- */

static void
reliefweb_history_entries_are_claims(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/countries/SYR/figures.json",
	    &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	c = &g.claim[0].c;
	assert_int_equal(c->row, 1);
	assert_text(c->metric, "displaced");
	assert_text(c->value, "130000");
	assert_text(c->as_of, "2019-10-14T00:00:00Z");
	assert_text(c->group, "People displaced since 9 Oct 2019");
	assert_text(c->country, "SYR");
	assert_text(c->source_name, "OCHA");
	assert_text(c->via, "ReliefWeb key figures");
	assert_text(c->url, "https://reliefweb.int/report/syrian-arab-republic/"
	    "syria-flash-update-3");
	assert_text(c->key, "rw|SYR|People displaced since 9 Oct 2019|2019-10-14T00:00:00Z");
	c = &g.claim[1].c;
	assert_int_equal(c->row, 2);
	assert_text(c->metric, "displaced");
	assert_text(c->value, "100000");
	assert_text(c->as_of, "2019-10-12T00:00:00Z");
	assert_text(c->source_name, "OCHA");
	assert_text(c->url, "https://reliefweb.int/report/syrian-arab-republic/"
	    "syria-flash-update-2");
	assert_string_not_equal(g.claim[0].c.key, g.claim[1].c.key);
	got_free(&g);
}

static void
reliefweb_duplicate_history_entry_read_once(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	size_t oct12 = 0;

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/countries/SYR/figures.json",
	    &g, err), ST_OK);
	for (size_t i = 0; i < g.nclaims; i++)
		if (g.claim[i].c.as_of != NULL &&
		    strcmp(g.claim[i].c.as_of, "2019-10-12T00:00:00Z") == 0)
			oct12++;
	assert_int_equal(oct12, 1);
	got_free(&g);
}

static void
reliefweb_impossible_date_passed_to_ingest(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/countries/SYR/figures.json",
	    &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	c = &g.claim[2].c;
	assert_int_equal(c->row, 4);   /* the duplicate (row 3) was skipped */
	assert_text(c->metric, "displaced");
	assert_text(c->value, "0");
	assert_text(c->as_of, "2015-12-32T12:00:00Z");
	assert_text(c->key, "rw|SYR|People displaced since 9 Oct 2019|2015-12-32T12:00:00Z");
	got_free(&g);
}

static void
reliefweb_figure_without_metric_rejected_by_name(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/countries/SYR/figures.json",
	    &g, err), ST_OK);
	assert_int_equal(g.nrejects, 1);
	assert_int_equal(g.reject[0].row, 5);
	assert_true(got_reject_mentions(&g, 0, "'People in need'"));
	for (size_t i = 0; i < g.nclaims; i++)
		assert_string_not_equal(g.claim[i].c.group, "People in need");
	got_free(&g);
}

static void
reliefweb_figure_without_history_uses_headline(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];
	const struct claim *c;

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/countries/SYR/figures.json",
	    &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	c = &g.claim[3].c;
	assert_int_equal(c->row, 6);
	assert_text(c->metric, "refugees");
	assert_text(c->value, "5600000");
	assert_text(c->as_of, "2019-10-10T00:00:00Z");
	assert_text(c->group, "Syrian refugees in neighbouring countries");
	assert_text(c->country, "SYR");
	assert_text(c->source_name, "UNHCR");
	assert_text(c->url, "https://data2.unhcr.org/en/situations/syria");
	assert_text(c->key, "rw|SYR|Syrian refugees in neighbouring countries|"
	    "2019-10-10T00:00:00Z");
	got_free(&g);
}

static void
reliefweb_country_from_url_upper_cased(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("reliefweb", "file:///srv/countries/syr/figures.json",
	    "reliefweb/countries/SYR/figures.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	for (size_t i = 0; i < g.nclaims; i++)
		assert_text(g.claim[i].c.country, "SYR");
	got_free(&g);
}

static void
reliefweb_url_without_country_invalid(void **state)
{
	static const char *const urls[] = {
		"https://raw.githubusercontent.com/reliefweb/crisis-app-data/v2/figures.json",
		"https://example.org/countries/SY/figures.json",
		"https://example.org/countries/SYRIA/figures.json",
	};

	(void)state;
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		struct got g = { 0 };
		char err[ERR_MAX];

		assert_int_equal(run_fixture("reliefweb", urls[i],
		    "reliefweb/countries/SYR/figures.json", &g, err), ST_INVALID);
		assert_int_equal(g.nclaims, 0);
		assert_non_null(strstr(err, "/countries/"));
		got_free(&g);
	}
}

static void
reliefweb_html_quota_page_invalid(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("reliefweb", RW_URL, "reliefweb/quota.html", &g, err),
	    ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "malformed JSON"));
	got_free(&g);
}

/* ---- IOM DTM ---------------------------------------------------------------- */

#define DTM_URL "https://dtmapi.iom.int/api/IdpAdmin2Data/GetAdmin2Datav2?Admin0Pcode=AFG"

static void
dtm_rows_are_idps_by_round(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("dtm", DTM_URL, "dtm/afg.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 0);
	for (size_t i = 0; i < 2; i++) {
		const struct claim *c = &g.claim[i].c;

		assert_int_equal(c->row, (long)i + 1);
		assert_text(c->metric, "idps");
		assert_text(c->country, "AFG");
		assert_text(c->country_name, "Afghanistan");
		assert_text(c->adm1_code, "AF15");
		assert_text(c->adm1_name, "Kunar");
		assert_text(c->adm2_code, "AF1512");
		assert_text(c->adm2_name, "Dangam");
		assert_text(c->group, "Returns and displacement in Afghanistan");
		assert_text(c->via, "IOM DTM API");
		assert_text(c->source_name, NULL);
	}
	assert_text(g.claim[0].c.value, "280");
	assert_text(g.claim[0].c.as_of, "2017-03-30T00:00:00");
	assert_text(g.claim[0].c.key, "dtm|Returns and displacement in Afghanistan|AFG|AF15|"
	    "AF1512|1|BA|2017-03-30T00:00:00");
	assert_text(g.claim[1].c.value, "315");
	assert_text(g.claim[1].c.as_of, "2017-06-30T00:00:00");
	assert_string_not_equal(g.claim[0].c.key, g.claim[1].c.key);
	got_free(&g);
}

static void
dtm_failure_invalid_with_error_messages(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("dtm", DTM_URL, "dtm/failure.json", &g, err), ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "Admin0Pcode XYZ is not a valid country code."));
	got_free(&g);
}

static void
dtm_empty_result_is_ok_without_claims(void **state)
{
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_fixture("dtm", DTM_URL, "dtm/empty.json", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
}

/* ---- what the JSON adapters share (json_page.c) ----------------------------- */

static void
json_adapters_reject_empty_and_html_bodies(void **state)
{
	static const struct { const char *name, *url; } cases[] = {
		{ "hapi", HAPI_REF_URL }, { "unhcr", UNHCR_URL }, { "reliefweb", RW_URL },
		{ "dtm", DTM_URL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { 0 };
		char err[ERR_MAX];

		assert_int_equal(run_adapter(cases[i].name, cases[i].url, "", 0, &g, err),
		    ST_INVALID);
		assert_non_null(strstr(err, "empty"));
		assert_int_equal(run_fixture(cases[i].name, cases[i].url, "reliefweb/quota.html",
		    &g, err), ST_INVALID);
		assert_non_null(strstr(err, "malformed JSON"));
		assert_int_equal(g.nclaims, 0);
		got_free(&g);
	}
}

static void
json_page_in_one_byte_chunks_same_as_whole(void **state)
{
	const struct adapter *a = adapter_find("dtm");
	struct got whole = { 0 }, chunked = { 0 };
	struct sink sink = got_sink(&chunked);
	struct adapter_ctx ctx = { .sink = &sink, .url = DTM_URL };
	char err[ERR_MAX] = "";
	size_t n;
	char *data = read_fixture("dtm/afg.json", &n);
	void *st;

	(void)state;
	assert_non_null(a);
	assert_int_equal(run_adapter("dtm", DTM_URL, data, n, &whole, err), ST_OK);
	st = a->begin(&ctx, err);
	assert_non_null(st);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a->write(st, data + i, 1, err), ST_OK);
	assert_int_equal(chunked.nclaims, 0);   /* nothing before the page is complete */
	assert_int_equal(a->end(st, err), ST_OK);
	a->free(st);
	free(data);
	assert_int_equal(chunked.nclaims, whole.nclaims);
	for (size_t k = 0; k < whole.nclaims; k++) {
		assert_int_equal(chunked.claim[k].c.row, whole.claim[k].c.row);
		for (size_t i = 0; i < CLAIM_NFIELDS; i++)
			assert_text(claim_text(&chunked.claim[k].c, i),
			    claim_text(&whole.claim[k].c, i));
	}
	got_free(&whole);
	got_free(&chunked);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(adapters_all_registered_by_name),
		cmocka_unit_test(json_adapters_accept_application_json),
		cmocka_unit_test(hapi_app_identifier_comes_from_environment),

		cmocka_unit_test(hapi_refugees_asylum_seekers_rejected),
		cmocka_unit_test(hapi_refugees_total_fully_mapped),
		cmocka_unit_test(hapi_refugees_breakdown_named_in_group),
		cmocka_unit_test(hapi_idps_rounds_are_distinct_claims),
		cmocka_unit_test(hapi_idps_unspecified_admin_levels_are_null),
		cmocka_unit_test(hapi_conflict_event_types_are_separate_claims),
		cmocka_unit_test(hapi_conflict_null_fatalities_rejected),
		cmocka_unit_test(hapi_full_page_names_next_offset),
		cmocka_unit_test(hapi_short_page_is_the_last),
		cmocka_unit_test(hapi_offset_advances_and_rows_continue),
		cmocka_unit_test(hapi_default_limit_short_page_is_last),
		cmocka_unit_test(hapi_default_limit_is_10000),
		cmocka_unit_test(hapi_next_page_url_never_truncated),   /* regression */
		cmocka_unit_test(hapi_error_body_invalid_with_its_message),
		cmocka_unit_test(hapi_malformed_json_invalid),
		cmocka_unit_test(hapi_empty_body_invalid),
		cmocka_unit_test(hapi_sink_stop_ends_page_without_next),

		cmocka_unit_test(unhcr_page1_refugees_where_they_are),
		cmocka_unit_test(unhcr_iso_code_wins_over_unhcr_code),
		cmocka_unit_test(unhcr_zero_and_dash_give_no_claims),
		cmocka_unit_test(unhcr_next_page_sets_page_2),
		cmocka_unit_test(unhcr_next_page_appended_when_url_has_none),
		cmocka_unit_test(unhcr_last_page_has_no_next),
		cmocka_unit_test(unhcr_aggregate_row_refugees_from_all_origins),
		cmocka_unit_test(unhcr_origin_only_row_refugees_in_all_countries),
		cmocka_unit_test(unhcr_home_country_row_gives_returnees_and_idps),
		cmocka_unit_test(unhcr_next_page_url_never_truncated),   /* regression */
		cmocka_unit_test(reliefweb_metric_is_read_from_words_not_substrings),
		cmocka_unit_test(reliefweb_history_entry_keeps_only_its_own_url),

		cmocka_unit_test(reliefweb_history_entries_are_claims),
		cmocka_unit_test(reliefweb_duplicate_history_entry_read_once),
		cmocka_unit_test(reliefweb_impossible_date_passed_to_ingest),
		cmocka_unit_test(reliefweb_figure_without_metric_rejected_by_name),
		cmocka_unit_test(reliefweb_figure_without_history_uses_headline),
		cmocka_unit_test(reliefweb_country_from_url_upper_cased),
		cmocka_unit_test(reliefweb_url_without_country_invalid),
		cmocka_unit_test(reliefweb_html_quota_page_invalid),

		cmocka_unit_test(dtm_rows_are_idps_by_round),
		cmocka_unit_test(dtm_failure_invalid_with_error_messages),
		cmocka_unit_test(dtm_empty_result_is_ok_without_claims),

		cmocka_unit_test(json_adapters_reject_empty_and_html_bodies),
		cmocka_unit_test(json_page_in_one_byte_chunks_same_as_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
