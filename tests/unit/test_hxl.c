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
#include "core/strutil.h"

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

/* 1 if s is NULL or empty: the claim leaves the field to "not given". */
static int
unset(const char *s)
{
	return s == NULL || *s == '\0';
}

/* The number of claims in g whose field (a claim_fields index) equals v. */
static size_t
count_with(const struct got *g, size_t field, const char *v)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nclaims; i++) {
		const char *t = claim_text(&g->claim[i].c, field);

		n += v == NULL ? unset(t) : (t != NULL && strcmp(t, v) == 0);
	}
	return n;
}

/* The index of claim field name in claim_fields. */
static size_t
field(const char *name)
{
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		if (strcmp(claim_fields[i].name, name) == 0)
			return i;
	fail_msg("no claim field %s", name);
	return 0;
}

/* The sum of the claims' values (plain digits). */
static long long
sum_values(const struct got *g)
{
	long long sum = 0;

	for (size_t i = 0; i < g->nclaims; i++) {
		long long v;

		if (!parse_int64(g->claim[i].c.value, 0, 1000000000000LL, &v))
			fail_msg("claim %zu: value '%s' is not plain digits", i, g->claim[i].c.value);
		sum += v;
	}
	return sum;
}

/* 1 if no two claims of g have the same key, and every claim has one. */
static int
keys_distinct(const struct got *g)
{
	for (size_t i = 0; i < g->nclaims; i++) {
		if (unset(g->claim[i].c.key))
			return 0;
		for (size_t k = 0; k < i; k++)
			if (strcmp(g->claim[i].c.key, g->claim[k].c.key) == 0) {
				print_error("rows %ld and %ld share key %s\n", g->claim[k].c.row,
				    g->claim[i].c.row, g->claim[i].c.key);
				return 0;
			}
	}
	return 1;
}

/*
 * The sum of column col (0-based) of a plain CSV (no quoted cells: checked)
 * from its third line on, read without the adapter: what the payload holds.
 */
static long long
payload_sum(const char *data, int col, size_t *rows)
{
	long long sum = 0;
	long line = 0;

	assert_null(strchr(data, '"'));
	*rows = 0;
	for (const char *p = data; *p != '\0'; line++) {
		const char *eol = strchr(p, '\n'), *c = p;

		if (line >= 2 && eol != p) {
			char *end;

			for (int i = 0; i < col; i++)
				c = strchr(c, ',') + 1;
			sum += strtoll(c, &end, 10);
			assert_true(end > c && (*end == ',' || *end == '\n' || *end == '\r' ||
			    *end == '\0'));
			(*rows)++;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return sum;
}

/*
 * IOM DTM's real HXL export (quickcharts): every row one claim, with its
 * cause, its area of origin where known and its sex breakdown; nothing
 * refused, nothing merged.
 */
static void
hxl_real_dtm_export_one_claim_per_row_with_cause_and_origin(void **state)
{
	struct got g = { .answer = ST_OK };
	const struct got_claim *c;
	char err[ERR_MAX];
	size_t len, rows;
	char *data = read_source_file("tests/fixtures/real/hxl/dtm-data_for_quickcharts.csv", &len);
	long long want = payload_sum(data, 3, &rows);

	(void)state;
	assert_int_equal(run_n(data, len, &g, err), ST_OK);
	free(data);
	assert_int_equal(rows, 33);
	assert_int_equal(g.nrejects, 0);
	assert_int_equal(g.nclaims, rows);
	assert_true(sum_values(&g) == want);
	assert_int_equal(count_with(&g, field("metric"), "idps"), 33);
	assert_int_equal(count_with(&g, field("cause"), "conflict"), 18);   /* "conflict" once */
	assert_int_equal(count_with(&g, field("cause"), "violence"), 1);    /* Insecurity */
	assert_int_equal(count_with(&g, field("cause"), "disaster"), 14);   /* Natural disaster */
	assert_int_equal(count_with(&g, field("origin_adm1_code"), NULL), 24);
	assert_true(keys_distinct(&g));

	c = &g.claim[0];             /* Afghanistan 2017, displaced from Baghlan */
	assert_int_equal(c->c.row, 3);
	assert_string_equal(c->c.country, "AFG");
	assert_string_equal(c->c.country_name, "Afghanistan");
	assert_string_equal(c->c.value, "41018");
	assert_string_equal(c->c.as_of, "2017-12-31");
	assert_string_equal(c->c.cause, "conflict");
	assert_string_equal(c->c.origin_adm1_code, "AF09");
	assert_string_equal(c->c.origin_adm1_name, "Baghlan");
	assert_string_equal(c->c.group, "Returns and displacement in Afghanistan");
	assert_true(unset(c->c.males) && unset(c->c.females));   /* "nan" */
	c = &g.claim[1];             /* "Not available": no origin */
	assert_true(unset(c->c.origin_adm1_code) && unset(c->c.origin_adm1_name));
	c = &g.claim[7];             /* Haiti 2023: "6563.0" males, "7815.0" females */
	assert_string_equal(c->c.value, "14378");
	assert_string_equal(c->c.males, "6563");
	assert_string_equal(c->c.females, "7815");
	assert_string_equal(c->c.origin_adm1_code, "HT05");
	/* two operations in Haiti on 2016-12-31, both disaster: two claims */
	assert_int_equal(count_with(&g, field("as_of"), "2016-12-31"), 2);
	got_free(&g);
}

/*
 * DTM's global export (admin levels 0 to 2; trimmed, see the fixtures'
 * README): every cause word and combination, areas of origin, sex, and rows
 * of one place, date and cause told apart only by the assessment (BA, SA).
 */
static void
hxl_real_dtm_global_export_every_row_kept(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t len, rows;
	char *data = read_source_file(
	    "tests/fixtures/real/hxl/dtm-global-admin-0-to-2-afg0-tcd.csv", &len);
	long long want = payload_sum(data, 9, &rows);

	(void)state;
	assert_int_equal(run_n(data, len, &g, err), ST_OK);
	free(data);
	assert_int_equal(rows, 390);
	assert_int_equal(g.nrejects, 0);
	assert_int_equal(g.nclaims, rows);
	assert_true(sum_values(&g) == want);
	assert_true(keys_distinct(&g));
	assert_int_equal(count_with(&g, field("cause"), "conflict+violence+disaster"), 2);
	assert_int_equal(count_with(&g, field("cause"), "conflict+disaster+other"), 1);
	assert_int_equal(count_with(&g, field("cause"), "disaster+other"), 2);
	assert_int_equal(count_with(&g, field("cause"), "other"), 23);
	assert_int_equal(count_with(&g, field("cause"), NULL), 10);   /* no reason reported */
	assert_int_equal(g.nclaims - count_with(&g, field("adm2_code"), NULL), 145);
	assert_int_equal(g.nclaims - count_with(&g, field("origin_adm1_code"), NULL), 238);
	assert_int_equal(g.nclaims - count_with(&g, field("males"), NULL), 85);
	got_free(&g);
}

/* Origin columns are fields; "Not available", "nan" or nothing say none. */
static void
hxl_origin_columns_are_fields(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#adm1+origin+code,#adm1+name+origin,"
	    "#adm2+code+origin,#adm2+origin,#date+reported\n"
	    "AFG,10,Not available,Not available,,,2019-12-31\n"
	    "AFG,11,nan,nan,nan,nan,2020-12-31\n"
	    "AFG,12,AF09,Baghlan,AF0901,Pul-e-Khumri,2021-12-31\n", &g, err), ST_OK);
	assert_int_equal(g.nrejects, 0);
	assert_int_equal(g.nclaims, 3);
	assert_true(unset(g.claim[0].c.origin_adm1_code) && unset(g.claim[1].c.origin_adm1_name));
	assert_string_equal(g.claim[2].c.origin_adm1_code, "AF09");
	assert_string_equal(g.claim[2].c.origin_adm1_name, "Baghlan");
	assert_string_equal(g.claim[2].c.origin_adm2_code, "AF0901");
	assert_string_equal(g.claim[2].c.origin_adm2_name, "Pul-e-Khumri");
	got_free(&g);

	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code,#country+code+origin,#country+origin+name,"
	    "#affected+refugees\n"
	    "TUR,SYR,Syrian Arab Republic,3000000\n", &g, err), ST_OK);
	assert_string_equal(g.claim[0].c.origin_country, "SYR");
	assert_string_equal(g.claim[0].c.origin_country_name, "Syrian Arab Republic");
	got_free(&g);
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code,#country+origin,#affected+refugees\n"
	    "TUR,Syria,5\n", &g, err), ST_OK);
	assert_string_equal(g.claim[0].c.origin_country_name, "Syria");
	got_free(&g);
}

/* An origin this adapter does not read (#adm3+origin) still refuses the row. */
static void
hxl_unread_origin_or_cause_column_refuses_the_row(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#adm3+origin+code,#cause+code\n"
	    "AFG,10,AF090101,\n"
	    "AFG,11,,C1\n"
	    "AFG,12,nan,\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.value, "12");
	assert_int_equal(g.nrejects, 2);
	assert_true(got_reject_mentions(&g, 0, "#adm3+code+origin ('AF090101')"));
	assert_true(got_reject_mentions(&g, 1, "#cause+code ('C1')"));
	got_free(&g);
}

/* The cause table: DTM's words, their "; " combinations, in DESIGN.md's order. */
static void
hxl_cause_words_read_through_the_table(void **state)
{
	static const struct { const char *cell, *cause; } cases[] = {
		{ "Conflict", "conflict" }, { "conflict", "conflict" },
		{ "Insecurity", "violence" }, { "Natural disaster", "disaster" },
		{ "Other reason", "other" }, { "No reason for displacement reported", NULL },
		{ "Conflict; Natural disaster", "conflict+disaster" },
		{ "Natural disaster; Conflict", "conflict+disaster" },
		{ "Conflict; Insecurity; Natural disaster", "conflict+violence+disaster" },
		{ "Conflict; Natural disaster; Other reason", "conflict+disaster+other" },
		{ "Insecurity; Natural disaster", "violence+disaster" },
		{ "Not available", NULL }, { "nan", NULL },
	};
	char data[256], err[ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { .answer = ST_OK };

		snprintf(data, sizeof data, "#country+code,#cause+type,#affected+idps\n"
		    "AFG,\"%s\",10\n", cases[i].cell);
		assert_int_equal(run(data, &g, err), ST_OK);
		assert_int_equal(g.nclaims, 1);
		if (cases[i].cause == NULL)
			assert_true(unset(g.claim[0].c.cause));
		else
			assert_string_equal(g.claim[0].c.cause, cases[i].cause);
		got_free(&g);
	}
}

/* A cause word the table does not know: the row is refused with the word. */
static void
hxl_unknown_cause_word_rejected(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#cause,#affected+idps\n"
	    "AFG,Conflict; Floods,10\n"
	    "AFG,Conflict;;Insecurity,11\n"
	    "AFG,Conflict,12\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.value, "12");
	assert_int_equal(g.nrejects, 2);
	assert_true(got_reject_mentions(&g, 0, "cause 'Floods'"));
	assert_true(got_reject_mentions(&g, 1, "cause ''"));
	got_free(&g);
}

/* Rows that differ only by cause, origin or assessment are distinct claims. */
static void
hxl_rows_differing_by_cause_origin_or_assessment_have_distinct_keys(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#date+reported,#cause+type,#adm1+code+origin,"
	    "#assessment+type,#affected+idps\n"
	    "AFG,2017-03-30,Conflict,,BA,10\n"
	    "AFG,2017-03-30,Natural disaster,,BA,10\n"
	    "AFG,2017-03-30,Conflict,AF09,BA,10\n"
	    "AFG,2017-03-30,Conflict,,SA,10\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	assert_true(keys_distinct(&g));
	got_free(&g);

	/* A key says what the claim is; the same row twice gives one key twice. */
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code,#cause,#affected+idps\n"
	    "AFG,Conflict,10\nAFG,Conflict,11\n", &g, err), ST_OK);
	assert_string_equal(g.claim[0].c.key, g.claim[1].c.key);
	got_free(&g);
}

/* A sheet the derived key tells apart (the seed) leaves the key to ingest. */
static void
hxl_plain_sheet_leaves_the_key_to_ingest(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t n;
	char *data = read_source_file("sql/seed/ain-issa-report.csv", &n);

	(void)state;
	assert_int_equal(run_n(data, n, &g, err), ST_OK);
	free(data);
	assert_int_equal(count_with(&g, field("key"), NULL), g.nclaims);
	got_free(&g);
}

/* Households and people in one row: two claims, each its unit, distinct keys. */
static void
hxl_units_from_attributes(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+hh+idps,#affected+idps+ind,"
	    "#affected+households+refugees,#affected+individuals+refugees\n"
	    "SDN,100,450,7,30\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 4);
	assert_string_equal(g.claim[0].c.metric, "idps");
	assert_string_equal(g.claim[0].c.unit, "households");
	assert_string_equal(g.claim[0].c.value, "100");
	assert_string_equal(g.claim[1].c.metric, "idps");
	assert_string_equal(g.claim[1].c.unit, "people");
	assert_string_equal(g.claim[2].c.unit, "households");
	assert_string_equal(g.claim[3].c.unit, "people");
	assert_true(keys_distinct(&g));
	got_free(&g);

	/* no unit attribute: the unit is not said (people, by HXL's #affected) */
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code,#affected+idps\nSDN,5\n", &g, err), ST_OK);
	assert_true(unset(g.claim[0].c.unit));
	got_free(&g);
}

/* The value of a line such as "(13, 'asylum_seekers', 'displacement', '#affected+asylum', …". */
static int
metric_line(const char *line, char code[64], char hxl[128])
{
	const char *q = strchr(line, '\''), *e, *h;

	if (q == NULL || (e = strchr(q + 1, '\'')) == NULL || (h = strstr(e, "'#affected")) == NULL)
		return 0;
	snprintf(code, 64, "%.*s", (int)(e - q - 1), q + 1);
	snprintf(hxl, 128, "%.*s", (int)strcspn(h + 1, "'"), h + 1);
	return 1;
}

/* Runs "#country+code,<spec>" over one row and returns the metric read, or NULL. */
static char *
metric_of_spec(const char *spec)
{
	struct got g = { .answer = ST_OK };
	char data[256], err[ERR_MAX], *m = NULL;

	snprintf(data, sizeof data, "#country+code,%s\nSYR,5\n", spec);
	assert_int_equal(run(data, &g, err), ST_OK);
	if (g.nclaims == 1)
		m = strdup(g.claim[0].c.metric);
	got_free(&g);
	return m;
}

/*
 * Every metric of the schema's vocabulary (sql/migrations, the metric table's
 * hxl column) is read from its hashtag, with its attributes in any order and
 * with unit attributes, which are not part of the metric.
 */
static void
hxl_every_schema_metric_read_from_its_hashtag_in_any_order(void **state)
{
	static const char *const files[] = { "sql/migrations/0001_init.sql",
	    "sql/migrations/0013_what_a_figure_counts.sql" };
	size_t found = 0;

	(void)state;
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t n;
		char *sql = read_source_file(files[f], &n), *save = NULL;

		for (char *line = strtok_r(sql, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			char code[64], hxl[128], spec[200], *m, *plus;

			if (!metric_line(line, code, hxl))
				continue;
			found++;
			m = metric_of_spec(hxl);
			assert_non_null(m);
			assert_string_equal(m, code);
			free(m);
			/* attributes reversed ("#affected+returnees+idps"), and +ind added */
			plus = strchr(hxl + 1, '+');
			if (strchr(plus + 1, '+') != NULL) {
				char *second = strchr(plus + 1, '+');

				*second = '\0';
				snprintf(spec, sizeof spec, "#affected+%s+ind+%s", second + 1, plus + 1);
			} else
				snprintf(spec, sizeof spec, "#affected+ind+%s", plus + 1);
			m = metric_of_spec(spec);
			assert_non_null(m);
			assert_string_equal(m, code);
			free(m);
		}
		free(sql);
	}
	assert_int_equal(found, 14);
}

/* +m/+f (+males/+females) give the males and females of their total column. */
static void
hxl_sex_columns_give_males_and_females_of_their_total(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+f+idps,#affected+idps+ind,#affected+idps+m,"
	    "#affected+refugees,#affected+females+refugees,#affected+males+refugees,"
	    "#affected+hh+idps\n"
	    "HTI,7815.0,14378,6563.0,100,60,40,3000\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 3);
	assert_string_equal(g.claim[0].c.metric, "idps");
	assert_string_equal(g.claim[0].c.value, "14378");
	assert_string_equal(g.claim[0].c.males, "6563");
	assert_string_equal(g.claim[0].c.females, "7815");
	assert_string_equal(g.claim[1].c.males, "40");
	assert_string_equal(g.claim[1].c.females, "60");
	/* the household count is not the people's: no sex breakdown */
	assert_string_equal(g.claim[2].c.unit, "households");
	assert_true(unset(g.claim[2].c.males) && unset(g.claim[2].c.females));
	got_free(&g);
}

/* Two columns of one sex for one total (+m and +males): neither is read. */
static void
hxl_ambiguous_sex_columns_left_out(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+idps+m,#affected+idps+males,"
	    "#affected+f+idps\n"
	    "HTI,100,40,41,60\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_true(unset(g.claim[0].c.males));
	assert_string_equal(g.claim[0].c.females, "60");
	got_free(&g);
}

/* A sex (or age) column alone is a breakdown: its row is refused, naming it. */
static void
hxl_breakdown_without_total_refused_naming_the_column(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code,#affected+idps,#affected+idps+m,#affected+children+idps\n"
	    "HTI,,40,\n"
	    "HTI,,,12\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 2);
	assert_true(got_reject_mentions(&g, 0, "#affected+idps+m"));
	assert_true(got_reject_mentions(&g, 1, "#affected+children+idps"));
	got_free(&g);
}

/* Dates as HXL tools read them, each only where one reading is possible. */
static void
hxl_dates_read_as_hxl_tools_read_them(void **state)
{
	/* the first six are libhxl-input-date.csv's and libhxl's tests' forms */
	static const struct { const char *cell, *date; } cases[] = {
		{ "1 March 2015", "2015-03-01" }, { "03-18-14", "2014-03-18" },
		{ "2015-03-01", "2015-03-01" }, { "19/3/15", "2015-03-19" },
		{ "March 31, 2015", "2015-03-31" }, { "Jan 20, 2008", "2008-01-20" },
		{ "2008-1-1", "2008-01-01" }, { "01-20-2008", "2008-01-20" },
		{ "20-01-2008", "2008-01-20" }, { "2017-12-01 00:00:00", "2017-12-01" },
		{ "2011-01-01T00:00:00.000Z", "2011-01-01" }, { "05/05/2020", "2020-05-05" },
		{ "31.12.1999", "1999-12-31" }, { "2017-12-31T00:00:00", "2017-12-31" },
	};
	char data[256], err[ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g = { .answer = ST_OK };

		snprintf(data, sizeof data, "#date+reported,#country,#affected+idps\n"
		    "\"%s\",Colombia,100\n", cases[i].cell);
		assert_int_equal(run(data, &g, err), ST_OK);
		assert_int_equal(g.nclaims, 1);
		assert_string_equal(g.claim[0].c.as_of, cases[i].date);
		assert_string_equal(g.claim[0].c.reported_on, cases[i].date);
		got_free(&g);
	}
}

/* A day/month that can be read both ways is refused, with its value. */
static void
hxl_ambiguous_date_rejected_with_its_value(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#date+occurred,#country,#affected+idps\n"
	    "03/04/2015,Colombia,1\n"
	    "10-11-18,Colombia,2\n"
	    "13/04/2015,Colombia,3\n"
	    "2015-13-45,Colombia,4\n", &g, err), ST_OK);
	assert_int_equal(g.nrejects, 2);
	assert_true(got_reject_mentions(&g, 0, "'03/04/2015'"));
	assert_true(got_reject_mentions(&g, 1, "'10-11-18'"));
	assert_int_equal(g.nclaims, 2);
	assert_string_equal(g.claim[0].c.as_of, "2015-04-13");
	/* not a date at all: left as it is, for ingest to refuse with its value */
	assert_string_equal(g.claim[1].c.as_of, "2015-13-45");
	got_free(&g);
}

/* libhxl's own sample of dates: every one read (its rows count #targeted, not read). */
static void
hxl_real_libhxl_date_sample_every_date_read(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t len;
	char *data = read_source_file("tests/fixtures/real/hxl/libhxl-input-date.csv", &len);

	(void)state;
	assert_int_equal(run_n(data, len, &g, err), ST_OK);
	free(data);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 8);
	for (size_t i = 0; i < g.nrejects; i++)
		if (!got_reject_mentions(&g, i, "no value in any #affected+<metric> column"))
			fail_msg("row %ld: %s", g.reject[i].row, g.reject[i].reason);
	got_free(&g);
}

/* libhxl's multiple-header sample: the hashtag row is the third; bare #affected is no metric. */
static void
hxl_real_libhxl_multiple_headers(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];
	size_t len;
	char *data = read_source_file("tests/fixtures/real/hxl/libhxl-input-multiple-headers.csv",
	    &len);

	(void)state;
	assert_int_equal(run_n(data, len, &g, err), ST_OK);
	free(data);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 2);
	assert_int_equal(g.reject[0].row, 4);
	assert_true(got_reject_mentions(&g, 0, "#affected is a breakdown or names no metric"));
	got_free(&g);
}

/* libhxl's rule: a row at least half of whose cells are hashtags (IDMC's real header). */
static void
hxl_hashtag_row_with_some_untagged_cells(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("id,country,iso3,latitude,longitude,qualifier,figure,cause\n"
	    ",#country+name,#country+iso3,geo+lat,geo+lon,total,#affected+displaced,#cause\n"
	    "126716,India,IND,10.44581,76.27562,total,2,Natural disaster\n", &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_string_equal(g.claim[0].c.country, "IND");
	assert_string_equal(g.claim[0].c.country_name, "India");
	assert_string_equal(g.claim[0].c.metric, "displaced");
	assert_string_equal(g.claim[0].c.cause, "disaster");
	got_free(&g);

	/* fewer than half: a title row, not the hashtag row */
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#Syria,report,of,October\n#country+code,#affected+idps\nSYR,5\n",
	    &g, err), ST_OK);
	assert_int_equal(g.nclaims, 1);
	got_free(&g);
}

/* ISO 3166 codes under their vocabulary attributes; P-codes as +pcode; adm3 to adm5. */
static void
hxl_place_code_synonyms_and_deep_admin_levels(void **state)
{
	struct got g = { .answer = ST_OK };
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(run("#country+code+v_iso3,#adm1+pcode,#adm2+code,#adm3+code,#adm3+name,"
	    "#adm4+name,#adm5+code,#affected+idps\n"
	    "NGA,NG008,NG008001,NG008001001,Ward A,Village B,NG0080010010001,5\n", &g, err),
	    ST_OK);
	assert_string_equal(g.claim[0].c.country, "NGA");
	assert_string_equal(g.claim[0].c.adm1_code, "NG008");
	assert_string_equal(g.claim[0].c.adm2_code, "NG008001");
	assert_string_equal(g.claim[0].c.adm3_code, "NG008001001");
	assert_string_equal(g.claim[0].c.adm3_name, "Ward A");
	assert_string_equal(g.claim[0].c.adm4_name, "Village B");
	assert_string_equal(g.claim[0].c.adm5_code, "NG0080010010001");
	got_free(&g);

	static const char *const iso[] = { "#country+iso3", "#country+code+iso2",
	    "#country+v_iso2" };
	for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++) {
		char data[128];

		g = (struct got){ .answer = ST_OK };
		snprintf(data, sizeof data, "%s,#affected+idps\nXX,5\n", iso[i]);
		assert_int_equal(run(data, &g, err), ST_OK);
		assert_string_equal(g.claim[0].c.country, "XX");
		got_free(&g);
	}
	/* another list's number (FTS's 112 is Japan, ISO's Belarus): not read */
	g = (struct got){ .answer = ST_OK };
	assert_int_equal(run("#country+code+v_fts,#affected+idps\n112,5\n", &g, err), ST_OK);
	assert_true(unset(g.claim[0].c.country) && unset(g.claim[0].c.country_name));
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
	assert_string_equal(g.claim[0].c.as_of, "2015-03-01");
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
	assert_string_equal(g.claim[0].c.as_of, "2019-12-31");
	assert_string_equal(g.claim[0].c.reported_on, "2019-12-31");
	assert_string_equal(g.claim[1].c.as_of, "2020-12-31");
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
		cmocka_unit_test(hxl_real_dtm_export_one_claim_per_row_with_cause_and_origin),
		cmocka_unit_test(hxl_real_dtm_global_export_every_row_kept),
		cmocka_unit_test(hxl_origin_columns_are_fields),
		cmocka_unit_test(hxl_unread_origin_or_cause_column_refuses_the_row),
		cmocka_unit_test(hxl_cause_words_read_through_the_table),
		cmocka_unit_test(hxl_unknown_cause_word_rejected),
		cmocka_unit_test(hxl_rows_differing_by_cause_origin_or_assessment_have_distinct_keys),
		cmocka_unit_test(hxl_plain_sheet_leaves_the_key_to_ingest),
		cmocka_unit_test(hxl_units_from_attributes),
		cmocka_unit_test(hxl_every_schema_metric_read_from_its_hashtag_in_any_order),
		cmocka_unit_test(hxl_sex_columns_give_males_and_females_of_their_total),
		cmocka_unit_test(hxl_ambiguous_sex_columns_left_out),
		cmocka_unit_test(hxl_breakdown_without_total_refused_naming_the_column),
		cmocka_unit_test(hxl_dates_read_as_hxl_tools_read_them),
		cmocka_unit_test(hxl_ambiguous_date_rejected_with_its_value),
		cmocka_unit_test(hxl_real_libhxl_date_sample_every_date_read),
		cmocka_unit_test(hxl_real_libhxl_multiple_headers),
		cmocka_unit_test(hxl_hashtag_row_with_some_untagged_cells),
		cmocka_unit_test(hxl_place_code_synonyms_and_deep_admin_levels),
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
