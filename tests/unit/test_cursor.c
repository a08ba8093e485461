/*
 * test_cursor.c: paging cursors (api/cursor.h): what is encoded decodes to
 * the same values, a cursor of one kind is refused as another, and tokens
 * we did not issue are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/cursor.h"

#define TOKEN_SIZE (CURSOR_MAX + 1)

/* 1 if token is only [A-Za-z0-9_-]: safe in a URL without escaping. */
static int
is_base64url(const char *token)
{
	for (const char *p = token; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static void
cursor_figure_roundtrip(void **state)
{
	static const struct { const char *date; long long id; } cases[] = {
		{ "2019-10-13", 42 }, { "2024-02-29", 1 }, { "1999-01-01", 1234567 },
		{ "2019-10-13", 1LL << 62 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char token[TOKEN_SIZE], date[11] = "";
		long long id = 0;

		cursor_encode_figure(cases[i].date, cases[i].id, token, sizeof token);
		assert_true(token[0] != '\0');
		assert_true(is_base64url(token));
		assert_int_equal(cursor_decode_figure(token, date, &id), 1);
		assert_string_equal(date, cases[i].date);
		assert_int_equal(id, cases[i].id);
	}
}

static void
cursor_figure_token_is_stable(void **state)
{
	char token[TOKEN_SIZE];

	(void)state;
	/* base64url of "f1|2019-10-13|42", no padding */
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	assert_string_equal(token, "ZjF8MjAxOS0xMC0xM3w0Mg");
}

static void
cursor_code_roundtrip_locations_and_sources(void **state)
{
	static const struct { char kind; const char *code; } cases[] = {
		{ 'l', "ain-issa-camp" }, { 'l', "SYR" }, { 'l', "SYR-ar-raqqa" },
		{ 's', "unhcr" }, { 's', "a" }, { 's', "v1.2_x" },
		{ 'l', "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char token[TOKEN_SIZE], code[65] = "";

		cursor_encode_code(cases[i].kind, cases[i].code, token, sizeof token);
		assert_true(is_base64url(token));
		assert_int_equal(cursor_decode_code(token, cases[i].kind, code, sizeof code), 1);
		assert_string_equal(code, cases[i].code);
	}
}

static void
cursor_location_rejected_as_source(void **state)
{
	char token[TOKEN_SIZE], code[65] = "";

	(void)state;
	cursor_encode_code('l', "ain-issa-camp", token, sizeof token);
	assert_int_equal(cursor_decode_code(token, 's', code, sizeof code), 0);
}

static void
cursor_location_rejected_as_figure(void **state)
{
	char token[TOKEN_SIZE], date[11];
	long long id;

	(void)state;
	cursor_encode_code('l', "2019-10-13", token, sizeof token);
	assert_int_equal(cursor_decode_figure(token, date, &id), 0);
	cursor_encode_code('l', "ain-issa-camp", token, sizeof token);
	assert_int_equal(cursor_decode_figure(token, date, &id), 0);
}

static void
cursor_figure_rejected_as_code(void **state)
{
	char token[TOKEN_SIZE], code[65];

	(void)state;
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	assert_int_equal(cursor_decode_code(token, 'l', code, sizeof code), 0);
	assert_int_equal(cursor_decode_code(token, 's', code, sizeof code), 0);
}

static void
cursor_code_too_long_for_buffer_rejected(void **state)
{
	char token[TOKEN_SIZE], code[5];

	(void)state;
	cursor_encode_code('s', "unhcr", token, sizeof token);
	assert_int_equal(cursor_decode_code(token, 's', code, sizeof code), 0);
}

static void
cursor_code_with_invalid_code_rejected(void **state)
{
	static const char *const codes[] = { "bad code", "-x", "x'--", "" };
	char token[TOKEN_SIZE], code[65];

	(void)state;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		cursor_encode_code('l', codes[i], token, sizeof token);
		if (cursor_decode_code(token, 'l', code, sizeof code) != 0)
			fail_msg("a cursor for code \"%s\" was accepted", codes[i]);
	}
}

/* ---- tampered tokens ---- */

static int
figure_ok(const char *token)
{
	char date[11];
	long long id;

	return cursor_decode_figure(token, date, &id);
}

static void
cursor_tampered_first_char_rejected(void **state)
{
	char token[TOKEN_SIZE];

	(void)state;
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	/* the first character holds the top bits of 'f' */
	token[0] = token[0] == 'A' ? 'B' : 'A';
	assert_int_equal(figure_ok(token), 0);
	token[0] = 'a';
	assert_int_equal(figure_ok(token), 0);
}

static void
cursor_tampered_last_char_rejected(void **state)
{
	char token[TOKEN_SIZE];
	size_t n;

	(void)state;
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	n = strlen(token);
	assert_int_equal(n % 4, 2);        /* 16 bytes: 4 bits of padding in the last char */
	token[n - 1] = 'h';                /* 'h' = 33 = 100001: a padding bit set */
	assert_int_equal(figure_ok(token), 0);
}

static void
cursor_truncated_rejected(void **state)
{
	char token[TOKEN_SIZE];
	size_t n;

	(void)state;
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	n = strlen(token);
	token[n - 1] = '\0';               /* 21 characters: not a base64 length */
	assert_int_equal(figure_ok(token), 0);
	token[16] = '\0';                  /* 12 bytes: "f1|2019-10-1" */
	assert_int_equal(figure_ok(token), 0);
	token[4] = '\0';                   /* "f1|" */
	assert_int_equal(figure_ok(token), 0);
}

static void
cursor_padded_with_equals_rejected(void **state)
{
	char token[TOKEN_SIZE];

	(void)state;
	cursor_encode_figure("2019-10-13", 42, token, sizeof token);
	memcpy(token + strlen(token), "==", 3);
	assert_int_equal(figure_ok(token), 0);
}

static void
cursor_non_base64url_char_rejected(void **state)
{
	static const char bad[] = { '+', '/', '.', '=', ' ', '%', '~' };
	char token[TOKEN_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof bad; i++) {
		cursor_encode_figure("2019-10-13", 42, token, sizeof token);
		token[5] = bad[i];
		if (figure_ok(token))
			fail_msg("a token with '%c' was accepted", bad[i]);
	}
}

static void
cursor_empty_rejected(void **state)
{
	char code[65];

	(void)state;
	assert_int_equal(figure_ok(""), 0);
	assert_int_equal(cursor_decode_code("", 'l', code, sizeof code), 0);
}

static void
cursor_longer_than_cursor_max_rejected(void **state)
{
	char token[CURSOR_MAX + 8], code[65];

	(void)state;
	/* a valid cursor followed by more base64url: CURSOR_MAX + 4 characters */
	cursor_encode_code('l', "SYR", token, sizeof token);
	while (strlen(token) < CURSOR_MAX + 4)
		memcpy(token + strlen(token), "YWFh", 5);   /* "aaa" */
	assert_int_equal(strlen(token), CURSOR_MAX + 4);
	assert_int_equal(cursor_decode_code(token, 'l', code, sizeof code), 0);
	assert_int_equal(figure_ok(token), 0);
}

static void
cursor_decoded_invalid_date_rejected(void **state)
{
	static const char *const dates[] = { "2019-02-30", "2023-02-29", "2019-13-01",
	    "19-10-13", "2019-10-1x" };
	char token[TOKEN_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		cursor_encode_figure(dates[i], 42, token, sizeof token);
		if (figure_ok(token))
			fail_msg("a cursor dated \"%s\" was accepted", dates[i]);
	}
}

static void
cursor_decoded_bad_id_rejected(void **state)
{
	static const long long ids[] = { 0, -1, (1LL << 62) + 1 };
	char token[TOKEN_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		cursor_encode_figure("2019-10-13", ids[i], token, sizeof token);
		if (figure_ok(token))
			fail_msg("a cursor with id %lld was accepted", ids[i]);
	}
}

static void
cursor_decoded_malformed_figure_text_rejected(void **state)
{
	/* "f" + "1|" + rest: encode_code writes "<kind>1|<rest>" for any text */
	static const char *const rests[] = {
		"2019-10-13|42x", "2019-10-13|", "2019-10-13", "2019-10-13x42", "2019-10-13|4 2",
		"2019-10-13||42",
	};
	char token[TOKEN_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof rests / sizeof rests[0]; i++) {
		cursor_encode_code('f', rests[i], token, sizeof token);
		if (figure_ok(token))
			fail_msg("the cursor text \"f1|%s\" was accepted", rests[i]);
	}
}

static void
cursor_figure_text_via_code_encoder_accepted(void **state)
{
	char token[TOKEN_SIZE], date[11];
	long long id = 0;

	(void)state;
	/* the control for the test above: the same route with a good text decodes */
	cursor_encode_code('f', "2019-10-13|42", token, sizeof token);
	assert_int_equal(cursor_decode_figure(token, date, &id), 1);
	assert_int_equal(id, 42);
}

/* Regression: a text whose token exactly fills the buffer kept its last group (fuzz_cursor). */
static void
cursor_text_round_trips_when_the_token_fills_the_buffer(void **state)
{
	char text[160], token[CURSOR_MAX + 1], back[CURSOR_MAX];

	(void)state;
	for (size_t n = 1; n < 148; n++) {
		memset(text, 'a', n);
		text[n] = '\0';
		if (!cursor_encode_text('g', text, token, sizeof token))
			continue;   /* too long for a cursor: refused, never cut */
		assert_true(cursor_decode_text(token, 'g', back, sizeof back));
		assert_string_equal(back, text);
	}
}

/*
 * Issue 15.4: the summary's cursor carries any group ingest accepts, whole:
 * the longest ids, facet and group (GROUP_MAX bytes, in a 2-byte script and
 * in ASCII, with the separators the cursor uses) round-trip within CURSOR_MAX.
 */
static void
cursor_text_carries_the_longest_summary_key(void **state)
{
	char facet[FACET_MAX], group[GROUP_MAX + 1], text[CURSOR_TEXT_MAX];
	char token[CURSOR_MAX + 1], back[CURSOR_TEXT_MAX];

	(void)state;
	memset(facet, 'f', FACET_MAX - 1);
	facet[FACET_MAX - 1] = '\0';
	for (int script = 0; script < 2; script++) {
		for (size_t i = 0; i < GROUP_MAX; i += 2)
			memcpy(group + i, script ? "\u0639" : "|:", 2);
		group[GROUP_MAX] = '\0';
		snprintf(text, sizeof text, "%lld|%lld|%s|%s", 1LL << 40, 1LL << 40, facet, group);
		assert_int_equal(strlen(text) + 3 + 1, CURSOR_TEXT_MAX);
		assert_true(cursor_encode_text('g', text, token, sizeof token));
		assert_true(strlen(token) <= CURSOR_MAX);
		assert_true(is_base64url(token));
		assert_true(cursor_decode_text(token, 'g', back, sizeof back));
		assert_string_equal(back, text);
	}
	/* one byte more is refused, never cut */
	snprintf(text + strlen(text), sizeof text - strlen(text), "x");
	assert_false(cursor_encode_text('g', text, token, sizeof token));
}

/* A text a cursor may not carry is refused by the encoder, not issued and then refused. */
static void
cursor_text_with_a_control_character_is_not_encoded(void **state)
{
	static const char *const texts[] = { "1|2||tab\there", "1|2||cr\r", "1|2||lf\n",
		"1|2||del\x7f", "1|2||bad \xc3\x28" };
	char token[CURSOR_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (cursor_encode_text('g', texts[i], token, sizeof token))
			fail_msg("text %zu was encoded: %s", i, token);
	assert_true(cursor_encode_text('g', "1|2||IDPs in camps", token, sizeof token));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cursor_text_carries_the_longest_summary_key),
		cmocka_unit_test(cursor_text_with_a_control_character_is_not_encoded),
		cmocka_unit_test(cursor_text_round_trips_when_the_token_fills_the_buffer),
		cmocka_unit_test(cursor_figure_roundtrip),
		cmocka_unit_test(cursor_figure_token_is_stable),
		cmocka_unit_test(cursor_code_roundtrip_locations_and_sources),
		cmocka_unit_test(cursor_location_rejected_as_source),
		cmocka_unit_test(cursor_location_rejected_as_figure),
		cmocka_unit_test(cursor_figure_rejected_as_code),
		cmocka_unit_test(cursor_code_too_long_for_buffer_rejected),
		cmocka_unit_test(cursor_code_with_invalid_code_rejected),
		cmocka_unit_test(cursor_tampered_first_char_rejected),
		cmocka_unit_test(cursor_tampered_last_char_rejected),
		cmocka_unit_test(cursor_truncated_rejected),
		cmocka_unit_test(cursor_padded_with_equals_rejected),
		cmocka_unit_test(cursor_non_base64url_char_rejected),
		cmocka_unit_test(cursor_empty_rejected),
		cmocka_unit_test(cursor_longer_than_cursor_max_rejected),
		cmocka_unit_test(cursor_decoded_invalid_date_rejected),
		cmocka_unit_test(cursor_decoded_bad_id_rejected),
		cmocka_unit_test(cursor_decoded_malformed_figure_text_rejected),
		cmocka_unit_test(cursor_figure_text_via_code_encoder_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
