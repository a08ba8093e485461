/*
 * test_url.c: reading and setting one query parameter (paging) and ${NAME}
 * expansion from the environment (refresh/url.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refresh/url.h"

/* The value of name in url, or NULL when absent (a static buffer). */
static const char *
param(const char *url, const char *name)
{
	static char out[256];

	memset(out, 'X', sizeof out);
	return url_param(url, name, out, sizeof out) ? out : NULL;
}

/* ---- url_param ---------------------------------------------------------------- */

static void
url_param_reads_first_middle_and_last(void **state)
{
	(void)state;
	assert_string_equal(param("http://x/p?page=2&a=1&b=3", "page"), "2");
	assert_string_equal(param("http://x/p?a=1&page=2&b=3", "page"), "2");
	assert_string_equal(param("http://x/p?a=1&b=3&page=27", "page"), "27");
	assert_string_equal(param("http://x/p?a=1&b=3&page=27", "a"), "1");
}

static void
url_param_absent(void **state)
{
	(void)state;
	assert_null(param("http://x/p?a=1&b=3", "page"));
	assert_null(param("http://x/p", "page"));
	assert_null(param("http://x/page=3", "page"));   /* a path, not a query */
	assert_null(param("http://x/p?a=page=3", "page"));   /* a value, not a name */
}

static void
url_param_empty_value(void **state)
{
	(void)state;
	assert_string_equal(param("http://x/p?page=&a=1", "page"), "");
	assert_string_equal(param("http://x/p?a=1&page=", "page"), "");
	assert_string_equal(param("http://x/p?flag&a=1", "flag"), "");
	assert_string_equal(param("http://x/p?a=1&flag", "flag"), "");
}

static void
url_param_name_prefix_of_another_name(void **state)
{
	(void)state;
	assert_null(param("http://x/p?pageSize=50", "page"));
	assert_string_equal(param("http://x/p?pageSize=50&page=3", "page"), "3");
	assert_string_equal(param("http://x/p?page=3&pageSize=50", "pageSize"), "50");
	assert_null(param("http://x/p?page=3", "pageSize"));
	assert_null(param("http://x/p?xpage=3", "page"));
}

static void
url_param_value_ends_at_fragment(void **state)
{
	(void)state;
	assert_string_equal(param("http://x/p?page=3#top", "page"), "3");
	assert_string_equal(param("http://x/p?a=1&page=#top", "page"), "");
	assert_string_equal(param("http://x/p?page#top", "page"), "");
}

static void
url_param_value_kept_raw(void **state)
{
	(void)state;
	assert_string_equal(param("http://x/p?q=a%20b+c&x=1", "q"), "a%20b+c");
	assert_string_equal(param("http://x/p?q=a=b&x=1", "q"), "a=b");
}

/*
 * Regression (fixed; was: app/refresh/url.c, find_param): the search for "&name" runs past
 * '#' into the fragment, and strchr(url, '?') finds a '?' inside a fragment,
 * so text after '#' is read as a query parameter. Expected absent, got "3".
 */
static void
url_param_ignores_fragment_text(void **state)
{
	(void)state;
	assert_null(param("http://x/p?a=1#s&page=3", "page"));
	assert_null(param("http://x/p#s?page=3", "page"));
}

/* ---- url_set_param ------------------------------------------------------------ */

/* url with name=value, asserting it fits. */
static const char *
set(const char *url, const char *name, const char *value)
{
	static char out[512];

	assert_int_equal(url_set_param(url, name, value, out, sizeof out), ST_OK);
	return out;
}

static void
url_set_param_replaces_in_middle(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p?a=1&page=2&b=3", "page", "15"),
	    "http://x/p?a=1&page=15&b=3");
	assert_string_equal(set("http://x/p?page=2&b=3", "page", "3"), "http://x/p?page=3&b=3");
}

static void
url_set_param_replaces_at_end(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p?a=1&page=9", "page", "10"),
	    "http://x/p?a=1&page=10");
	assert_string_equal(set("http://x/p?a=1&page=", "page", "1"), "http://x/p?a=1&page=1");
	assert_string_equal(set("http://x/p?a=1&page", "page", "1"), "http://x/p?a=1&page=1");
}

static void
url_set_param_appends_with_question_mark(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p", "page", "2"), "http://x/p?page=2");
}

static void
url_set_param_appends_with_ampersand(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p?a=1", "page", "2"), "http://x/p?a=1&page=2");
	assert_string_equal(set("http://x/p?pageSize=50", "page", "2"),
	    "http://x/p?pageSize=50&page=2");
}

static void
url_set_param_keeps_fragment(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p?a=1#top", "page", "2"), "http://x/p?a=1&page=2#top");
	assert_string_equal(set("http://x/p#top", "page", "2"), "http://x/p?page=2#top");
	assert_string_equal(set("http://x/p?page=1#top", "page", "2"), "http://x/p?page=2#top");
}

static void
url_set_param_too_big(void **state)
{
	char out[64];
	const char *url = "http://x/p?a=1";   /* + "&page=2" = 21 bytes */

	(void)state;
	assert_int_equal(url_set_param(url, "page", "2", out, 22), ST_OK);
	assert_string_equal(out, "http://x/p?a=1&page=2");
	assert_int_equal(url_set_param(url, "page", "2", out, 21), ST_TOO_BIG);
	assert_int_equal(url_set_param("http://x/p?page=1&a=1", "page", "100", out, 23),
	    ST_TOO_BIG);
}

/*
 * Regression (fixed; was: app/refresh/url.c, find_param, as above): a '?' inside the
 * fragment is taken for the query, so the parameter is "replaced" inside the
 * fragment and the query never gets it. Expected "http://x/p?page=2#s?page=1".
 */
static void
url_set_param_ignores_fragment_text(void **state)
{
	(void)state;
	assert_string_equal(set("http://x/p#s?page=1", "page", "2"), "http://x/p?page=2#s?page=1");
}

/* ---- url_expand --------------------------------------------------------------- */

static void
url_expand_without_variables_copies(void **state)
{
	char out[128], err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(url_expand("http://x/p?a=1&b=$2", out, sizeof out, err), ST_OK);
	assert_string_equal(out, "http://x/p?a=1&b=$2");
	assert_int_equal(url_expand("$HOME/{A}$", out, sizeof out, err), ST_OK);
	assert_string_equal(out, "$HOME/{A}$");
	assert_int_equal(url_expand("", out, sizeof out, err), ST_OK);
	assert_string_equal(out, "");
}

static void
url_expand_one_variable(void **state)
{
	char out[128], err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(setenv("FIGURES_UT_APP_ID", "abc123", 1), 0);
	assert_int_equal(url_expand("http://x/p?app_identifier=${FIGURES_UT_APP_ID}&limit=3",
	    out, sizeof out, err), ST_OK);
	assert_string_equal(out, "http://x/p?app_identifier=abc123&limit=3");
	unsetenv("FIGURES_UT_APP_ID");
}

static void
url_expand_two_variables(void **state)
{
	char out[128], err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(setenv("FIGURES_UT_A", "one", 1), 0);
	assert_int_equal(setenv("FIGURES_UT_B2", "two", 1), 0);
	assert_int_equal(url_expand("http://${FIGURES_UT_A}/p?k=${FIGURES_UT_B2}", out,
	    sizeof out, err), ST_OK);
	assert_string_equal(out, "http://one/p?k=two");
	assert_int_equal(url_expand("${FIGURES_UT_A}${FIGURES_UT_B2}", out, sizeof out, err),
	    ST_OK);
	assert_string_equal(out, "onetwo");
	unsetenv("FIGURES_UT_A");
	unsetenv("FIGURES_UT_B2");
}

static void
url_expand_unset_variable_named(void **state)
{
	char out[128], err[ERR_MAX] = "";

	(void)state;
	unsetenv("FIGURES_UT_NOT_SET");
	assert_int_equal(url_expand("http://x/?k=${FIGURES_UT_NOT_SET}", out, sizeof out, err),
	    ST_NOT_FOUND);
	assert_non_null(strstr(err, "FIGURES_UT_NOT_SET"));
}

static void
url_expand_empty_variable_is_unset(void **state)
{
	char out[128], err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(setenv("FIGURES_UT_EMPTY", "", 1), 0);
	assert_int_equal(url_expand("http://x/?k=${FIGURES_UT_EMPTY}", out, sizeof out, err),
	    ST_NOT_FOUND);
	assert_non_null(strstr(err, "FIGURES_UT_EMPTY"));
	unsetenv("FIGURES_UT_EMPTY");
}

static void
url_expand_malformed_reference_invalid(void **state)
{
	static const char *const bad[] = {
		"http://x/?k=${lower}", "http://x/?k=${", "http://x/?k=${}",
		"http://x/?k=${ABC", "http://x/?k=${AB-C}", "${Abc}",
		/* a name of 64 characters: longer than any the refresher reads */
		"${AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[128], err[ERR_MAX] = "";

		if (url_expand(bad[i], out, sizeof out, err) != ST_INVALID)
			fail_msg("\"%s\" was not refused as malformed", bad[i]);
		assert_non_null(strstr(err, "malformed"));
	}
}

static void
url_expand_result_too_long(void **state)
{
	char out[16], err[ERR_MAX] = "";

	(void)state;
	/* 15 bytes fit in 16 */
	assert_int_equal(url_expand("http://x/abcdef", out, sizeof out, err), ST_OK);
	assert_string_equal(out, "http://x/abcdef");
	assert_int_equal(url_expand("http://x/abcdefg", out, sizeof out, err), ST_TOO_BIG);
	/* the variable's value is what overflows */
	assert_int_equal(setenv("FIGURES_UT_LONG", "0123456789abcdef", 1), 0);
	assert_int_equal(url_expand("h${FIGURES_UT_LONG}", out, sizeof out, err), ST_TOO_BIG);
	unsetenv("FIGURES_UT_LONG");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_param_reads_first_middle_and_last),
		cmocka_unit_test(url_param_absent),
		cmocka_unit_test(url_param_empty_value),
		cmocka_unit_test(url_param_name_prefix_of_another_name),
		cmocka_unit_test(url_param_value_ends_at_fragment),
		cmocka_unit_test(url_param_value_kept_raw),
		cmocka_unit_test(url_param_ignores_fragment_text),   /* regression */
		cmocka_unit_test(url_set_param_replaces_in_middle),
		cmocka_unit_test(url_set_param_replaces_at_end),
		cmocka_unit_test(url_set_param_appends_with_question_mark),
		cmocka_unit_test(url_set_param_appends_with_ampersand),
		cmocka_unit_test(url_set_param_keeps_fragment),
		cmocka_unit_test(url_set_param_too_big),
		cmocka_unit_test(url_set_param_ignores_fragment_text),   /* regression */
		cmocka_unit_test(url_expand_without_variables_copies),
		cmocka_unit_test(url_expand_one_variable),
		cmocka_unit_test(url_expand_two_variables),
		cmocka_unit_test(url_expand_unset_variable_named),
		cmocka_unit_test(url_expand_empty_variable_is_unset),
		cmocka_unit_test(url_expand_malformed_reference_invalid),
		cmocka_unit_test(url_expand_result_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
