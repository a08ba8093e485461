/*
 * test_adapters.c: the JSON adapters (refresh/adapters/hapi.c, unhcr.c,
 * reliefweb.c, dtm.c over json_page.c) on the recorded upstream shapes in
 * tests/fixtures/, through the registry (adapter_find) and
 * adapter_parse_all, or begin/write/end/next_page for paging. The sink copies
 * what it gets (sink_helper.c). The HXL adapter has its own file (test_hxl.c).
 * The registry itself is tested here for every adapter: it is the list in
 * refresh/adapters/list.h, and so is the OpenAPI enum of adapter names.
 *
 * Most cases are rows of one table (adapter_cases) run by one function
 * (run_case), each registered as its own cmocka test under its own name, so
 * a failure names the case and one case's failure does not hide the others.
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

#include "refresh/adapter.h"
#include "refresh/adapters/json_page.h"   /* its bounds */
#include "refresh/fetch.h"   /* URL_MAX: the size of every URL the refresher handles */
#include "sink_helper.h"
#include "testutil.h"

/* "Türkiye" in UTF-8, as the upstreams send it. */
#define TURKIYE "T\xc3\xbcrkiye"

#define RW_URL "https://raw.githubusercontent.com/reliefweb/crisis-app-data/" \
	"15d09e4e155887167d3df7f5de9c46c5ba2be672/edition/world/countries/SYR/figures.json"
#define HAPI_REF_URL "https://hapi.humdata.org/api/v1/affected-people/refugees?" \
	"origin_location_code=SYR&population_group=REF"
#define UNHCR_URL "http://x/population/v1/population/?coo=SYR&page=1"
#define DTM_URL "https://dtmapi.iom.int/v3/displacement/admin1?Admin0Pcode=AFG"

/* IOM DTM's real v3 answers (tests/fixtures/real/README.md has their provenance). */
#define DTM_REAL "real/dtm/displacement-"
#define DTM_AFG_OP "Returns and displacement in Afghanistan"

/*
 * A hand-written DTM v3 row shaped like the real ones (reason and origin as
 * JSON values), and an answer holding n such rows, for misbehaviour only.
 */
#define DTM_ROW(country, value, reason, origin_code, origin_name) \
	"{\"operation\": \"Op\", \"admin0Name\": \"Afghanistan\", \"admin0Pcode\": " country \
	", \"numPresentIdpInd\": " value ", \"reportingDate\": \"2022-12-31T00:00:00\", " \
	"\"roundNumber\": 16, \"displacementReason\": " reason ", \"numberMales\": null, " \
	"\"numberFemales\": null, \"idpOriginAdmin1Name\": " origin_name ", " \
	"\"idpOriginAdmin1Pcode\": " origin_code ", \"assessmentType\": \"BA\"}"
#define DTM_ANSWER(n, rows) "{\"result\": [" rows "], \"statusCode\": 200, " \
	"\"isSuccess\": true, \"errorMessages\": [], \"totalRecordsCount\": " #n "}"
#define NA "\"Not available\""

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

/* The names in adapters/list.h, read here as the registry reads them. */
static const char *const listed[] = {
#define ADAPTER(name) #name,
#include "refresh/adapters/list.h"
#undef ADAPTER
};
#define NLISTED (sizeof listed / sizeof listed[0])

static void
adapters_registry_is_the_list_in_order(void **state)
{
	size_t n = 0;

	(void)state;
	for (; adapters[n] != NULL; n++) {
		const struct adapter *a = adapters[n];

		assert_true(n < NLISTED);
		/* ADAPTER(x) registers adapter_x, whose .name must be "x" too */
		assert_string_equal(a->name, listed[n]);
		assert_ptr_equal(adapter_find(a->name), a);   /* so: no two share a name */
		if (a->description == NULL || a->example_url == NULL || a->begin == NULL ||
		    a->write == NULL || a->end == NULL || a->next_page == NULL || a->free == NULL)
			fail_msg("%s: a description, an example_url and every function are required",
			    a->name);
	}
	assert_int_equal(n, NLISTED);
}

static void
adapters_known_by_name_only(void **state)
{
	static const char *const names[] = { "hapi", "unhcr", "reliefweb", "dtm", "hxl" };

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct adapter *a = adapter_find(names[i]);

		assert_non_null(a);
		assert_string_equal(a->name, names[i]);
	}
	assert_null(adapter_find("HAPI"));
	assert_null(adapter_find(""));
	assert_null(adapter_find("json_page"));   /* a helper in adapters/, not an adapter */
}

/* The OpenAPI description compiled into the library (CMakeLists.txt). */
extern const char openapi_json[];
extern const size_t openapi_json_len;

static void
openapi_feed_adapter_enum_is_the_registry(void **state)
{
	cJSON *root = cJSON_ParseWithLength(openapi_json, openapi_json_len);
	const cJSON *e = root, *name;
	static const char *const path[] = { "components", "schemas", "Feed", "properties",
		"adapter", "enum" };
	size_t n = 0;

	(void)state;
	assert_non_null(root);
	for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
		e = cJSON_GetObjectItemCaseSensitive(e, path[i]);
		if (e == NULL)
			fail_msg("openapi.json: no %s on the way to Feed.adapter's enum", path[i]);
	}
	assert_true(cJSON_IsArray(e));
	cJSON_ArrayForEach(name, e) {
		assert_non_null(adapters[n]);
		assert_true(cJSON_IsString(name));
		assert_string_equal(name->valuestring, adapters[n]->name);
		n++;
	}
	assert_null(adapters[n]);
	cJSON_Delete(root);
}

/* What the fuzzer checks on any body, here on the empty one for every adapter. */
static void
adapters_that_refuse_an_empty_body_say_why(void **state)
{
	(void)state;
	for (size_t i = 0; adapters[i] != NULL; i++) {
		const struct adapter *a = adapters[i];
		struct got g = { 0 };
		char err[ERR_MAX] = "", next[URL_MAX];
		enum status st, next_st;

		st = run_page(a->name, a->example_url, "", 0, &g, err, &next_st, next, sizeof next);
		if (st != ST_OK && err[0] == '\0')
			fail_msg("%s: status %d on an empty body, and no reason", a->name, (int)st);
		if (next_st == ST_OK && next[0] == '\0')
			fail_msg("%s: an empty next page URL", a->name);
		got_free(&g);
	}
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

/* ---- one case of one adapter, as a row of a table --------------------------- */

/* One text field of a claim and the text it must hold (NULL: it must be NULL). */
struct want_field {
	const char *name;
	size_t      off;       /* in struct claim: found in claim_fields by it */
	const char *text;
};

/* offsetof makes a misspelt field a compile error, not a silently skipped check. */
#define FIELD(f, v) { #f, offsetof(struct claim, f), (v) }

/* What claims at..last must hold (one claim when last < at). */
struct want_claim {
	size_t            at, last;
	long              row;         /* 0: not checked */
	struct want_field field[16];   /* up to the first without a name */
};

/* A count is checked only when set: most cases say nothing of one of them. */
struct want_count {
	int    set;
	size_t n;
};
#define COUNT(n) { 1, (n) }

struct adapter_case {
	const char        *name;       /* the behaviour: the cmocka test's name */
	const char        *adapter, *url;
	/* the body: a file under tests/fixtures/, this text, or a HAPI page of hapi_rows rows */
	const char        *fixture, *body;
	int                hapi_rows;
	/* 1: one page through begin/write/end, then next_page; 0: adapter_parse_all */
	int                paged;
	enum status        answer;     /* the sink's answer to every claim */

	enum status        status;     /* what the parse returns */
	const char        *err;        /* the error message mentions it */
	struct want_count  nclaims, nrejects;
	struct want_claim  claim[4];   /* an unused one has no row and no field */
	struct {
		long        row;
		const char *mentions;  /* NULL: rejection 0 not checked */
	} reject;
	size_t             distinct[2];   /* these two claims' keys differ; { 0, 0 }: unchecked */
	struct want_field  once;       /* exactly one claim has this text */
	struct want_field  never;      /* no claim has this text (assert_string_not_equal) */
	enum status        next_st;    /* paged: next_page's status, and the URL it gave */
	const char        *next;
};

static const struct adapter_case adapter_cases[] = {
	/* ---- HDX HAPI ---- */
	{ "hapi_refugees_asylum_seekers_are_their_own_metric", .adapter = "hapi",
	  .url = HAPI_REF_URL, .fixture = "hapi/refugees.json",
	  .nclaims = COUNT(3), .nrejects = COUNT(0),
	  .claim = { { 2, .row = 3, .field = {
		FIELD(metric, "asylum_seekers"), FIELD(value, "2013"), FIELD(group, ""),
		FIELD(country, "TUR"), FIELD(origin_country, "SYR"),
		FIELD(as_of, "2023-12-31T23:59:59"), FIELD(period_start, NULL),
		FIELD(key, "hapi:poc|ASY|SYR|TUR|all|all|2023-01-01T00:00:00|"
		    "2023-12-31T23:59:59") } } },
	  .distinct = { 0, 2 } },
	{ "hapi_refugees_origin_is_the_origin_not_a_group", .adapter = "hapi",
	  .url = HAPI_REF_URL, .fixture = "hapi/refugees.json",
	  .claim = { { 0, .row = 1, .field = {
		FIELD(metric, "refugees"), FIELD(value, "3214780"), FIELD(qualifier, NULL),
		FIELD(group, ""),   /* the origin is no population group */
		FIELD(country, "TUR"), FIELD(country_name, TURKIYE),
		FIELD(origin_country, "SYR"), FIELD(origin_country_name, "Syrian Arab Republic"),
		FIELD(adm1_code, NULL), FIELD(adm2_code, NULL),
		/* UNHCR's end-year stock: as of the period's end, not over the year */
		FIELD(as_of, "2023-12-31T23:59:59"), FIELD(period_start, NULL),
		FIELD(period_end, NULL),
		/* who said it is the feed's default source (UNHCR), not the row */
		FIELD(source_name, NULL),
		FIELD(via, "HDX HAPI, resource 17acb541-9431-409a-80a8-50eda7e8ebab"),
		/*
		 * a key is the row's identity from run to run: a new spelling
		 * churns every figure
		 */
		FIELD(key, "hapi:poc|REF|SYR|TUR|all|all|2023-01-01T00:00:00|"
		    "2023-12-31T23:59:59") } } } },
	{ "hapi_refugees_breakdown_named_in_group", .adapter = "hapi", .url = HAPI_REF_URL,
	  .fixture = "hapi/refugees.json", .nclaims = COUNT(3),
	  .claim = { { 1, .row = 2, .field = {
		FIELD(metric, "refugees"), FIELD(value, "61244"),
		FIELD(group, "gender female, aged 12-17"), FIELD(origin_country, "SYR"),
		FIELD(country, "LBN"), FIELD(country_name, "Lebanon"),
		/* no period end: no date for the stock but the period's start */
		FIELD(as_of, NULL), FIELD(period_start, "2023-01-01T00:00:00"),
		FIELD(period_end, NULL),
		FIELD(key, "hapi:poc|REF|SYR|LBN|f|12-17|2023-01-01T00:00:00|") } } },
	  .distinct = { 0, 1 } },
	{ "hapi_returned_refugees_are_where_they_returned_over_the_year", .adapter = "hapi",
	  .url = HAPI_REF_URL, .fixture = "hapi/refugees-syr-2024.json",
	  .nclaims = COUNT(4), .nrejects = COUNT(0),
	  .claim = { { 1, .row = 2, .field = {
		FIELD(metric, "refugee_returnees"), FIELD(value, "159439"), FIELD(group, ""),
		FIELD(country, "SYR"), FIELD(country_name, "Syrian Arab Republic"),
		FIELD(origin_country, "TUR"), FIELD(origin_country_name, TURKIYE),
		FIELD(as_of, NULL), FIELD(period_start, "2024-01-01T00:00:00"),
		FIELD(period_end, "2024-12-31T23:59:59"),
		FIELD(key, "hapi:poc|RET|SYR|TUR|all|all|2024-01-01T00:00:00|"
		    "2024-12-31T23:59:59") } } } },
	{ "hapi_population_group_without_metric_rejected_by_name", .adapter = "hapi",
	  .url = HAPI_REF_URL,
	  .body = "{\"data\": [{\"population_group\": \"STA\", \"gender\": \"all\", "
	    "\"age_range\": \"all\", \"population\": 420, \"origin_location_code\": \"SYR\", "
	    "\"asylum_location_code\": \"TUR\", \"reference_period_start\": "
	    "\"2024-01-01T00:00:00\", \"reference_period_end\": \"2024-12-31T23:59:59\"}]}",
	  .nclaims = COUNT(0), .nrejects = COUNT(1), .reject = { 1, "'STA' has no metric" } },
	{ "hapi_refugees_null_population_is_no_claim_and_no_error", .adapter = "hapi",
	  .url = HAPI_REF_URL,
	  .body = "{\"data\": [{\"population_group\": \"REF\", \"gender\": \"all\", "
	    "\"age_range\": \"all\", \"population\": null, \"origin_location_code\": \"SYR\", "
	    "\"asylum_location_code\": \"TUR\"}]}",
	  .nclaims = COUNT(0), .nrejects = COUNT(0) },
	{ "hapi_idps_rounds_are_distinct_claims", .adapter = "hapi",
	  .url = "https://hapi.humdata.org/api/v1/affected-people/idps?location_code=SDN&"
	    "admin_level=2",
	  .fixture = "hapi/idps.json", .nclaims = COUNT(3), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .last = 2, .field = {
			FIELD(metric, "idps"), FIELD(group, "Armed Clashes in Sudan"),
			FIELD(via, "HDX HAPI, resource 80911e9b-7527-469a-a545-4074860e1288") } },
		{ 0, .row = 1, .field = {   /* round 16 */
			FIELD(value, "91032"), FIELD(country, "SDN"), FIELD(country_name, "Sudan"),
			FIELD(adm1_code, "SD02"), FIELD(adm1_name, "North Darfur"),
			FIELD(adm2_code, "SD02112"),
			FIELD(adm2_name, "El Fasher"),   /* HAPI's name, not the provider's */
			FIELD(period_start, "2024-05-31T00:00:00"),
			FIELD(period_end, "2024-05-31T00:00:00"),
			FIELD(key, "hapi:idps|SDN|SD02|SD02112|Armed Clashes in Sudan|16|BA|"
			    "2024-05-31T00:00:00|2024-05-31T00:00:00") } },
		{ 1, .row = 2, .field = {   /* round 17 */
			FIELD(value, "96540"), FIELD(adm2_code, "SD02112"),
			FIELD(period_end, "2024-06-30T00:00:00") } },
		{ 2, .row = 3 } },
	  .distinct = { 0, 1 } },
	{ "hapi_idps_unspecified_admin_levels_are_null", .adapter = "hapi",
	  .url = "https://hapi.humdata.org/api/v1/affected-people/idps?location_code=SDN",
	  .fixture = "hapi/idps.json", .nclaims = COUNT(3),
	  .claim = { { 2, .field = {
		FIELD(value, "7951000"), FIELD(country, "SDN"),
		FIELD(adm1_code, NULL), FIELD(adm1_name, NULL),
		FIELD(adm2_code, NULL), FIELD(adm2_name, NULL),
		FIELD(group, "Armed Clashes in Sudan") } } },
	  .distinct = { 2, 1 } },   /* same round, national level */
	/*
	 * Two places the provider named that HAPI matched to no p-code (admin2
	 * "unspecified": code and name null) in one admin1 and round: two counts,
	 * each at its place by the provider's name, neither the admin1's total.
	 */
	{ "hapi_idps_unmatched_provider_places_stay_distinct", .adapter = "hapi",
	  .url = "https://hapi.humdata.org/api/v1/affected-people/idps?location_code=SDN",
	  .body = "{\"data\": ["
	    "{\"location_code\": \"SDN\", \"admin1_code\": \"SD02\", \"admin1_name\": "
	    "\"North Darfur\", \"provider_admin1_name\": \"North Darfur\", \"admin2_code\": null, "
	    "\"admin2_name\": null, \"provider_admin2_name\": \"Tawila\", \"reporting_round\": 17, "
	    "\"assessment_type\": \"BA\", \"operation\": \"Armed Clashes in Sudan\", "
	    "\"population\": 500, \"reference_period_start\": \"2024-06-30T00:00:00\", "
	    "\"reference_period_end\": \"2024-06-30T00:00:00\"},"
	    "{\"location_code\": \"SDN\", \"admin1_code\": \"SD02\", \"admin1_name\": "
	    "\"North Darfur\", \"provider_admin1_name\": \"North Darfur\", \"admin2_code\": null, "
	    "\"admin2_name\": null, \"provider_admin2_name\": \"Kutum\", \"reporting_round\": 17, "
	    "\"assessment_type\": \"BA\", \"operation\": \"Armed Clashes in Sudan\", "
	    "\"population\": 700, \"reference_period_start\": \"2024-06-30T00:00:00\", "
	    "\"reference_period_end\": \"2024-06-30T00:00:00\"}]}",
	  .nclaims = COUNT(2), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .field = {
			FIELD(value, "500"), FIELD(adm1_code, "SD02"), FIELD(adm2_code, NULL),
			FIELD(adm2_name, "Tawila"),
			FIELD(key, "hapi:idps|SDN|SD02||Armed Clashes in Sudan|17|BA|"
			    "2024-06-30T00:00:00|2024-06-30T00:00:00|p2=Tawila") } },
		{ 1, .field = { FIELD(value, "700"), FIELD(adm2_name, "Kutum") } } },
	  .distinct = { 0, 1 } },
	{ "hapi_conflict_event_types_are_separate_claims", .adapter = "hapi",
	  .url = "https://hapi.humdata.org/api/v1/coordination-context/conflict-event?"
	    "location_code=SYR&admin_level=2",
	  .fixture = "hapi/conflict-event.json", .nclaims = COUNT(2),
	  .claim = {
		{ 0, .last = 1, .field = {
			FIELD(metric, "killed"), FIELD(country, "SYR"),
			FIELD(adm1_code, "SY08"), FIELD(adm2_code, "SY0800"),
			FIELD(adm2_name, "Al-Hasakeh"),
			FIELD(period_start, "2019-10-01T00:00:00"),
			FIELD(period_end, "2019-10-31T23:59:59"),
			FIELD(via, "HDX HAPI, resource a8e69c6c-16fc-4983-92ee-e04e8960b51f") } },
		{ 0, .field = {
			FIELD(value, "9"), FIELD(group, "in civilian targeting events"),
			FIELD(key, "hapi:conflict|SYR|SY08|SY0800|civilian_targeting|"
			    "2019-10-01T00:00:00|2019-10-31T23:59:59") } },
		{ 1, .field = {
			FIELD(value, "57"), FIELD(group, "in political violence events") } } },
	  .distinct = { 0, 1 } },
	/*
	 * ACLED counts no fatalities for demonstrations: HAPI gives null, which is
	 * no claim of anyone killed, not a bad row (rejections can fail a feed).
	 */
	{ "hapi_conflict_demonstration_without_fatalities_is_no_claim_and_no_error",
	  .adapter = "hapi",
	  .url = "https://hapi.humdata.org/api/v1/coordination-context/conflict-event?"
	    "location_code=SYR",
	  .fixture = "hapi/conflict-event.json", .nclaims = COUNT(2), .nrejects = COUNT(0) },
	{ "hapi_full_page_names_next_offset", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/refugees?limit=3",
	  .hapi_rows = 3, .paged = 1, .nclaims = COUNT(3),
	  .claim = { { 0, .row = 1 }, { 1, .row = 2 }, { 2, .row = 3 } },
	  .next_st = ST_OK, .next = "http://x/api/v1/affected-people/refugees?limit=3&offset=3" },
	{ "hapi_short_page_is_the_last", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/refugees?limit=3",
	  .hapi_rows = 2, .paged = 1, .nclaims = COUNT(2), .next_st = ST_NOT_FOUND },
	{ "hapi_offset_advances_and_rows_continue", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/refugees?offset=6&limit=3",
	  .hapi_rows = 3, .paged = 1, .nclaims = COUNT(3),
	  .claim = { { 0, .row = 7 }, { 1, .row = 8 }, { 2, .row = 9 } },
	  .next_st = ST_OK, .next = "http://x/api/v1/affected-people/refugees?offset=9&limit=3" },
	{ "hapi_default_limit_short_page_is_last", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/idps?location_code=SDN",
	  .hapi_rows = 3, .paged = 1, .nclaims = COUNT(3), .next_st = ST_NOT_FOUND },
	{ "hapi_default_limit_is_10000", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/idps?location_code=SDN",
	  .hapi_rows = 10000, .paged = 1, .nclaims = COUNT(10000),
	  .claim = { { 9999, .row = 10000 } },
	  .next_st = ST_OK,
	  .next = "http://x/api/v1/affected-people/idps?location_code=SDN&offset=10000&"
	    "limit=10000" },
	{ "hapi_error_body_invalid_with_its_message", .adapter = "hapi", .url = HAPI_REF_URL,
	  .fixture = "hapi/error-403.json",
	  .status = ST_INVALID, .nclaims = COUNT(0), .err = "Missing app identifier" },
	{ "hapi_malformed_json_invalid", .adapter = "hapi", .url = HAPI_REF_URL,
	  .body = "{\"data\": [",
	  .status = ST_INVALID, .nclaims = COUNT(0), .err = "malformed JSON" },
	{ "hapi_empty_body_invalid", .adapter = "hapi", .url = HAPI_REF_URL, .body = "",
	  .status = ST_INVALID, .nclaims = COUNT(0), .err = "empty" },
	{ "hapi_sink_stop_ends_page_without_next", .adapter = "hapi",
	  .url = "http://x/api/v1/affected-people/idps?limit=3",
	  .hapi_rows = 3, .paged = 1, .answer = ST_STOP,
	  .status = ST_STOP, .nclaims = COUNT(1), .next_st = ST_NOT_FOUND },

	/* ---- UNHCR population API ---- */
	{ "unhcr_page1_refugees_where_they_are", .adapter = "unhcr", .url = UNHCR_URL,
	  .fixture = "unhcr/population-page1.json",
	  /* refugees and asylum seekers of each row; "0" and "-" give no claims */
	  .nclaims = COUNT(4), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .row = 1, .field = {
			FIELD(metric, "refugees"), FIELD(value, "3214780"),
			FIELD(country, "TUR"), FIELD(country_name, TURKIYE),
			FIELD(origin_country, "SYR"), FIELD(origin_country_name, "Syrian Arab Rep."),
			FIELD(group, ""),
			/* an end-year stock */
			FIELD(as_of, "2023-12-31"), FIELD(period_start, NULL), FIELD(period_end, NULL),
			FIELD(via, "UNHCR Refugee Population Statistics API"),
			FIELD(source_name, NULL), FIELD(key, "unhcr|2023|SYR|TUR|refugees") } },
		{ 1, .row = 1, .field = {
			FIELD(metric, "asylum_seekers"), FIELD(value, "2013"),
			FIELD(country, "TUR"), FIELD(origin_country, "SYR"), FIELD(group, ""),
			FIELD(as_of, "2023-12-31"),
			FIELD(key, "unhcr|2023|SYR|TUR|asylum_seekers") } } } },
	{ "unhcr_iso_code_wins_over_unhcr_code", .adapter = "unhcr", .url = UNHCR_URL,
	  .fixture = "unhcr/population-page1.json", .nclaims = COUNT(4),
	  .claim = { { 2, .row = 2, .field = {
		FIELD(metric, "refugees"),
		FIELD(value, "705782"),   /* a string upstream */
		FIELD(country, "DEU"),    /* coa_iso, not coa "GFR" */
		FIELD(country_name, "Germany"), FIELD(key, "unhcr|2023|SYR|DEU|refugees") } } } },
	{ "unhcr_unhcr_code_without_iso_is_never_read_as_iso", .adapter = "unhcr",
	  .url = UNHCR_URL,
	  /* UNHCR's AUS is Austria, ISO's AUS Australia */
	  .body = "{\"page\": 1, \"items\": [{\"year\": 2024, \"coo\": \"SYR\", "
	    "\"coo_iso\": \"SYR\", \"coo_name\": \"Syrian Arab Rep.\", \"coa\": \"AUS\", "
	    "\"coa_iso\": \"\", \"coa_name\": \"Austria\", \"refugees\": 60000}]}",
	  .nclaims = COUNT(0), .nrejects = COUNT(1),
	  .reject = { 1, "coa 'AUS' (Austria) has no ISO 3166 code" } },
	{ "unhcr_zero_and_dash_give_no_claims", .adapter = "unhcr", .url = UNHCR_URL,
	  .body = "{\"page\": 1, \"maxPages\": 1, \"items\": [{\"year\": 2023, "
	    "\"coo\": \"SYR\", \"coo_iso\": \"SYR\", \"coo_name\": \"Syrian Arab Rep.\", "
	    "\"coa\": \"TUR\", \"coa_iso\": \"TUR\", \"coa_name\": \"Turkey\", "
	    "\"refugees\": \"0\", \"returned_refugees\": \"-\", \"idps\": 0, "
	    "\"returned_idps\": \"-\"}]}",
	  .nclaims = COUNT(0), .nrejects = COUNT(0) },
	{ "unhcr_next_page_sets_page_2", .adapter = "unhcr", .url = UNHCR_URL,
	  .fixture = "unhcr/population-page1.json", .paged = 1,
	  .next_st = ST_OK, .next = "http://x/population/v1/population/?coo=SYR&page=2" },
	{ "unhcr_next_page_appended_when_url_has_none", .adapter = "unhcr",
	  .url = "http://x/population/v1/population/?coo=SYR",
	  .fixture = "unhcr/population-page1.json", .paged = 1,
	  .next_st = ST_OK, .next = "http://x/population/v1/population/?coo=SYR&page=2" },
	{ "unhcr_last_page_has_no_next", .adapter = "unhcr",
	  .url = "http://x/population/v1/population/?coo=SYR&page=2",
	  .fixture = "unhcr/population-page2.json", .paged = 1, .next_st = ST_NOT_FOUND },
	{ "unhcr_aggregate_row_refugees_from_all_origins", .adapter = "unhcr", .url = UNHCR_URL,
	  .fixture = "unhcr/population-page2.json", .nclaims = COUNT(5), .nrejects = COUNT(1),
	  .claim = { { 0, .row = 1, .field = {
		FIELD(metric, "refugees"), FIELD(value, "2940735"),
		FIELD(country, "TUR"), FIELD(country_name, TURKIYE),
		FIELD(group, ""), FIELD(origin_country, NULL),   /* all origins: no origin */
		FIELD(as_of, "2024-12-31"),
		FIELD(key, "unhcr|2024|-|TUR|refugees") } } },
	  /*
	   * The same row's returned_refugees (159439) returned from Türkiye to many
	   * origins: they cannot be placed in TUR, so the row part is rejected.
	   */
	  .reject = { 1, "returned_refugees of a row summing every origin" } },
	{ "unhcr_origin_only_row_refugees_have_no_place", .adapter = "unhcr", .url = UNHCR_URL,
	  .body = "{\"page\": 1, \"maxPages\": 1, \"items\": [{\"year\": 2023, "
	    "\"coo\": \"SYR\", \"coo_iso\": \"SYR\", \"coo_name\": \"Syrian Arab Rep.\", "
	    "\"coa\": \"-\", \"coa_iso\": \"-\", \"coa_name\": \"-\", \"refugees\": 6355800, "
	    "\"returned_refugees\": \"0\", \"idps\": \"0\", \"returned_idps\": \"0\"}]}",
	  /* refugees from Syria in every country of asylum are in no one place */
	  .nclaims = COUNT(0), .nrejects = COUNT(1),
	  .reject = { 1, "refugees of a row summing every country of asylum" } },
	{ "unhcr_home_country_row_gives_returnees_and_idps", .adapter = "unhcr",
	  .url = UNHCR_URL, .fixture = "unhcr/population-page2.json", .nclaims = COUNT(5),
	  .claim = {
		/* the SYR-SYR row: refugees "0" skipped; returnees, IDPs, returned IDPs */
		{ 2, .last = 4, .row = 2, .field = {
			FIELD(country, "SYR"), FIELD(country_name, "Syrian Arab Rep."),
			FIELD(origin_country, NULL), FIELD(group, "") } },
		{ 2, .field = {
			FIELD(metric, "refugee_returnees"), FIELD(value, "38292"),
			/* a flow: returned during the year */
			FIELD(as_of, NULL), FIELD(period_start, "2023-01-01"),
			FIELD(period_end, "2023-12-31"),
			FIELD(key, "unhcr|2023|SYR|SYR|returned_refugees") } },
		{ 3, .field = {
			FIELD(metric, "idps"), FIELD(value, "7248723"), FIELD(as_of, "2023-12-31"),
			FIELD(key, "unhcr|2023|SYR|SYR|idps") } },
		{ 4, .field = {
			FIELD(metric, "idp_returnees"), FIELD(value, "371212"),
			FIELD(period_start, "2023-01-01"), FIELD(period_end, "2023-12-31"),
			FIELD(key, "unhcr|2023|SYR|SYR|returned_idps") } } } },

	/* ReliefWeb key figures: tests/unit/test_reliefweb.c */

	/* ---- IOM DTM (v3) ---- */
	{ "dtm_real_afg_admin0_each_row_its_claim_with_cause_and_origin", .adapter = "dtm",
	  .url = DTM_URL, .fixture = DTM_REAL "admin0-admin0pcode-afg.json",
	  .nclaims = COUNT(133), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .row = 1, .field = {
			FIELD(metric, "idps"), FIELD(unit, "people"), FIELD(value, "179956"),
			FIELD(as_of, "2017-03-30T00:00:00"), FIELD(group, DTM_AFG_OP),
			FIELD(country, "AFG"), FIELD(country_name, "Afghanistan"),
			FIELD(adm1_code, NULL), FIELD(cause, "conflict"),
			FIELD(origin_country, NULL), FIELD(origin_adm1_code, NULL),
			FIELD(origin_adm1_name, NULL), FIELD(males, NULL), FIELD(females, NULL),
			FIELD(key, "dtm|" DTM_AFG_OP "|AFG|||1|BA|2017-03-30T00:00:00|conflict|") } },
		/* "No reason for displacement reported": no cause, a claim of its own */
		{ 2, .row = 3, .field = {
			FIELD(value, "66308"), FIELD(cause, NULL),
			FIELD(key, "dtm|" DTM_AFG_OP "|AFG|||1|BA|2017-03-30T00:00:00||") } },
		/* from Baghlan: the origin is an area of the row's own country */
		{ 5, .row = 6, .field = {
			FIELD(value, "41018"), FIELD(as_of, "2017-12-31T00:00:00"),
			FIELD(cause, "conflict"), FIELD(origin_country, "AFG"),
			FIELD(origin_country_name, "Afghanistan"), FIELD(origin_adm1_code, "AF09"),
			FIELD(origin_adm1_name, "Baghlan"), FIELD(origin_adm2_code, NULL),
			FIELD(key, "dtm|" DTM_AFG_OP "|AFG|||3|BA|2017-12-31T00:00:00|conflict|AF09") } },
		{ 114, .row = 115, .field = {
			FIELD(value, "338781"), FIELD(as_of, "2021-12-31T00:00:00"),
			FIELD(cause, "conflict+violence+disaster"), FIELD(origin_adm1_code, NULL) } } },
	  .distinct = { 0, 1 } },
	/* round 14 writes one reason "conflict": the same cause as "Conflict" */
	{ "dtm_real_afg_admin0_reason_read_whatever_its_case", .adapter = "dtm", .url = DTM_URL,
	  .fixture = DTM_REAL "admin0-admin0pcode-afg.json", .nclaims = COUNT(133),
	  .claim = { { 112, .row = 113, .field = {
		FIELD(value, "1689642"), FIELD(cause, "conflict"),
		FIELD(as_of, "2021-12-31T00:00:00") } } } },
	{ "dtm_real_afg_admin1_places_causes_and_origins", .adapter = "dtm", .url = DTM_URL,
	  .fixture = DTM_REAL "admin1-admin0pcode-afg.json",
	  .nclaims = COUNT(675), .nrejects = COUNT(0),
	  .claim = {
		{ 23, .row = 24, .field = {
			FIELD(value, "175807"), FIELD(adm1_code, "AF01"), FIELD(adm1_name, "Kabul"),
			FIELD(adm2_code, NULL), FIELD(cause, "conflict"), FIELD(origin_country, "AFG"),
			FIELD(origin_adm1_code, "AF01"), FIELD(origin_adm1_name, "Kabul"),
			FIELD(key, "dtm|" DTM_AFG_OP "|AFG|AF01||3|BA|2017-12-31T00:00:00|conflict|"
			    "AF01") } },
		{ 323, .row = 324, .field = {
			FIELD(value, "2501"), FIELD(adm1_code, "AF28"), FIELD(adm1_name, "Jawzjan"),
			FIELD(as_of, "2022-04-30T00:00:00"), FIELD(cause, "conflict+disaster+other"),
			FIELD(origin_country, NULL) } } } },
	{ "dtm_real_hti_admin0_sex_breakdown_operations_and_assessments", .adapter = "dtm",
	  .url = DTM_URL, .fixture = DTM_REAL "admin0-admin0pcode-hti.json",
	  .nclaims = COUNT(114), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .row = 1, .field = {
			FIELD(value, "1068882"), FIELD(males, "509533"), FIELD(females, "559349"),
			FIELD(group, "Haiti Earthquake"), FIELD(cause, "disaster"),
			FIELD(as_of, "2010-11-30T00:00:00"), FIELD(country, "HTI"),
			FIELD(key, "dtm|Haiti Earthquake|HTI|||1|SA|2010-11-30T00:00:00|disaster|") } },
		{ 56, .row = 57, .field = {
			FIELD(value, "122488"), FIELD(group, "Countrywide monitoring"),
			FIELD(cause, "violence"), FIELD(origin_country, "HTI"),
			FIELD(origin_adm1_code, "HT01"), FIELD(origin_adm1_name, "Ouest"),
			FIELD(males, NULL), FIELD(females, NULL) } } } },
	/* DTM's males and females need not add up to the total: kept as given */
	{ "dtm_real_hti_admin1_sex_breakdown_kept_as_given", .adapter = "dtm", .url = DTM_URL,
	  .fixture = DTM_REAL "admin1-admin0pcode-hti.json",
	  .nclaims = COUNT(235), .nrejects = COUNT(0),
	  .claim = { { 57, .row = 58, .field = {
		FIELD(value, "932"), FIELD(males, "247"), FIELD(females, "280"),
		FIELD(adm1_code, "HT08"), FIELD(adm1_name, "Grande Anse"),
		FIELD(group, "Hurricane Matthew") } } } },
	{ "dtm_real_tcd_admin2_places_and_origin", .adapter = "dtm", .url = DTM_URL,
	  .fixture = DTM_REAL "admin2-admin0pcode-tcd.json",
	  .nclaims = COUNT(145), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .row = 1, .field = {
			FIELD(value, "61828"), FIELD(country, "TCD"), FIELD(country_name, "Chad"),
			FIELD(adm1_code, "TD07"), FIELD(adm1_name, "Lac"),
			FIELD(adm2_code, "TD0704"), FIELD(adm2_name, "Fouli"),
			FIELD(cause, "conflict"), FIELD(origin_adm1_code, NULL),
			FIELD(key, "dtm|Lake Chad Basin Crisis|TCD|TD07|TD0704|1|SA|"
			    "2017-09-30T00:00:00|conflict|") } },
		{ 98, .row = 99, .field = {
			FIELD(value, "26858"), FIELD(adm2_code, "TD0701"), FIELD(adm2_name, "Mamdi"),
			FIELD(males, "12010"), FIELD(females, "14848"),
			FIELD(origin_country, "TCD"), FIELD(origin_country_name, "Chad"),
			FIELD(origin_adm1_code, "TD07"), FIELD(origin_adm1_name, "Lac") } } } },

	/* misbehaviour, hand-written */
	{ "dtm_v2_rows_refused_not_read_as_totals", .adapter = "dtm",
	  .url = "https://dtmapi.iom.int/api/IdpAdmin2Data/GetAdmin2Datav2?Admin0Pcode=AFG",
	  .fixture = "dtm/v2-retired.json", .nclaims = COUNT(0), .nrejects = COUNT(2),
	  .reject = { 1, "no displacementReason field" } },
	{ "dtm_row_without_origin_fields_refused", .adapter = "dtm", .url = DTM_URL,
	  .body = "{\"result\": [{\"admin0Pcode\": \"AFG\", \"numPresentIdpInd\": 5, "
	      "\"displacementReason\": \"Conflict\"}], \"isSuccess\": true}",
	  .nclaims = COUNT(0), .nrejects = COUNT(1),
	  .reject = { 1, "no idpOriginAdmin1Pcode field" } },
	{ "dtm_unknown_reason_refused_naming_it", .adapter = "dtm", .url = DTM_URL,
	  .body = DTM_ANSWER(3, DTM_ROW("\"AFG\"", "10", "\"Conflict; Flood\"", NA, NA) ", "
	      DTM_ROW("\"AFG\"", "11", "\"Insecurity\"", NA, NA) ", "
	      DTM_ROW("\"AFG\"", "12", "\"Conflict; No reason for displacement reported\"",
	      NA, NA)),
	  .nclaims = COUNT(1), .nrejects = COUNT(2), .reject = { 1, "'Flood'" },
	  .claim = { { 0, .row = 2, .field = { FIELD(cause, "violence") } } } },
	/* reasons in any order and case, spaced or not: one canonical cause */
	{ "dtm_reasons_joined_in_canonical_order", .adapter = "dtm", .url = DTM_URL,
	  .body = DTM_ANSWER(2,
	      DTM_ROW("\"AFG\"", "10", "\"other reason;NATURAL DISASTER ; insecurity\"", NA, NA)
	      ", " DTM_ROW("\"AFG\"", "11", "null", "null", "\"\"")),
	  .nclaims = COUNT(2), .nrejects = COUNT(0),
	  .claim = {
		{ 0, .field = { FIELD(cause, "violence+disaster+other") } },
		{ 1, .field = { FIELD(cause, NULL), FIELD(origin_country, NULL),
			FIELD(origin_adm1_code, NULL), FIELD(origin_adm1_name, NULL) } } },
	  .distinct = { 0, 1 } },
	/* an origin named but not coded is still an origin */
	{ "dtm_origin_by_name_alone", .adapter = "dtm", .url = DTM_URL,
	  .body = DTM_ANSWER(1, DTM_ROW("\"AFG\"", "10", "\"Conflict\"", NA, "\"Kabul\"")),
	  .nclaims = COUNT(1),
	  .claim = { { 0, .field = { FIELD(origin_country, "AFG"), FIELD(origin_adm1_code, NULL),
		FIELD(origin_adm1_name, "Kabul"),
		FIELD(key, "dtm|Op|AFG|||16|BA|2022-12-31T00:00:00|conflict|Kabul") } } } },
	/* a code as an ISO alpha-2 code is passed on as given: resolve reads it (SY: SYR) */
	{ "dtm_alpha2_country_passed_to_resolve", .adapter = "dtm", .url = DTM_URL,
	  .body = DTM_ANSWER(1, DTM_ROW("\"SY\"", "10", "\"Conflict\"", "\"SY01\"",
	      "\"Damascus\"")),
	  .nclaims = COUNT(1),
	  .claim = { { 0, .field = { FIELD(country, "SY"), FIELD(origin_country, "SY"),
		FIELD(origin_adm1_code, "SY01") } } } },
	/* a number where a code belongs would move the count to the parent: refused */
	{ "dtm_place_code_not_text_refused", .adapter = "dtm", .url = DTM_URL,
	  .body = "{\"result\": [{\"admin0Pcode\": \"AFG\", \"admin1Pcode\": 15, "
	      "\"numPresentIdpInd\": 5, \"displacementReason\": \"Conflict\", "
	      "\"idpOriginAdmin1Pcode\": null}], \"isSuccess\": true}",
	  .nclaims = COUNT(0), .nrejects = COUNT(1),
	  .reject = { 1, "admin1Pcode is neither text nor null" } },
	{ "dtm_failure_invalid_with_error_messages", .adapter = "dtm", .url = DTM_URL,
	  .fixture = "dtm/failure.json", .status = ST_INVALID, .nclaims = COUNT(0),
	  .err = "Admin0Pcode XYZ is not a valid country code." },
	{ "dtm_error_messages_fail_even_with_success", .adapter = "dtm", .url = DTM_URL,
	  .body = "{\"result\": [" DTM_ROW("\"AFG\"", "10", "\"Conflict\"", NA, NA) "], "
	      "\"statusCode\": 200, \"isSuccess\": true, \"errorMessages\": "
	      "[\"Data for this round is under review.\"], \"totalRecordsCount\": 1}",
	  /*
	   * the row streamed out before the envelope that fails the answer: the
	   * caller drops the whole payload (test_spool.c, test_fetch.py)
	   */
	  .status = ST_INVALID, .nclaims = COUNT(1),
	  .err = "DTM says the request failed (isSuccess true, statusCode 200): Data for this "
	      "round is under review." },
	{ "dtm_answer_without_is_success_invalid", .adapter = "dtm", .url = DTM_URL,
	  .body = "{\"result\": []}", .status = ST_INVALID, .nclaims = COUNT(0),
	  .err = "no isSuccess" },
	{ "dtm_fewer_rows_than_counted_invalid", .adapter = "dtm", .url = DTM_URL,
	  .body = DTM_ANSWER(3, DTM_ROW("\"AFG\"", "10", "\"Conflict\"", NA, NA)),
	  .status = ST_INVALID, .nclaims = COUNT(1),   /* given as it streamed, then dropped */
	  .err = "totalRecordsCount is 3 but its result holds 1 rows" },
	{ "dtm_empty_result_is_ok_without_claims", .adapter = "dtm", .url = DTM_URL,
	  .fixture = "dtm/empty.json", .nclaims = COUNT(0), .nrejects = COUNT(0) },
};

/* 1 if got is want, NULL only equal to NULL: what assert_text checks. */
static int
same_text(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

/* Where f is in claim_fields, for claim_text; fails the case if f is not a text field. */
static size_t
field_index(const char *name, const struct want_field *f)
{
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		if (claim_fields[i].off == f->off)
			return i;
	fail_msg("%s: %s is not a text field of struct claim", name, f->name);
	return 0;
}

/*
 * The checks below print the case, and what in it, before cmocka's assert
 * fails: cmocka's own message names only this file's line, shared by every
 * case. When the check holds, the assert runs all the same, so each table row
 * makes the same cmocka asserts the test function it replaces made.
 */
static void
check_count(const char *name, const char *what, size_t got, const struct want_count *want)
{
	if (!want->set)
		return;
	if (got != want->n)
		print_message("%s: %s\n", name, what);
	assert_int_equal(got, want->n);
}

static void
check_status(const char *name, const char *what, enum status got, enum status want)
{
	if (got != want)
		print_message("%s: %s %s, want %s\n", name, what, status_name(got),
		    status_name(want));
	assert_int_equal(got, want);
}

static void
check_mentions(const char *name, const char *what, const char *text, const char *want)
{
	if (strstr(text, want) == NULL)
		print_message("%s: %s \"%s\" lacks \"%s\"\n", name, what, text, want);
	assert_non_null(strstr(text, want));
}

static void
check_field(const char *name, const struct got *g, size_t k, const struct want_field *f)
{
	const char *got = claim_text(&g->claim[k].c, field_index(name, f));

	if (!same_text(got, f->text))
		print_message("%s: claim %zu %s\n", name, k, f->name);
	assert_text(got, f->text);
}

static void
check_claims(const struct adapter_case *t, const struct got *g, const struct want_claim *w)
{
	size_t last = w->last > w->at ? w->last : w->at;

	for (size_t k = w->at; k <= last; k++) {
		if (k >= g->nclaims)
			fail_msg("%s: no claim %zu (%zu claims)", t->name, k, g->nclaims);
		if (w->row != 0) {
			if (g->claim[k].c.row != w->row)
				print_message("%s: claim %zu row\n", t->name, k);
			assert_int_equal(g->claim[k].c.row, w->row);
		}
		for (const struct want_field *f = w->field; f->name != NULL; f++)
			check_field(t->name, g, k, f);
	}
}

/* One row of adapter_cases (cmocka's *state): runs its adapter, checks what the row says. */
static void
run_case(void **state)
{
	const struct adapter_case *t = *state;
	struct got g = { .answer = t->answer };
	char err[ERR_MAX], next[URL_MAX];
	enum status st, next_st = ST_OK;
	const char *data;
	char *owned = NULL;
	size_t n;

	if (t->fixture != NULL) {
		data = owned = read_fixture(t->fixture, &n);
	} else {
		data = t->hapi_rows > 0 ? (owned = hapi_page(t->hapi_rows)) : t->body;
		n = strlen(data);
	}
	if (t->paged)
		st = run_page(t->adapter, t->url, data, n, &g, err, &next_st, next, sizeof next);
	else
		st = run_adapter(t->adapter, t->url, data, n, &g, err);
	free(owned);

	check_status(t->name, "parse", st, t->status);
	if (t->err != NULL)
		check_mentions(t->name, "error", err, t->err);
	check_count(t->name, "claims", g.nclaims, &t->nclaims);
	check_count(t->name, "rejections", g.nrejects, &t->nrejects);
	for (size_t i = 0; i < sizeof t->claim / sizeof t->claim[0]; i++)
		if (t->claim[i].row != 0 || t->claim[i].field[0].name != NULL)
			check_claims(t, &g, &t->claim[i]);

	if (t->reject.mentions != NULL) {
		if (g.nrejects == 0)
			fail_msg("%s: no rejection", t->name);
		if (g.reject[0].row != t->reject.row)
			print_message("%s: rejection 0 row\n", t->name);
		assert_int_equal(g.reject[0].row, t->reject.row);
		if (!got_reject_mentions(&g, 0, t->reject.mentions))
			print_message("%s: rejection \"%s\" lacks \"%s\"\n", t->name,
			    g.reject[0].reason, t->reject.mentions);
		assert_true(got_reject_mentions(&g, 0, t->reject.mentions));
	}
	if (t->distinct[0] != t->distinct[1]) {
		const struct claim *a, *b;

		if (t->distinct[0] >= g.nclaims || t->distinct[1] >= g.nclaims)
			fail_msg("%s: no claims %zu and %zu to compare", t->name, t->distinct[0],
			    t->distinct[1]);
		a = &g.claim[t->distinct[0]].c;
		b = &g.claim[t->distinct[1]].c;
		if (same_text(a->key, b->key))
			print_message("%s: claims %zu and %zu share a key\n", t->name,
			    t->distinct[0], t->distinct[1]);
		assert_string_not_equal(a->key, b->key);
	}
	if (t->once.name != NULL) {
		size_t i = field_index(t->name, &t->once), seen = 0;

		for (size_t k = 0; k < g.nclaims; k++)
			if (same_text(claim_text(&g.claim[k].c, i), t->once.text))
				seen++;
		if (seen != 1)
			print_message("%s: %zu claims with %s \"%s\", want 1\n", t->name, seen,
			    t->once.name, t->once.text);
		assert_int_equal(seen, 1);
	}
	if (t->never.name != NULL) {
		size_t i = field_index(t->name, &t->never);

		for (size_t k = 0; k < g.nclaims; k++) {
			const char *got = claim_text(&g.claim[k].c, i);

			if (same_text(got, t->never.text))
				print_message("%s: claim %zu %s\n", t->name, k, t->never.name);
			assert_string_not_equal(got, t->never.text);
		}
	}

	if (t->paged) {
		check_status(t->name, "next_page", next_st, t->next_st);
		if (t->next != NULL) {
			if (strcmp(next, t->next) != 0)
				print_message("%s: next page\n", t->name);
			assert_string_equal(next, t->next);
		}
	}
	got_free(&g);
}

/* ---- cases a table row does not describe ------------------------------------ */

/*
 * Runs one page whose next page's URL does not fit in URL_MAX. The adapter
 * may give no next page or fail the page; it must never give a URL it did
 * not mean (tail: how the meant one would end).
 */
static void
next_page_never_truncated(const char *adapter, const char *url, const char *body,
    const char *tail)
{
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status st, next_st;

	st = run_page(adapter, url, body, strlen(body), &g, err, &next_st, next, sizeof next);
	got_free(&g);   /* before failing: the failure must not also leak */
	if (st == ST_OK && next_st == ST_OK) {
		size_t n = strlen(next);

		fail_msg("%s: next_page gave a truncated URL ending \"%s\" (%zu bytes); "
		    "expected none, or one ending \"%s\"", adapter, next + (n > 30 ? n - 30 : 0),
		    n, tail);
	}
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
	char url[URL_MAX];
	char *page = hapi_page(10000);
	int len;

	(void)state;
	/* 4075 bytes: "&offset=10000" fits, "&limit=10000" after it does not */
	len = snprintf(url, sizeof url, "http://x/api/v1/affected-people/idps?pad=");
	memset(url + len, 'a', (size_t)(4075 - len));
	url[4075] = '\0';
	next_page_never_truncated("hapi", url, page, "&offset=10000&limit=10000");
	free(page);
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
	char url[URL_MAX];
	int len;

	(void)state;
	len = snprintf(url, sizeof url, "http://x/population/v1/population/?coo=SYR&pad=");
	memset(url + len, 'a', (size_t)(URL_MAX - 1 - len));
	memcpy(url + URL_MAX - 1 - strlen("&page=9"), "&page=9", strlen("&page=9"));
	url[URL_MAX - 1] = '\0';
	next_page_never_truncated("unhcr", url, "{\"page\": 9, \"maxPages\": 10, \"items\": []}",
	    "&page=10");
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

		check_status(cases[i].name, "empty body",
		    run_adapter(cases[i].name, cases[i].url, "", 0, &g, err), ST_INVALID);
		check_mentions(cases[i].name, "empty body's error", err, "empty");
		check_status(cases[i].name, "HTML body", run_fixture(cases[i].name, cases[i].url,
		    "reliefweb/quota.html", &g, err), ST_INVALID);
		check_mentions(cases[i].name, "HTML body's error", err, "malformed JSON");
		if (g.nclaims != 0)
			print_message("%s: claims\n", cases[i].name);
		assert_int_equal(g.nclaims, 0);
		got_free(&g);
	}
}

/* ---- a JSON page is a stream (json_page.c): bounds, and what a stream gives ---- */

/* prefix, then n copies of unit, then suffix, in a new string; the caller frees. */
static char *
repeated(const char *prefix, const char *unit, size_t n, const char *suffix)
{
	size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
	char *s = malloc(lp + lu * n + ls + 1), *o = s;

	assert_non_null(s);
	memcpy(o, prefix, lp);
	o += lp;
	for (size_t i = 0; i < n; i++, o += lu)
		memcpy(o, unit, lu);
	memcpy(o, suffix, ls + 1);
	return s;
}

/*
 * A page past a bound fails, saying which: nesting, a long string or
 * number (even in a member nobody reads), a row of many tiny elements (which
 * cJSON once parsed whole: a 60 MB page cost 2.4 GB), a kept member as big.
 */
static void
json_page_bounds_fail_the_page_saying_which(void **state)
{
	/* a row of 600,000 tiny elements: far past JSON_VALUE_MAX as parsed */
	const size_t many = 600000, deep = JSON_DEPTH_MAX + 10;
	struct {
		const char *adapter, *url, *want;
		char *body;
	} cases[] = {
		{ "hapi", HAPI_REF_URL, "deeper than 64 levels",
		  repeated("{\"data\": [", "[", deep, "") },
		{ "hapi", HAPI_REF_URL, "longer than 1048576 bytes",
		  repeated("{\"data\": [], \"note\": \"", "a", JSON_TOKEN_MAX + 1, "\"}") },
		{ "unhcr", UNHCR_URL, "longer than 1048576 bytes",
		  repeated("{\"items\": [], \"total\": ", "1", JSON_TOKEN_MAX + 1, "}") },
		{ "hapi", HAPI_REF_URL, "row 2 of the JSON page is larger than 4194304 bytes",
		  repeated("{\"data\": [{}, [", "0,", many, "0]]}") },
		{ "unhcr", UNHCR_URL, "row 1 of the JSON page is larger than",
		  repeated("{\"items\": [{\"year\": [", "0,", many, "0]}]}") },
		{ "dtm", DTM_URL, "row 1 of the JSON page is larger than",
		  repeated("{\"result\": [[", "{},", many, "{}]], \"isSuccess\": true}") },
		{ "reliefweb", RW_URL, "row 1 of the JSON page is larger than",
		  repeated("[{\"name\": \"IDPs\", \"values\": [", "\"1\",", many, "\"1\"]}]") },
		{ "dtm", DTM_URL, "\"errorMessages\" member is larger than",
		  repeated("{\"result\": [], \"errorMessages\": [", "\"\",", many, "\"\"]}") },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { 0 };
		char err[ERR_MAX];
		enum status st = run_adapter_in(cases[i].adapter, cases[i].url, "SYR",
		    cases[i].body, strlen(cases[i].body), &g, err);

		check_status(cases[i].adapter, "bound", st, ST_TOO_BIG);
		check_mentions(cases[i].adapter, "bound's error", err, cases[i].want);
		free(cases[i].body);
		got_free(&g);
	}
}

/*
 * Members no adapter reads are skipped as they stream, whatever they hold
 * (only strings and numbers are bounded there), and the rows come through
 * as they would alone; kept members may follow the rows (UNHCR's paging).
 */
static void
json_page_skips_what_it_does_not_read(void **state)
{
	char *body = repeated("{\"before\": {\"a\": [[[]]]}, \"data\": [{\"location_code\": "
	    "\"SDN\", \"population\": 7}], \"padding\": [", "0,", 1000000,
	    "0], \"deep\": [[[[[[[[[[\"x\"]]]]]]]]]]}");
	struct got g = { 0 };
	char err[ERR_MAX], next[URL_MAX];
	enum status next_st;

	(void)state;
	assert_int_equal(run_adapter("hapi", HAPI_REF_URL, body, strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 0);
	assert_text(g.claim[0].c.value, "7");
	free(body);
	got_free(&g);
	body = "{\"items\": [], \"maxPages\": 3, \"page\": 1}";
	assert_int_equal(run_page("unhcr", UNHCR_URL, body, strlen(body), &g, err, &next_st, next,
	    sizeof next), ST_OK);
	assert_int_equal(next_st, ST_OK);
	assert_string_equal(next, "http://x/population/v1/population/?coo=SYR&page=2");
	got_free(&g);
}

/*
 * A member read twice is ambiguous, so the page fails (cJSON took the first:
 * a second "data" was silently dropped, a second isSuccess ignored).
 */
static void
json_page_members_named_twice_fail(void **state)
{
	static const struct {
		const char *adapter, *url, *body, *want;
	} cases[] = {
		{ "hapi", HAPI_REF_URL, "{\"data\": [{\"location_code\": \"SDN\", \"population\": 7}], "
		  "\"data\": [{\"location_code\": \"SDN\", \"population\": 8}]}",
		  "two \"data\" members" },
		{ "dtm", DTM_URL, "{\"result\": [], \"isSuccess\": true, \"errorMessages\": [], "
		  "\"isSuccess\": false}", "two \"isSuccess\" members" },
		{ "unhcr", UNHCR_URL, "{\"page\": 1, \"items\": [], \"page\": 2}",
		  "two \"page\" members" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { 0 };
		char err[ERR_MAX];

		check_status(cases[i].adapter, "twice", run_adapter(cases[i].adapter, cases[i].url,
		    cases[i].body, strlen(cases[i].body), &g, err), ST_INVALID);
		check_mentions(cases[i].adapter, "twice's error", err, cases[i].want);
		got_free(&g);
	}
}

/*
 * Malformed JSON fails the write that carries it, so fetch.c stops the
 * transfer there; rows complete before it were given, and the failure is
 * the page's from then on. Half a surrogate pair is malformed too (yajl
 * would read it as '?', a character the upstream never sent).
 */
static void
json_page_fails_as_bytes_arrive(void **state)
{
	static const char good[] = "{\"data\": [{\"location_code\": \"SDN\", \"population\": 7}, ";
	static const char *const bad[] = {
		"<html>", "{\"location_code\": \"SDN\" \"population\": 8}",
		"{\"location_code\": \"SD\\ud800N\", \"population\": 8}",
		"{\"location_code\": \"SD\\udc00N\", \"population\": 8}",
		"{\"location_code\": \"SD\\ud800\\u0041\", \"population\": 8}",
	};
	const struct adapter *a = adapter_find("hapi");

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct got g = { 0 };
		struct sink sink = got_sink(&g);
		struct adapter_ctx ctx = { .sink = &sink, .url = HAPI_REF_URL };
		char err[ERR_MAX] = "";
		void *st = a->begin(&ctx, err);

		assert_non_null(st);
		assert_int_equal(a->write(st, good, strlen(good), err), ST_OK);
		assert_int_equal(g.nclaims, 1);
		check_status(bad[i], "write", a->write(st, bad[i], strlen(bad[i]), err), ST_INVALID);
		check_mentions(bad[i], "error", err, "malformed JSON near byte");
		if (i >= 2)
			check_mentions(bad[i], "error", err, "half of a UTF-16 surrogate pair");
		err[0] = '\0';
		assert_int_equal(a->end(st, err), ST_INVALID);
		check_mentions(bad[i], "end's error", err, "malformed JSON");
		a->free(st);
		got_free(&g);
	}
}

/* A whole surrogate pair is one character, as cJSON read it. */
static void
json_page_reads_a_surrogate_pair(void **state)
{
	static const char body[] = "{\"data\": [{\"location_code\": \"SDN\", \"population\": 7, "
	    "\"operation\": \"\\ud83d\\ude00 \\u00e9\"}]}";
	struct got g = { 0 };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run_adapter("hapi", HAPI_REF_URL, body, strlen(body), &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_text(g.claim[0].c.group, "\xf0\x9f\x98\x80 \xc3\xa9");
	got_free(&g);
}

/* ---- IOM DTM's real answers, whole ------------------------------------------ */

/*
 * Each real v3 answer with its number of rows and the sum of its
 * numPresentIdpInd, as counted by Python's json module when it was copied
 * (tests/fixtures/real/README.md): the test counts them again itself.
 */
static const struct {
	const char *file;
	size_t      rows;
	long long   sum;
} dtm_real[] = {
	{ DTM_REAL "admin0-admin0pcode-afg.json", 133, 59411923 },
	{ DTM_REAL "admin1-admin0pcode-afg.json", 675, 24914988 },
	{ DTM_REAL "admin0-admin0pcode-hti.json", 114, 13831385 },
	{ DTM_REAL "admin1-admin0pcode-hti.json", 235, 13831385 },
	{ DTM_REAL "admin2-admin0pcode-tcd.json", 145, 6117890 },
};

/* The answer's rows and the sum of their numPresentIdpInd, read with cJSON. */
static long long
dtm_payload_sum(const char *data, size_t n, size_t *rows)
{
	cJSON *root = cJSON_ParseWithLength(data, n);
	const cJSON *r;
	long long sum = 0;

	assert_non_null(root);
	*rows = 0;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "result")) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "numPresentIdpInd");

		assert_true(cJSON_IsNumber(v));
		sum += (long long)v->valuedouble;
		(*rows)++;
	}
	cJSON_Delete(root);
	return sum;
}

static int
compare_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * No row lost, none merged: every row of a real answer is a claim, the
 * claims add up to the answer's own sum, and no two share a key (two rows of
 * one key would be one figure: Afghanistan's admin 0 answer once stored 17.6
 * million of its 59.4 million IDPs so).
 */
static void
dtm_real_answers_lose_no_row_and_share_no_key(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof dtm_real / sizeof dtm_real[0]; i++) {
		struct got g = { 0 };
		char err[ERR_MAX] = "";
		size_t n, rows;
		char *data = read_fixture(dtm_real[i].file, &n);
		long long sum = dtm_payload_sum(data, n, &rows), claimed = 0;
		const char **keys;

		print_message("%s\n", dtm_real[i].file);
		assert_int_equal(rows, dtm_real[i].rows);
		assert_int_equal(sum, dtm_real[i].sum);
		assert_int_equal(run_adapter("dtm", DTM_URL, data, n, &g, err), ST_OK);
		free(data);
		assert_int_equal(g.nrejects, 0);
		assert_int_equal(g.nclaims, rows);
		keys = calloc(g.nclaims, sizeof *keys);
		assert_non_null(keys);
		for (size_t k = 0; k < g.nclaims; k++) {
			const struct claim *c = &g.claim[k].c;

			assert_int_equal(c->row, (long)k + 1);
			assert_non_null(c->value);
			claimed += strtoll(c->value, NULL, 10);
			assert_non_null(c->key);
			keys[k] = c->key;
		}
		assert_int_equal(claimed, sum);
		qsort(keys, g.nclaims, sizeof *keys, compare_text);
		for (size_t k = 1; k < g.nclaims; k++)
			if (strcmp(keys[k - 1], keys[k]) == 0)
				fail_msg("%s: two rows share the key %s", dtm_real[i].file, keys[k]);
		free(keys);
		for (size_t k = 0; k < g.nclaims; k++) {
			assert_text(g.claim[k].c.metric, "idps");
			assert_text(g.claim[k].c.unit, "people");
		}
		got_free(&g);
	}
}

/*
 * A page written a byte at a time gives what it gives whole, and gives each
 * row as it completes: memory is bounded by a row, not by the page.
 */
static void
json_page_in_one_byte_chunks_same_as_whole(void **state)
{
	const struct adapter *a = adapter_find("dtm");
	struct got whole = { 0 }, chunked = { 0 };
	struct sink sink = got_sink(&chunked);
	struct adapter_ctx ctx = { .sink = &sink, .url = DTM_URL };
	char err[ERR_MAX] = "";
	size_t n;
	char *data = read_fixture(DTM_REAL "admin0-admin0pcode-hti.json", &n);
	void *st;

	(void)state;
	assert_non_null(a);
	assert_int_equal(run_adapter("dtm", DTM_URL, data, n, &whole, err), ST_OK);
	st = a->begin(&ctx, err);
	assert_non_null(st);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a->write(st, data + i, 1, err), ST_OK);
		/* streamed: a row is given once it is complete, not when the page is */
		if (i == n / 2) {
			assert_true(chunked.nclaims > 0);
			assert_true(chunked.nclaims < whole.nclaims);
		}
	}
	/* every row is out before the envelope is checked */
	assert_int_equal(chunked.nclaims, whole.nclaims);
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
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(adapters_registry_is_the_list_in_order),
		cmocka_unit_test(adapters_known_by_name_only),
		cmocka_unit_test(openapi_feed_adapter_enum_is_the_registry),
		cmocka_unit_test(adapters_that_refuse_an_empty_body_say_why),
		cmocka_unit_test(json_adapters_accept_application_json),
		cmocka_unit_test(hapi_app_identifier_comes_from_environment),
		cmocka_unit_test(hapi_next_page_url_never_truncated),    /* regression */
		cmocka_unit_test(unhcr_next_page_url_never_truncated),   /* regression */
		cmocka_unit_test(json_adapters_reject_empty_and_html_bodies),
		cmocka_unit_test(json_page_in_one_byte_chunks_same_as_whole),
		cmocka_unit_test(json_page_bounds_fail_the_page_saying_which),
		cmocka_unit_test(json_page_skips_what_it_does_not_read),
		cmocka_unit_test(json_page_members_named_twice_fail),
		cmocka_unit_test(json_page_fails_as_bytes_arrive),
		cmocka_unit_test(json_page_reads_a_surrogate_pair),
		cmocka_unit_test(dtm_real_answers_lose_no_row_and_share_no_key),
	};
	/* sizes from sizeof: constants, so no VLA, and cmocka_run_group_tests counts them */
	struct CMUnitTest tests[sizeof fixed / sizeof fixed[0] +
	    sizeof adapter_cases / sizeof adapter_cases[0]];
	size_t n = 0;

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		tests[n++] = fixed[i];
	/* each row its own test, named for it; run_case gets the row (read only) as *state */
	for (size_t i = 0; i < sizeof adapter_cases / sizeof adapter_cases[0]; i++)
		tests[n++] = (struct CMUnitTest){ .name = adapter_cases[i].name,
		    .test_func = run_case, .initial_state = (void *)&adapter_cases[i] };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
