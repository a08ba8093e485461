/*
 * test_url_public.c: what /v1/feeds may publish of a feed's URL
 * (core/url_public.h): http(s) only, no userinfo, no credential in the query.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/url_public.h"

/* The published form of url, or NULL when nothing of it is published. */
static const char *
pub(const char *url)
{
	static char out[512];

	memset(out, 'X', sizeof out);
	return url_public(url, out, sizeof out) ? out : NULL;
}

static void
only_http_and_https(void **state)
{
	(void)state;
	assert_null(pub("file:///srv/figures/secret-report.csv"));
	assert_null(pub("FILE:///etc/passwd"));
	assert_null(pub("ftp://example.org/a.csv"));
	assert_null(pub("javascript:alert(1)"));
	assert_null(pub("/var/lib/figures/x.csv"));
	assert_null(pub(""));
	assert_null(pub("http://"));
	assert_null(pub("https://user:pw@/x"));
	assert_string_equal(pub("https://example.org/a.csv"), "https://example.org/a.csv");
	assert_string_equal(pub("HTTP://Example.org"), "HTTP://Example.org");
}

static void
userinfo_is_dropped(void **state)
{
	(void)state;
	assert_string_equal(pub("https://alice:s3cr3t@example.org:8443/a.csv?x=1"),
	    "https://example.org:8443/a.csv?x=1");
	assert_string_equal(pub("http://token@example.org"), "http://example.org");
	/* an @ in the path or query is not userinfo */
	assert_string_equal(pub("https://example.org/@user/a?mail=a@b"),
	    "https://example.org/@user/a?mail=a@b");
	/* the last @ of the authority ends the userinfo (an @ in a password) */
	assert_string_equal(pub("https://u:p@ss@example.org/"), "https://example.org/");
}

static void
credential_parameters_are_redacted(void **state)
{
	(void)state;
	assert_string_equal(pub("https://api.example.org/v1?api_key=abc123&country=SYR"),
	    "https://api.example.org/v1?api_key=REDACTED&country=SYR");
	assert_string_equal(pub("https://x.org/?country=SYR&access_token=t&limit=10"),
	    "https://x.org/?country=SYR&access_token=REDACTED&limit=10");
	assert_string_equal(pub("https://x.org/?app_identifier=YWJj&X-Amz-Signature=f00d"
	    "&X-Amz-Credential=AK&password=p&Key=k&client-secret=s&sessionid=1&auth=a"),
	    "https://x.org/?app_identifier=REDACTED&X-Amz-Signature=REDACTED"
	    "&X-Amz-Credential=REDACTED&password=REDACTED&Key=REDACTED&client-secret=REDACTED"
	    "&sessionid=REDACTED&auth=REDACTED");
	/* an encoded name is read decoded */
	assert_string_equal(pub("https://x.org/?api%5Fkey=abc&%74oken=t"),
	    "https://x.org/?api%5Fkey=REDACTED&%74oken=REDACTED");
	/* placeholders are redacted too, harmless names and the fragment kept */
	assert_string_equal(pub("https://x.org/p?key=${API_KEY}&page=1#top"),
	    "https://x.org/p?key=REDACTED&page=1#top");
	assert_string_equal(pub("https://x.org/p?offset=0&limit=10&&flag"),
	    "https://x.org/p?offset=0&limit=10&&flag");
	assert_string_equal(pub("https://x.org/p?"), "https://x.org/p?");
}

static void
too_long_is_not_published(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(url_public("https://example.org/a/long/path", out, sizeof out), 0);
	assert_int_equal(url_public("https://a.org/", out, sizeof out), 1);
	assert_string_equal(out, "https://a.org/");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_http_and_https),
		cmocka_unit_test(userinfo_is_dropped),
		cmocka_unit_test(credential_parameters_are_redacted),
		cmocka_unit_test(too_long_is_not_published),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
