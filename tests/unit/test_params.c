/*
 * test_params.c: query-string parsing and validation (api/params.h) against
 * a small route table with one parameter of each type.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/params.h"

static const char *const formats[] = { "json", "csv", NULL };
static const char *const includes[] = { "value", "source", "quote", NULL };

enum { LOCATION, SINCE, LIMIT, FORMAT, INCLUDE, Q, CURSOR, COUNTRY, NPARAMS };

static const struct pspec spec[NPARAMS] = {
	[LOCATION] = { "location", P_CODE, 0, 0, NULL },
	[SINCE]    = { "since", P_DATE, 0, 0, NULL },
	[LIMIT]    = { "limit", P_INT, 1, 1000, NULL },
	[FORMAT]   = { "format", P_ENUM, 0, 0, formats },
	[INCLUDE]  = { "include", P_LIST, 0, 0, includes },
	[Q]        = { "q", P_TEXT, 0, 20, NULL },
	[CURSOR]   = { "cursor", P_TOKEN, 0, 200, NULL },
	[COUNTRY]  = { "country", P_COUNTRY, 0, 0, NULL },
};

/* Each test's parse: storage is large, so it lives outside the stack. */
static struct query q;
static struct pval out[NPARAMS];
static struct perror e;

static int
parse(const char *qs)
{
	memset(&e, 0, sizeof e);
	return params_parse(qs, spec, NPARAMS, &q, out, "/v1/test", 0, &e);
}

/* ---- rejections ---- */

struct bad_case {
	const char *qs;
	int         status;
	const char *param;
};

static const struct bad_case bad_cases[] = {
	{ "colour=red",                      400, "colour" },
	{ "limit=5&colour=red",              400, "colour" },
	{ "%01=1",                           400, "" },        /* name unsafe to echo */
	{ "=5",                              400, "" },
	{ "%zz=1",                           400, "" },
	{ "lim%00it=1",                      400, "" },
	{ "limit=1&limit=2",                 400, "limit" },
	{ "limit=1&limit=1",                 400, "limit" },
	{ "location=",                       400, "location" },
	{ "location",                        400, "location" },
	{ "q=a%00b",                         400, "q" },
	{ "q=%00",                           400, "q" },
	{ "q=%ff",                           400, "q" },
	{ "q=%C0%80",                        400, "q" },       /* overlong */
	{ "q=%zz",                           400, "q" },
	{ "q=ab%4",                          400, "q" },
	{ "q=ab%",                           400, "q" },
	{ "q=a%01",                          400, "q" },
	{ "q=a%7f",                          400, "q" },
	{ "q=a%0Ab",                         400, "q" },
	{ "since=2019-02-30",                400, "since" },
	{ "since=2019-2-3",                  400, "since" },
	{ "since=2024-01-01T00:00:00Z",      400, "since" },
	{ "limit=0",                         400, "limit" },
	{ "limit=1001",                      400, "limit" },
	{ "limit=12abc",                     400, "limit" },
	{ "limit=-1",                        400, "limit" },
	{ "limit=+5",                        400, "limit" },   /* '+' is a space */
	{ "limit=99999999999999999999",      400, "limit" },
	{ "format=xml",                      400, "format" },
	{ "format=JSON",                     400, "format" },
	{ "format=json,csv",                 400, "format" },
	{ "include=value,value",             400, "include" },
	{ "include=value,colour",            400, "include" },
	{ "include=value,",                  400, "include" },
	{ "include=,value",                  400, "include" },
	{ "include=value,,quote",            400, "include" },
	{ "q=aaaaaaaaaaaaaaaaaaaaa",         400, "q" },       /* 21 bytes */
	{ "cursor=abc.def",                  400, "cursor" },
	{ "cursor=abc%3D",                   400, "cursor" },  /* '=' padding */
	{ "cursor=ab+cd",                    400, "cursor" },
	{ "cursor=ab%2Fcd",                  400, "cursor" },
	{ "country=SY",                      400, "country" },
	{ "country=SYRIA",                   400, "country" },
	{ "country=S1R",                     400, "country" },
	{ "location=x'%20OR%201=1--",        400, "location" },
	{ "location=-abc",                   400, "location" },
	{ "location=a/b",                    400, "location" },
};

static void
params_reject_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		int rc = parse(c->qs);

		if (rc != -1)
			fail_msg("\"%s\" accepted", c->qs);
		if (e.status != c->status)
			fail_msg("\"%s\": status %d, want %d", c->qs, e.status, c->status);
		if (strcmp(e.param, c->param) != 0)
			fail_msg("\"%s\": param \"%s\", want \"%s\"", c->qs, e.param, c->param);
		if (e.message[0] == '\0')
			fail_msg("\"%s\": no message", c->qs);
	}
}

static void
params_reject_unknown_names_accepted_parameters(void **state)
{
	(void)state;
	assert_int_equal(parse("colour=red"), -1);
	assert_non_null(strstr(e.message, "colour"));
	assert_non_null(strstr(e.message, "/v1/test"));
	assert_non_null(strstr(e.message, "limit"));
}

static void
params_reject_query_longer_than_query_max(void **state)
{
	char *qs = malloc(QUERY_MAX + 2);

	(void)state;
	assert_non_null(qs);
	memcpy(qs, "q=", 2);
	memset(qs + 2, 'a', QUERY_MAX - 1);
	qs[QUERY_MAX + 1] = '\0';   /* QUERY_MAX + 1 bytes */
	assert_int_equal(parse(qs), -1);
	free(qs);
	assert_int_equal(e.status, 414);
	assert_string_equal(e.param, "");
}

static void
params_query_of_query_max_bytes_read(void **state)
{
	static const struct pspec big[] = { { "t", P_TEXT, 0, 4096, NULL } };
	struct pval v[1];
	char *qs = malloc(QUERY_MAX + 1);

	(void)state;
	assert_non_null(qs);
	memcpy(qs, "t=", 2);
	memset(qs + 2, 'a', QUERY_MAX - 2);
	qs[QUERY_MAX] = '\0';
	assert_int_equal(params_parse(qs, big, 1, &q, v, "/v1/test", 0, &e), 0);
	free(qs);
	assert_int_equal(v[0].set, 1);
	assert_int_equal(strlen(v[0].s), QUERY_MAX - 2);
}

/* A next-page link adds a cursor to a query of QUERY_MAX bytes: it is read too. */
static void
params_query_max_does_not_count_the_cursor(void **state)
{
	static const struct pspec paged[] = {
		{ "t", P_TEXT, 0, 4096, NULL },
		{ "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	};
	struct pval v[2];
	size_t n = QUERY_MAX + 8 + CURSOR_MAX;   /* "t=aaa…" "&cursor=" "ccc…" */
	char *qs = malloc(QUERY_READ_MAX + 2);

	(void)state;
	assert_non_null(qs);
	memcpy(qs, "t=", 2);
	memset(qs + 2, 'a', QUERY_MAX - 2);
	memcpy(qs + QUERY_MAX, "&cursor=", 8);
	memset(qs + QUERY_MAX + 8, 'c', CURSOR_MAX);
	qs[n] = '\0';
	assert_int_equal(params_parse(qs, paged, 2, &q, v, "/v1/test", 0, &e), 0);
	assert_int_equal(strlen(v[0].s), QUERY_MAX - 2);
	assert_int_equal(strlen(v[1].s), CURSOR_MAX);

	/* the same bytes in a parameter that is not the cursor are too many */
	memcpy(qs + QUERY_MAX, "&t2=xxx", 7);
	assert_int_equal(params_parse(qs, paged, 2, &q, v, "/v1/test", 0, &e), -1);
	assert_int_equal(e.status, 414);

	/* and past QUERY_READ_MAX nothing is read, whatever the parameters */
	memcpy(qs, "cursor=", 7);
	memset(qs + 7, 'c', QUERY_READ_MAX + 1 - 7);
	qs[QUERY_READ_MAX + 1] = '\0';
	assert_int_equal(params_parse(qs, paged, 2, &q, v, "/v1/test", 0, &e), -1);
	assert_int_equal(e.status, 414);
	free(qs);
}

/* A table of 40 P_INT parameters p0 … p39, and a query naming the first n. */
#define MANY 40
static char many_names[MANY][8];
static struct pspec many_spec[MANY];

static void
many_setup(char *qs, size_t size, int n)
{
	size_t len = 0;

	for (int i = 0; i < MANY; i++) {
		snprintf(many_names[i], sizeof many_names[i], "p%d", i);
		many_spec[i] = (struct pspec){ many_names[i], P_INT, 0, 100, NULL };
	}
	qs[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(qs + len, size - len, "%sp%d=%d", i ? "&" : "", i, i);
}

static void
params_reject_more_than_32_parameters(void **state)
{
	struct pval v[MANY];
	char qs[512];

	(void)state;
	many_setup(qs, sizeof qs, PARAMS_MAX + 1);
	assert_int_equal(params_parse(qs, many_spec, MANY, &q, v, "/v1/test", 0, &e), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.param, "");
}

static void
params_reject_33_parameters_before_reading_any(void **state)
{
	char qs[512] = "";
	size_t len = 0;

	(void)state;
	/* 33 repeats: the count is checked before the repetition is seen */
	for (int i = 0; i < PARAMS_MAX + 1; i++)
		len += (size_t)snprintf(qs + len, sizeof qs - len, "limit=1&");
	assert_int_equal(parse(qs), -1);
	assert_int_equal(e.status, 400);
	assert_string_equal(e.param, "");
}

static void
params_accept_32_parameters(void **state)
{
	struct pval v[MANY];
	char qs[512];

	(void)state;
	many_setup(qs, sizeof qs, PARAMS_MAX);
	assert_int_equal(params_parse(qs, many_spec, MANY, &q, v, "/v1/test", 0, &e), 0);
	assert_int_equal(v[PARAMS_MAX - 1].set, 1);
	assert_int_equal(v[PARAMS_MAX - 1].n, PARAMS_MAX - 1);
	assert_int_equal(v[PARAMS_MAX].set, 0);
}

/* ---- acceptance ---- */

static void
params_plus_decodes_to_space(void **state)
{
	(void)state;
	assert_int_equal(parse("q=a+b"), 0);
	assert_int_equal(out[Q].set, 1);
	assert_string_equal(out[Q].s, "a b");
}

static void
params_percent_escape_decoded(void **state)
{
	(void)state;
	assert_int_equal(parse("q=%41%62"), 0);
	assert_string_equal(out[Q].s, "Ab");
}

static void
params_percent_encoded_utf8_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("q=caf%C3%A9"), 0);
	assert_string_equal(out[Q].s, "caf\xC3\xA9");
}

static void
params_percent_encoded_name_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("%6cimit=7"), 0);
	assert_int_equal(out[LIMIT].set, 1);
	assert_int_equal(out[LIMIT].n, 7);
}

static void
params_country_upper_cased(void **state)
{
	(void)state;
	assert_int_equal(parse("country=syr"), 0);
	assert_string_equal(out[COUNTRY].s, "SYR");
}

static void
params_list_sets_bits(void **state)
{
	(void)state;
	assert_int_equal(parse("include=quote,value"), 0);
	assert_int_equal(out[INCLUDE].bits, (1u << 2) | (1u << 0));
	assert_int_equal(parse("include=source"), 0);
	assert_int_equal(out[INCLUDE].bits, 1u << 1);
}

static void
params_int_and_enum_values(void **state)
{
	(void)state;
	assert_int_equal(parse("limit=1000&format=csv"), 0);
	assert_int_equal(out[LIMIT].n, 1000);
	assert_string_equal(out[FORMAT].s, "csv");
	assert_int_equal(parse("limit=1"), 0);
	assert_int_equal(out[LIMIT].n, 1);
}

static void
params_empty_segments_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("limit=1&&since=2024-02-29&"), 0);
	assert_int_equal(out[LIMIT].set, 1);
	assert_int_equal(out[LIMIT].n, 1);
	assert_int_equal(out[SINCE].set, 1);
	assert_string_equal(out[SINCE].s, "2024-02-29");
	assert_int_equal(out[FORMAT].set, 0);
}

static void
params_null_and_empty_query_set_nothing(void **state)
{
	static const char *const queries[] = { NULL, "", "&", "&&" };

	(void)state;
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		memset(out, 0xAA, sizeof out);
		assert_int_equal(parse(queries[i]), 0);
		for (size_t k = 0; k < NPARAMS; k++)
			assert_int_equal(out[k].set, 0);
	}
}

static void
params_token_and_code_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("cursor=ZjF8-_09&location=SYR-ar-raqqa"), 0);
	assert_string_equal(out[CURSOR].s, "ZjF8-_09");
	assert_string_equal(out[LOCATION].s, "SYR-ar-raqqa");
}

static void
params_text_of_max_length_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("q=aaaaaaaaaaaaaaaaaaaa"), 0);   /* 20 bytes */
	assert_int_equal(strlen(out[Q].s), 20);
}

static void
params_all_types_together(void **state)
{
	(void)state;
	assert_int_equal(parse("location=ain-issa-camp&since=2019-10-13&limit=50&format=json"
	    "&include=value&q=Ain+Issa&cursor=abc&country=Syr"), 0);
	for (size_t k = 0; k < NPARAMS; k++)
		assert_int_equal(out[k].set, 1);
	assert_string_equal(out[LOCATION].s, "ain-issa-camp");
	assert_string_equal(out[Q].s, "Ain Issa");
	assert_string_equal(out[COUNTRY].s, "SYR");
	assert_int_equal(out[LIMIT].n, 50);
}

/* A real date out of the range we serve says the range, not "not a real date". */
static void
params_date_out_of_range_names_the_range(void **state)
{
	(void)state;
	assert_int_equal(parse("since=2999-01-01"), -1);
	assert_string_equal(e.param, "since");
	assert_non_null(strstr(e.message, "from 1900 to 2200"));
}

/* A required parameter left out is a 400 naming it, however the query looks. */
static void
params_required_parameter_left_out_is_named(void **state)
{
	static const struct pspec with_url[] = {
		{ "url", P_TEXT, 0, 2000, NULL, .required = 1, .hint = "a card's address" },
		{ "maxwidth", P_INT, 100, 10000, NULL },
	};
	struct pval v[2];

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		const char *qs = (const char *[]){ NULL, "", "maxwidth=300" }[i];

		memset(&e, 0, sizeof e);
		assert_int_equal(params_parse(qs, with_url, 2, &q, v, "/v1/oembed", 0, &e), -1);
		assert_int_equal(e.status, 400);
		assert_string_equal(e.param, "url");
		assert_string_equal(e.message, "url is required: a card's address");
	}
	assert_int_equal(params_parse("url=x", with_url, 2, &q, v, "/v1/oembed", 0, &e), 0);
	assert_true(v[0].set);
	assert_string_equal(v[0].s, "x");
}

/* A card skips what newsletters and social networks add to its address, and nothing else. */
static void
params_tracking_skipped_only_when_asked(void **state)
{
	const char *qs = "utm_source=newsletter&fbclid=IwAR0&location=abc&utm_source=again&mc_eid=%ZZ&ref";

	(void)state;
	assert_int_equal(parse(qs), -1);
	assert_string_equal(e.param, "utm_source");
	memset(&e, 0, sizeof e);
	assert_int_equal(params_parse(qs, spec, NPARAMS, &q, out, "/v1/test",
	    PARAMS_SKIP_TRACKING, &e), 0);
	assert_string_equal(out[LOCATION].s, "abc");
	assert_int_equal(params_parse("utm_=1", spec, NPARAMS, &q, out, "/v1/test",
	    PARAMS_SKIP_TRACKING, &e), -1);
	assert_int_equal(params_parse("gclidx=1", spec, NPARAMS, &q, out, "/v1/test",
	    PARAMS_SKIP_TRACKING, &e), -1);
	assert_true(params_is_tracking("utm_campaign"));
	assert_true(params_is_tracking("gclid"));
	assert_false(params_is_tracking("utm"));
	assert_false(params_is_tracking("metric"));
}

/* ---- params_query_without ---- */

/* What drop was shown, for the tests to check: every segment, in order. */
struct seen {
	char   segs[256];
	size_t calls;
	int    all;      /* drop every segment, not only cursors */
};

static int
drop_cursor(const char *seg, size_t len, void *arg)
{
	struct seen *s = arg;
	size_t used = strlen(s->segs);

	assert_true(len > 0);   /* never an empty segment */
	assert_true(seg[len] == '\0' || seg[len] == '&');
	snprintf(s->segs + used, sizeof s->segs - used, "[%.*s]", (int)len, seg);
	s->calls++;
	return s->all || params_segment_is(seg, len, "cursor");
}

/* without(q, size): params_query_without dropping cursors into a buffer of size bytes. */
static char got[64];

static int
without(const char *qs, size_t size, struct seen *s)
{
	memset(got, 'x', sizeof got);
	return params_query_without(qs, drop_cursor, s, got, size);
}

/* Each case: the query, out's size, what params_query_without returns and leaves in out. */
struct without_case {
	const char *qs;
	size_t      size;
	int         rc;
	const char *out;    /* NULL: out not written */
};

static void
check_without(const struct without_case *c, size_t n, struct seen *s)
{
	for (size_t i = 0; i < n; i++) {
		int rc = without(c[i].qs, c[i].size, s);

		if (rc != c[i].rc || (c[i].out != NULL ? strncmp(got, c[i].out, sizeof got) != 0 :
		    got[0] != 'x'))
			fail_msg("case %zu (\"%s\" into %zu bytes): %d and \"%.*s\", wanted %d and "
			    "\"%s\"", i, c[i].qs != NULL ? c[i].qs : "(null)", c[i].size, rc,
			    (int)strnlen(got, sizeof got), got, c[i].rc,
			    c[i].out != NULL ? c[i].out : "(out not written)");
	}
}

static void
query_without_empty_query_is_empty(void **state)
{
	static const struct without_case c[] = {
		{ NULL, sizeof got, 0, "" }, { "", sizeof got, 0, "" }, { "&&&", sizeof got, 0, "" },
	};
	struct seen s = { .all = 0 };

	(void)state;
	check_without(c, sizeof c / sizeof c[0], &s);
	assert_int_equal(s.calls, 0);   /* empty segments never reach drop */
}

static void
query_without_all_dropped_is_empty(void **state)
{
	static const struct without_case c[] = { { "limit=5&cursor=abc&q", sizeof got, 3, "" } };
	struct seen s = { .all = 1 };

	(void)state;
	check_without(c, 1, &s);
	assert_string_equal(s.segs, "[limit=5][cursor=abc][q]");
}

static void
query_without_none_dropped_keeps_the_query(void **state)
{
	static const struct without_case c[] = { { "limit=5&q=a%26b&cursorx=1&format=csv",
	    sizeof got, 0, "limit=5&q=a%26b&cursorx=1&format=csv" } };
	struct seen s = { .all = 0 };

	(void)state;
	check_without(c, 1, &s);
	assert_int_equal(s.calls, 4);
}

static void
query_without_drops_the_cursor_however_spelled(void **state)
{
	static const struct without_case c[] = {
		{ "cursor=abc&limit=5&%63ursor=def&cursor", sizeof got, 3, "limit=5" },
	};
	struct seen s = { .all = 0 };

	(void)state;
	check_without(c, 1, &s);
}

/* Leading, trailing and doubled '&': left out, the kept segments joined by one '&'. */
static void
query_without_empty_segments_left_out(void **state)
{
	static const struct without_case c[] = {
		{ "&limit=5&&cursor=abc&&q=x&", sizeof got, 1, "limit=5&q=x" },
		{ "&&limit=5", sizeof got, 0, "limit=5" },
		{ "limit=5&&", sizeof got, 0, "limit=5" },
	};
	struct seen s = { .all = 0 };

	(void)state;
	check_without(c, sizeof c / sizeof c[0], &s);
	assert_string_equal(s.segs, "[limit=5][cursor=abc][q=x][limit=5][limit=5]");
}

/* A result that does not fit is -1 and "", never a query with a filter left out. */
static void
query_without_output_too_small_is_an_error(void **state)
{
	static const struct without_case c[] = {
		/* "limit=5&q=x": 11 bytes and its NUL, exactly */
		{ "limit=5&cursor=abc&q=x", 12, 1, "limit=5&q=x" },
		{ "limit=5&cursor=abc&q=x", 11, -1, "" },
		{ "limit=5&cursor=abc&q=x", 8, -1, "" },
		{ "limit=5", 7, -1, "" },
		{ "limit=5", 1, -1, "" },
		{ "cursor=abc", 1, 1, "" },      /* nothing kept: "" fits in one byte */
		{ "limit=5", 0, -1, NULL },      /* no room even for the NUL: out not written */
	};
	struct seen s = { .all = 0 };

	(void)state;
	check_without(c, sizeof c / sizeof c[0], &s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_reject_table),
		cmocka_unit_test(params_reject_unknown_names_accepted_parameters),
		cmocka_unit_test(params_reject_query_longer_than_query_max),
		cmocka_unit_test(params_query_of_query_max_bytes_read),
		cmocka_unit_test(params_query_max_does_not_count_the_cursor),
		cmocka_unit_test(params_reject_more_than_32_parameters),
		cmocka_unit_test(params_reject_33_parameters_before_reading_any),
		cmocka_unit_test(params_accept_32_parameters),
		cmocka_unit_test(params_plus_decodes_to_space),
		cmocka_unit_test(params_percent_escape_decoded),
		cmocka_unit_test(params_percent_encoded_utf8_accepted),
		cmocka_unit_test(params_percent_encoded_name_accepted),
		cmocka_unit_test(params_country_upper_cased),
		cmocka_unit_test(params_list_sets_bits),
		cmocka_unit_test(params_int_and_enum_values),
		cmocka_unit_test(params_empty_segments_accepted),
		cmocka_unit_test(params_null_and_empty_query_set_nothing),
		cmocka_unit_test(params_token_and_code_accepted),
		cmocka_unit_test(params_text_of_max_length_accepted),
		cmocka_unit_test(params_all_types_together),
		cmocka_unit_test(params_required_parameter_left_out_is_named),
		cmocka_unit_test(params_date_out_of_range_names_the_range),
		cmocka_unit_test(params_tracking_skipped_only_when_asked),
		cmocka_unit_test(query_without_empty_query_is_empty),
		cmocka_unit_test(query_without_all_dropped_is_empty),
		cmocka_unit_test(query_without_none_dropped_keeps_the_query),
		cmocka_unit_test(query_without_drops_the_cursor_however_spelled),
		cmocka_unit_test(query_without_empty_segments_left_out),
		cmocka_unit_test(query_without_output_too_small_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
