/*
 * test_base_url.c: the public base URL figures-fcgi --public-url takes
 * (core/base_url.h): http(s), a host, an optional port and path prefix,
 * nothing else; its normal form; a sentence for each refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/base_url.h"

static char err[ERR_MAX];

/* The normal form of url, or NULL (the reason in err). */
static const char *
norm(const char *url)
{
	static char out[BASE_URL_MAX + 1];

	err[0] = '\0';
	memset(out, 'X', sizeof out);
	return base_url_parse(url, out, sizeof out, err) == ST_OK ? out : NULL;
}

static void
accepted_and_normalised(void **state)
{
	(void)state;
	assert_string_equal(norm("https://figures.example.org"), "https://figures.example.org");
	assert_string_equal(norm("HTTPS://Figures.Example.ORG/"), "https://figures.example.org");
	assert_string_equal(norm("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
	assert_string_equal(norm("https://example.org:443/figures/"), "https://example.org:443/figures");
	assert_string_equal(norm("https://example.org/a/b%20c/~d"), "https://example.org/a/b%20c/~d");
	assert_string_equal(norm("https://[2001:DB8::1]:8443/x"), "https://[2001:db8::1]:8443/x");
	assert_string_equal(norm("https://cdn-1.example.org///"), "https://cdn-1.example.org");
}

static void
refused_with_a_reason(void **state)
{
	(void)state;
	assert_null(norm(""));
	assert_non_null(strstr(err, "empty"));
	assert_null(norm("ftp://example.org"));
	assert_non_null(strstr(err, "http:// or https://"));
	assert_null(norm("example.org"));
	assert_null(norm("//example.org"));
	assert_null(norm("https://example.org/?x=1"));
	assert_non_null(strstr(err, "query"));
	assert_null(norm("https://example.org/#top"));
	assert_non_null(strstr(err, "fragment"));
	assert_null(norm("https://user:pw@example.org"));
	assert_non_null(strstr(err, "user"));
	assert_null(norm("https://"));
	assert_non_null(strstr(err, "host"));
	assert_null(norm("https:///figures"));
	assert_null(norm("https://.example.org"));
	assert_null(norm("https://exa..mple.org"));
	assert_null(norm("https://example.org:0"));
	assert_non_null(strstr(err, "port"));
	assert_null(norm("https://example.org:65536"));
	assert_null(norm("https://example.org:99999999999999999999"));
	assert_null(norm("https://example.org:"));
	assert_null(norm("https://example.org:80x"));
	assert_null(norm("https://exa_mple.org"));
	assert_null(norm("https://example.org\\evil"));
	assert_null(norm("https://[::1"));
	assert_null(norm("https://[nothex]"));
	assert_null(norm("https://example.org/a b"));
	assert_non_null(strstr(err, "path"));
	assert_null(norm("https://example.org/a\"><script>"));
	assert_null(norm("https://example.org/%2"));
	assert_null(norm("https://example.org/%zz"));
	assert_null(norm("https://example.org/a//b"));
	assert_null(norm("https://example.org/a/../b"));
	assert_null(norm("https://example.org/./b"));
}

static void
bounded(void **state)
{
	char long_url[BASE_URL_MAX + 32];

	(void)state;
	memset(long_url, 'a', sizeof long_url - 1);
	long_url[sizeof long_url - 1] = '\0';
	memcpy(long_url, "https://", 8);
	assert_null(norm(long_url));
	assert_non_null(strstr(err, "longer"));
	long_url[BASE_URL_MAX] = '\0';   /* exactly the bound */
	assert_non_null(norm(long_url));
}

/* The path prefix the pages' root-relative links start with. */
static void
path_prefix(void **state)
{
	(void)state;
	assert_string_equal(base_url_path(NULL), "");
	assert_string_equal(base_url_path(norm("https://figures.example.org")), "");
	assert_string_equal(base_url_path(norm("https://example.org:8443/")), "");
	assert_string_equal(base_url_path(norm("https://example.org/figures/")), "/figures");
	assert_string_equal(base_url_path(norm("http://example.org:81/a/b%20c")), "/a/b%20c");
	assert_string_equal(base_url_path(norm("https://[2001:db8::1]:8443/x/y")), "/x/y");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_and_normalised),
		cmocka_unit_test(refused_with_a_reason),
		cmocka_unit_test(bounded),
		cmocka_unit_test(path_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
