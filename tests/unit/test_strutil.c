/*
 * test_strutil.c: the pure validators in core/strutil.h, table-driven.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/strutil.h"

#define N(a) (sizeof (a) / sizeof (a)[0])

/* ---- utf8_valid ---- */

struct utf8_case {
	const char *what;
	const char *bytes;
	size_t      n;
	int         valid;
};

static const struct utf8_case utf8_cases[] = {
	{ "empty",                      "",                     0, 1 },
	{ "ascii",                      "Ain Issa",             8, 1 },
	{ "2-byte e-acute",             "\xC3\xA9",             2, 1 },
	{ "3-byte euro",                "\xE2\x82\xAC",         3, 1 },
	{ "4-byte emoji",               "\xF0\x9F\x98\x80",     4, 1 },
	{ "U+10FFFF, the last",         "\xF4\x8F\xBF\xBF",     4, 1 },
	{ "U+FFFF",                     "\xEF\xBF\xBF",         3, 1 },
	{ "overlong C0 80",             "\xC0\x80",             2, 0 },
	{ "overlong C1 BF",             "\xC1\xBF",             2, 0 },
	{ "overlong E0 80 80",          "\xE0\x80\x80",         3, 0 },
	{ "overlong F0 80 80 80",       "\xF0\x80\x80\x80",     4, 0 },
	{ "surrogate ED A0 80",         "\xED\xA0\x80",         3, 0 },
	{ "surrogate ED BF BF",         "\xED\xBF\xBF",         3, 0 },
	{ "above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80",     4, 0 },
	{ "F5 lead byte",               "\xF5\x80\x80\x80",     4, 0 },
	{ "truncated 2-byte",           "\xC3",                 1, 0 },
	{ "truncated 3-byte",           "\xE2\x82",             2, 0 },
	{ "truncated 4-byte",           "\xF0\x9F\x98",         3, 0 },
	{ "truncated after ascii",      "ab\xE2\x82",           4, 0 },
	{ "lone continuation byte",     "\x80",                 1, 0 },
	{ "continuation after ascii",   "a\xBF" "b",            3, 0 },
	{ "bad continuation",           "\xC3\x28",             2, 0 },
	{ "FF byte",                    "\xFF",                 1, 0 },
};

static void
utf8_valid_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(utf8_cases); i++) {
		const struct utf8_case *c = &utf8_cases[i];

		if (utf8_valid(c->bytes, c->n) != c->valid)
			fail_msg("utf8_valid(%s) != %d", c->what, c->valid);
	}
}

static void
utf8_valid_checks_only_n_bytes(void **state)
{
	(void)state;
	/* the bad byte lies past n */
	assert_int_equal(utf8_valid("ab\xFF", 2), 1);
}

/* ---- parse_int64 ---- */

struct int_case {
	const char *s;
	long long   min, max;
	int         ok;
	long long   want;
};

static const struct int_case int_cases[] = {
	{ "0",                    0, 10, 1, 0 },
	{ "10",                   0, 10, 1, 10 },
	{ "-3",                 -10, 10, 1, -3 },
	{ "1",                    1, 1000, 1, 1 },
	{ "1000",                 1, 1000, 1, 1000 },
	{ "0",                    1, 1000, 0, 0 },
	{ "1001",                 1, 1000, 0, 0 },
	{ "-1",                   0, 10, 0, 0 },
	{ "",                     0, 10, 0, 0 },
	{ " 5",                   0, 10, 0, 0 },
	{ "5 ",                   0, 10, 0, 0 },
	{ "\t5",                  0, 10, 0, 0 },
	{ "5x",                   0, 10, 0, 0 },
	{ "12abc",                0, 1000, 0, 0 },
	{ "1.5",                  0, 10, 0, 0 },
	{ "0x10",                 0, 100, 0, 0 },
	{ "-",                    -10, 10, 0, 0 },
	{ "9223372036854775807",  0, 9223372036854775807LL, 1, 9223372036854775807LL },
	{ "9223372036854775808",  0, 9223372036854775807LL, 0, 0 },
	{ "-9223372036854775809", -9223372036854775807LL - 1, 0, 0, 0 },
	{ "99999999999999999999", 0, 9223372036854775807LL, 0, 0 },
	{ "+5",                   0, 10, 0, 0 },
	{ "--5",                  -10, 10, 0, 0 },
};

static void
parse_int64_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(int_cases); i++) {
		const struct int_case *c = &int_cases[i];
		long long v = -12345;
		int ok = parse_int64(c->s, c->min, c->max, &v);

		if (ok != c->ok)
			fail_msg("parse_int64(\"%s\", %lld, %lld) = %d, want %d", c->s, c->min,
			    c->max, ok, c->ok);
		if (ok && v != c->want)
			fail_msg("parse_int64(\"%s\") = %lld, want %lld", c->s, v, c->want);
		if (!ok && v != -12345)
			fail_msg("parse_int64(\"%s\") wrote its output on failure", c->s);
	}
}

static void
parse_int64_rejects_null(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse_int64(NULL, 0, 10, &v), 0);
}

/* ---- parse_count ---- */

struct count_case {
	const char *s;
	int         ok;
	long long   want;
};

static const struct count_case count_cases[] = {
	{ "0",                 1, 0 },
	{ "7",                 1, 7 },
	{ "800",               1, 800 },
	{ "1000",              1, 1000 },
	{ "130,000",           1, 130000 },
	{ "1,000",             1, 1000 },
	{ "1,000,000",         1, 1000000 },
	{ "3,000,000",         1, 3000000 },
	{ "1000000000000",     1, COUNT_MAX },
	{ "1,000,000,000,000", 1, COUNT_MAX },
	{ "1000000000001",     0, 0 },
	{ "1,000,000,000,001", 0, 0 },
	{ "99999999999999999999999", 0, 0 },
	{ "",                  0, 0 },
	{ "12,00",             0, 0 },
	{ ",100",              0, 0 },
	{ "100,",              0, 0 },
	{ "1,0000",            0, 0 },
	{ "1,00,000",          0, 0 },   /* lakh grouping: threes only */
	{ "1,000,00",          0, 0 },
	{ "1000,000",          0, 0 },
	{ "1,,000",            0, 0 },
	{ "-1",                0, 0 },
	{ "+1",                0, 0 },
	{ "3.5",               0, 0 },
	{ "1e3",               0, 0 },
	{ " 5",                0, 0 },
	{ "5 ",                0, 0 },
	{ "1 000",             0, 0 },
	{ ",",                 0, 0 },
};

static void
parse_count_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(count_cases); i++) {
		const struct count_case *c = &count_cases[i];
		long long v = -1;
		int ok = parse_count(c->s, &v);

		if (ok != c->ok)
			fail_msg("parse_count(\"%s\") = %d, want %d", c->s, ok, c->ok);
		if (ok && v != c->want)
			fail_msg("parse_count(\"%s\") = %lld, want %lld", c->s, v, c->want);
	}
}

static void
parse_count_rejects_null(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse_count(NULL, &v), 0);
}

/* ---- date_valid ---- */

struct date_case {
	const char *s;
	int         valid;
};

static const struct date_case date_cases[] = {
	{ "2024-02-29", 1 },   /* leap year */
	{ "2000-02-29", 1 },   /* divisible by 400 */
	{ "2023-02-29", 0 },
	{ "1900-02-29", 0 },   /* divisible by 100, not 400 */
	{ "2023-02-28", 1 },
	{ "2019-10-13", 1 },
	{ "2019-12-31", 1 },
	{ "2019-04-31", 0 },
	{ "2019-02-30", 0 },
	{ "2015-12-32", 0 },
	{ "2019-13-01", 0 },
	{ "2019-00-10", 0 },
	{ "2019-10-00", 0 },
	{ "2019-1-13",  0 },
	{ "2019/10/13", 0 },
	{ "2019-10-13 ", 0 },
	{ "2019-10-13T00:00:00Z", 0 },  /* a timestamp is not a date */
	{ "",           0 },
	{ "abcd-ef-gh", 0 },
};

static void
date_valid_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(date_cases); i++)
		if (date_valid(date_cases[i].s) != date_cases[i].valid)
			fail_msg("date_valid(\"%s\") != %d", date_cases[i].s, date_cases[i].valid);
	assert_int_equal(date_valid(NULL), 0);
}

/* ---- date_from_timestamp ---- */

struct ts_case {
	const char *s;
	const char *want;    /* NULL: rejected */
};

static const struct ts_case ts_cases[] = {
	{ "2019-10-14",                "2019-10-14" },
	{ "2019-10-14T00:00:00+00:00", "2019-10-14" },
	{ "2019-10-14T23:30:00-05:00", "2019-10-14" },
	{ "2023-12-31T23:59:59",       "2023-12-31" },
	{ "2024-06-30 00:00:00",       "2024-06-30" },
	{ "2024-06-30T12:00:00Z",      "2024-06-30" },
	{ "2024-06-30T12:00Z",         "2024-06-30" },
	{ "2024-06-30T12:00:00.123Z",  "2024-06-30" },
	{ "2024-02-29T10:00:00Z",      "2024-02-29" },
	{ "2015-12-32T12:00:00Z",      NULL },
	{ "2023-02-29T00:00:00Z",      NULL },
	{ "2024-06-30T25:00:00",       NULL },
	{ "2024-06-30T12:60:00",       NULL },
	{ "2024-06-30T12:00:61",       NULL },
	{ "2024-06-30T12:00:00.Z",     NULL },
	{ "2024-06-30T12:00:00+24:00", NULL },
	{ "2024-06-30T12:00:00+0100",  NULL },
	{ "2024-06-30T12:00:00Zjunk",  NULL },
	{ "2024-06-30junk",            NULL },
	{ "2024-06-30 ",               NULL },
	{ "2024-06-30T",               NULL },
	{ "2024-06-30T1",              NULL },
	{ "2024-06",                   NULL },
	{ "",                          NULL },
	/* written in words, as libhxl's samples do ("1 March 2015") */
	{ "1 March 2015",              "2015-03-01" },
	{ "13 Oct 2019",               "2019-10-13" },
	{ "March 1, 2015",             "2015-03-01" },
	{ "october 13 2019",           "2019-10-13" },
	{ "29 February 2023",          NULL },
	{ "31 April 2015",             NULL },
	{ "1 Marchh 2015",             NULL },
	{ "1 March 15",                NULL },
	{ "1 March 2015 noon",         NULL },
	{ "March 2015",                NULL },
	{ "0 March 2015",              NULL },
	{ "03-18-14",                  NULL },   /* all numbers: not read either way */
	{ "1.5 March 2015",            NULL },
	/* words split by single spaces only; numbers are digits (fuzz_strutil found these) */
	{ "dec\v\v5\v1911",             NULL },
	{ "Dec 5 1911",                "1911-12-05" },
	{ " Dec 5 1911",               NULL },
	{ "Dec  5 1911",               NULL },
	{ "Dec\t5 1911",               NULL },
	{ "Dec +5 1911",               NULL },
	{ "Dec 5 +1911",               NULL },
};

static void
date_from_timestamp_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(ts_cases); i++) {
		const struct ts_case *c = &ts_cases[i];
		char out[11] = "unchanged";
		int ok = date_from_timestamp(c->s, out);

		if (ok != (c->want != NULL))
			fail_msg("date_from_timestamp(\"%s\") = %d", c->s, ok);
		if (ok && strcmp(out, c->want) != 0)
			fail_msg("date_from_timestamp(\"%s\") wrote \"%s\", want \"%s\"", c->s, out,
			    c->want);
	}
}

/* ---- slugify ---- */

struct slug_case {
	const char *in;
	const char *want;    /* "" with length 0 when nothing is left */
};

static const struct slug_case slug_cases[] = {
	{ "Syrian Observatory for Human Rights (SOHR)", "syrian-observatory-for-human-rights-sohr" },
	{ "T\xC3\xBCrkiye",          "t-rkiye" },          /* non-ASCII bytes separate */
	{ "\xC3\x9C" "ber",          "ber" },              /* a leading one is dropped */
	{ "Caf\xC3\xA9",             "caf" },              /* a trailing one too */
	{ "  --Ain   Issa--  ",      "ain-issa" },
	{ "Ar-Raqqa",                "ar-raqqa" },
	{ "UNHCR",                   "unhcr" },
	{ "a1_b2.c3",                "a1-b2-c3" },
	{ "!!!",                     "" },
	{ "",                        "" },
};

static void
slugify_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(slug_cases); i++) {
		const struct slug_case *c = &slug_cases[i];
		char out[64];
		size_t n = slugify(c->in, out, sizeof out);

		if (strcmp(out, c->want) != 0 || n != strlen(c->want))
			fail_msg("slugify(\"%s\") = \"%s\" (%zu), want \"%s\"", c->in, out, n, c->want);
	}
}

static void
slugify_too_small_buffer_returns_zero(void **state)
{
	char out[4];

	(void)state;
	memset(out, 'x', sizeof out);
	assert_int_equal(slugify("abcd", out, sizeof out), 0);   /* 4 + NUL > 4 */
	assert_string_equal(out, "");
	assert_int_equal(slugify("a b", out, 3), 0);             /* "a-b" + NUL > 3 */
	assert_int_equal(slugify("abc", out, 0), 0);
}

static void
slug_shorten_cuts_at_a_word(void **state)
{
	char s[] = "united-nations-office-for-the-coordination-of-humanitarian-affairs-ocha";
	char t[] = "abcdefghij";
	char u[] = "short";

	size_t n;

	(void)state;
	n = slug_shorten(s, 64);
	assert_int_equal(n, strlen(s));
	assert_string_equal(s, "united-nations-office-for-the-coordination-of-humanitarian");
	assert_int_equal(slug_shorten(t, 4), 4);      /* no '-': a hard cut */
	assert_string_equal(t, "abcd");
	assert_int_equal(slug_shorten(u, 64), 5);     /* fits: untouched */
	assert_string_equal(u, "short");
}

static void
slugify_exact_fit(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(slugify("a b", out, sizeof out), 3);
	assert_string_equal(out, "a-b");
}

/* ---- code_valid ---- */

struct code_case {
	const char *s;
	int         valid;
};

#define C64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct code_case code_cases[] = {
	{ C64,              1 },
	{ C64 "a",          0 },
	{ "SYR",            1 },
	{ "SYR-ar-raqqa",   1 },
	{ "a",              1 },
	{ "9",              1 },
	{ "v1.2_x",         1 },
	{ "-abc",           0 },
	{ ".abc",           0 },
	{ "_abc",           0 },
	{ "a b",            0 },
	{ "x'--",           0 },
	{ "a/b",            0 },
	{ "a%20",           0 },
	{ "caf\xC3\xA9",    0 },
	{ "\xC3\xA9t\xC3\xA9", 0 },
	{ "",               0 },
};

static void
code_valid_table(void **state)
{
	(void)state;
	assert_int_equal(strlen(C64), 64);
	for (size_t i = 0; i < N(code_cases); i++)
		if (code_valid(code_cases[i].s) != code_cases[i].valid)
			fail_msg("code_valid(\"%s\") != %d", code_cases[i].s, code_cases[i].valid);
	assert_int_equal(code_valid(NULL), 0);
}

/* ---- int_text ---- */

static void
int_text_writes_every_magnitude_like_printf(void **state)
{
	static const long long cases[] = {
		0, 7, -7, 9, 10, 99, 100, 130000, -130000, 1000000007LL,
		9007199254740993LL, /* above 2^53: a double would round it */
		9223372036854775807LL, -9223372036854775807LL - 1,
	};
	char out[INT_TEXT_MAX], want[32];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		size_t len = int_text(cases[i], out);

		snprintf(want, sizeof want, "%lld", cases[i]);
		assert_string_equal(out, want);
		assert_int_equal(len, strlen(want));
	}
	/* every length: each power of ten, the number before it, and their negatives */
	for (long long p = 1; p <= 1000000000000000000LL; p *= 10) {
		const long long around[] = { p, p - 1, -p, 1 - p, p + 1 };

		for (size_t i = 0; i < N(around); i++) {
			size_t len = int_text(around[i], out);

			snprintf(want, sizeof want, "%lld", around[i]);
			assert_string_equal(out, want);
			assert_int_equal(len, strlen(want));
		}
		if (p > 100000000000000000LL)
			break;
	}
}

/* ---- strlcpy_n, time_now_iso ---- */

static void
strlcpy_n_truncates_and_terminates(void **state)
{
	char out[4];

	(void)state;
	strlcpy_n(out, sizeof out, "abcdef", 6);
	assert_string_equal(out, "abc");
	strlcpy_n(out, sizeof out, "abcdef", 2);
	assert_string_equal(out, "ab");
}

static void
time_now_iso_has_the_iso_shape(void **state)
{
	char out[21], date[11];

	(void)state;
	time_now_iso(out);
	assert_int_equal(strlen(out), 20);
	assert_int_equal(out[10], 'T');
	assert_int_equal(out[19], 'Z');
	assert_int_equal(date_from_timestamp(out, date), 1);
	/* as strftime writes it, at the second before or after (written by hand now) */
	for (int tries = 0; tries < 3; tries++) {
		time_t t0 = time(NULL), t1;
		struct tm tm;
		char want[21];

		time_now_iso(out);
		t1 = time(NULL);
		if (t0 != t1)
			continue;
		gmtime_r(&t0, &tm);
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
		assert_string_equal(out, want);
		return;
	}
	fail_msg("time_now_iso: the clock moved on every try");
}

static void
iso_time_reads_what_time_now_iso_writes(void **state)
{
	char now[21];

	(void)state;
	assert_int_equal(iso_time("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(iso_time("2019-10-13T12:30:05Z"), 1570969805);
	time_now_iso(now);
	assert_true(iso_time(now) != (time_t)-1);
	assert_int_equal(iso_time("2019-10-13"), -1);
	assert_int_equal(iso_time("2019-10-13T12:30:05"), -1);
	assert_int_equal(iso_time("2019-10-13T12:30:05Z junk"), -1);
	assert_int_equal(iso_time(""), -1);
}

static void
country_code_three_ascii_letters_upper_cased(void **state)
{
	char out[4];

	(void)state;
	assert_true(country_code("syr", 3, out));
	assert_string_equal(out, "SYR");
	assert_true(country_code("SYR/figures", 3, out));
	assert_string_equal(out, "SYR");
	assert_false(country_code("SY", 2, out));
	assert_false(country_code("SYRI", 4, out));
	assert_false(country_code("S1R", 3, out));
	assert_false(country_code("S R", 3, out));
	assert_false(country_code("\xc3\xa9" "A", 3, out));
	assert_false(country_code(NULL, 3, out));
}

/* The published FNV-1a 64 vectors; the 128-bit lanes split as stored fingerprints expect. */
static void
fnv1a_known_vectors(void **state)
{
	uint64_t h[2] = { FNV1A_OFFSET, FNV1A_OFFSET_LANE2 };

	(void)state;
	assert_true(fnv1a(FNV1A_OFFSET, "", 0) == 0xcbf29ce484222325ULL);
	assert_true(fnv1a(FNV1A_OFFSET, "a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(fnv1a(FNV1A_OFFSET, "foobar", 6) == 0x85944171f73967e8ULL);
	assert_true(fnv1a(fnv1a(FNV1A_OFFSET, "foo", 3), "bar", 3) == 0x85944171f73967e8ULL);
	fnv1a_128(h, "foobar", 6);
	assert_true(h[0] == 0x85944171f73967e8ULL);
	assert_true(h[1] == 0x5898110f022c12f1ULL);   /* what stored fingerprints were made with */
}

/* Invalid bytes become '?', valid characters stay, whatever surrounds them. */
static void
utf8_scrub_keeps_valid_characters(void **state)
{
	char s[] = "a\xd8\xb9 'abc\xd8' \xff\xe2\x80\xa6 \xe2\x80";

	(void)state;
	utf8_scrub(s);
	assert_string_equal(s, "a\xd8\xb9 'abc?' ?\xe2\x80\xa6 ??");
	assert_true(utf8_valid(s, strlen(s)));
}

/* A cut never splits a character: 250 × "ع" (2 bytes each) into odd and even sizes. */
static void
utf8_copy_cuts_between_characters(void **state)
{
	char in[501], out[8];

	(void)state;
	for (int i = 0; i < 250; i++)
		memcpy(in + 2 * i, "\xd8\xb9", 2);
	in[500] = '\0';
	assert_int_equal(utf8_copy(out, 8, in), 6);   /* 7 bytes of room: 3 whole letters */
	assert_true(utf8_valid(out, strlen(out)));
	assert_int_equal(utf8_copy(out, 7, in), 6);
	assert_int_equal(utf8_copy(out, 2, in), 0);
	assert_string_equal(out, "");
	assert_int_equal(utf8_copy(out, 8, "abc"), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(utf8_copy(out, 4, "a\xe2\x80\xa6"), 1);   /* "a…" into 3 bytes */
	assert_string_equal(out, "a");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_valid_table),
		cmocka_unit_test(utf8_valid_checks_only_n_bytes),
		cmocka_unit_test(parse_int64_table),
		cmocka_unit_test(parse_int64_rejects_null),
		cmocka_unit_test(parse_count_table),
		cmocka_unit_test(parse_count_rejects_null),
		cmocka_unit_test(date_valid_table),
		cmocka_unit_test(date_from_timestamp_table),
		cmocka_unit_test(slugify_table),
		cmocka_unit_test(slugify_too_small_buffer_returns_zero),
		cmocka_unit_test(slugify_exact_fit),
		cmocka_unit_test(slug_shorten_cuts_at_a_word),
		cmocka_unit_test(code_valid_table),
		cmocka_unit_test(int_text_writes_every_magnitude_like_printf),
		cmocka_unit_test(strlcpy_n_truncates_and_terminates),
		cmocka_unit_test(time_now_iso_has_the_iso_shape),
		cmocka_unit_test(iso_time_reads_what_time_now_iso_writes),
		cmocka_unit_test(country_code_three_ascii_letters_upper_cased),
		cmocka_unit_test(fnv1a_known_vectors),
		cmocka_unit_test(utf8_copy_cuts_between_characters),
		cmocka_unit_test(utf8_scrub_keeps_valid_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
