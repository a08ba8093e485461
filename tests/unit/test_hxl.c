/*
 * test_hxl.c: the HXL adapter (refresh/adapters/hxl.c) through the registry
 * (adapter_find) and adapter_parse_all, with a sink that copies what it gets.
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
#include "sink_helper.h"
#include "testutil.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined by tests/unit/CMakeLists.txt"
#endif

/* Runs data through the hxl adapter into g (the copying sink of sink_helper.c). */
static enum status
run_n(const char *data, size_t n, struct got *g, char *err)
{
	return run_adapter("hxl", "file:///test.csv", data, n, g, err);
}

static enum status
run(const char *data, struct got *g, char *err)
{
	return run_n(data, strlen(data), g, err);
}


static const struct got_claim *
find_by_source(const struct got *g, const char *source_name)
{
	for (size_t i = 0; i < g->nclaims; i++)
		if (g->claim[i].c.source_name != NULL &&
		    strcmp(g->claim[i].c.source_name, source_name) == 0)
			return &g->claim[i];
	return NULL;
}

static void
hxl_is_registered(void **state)
{
	const struct adapter *a;

	(void)state;
	a = adapter_find("hxl");
	assert_non_null(a);
	assert_string_equal(a->name, "hxl");
	assert_null(adapter_find("no-such-adapter"));
}

static void
hxl_seed_gives_ten_claims_no_rejects(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t n;
	char *data = read_source_file("sql/seed/ain-issa-report.csv", &n);

	(void)state;
	assert_int_equal(run_n(data, n, &g, err), ST_OK);
	free(data);
	assert_int_equal(g.nclaims, 10);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
}

static void
hxl_seed_kurdish_escape_claim_fully_mapped(void **state)
{
	struct got g = { .answer = ST_OK };
	const struct got_claim *k;
	char err[ERR_MAX];
	size_t n;
	char *data = read_source_file("sql/seed/ain-issa-report.csv", &n);

	(void)state;
	assert_int_equal(run_n(data, n, &g, err), ST_OK);
	free(data);
	k = find_by_source(&g, "Kurdish authorities");
	assert_non_null(k);
	assert_string_equal(k->c.metric, "escaped");
	assert_string_equal(k->c.value, "800");
	assert_string_equal(k->c.qualifier, "almost");
	assert_string_equal(k->c.group, "foreigners affiliated with IS");
	assert_string_equal(k->c.country, "SYR");
	assert_string_equal(k->c.loc_code, "ain-issa-camp");
	assert_string_equal(k->c.loc_name, "Ain Issa camp");
	assert_string_equal(k->c.source_code, "kurdish-authorities");
	assert_string_equal(k->c.source_type, "government");
	assert_string_equal(k->c.source_org, "Kurdish authorities in northern Syria");
	assert_string_equal(k->c.as_of, "2019-10-13");
	assert_string_equal(k->c.reported_on, "2019-10-13");
	assert_string_equal(k->c.via,
	    "BBC News report from Ain Issa, northern Syria (13 October 2019)");
	assert_true(k->c.url == NULL || k->c.url[0] == '\0');
	got_free(&g);
}

static void
hxl_hashtag_row_found_after_title_rows(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("\"A title, with a comma\"\n"
	    "Country,IDPs\n"
	    "#country+code,#affected+idps\n"
	    "SYR,5\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.metric, "idps");
	assert_string_equal(g.claim[0].c.value, "5");
	assert_string_equal(g.claim[0].c.country, "SYR");
	got_free(&g);
}

static void
hxl_attribute_order_and_case_do_not_matter(void **state)
{
	static const char *const headers[] = {
		"#country+code,#affected +idps+ind\nSYR,5\n",
		"#country+code,#affected+ind+idps\nSYR,5\n",
		"#country+code,#Affected+IDPs\nSYR,5\n",
		"#country+code,#affected+total+idps\nSYR,5\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		struct got g = { .answer = ST_OK };
		char err[ERR_MAX];

		assert_int_equal(run(headers[i], &g, err), ST_OK);
		assert_int_equal(g.nclaims, 1);
		assert_string_equal(g.claim[0].c.metric, "idps");
		got_free(&g);
	}
}

static void
hxl_attribute_order_applies_to_other_columns(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	/* "#country+code" written as "#country +code" and "#meta+type+source" */
	assert_int_equal(run("#country +code,#meta+type+source,#affected+idps\n"
	    "SYR,ngo,5\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "SYR");
	assert_string_equal(g.claim[0].c.source_type, "ngo");
	got_free(&g);
}

static void
hxl_breakdown_column_ignored(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+f+idps\n"
	    "SYR,10,4\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.metric, "idps");
	assert_string_equal(g.claim[0].c.value, "10");
	got_free(&g);
}

/*
 * IOM DTM's real HXL export: every row is one cause's (and where known one area
 * of origin's) part of a country's IDPs. figures stores no cause or origin yet,
 * so each is refused with its reason, never stored as the country's total.
 */
static void
hxl_real_dtm_export_parts_are_refused_not_stored_as_totals(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t len;
	char *data = read_source_file("tests/fixtures/real/hxl/dtm-data_for_quickcharts.csv", &len);

	(void)state;
	assert_int_equal(run_n(data, len, &g, err), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 33);
	for (size_t i = 0; i < g.nrejects; i++)
		if (strstr(g.reject[i].reason, "split by #cause+type") == NULL)
			fail_msg("row %ld: %s", g.reject[i].row, g.reject[i].reason);
	assert_int_equal(g.reject[0].row, 3);
	assert_non_null(strstr(g.reject[0].reason, "('Conflict')"));
	free(data);
	got_free(&g);
}

/* "Not available", "nan" or nothing in an origin column is no split. */
static void
hxl_origin_not_available_is_no_split(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#adm1+code+origin,#date+reported\n"
	    "AFG,10,Not available,2019-12-31\n"
	    "AFG,11,nan,2020-12-31\n"
	    "AFG,12,AF09,2021-12-31\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 1);
	assert_non_null(strstr(g.reject[0].reason, "#adm1+code+origin ('AF09')"));
	got_free(&g);
}

/* libhxl's sample: bare #country and #adm1 are names, "1 March 2015" a date. */
static void
hxl_bare_country_and_adm1_are_names(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("Date,Org,Pa\xc3\xads,Provincia,Afectados\n"
	    "#date+reported,#org,#country,#adm1,#affected+idps\n"
	    "1 March 2015,ACNUR,Panam\xc3\xa1,Los Santos,100\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_null(g.claim[0].c.country);
	assert_string_equal(g.claim[0].c.country_name, "Panam\xc3\xa1");
	assert_string_equal(g.claim[0].c.adm1_name, "Los Santos");
	assert_string_equal(g.claim[0].c.as_of, "1 March 2015");
	got_free(&g);
}

/* A sheet dated only by #date+reported is dated by it: each round its own figure. */
static void
hxl_reported_date_alone_is_the_as_of_date(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#date+reported\n"
	    "AFG,10,2019-12-31T00:00:00\n"
	    "AFG,11,2020-12-31T00:00:00\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_string_equal(g.claim[0].c.as_of, "2019-12-31T00:00:00");
	assert_string_equal(g.claim[0].c.reported_on, "2019-12-31T00:00:00");
	assert_string_equal(g.claim[1].c.as_of, "2020-12-31T00:00:00");
	got_free(&g);
	/* with an as-of column, the reported date stays only the reported date */
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code,#affected+idps,#date+reported,#date+occurred\n"
	    "AFG,10,2020-01-05,\n", &g, err), ST_OK);
	assert_true(g.claim[0].c.as_of == NULL || g.claim[0].c.as_of[0] == '\0');
	assert_string_equal(g.claim[0].c.reported_on, "2020-01-05");
	got_free(&g);
}

static void
hxl_breakdown_only_row_is_rejected(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+f+idps\n"
	    "SYR,,4\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 1);
	got_free(&g);
}

static void
hxl_duplicate_tag_first_wins(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#country+code,#affected+idps\n"
	    "SYR,TUR,5\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "SYR");
	got_free(&g);
}

static void
hxl_duplicate_metric_column_first_wins(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+ind+idps\n"
	    "SYR,5,7\n"
	    "SYR,,9\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.value, "5");
	assert_int_equal(g.nrejects, 1);   /* the second column never counts */
	got_free(&g);
}

static void
hxl_untagged_column_ignored(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,,#affected+idps,#description+group\n"
	    "SYR,junk,5,children\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "SYR");
	assert_string_equal(g.claim[0].c.value, "5");
	assert_string_equal(g.claim[0].c.group, "children");
	got_free(&g);
}

static void
hxl_unknown_hashtag_column_ignored(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#sector,#affected+idps\n"
	    "SYR,health,5\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.value, "5");
	got_free(&g);
}

static void
hxl_wide_row_gives_one_claim_per_metric(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+refugees,#affected+killed\n"
	    "SYR,5,7,\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 0);
	assert_string_equal(g.claim[0].c.metric, "idps");
	assert_string_equal(g.claim[0].c.value, "5");
	assert_string_equal(g.claim[1].c.metric, "refugees");
	assert_string_equal(g.claim[1].c.value, "7");
	assert_string_equal(g.claim[1].c.country, "SYR");
	got_free(&g);
}

static void
hxl_row_without_metric_value_rejected(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps\n"
	    "SYR,\n"
	    "SYR,3\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 1);
	assert_int_equal(g.reject[0].row, 2);
	got_free(&g);
}

static void
hxl_empty_data_row_skipped_silently(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps\n"
	    ",\n"
	    " , \n"
	    "SYR,3\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
}

static void
hxl_cells_are_trimmed(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps\n"
	    " SYR\t, 42 \n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "SYR");
	assert_string_equal(g.claim[0].c.value, "42");
	got_free(&g);
}

/* A file of `titles` non-tag rows, then a tag row and one data row. */
static char *
file_with_titles(int titles)
{
	static const char tail[] = "#country+code,#affected+idps\nSYR,5\n";
	size_t size = (size_t)titles * 16 + sizeof tail;
	char *data = malloc(size);
	size_t len = 0;

	assert_non_null(data);
	for (int i = 0; i < titles; i++)
		len += (size_t)snprintf(data + len, size - len, "title %d,x\n", i);
	snprintf(data + len, size - len, "%s", tail);
	return data;
}

static void
hxl_hashtag_row_at_row_25_accepted(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	char *data = file_with_titles(24);

	(void)state;
	assert_int_equal(run(data, &g, err), ST_OK);
	free(data);
	assert_int_equal(g.nclaims, 1);
	got_free(&g);
}

static void
hxl_no_hashtag_row_in_first_25_rows_invalid(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	char *data = file_with_titles(25);

	(void)state;
	assert_int_equal(run(data, &g, err), ST_INVALID);
	free(data);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "HXL"));
	got_free(&g);
}

static void
hxl_no_hashtag_row_at_all_invalid(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("Country,IDPs\nSYR,5\n", &g, err), ST_INVALID);
	assert_int_equal(g.nclaims, 0);
	assert_non_null(strstr(err, "HXL"));
	got_free(&g);
}

static void
hxl_empty_body_invalid(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("", &g, err), ST_INVALID);
	got_free(&g);
}

static void
hxl_quoted_thousands_separator_kept_as_text(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+displaced\n"
	    "SYR,\"130,000\"\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.value, "130,000");
	got_free(&g);
}

static void
hxl_bom_at_start_accepted(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("\xEF\xBB\xBF" "#country+code,#affected+idps\n"
	    "SYR,5\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "SYR");
	got_free(&g);
}

static void
hxl_sink_stop_ends_parse(void **state)
{
	struct got g = { .answer = ST_STOP };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps\n"
	    "SYR,1\nSYR,2\nSYR,3\n", &g, err), ST_STOP);
	assert_int_equal(g.nclaims, 1);
	got_free(&g);
}

static void
hxl_truncated_quote_invalid(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps\n"
	    "SYR,\"5\n", &g, err), ST_INVALID);
	assert_non_null(strstr(err, "truncated"));
	got_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hxl_is_registered),
		cmocka_unit_test(hxl_seed_gives_ten_claims_no_rejects),
		cmocka_unit_test(hxl_seed_kurdish_escape_claim_fully_mapped),
		cmocka_unit_test(hxl_hashtag_row_found_after_title_rows),
		cmocka_unit_test(hxl_attribute_order_and_case_do_not_matter),
		cmocka_unit_test(hxl_attribute_order_applies_to_other_columns),
		cmocka_unit_test(hxl_breakdown_column_ignored),
		cmocka_unit_test(hxl_breakdown_only_row_is_rejected),
		cmocka_unit_test(hxl_real_dtm_export_parts_are_refused_not_stored_as_totals),
		cmocka_unit_test(hxl_origin_not_available_is_no_split),
		cmocka_unit_test(hxl_reported_date_alone_is_the_as_of_date),
		cmocka_unit_test(hxl_bare_country_and_adm1_are_names),
		cmocka_unit_test(hxl_duplicate_tag_first_wins),
		cmocka_unit_test(hxl_duplicate_metric_column_first_wins),
		cmocka_unit_test(hxl_untagged_column_ignored),
		cmocka_unit_test(hxl_unknown_hashtag_column_ignored),
		cmocka_unit_test(hxl_wide_row_gives_one_claim_per_metric),
		cmocka_unit_test(hxl_row_without_metric_value_rejected),
		cmocka_unit_test(hxl_empty_data_row_skipped_silently),
		cmocka_unit_test(hxl_cells_are_trimmed),
		cmocka_unit_test(hxl_hashtag_row_at_row_25_accepted),
		cmocka_unit_test(hxl_no_hashtag_row_in_first_25_rows_invalid),
		cmocka_unit_test(hxl_no_hashtag_row_at_all_invalid),
		cmocka_unit_test(hxl_empty_body_invalid),
		cmocka_unit_test(hxl_quoted_thousands_separator_kept_as_text),
		cmocka_unit_test(hxl_bom_at_start_accepted),
		cmocka_unit_test(hxl_sink_stop_ends_parse),
		cmocka_unit_test(hxl_truncated_quote_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
