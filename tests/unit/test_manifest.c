/*
 * test_manifest.c: a snapshot's checksum (core/sha256.h), its manifest
 * (core/manifest.h: what a read node accepts from another machine) and the
 * follower's state file (core/follow_state.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/follow_state.h"
#include "core/manifest.h"
#include "core/sha256.h"

#define HEX64 "de6dba715c4cbf4132c9765847741cc69cb8bddbdb09992634c925fe59b1c3b7"
#define GOOD "{\"version\": 42, \"data_as_of\": \"2026-11-30T12:00:00Z\", \"file\": " \
	"\"figures-42.db\", \"size\": 1048576, \"sha256\": \"" HEX64 "\", \"schema_version\": 15, " \
	"\"published_at\": \"2026-11-30T12:00:03Z\"}"

static const char *
digest(const void *data, size_t n, size_t step)
{
	static char hex[SHA256_HEX];
	struct sha256 s;

	sha256_init(&s);
	for (size_t i = 0; i < n; i += step)
		sha256_update(&s, (const char *)data + i, n - i < step ? n - i : step);
	sha256_final_hex(&s, hex);
	return hex;
}

static void
sha256_known_answers(void **state)
{
	static char million[1000000];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	assert_string_equal(digest("", 0, 1),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_string_equal(digest("abc", 3, 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the length no longer fits the first block */
	assert_string_equal(digest(two, strlen(two), 56),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* in pieces of every size: the same digest */
	for (size_t step = 1; step < 70; step++)
		assert_string_equal(digest(two, strlen(two), step),
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof million);
	assert_string_equal(digest(million, sizeof million, 4096),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
a_good_manifest_is_read_whole(void **state)
{
	struct manifest m;
	char err[ERR_MAX];

	(void)state;
	assert_int_equal(manifest_parse(GOOD, strlen(GOOD), &m, err), ST_OK);
	assert_int_equal(m.version, 42);
	assert_string_equal(m.data_as_of, "2026-11-30T12:00:00Z");
	assert_string_equal(m.file, "figures-42.db");
	assert_int_equal(m.size, 1048576);
	assert_string_equal(m.sha256, HEX64);
	assert_int_equal(m.schema_version, 15);
	assert_string_equal(m.published_at, "2026-11-30T12:00:03Z");
	/* a newer publisher's fields are ignored; no NUL needed at len */
	{
		char more[1024], *cut = strdup(GOOD "trailing");

		snprintf(more, sizeof more, "{\"future\": [1, 2], %s", GOOD + 1);

		assert_int_equal(manifest_parse(more, strlen(more), &m, err), ST_OK);
		assert_int_equal(manifest_parse(cut, strlen(GOOD), &m, err), ST_OK);
		free(cut);
	}
}

static void
format_then_parse_is_the_same(void **state)
{
	struct manifest m, again;
	char err[ERR_MAX], *text;

	(void)state;
	assert_int_equal(manifest_parse(GOOD, strlen(GOOD), &m, err), ST_OK);
	assert_non_null(text = manifest_format(&m));
	assert_int_equal(manifest_parse(text, strlen(text), &again, err), ST_OK);
	assert_memory_equal(&m, &again, sizeof m);
	free(text);
}

/* A manifest a read node must refuse, and what its error must say. */
struct reject {
	const char *name;       /* what is wrong, for the failure message */
	const char *field;      /* GOOD with this field's value replaced by input; NULL: input whole */
	const char *input;
	const char *needle;     /* in the error */
	enum status want;       /* 0: ST_INVALID */
	size_t      pad_to;     /* 0, or input padded with spaces to this many bytes */
};

static const struct reject rejects[] = {
	{ "negative version", "version", "-1", "\"version\" is -1, not a whole number" },
	{ "fractional version", "version", "1.5", "\"version\"" },
	{ "version as a string", "version", "\"42\"", "\"version\" is of another type" },
	{ "version past exact doubles", "version", "1e300", "\"version\"" },
	{ "empty snapshot", "size", "0", "\"size\"" },
	{ "schema version 0", "schema_version", "0", "\"schema_version\"" },
	{ "data_as_of not a time", "data_as_of", "\"yesterday\"", "\"data_as_of\" is not a time" },
	{ "data_as_of null", "data_as_of", "null", "\"data_as_of\" is of another type" },
	{ "published_at with more after the time", "published_at",
	    "\"2026-11-30T12:00:00Z and more\"", "\"published_at\"" },
	{ "sha256 too long", "sha256", "\"" HEX64 "00\"", "\"sha256\"" },
	{ "sha256 upper-case", "sha256",
	    "\"DE6DBA715C4CBF4132C9765847741CC69CB8BDDBDB09992634C925FE59B1C3B7\"",
	    "\"sha256\" is not 64 lower-case hex digits" },
	{ "sha256 not hex", "sha256", "\"xyz\"", "\"sha256\"" },
	/* a file name is resolved against the manifest's URL: never a path */
	{ "file going up", "file", "\"../figures.db\"", "not a plain file name" },
	{ "file absolute", "file", "\"/etc/passwd\"", "not a plain file name" },
	{ "file a URL", "file", "\"https://elsewhere.example/x.db\"", "not a plain file name" },
	{ "file hidden", "file", "\".hidden.db\"", "not a plain file name" },
	{ "file empty", "file", "\"\"", "not a plain file name" },
	{ "an array", NULL, "[]", "not a JSON object" },
	{ "cut short", NULL, "{", "not a JSON object" },
	{ "empty", NULL, "", "not a JSON object" },
	{ "no fields", NULL, "{}", "\"version\" is missing" },
	{ "too big", NULL, GOOD, "a manifest may have", ST_TOO_BIG, MANIFEST_MAX + 1 },
};

/* The text case c stands for, in buf (size bytes); its length in *len. */
static const char *
reject_text(const struct reject *c, char *buf, size_t size, size_t *len)
{
	char key[64];
	const char *at, *end;

	if (c->field == NULL && c->pad_to == 0) {
		*len = strlen(c->input);
		return c->input;
	}
	if (c->field == NULL) {
		assert_true(c->pad_to < size);
		memset(buf, ' ', c->pad_to);
		memcpy(buf, c->input, strlen(c->input));
		*len = c->pad_to;
		return buf;
	}
	snprintf(key, sizeof key, "\"%s\": ", c->field);
	at = strstr(GOOD, key);
	assert_non_null(at);
	at += strlen(key);
	end = strpbrk(at + (*at == '"'), *at == '"' ? "\"" : ",}");
	end += *at == '"';
	snprintf(buf, size, "%.*s%s%s", (int)(at - GOOD), GOOD, c->input, end);
	*len = strlen(buf);
	return buf;
}

static void
every_field_is_checked(void **state)
{
	static char buf[MANIFEST_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		const struct reject *c = &rejects[i];
		enum status want = c->want ? c->want : ST_INVALID, got;
		char err[ERR_MAX] = "";
		struct manifest m;
		const char *text;
		size_t len;

		text = reject_text(c, buf, sizeof buf, &len);
		memset(&m, 0xff, sizeof m);
		got = manifest_parse(text, len, &m, err);
		if (got != want)
			fail_msg("%s: status %d, not %d, for %.200s", c->name, (int)got,
			    (int)want, text);
		if (strstr(err, c->needle) == NULL)
			fail_msg("%s: '%s' does not say '%s'", c->name, err, c->needle);
		if (m.version != 0)
			fail_msg("%s: the manifest is left half-filled", c->name);
	}
}

static void
file_names(void **state)
{
	char longest[MANIFEST_FILE + 1];

	(void)state;
	assert_true(manifest_file_name_valid("figures-42.db"));
	assert_true(manifest_file_name_valid("a"));
	assert_false(manifest_file_name_valid("a/b"));
	assert_false(manifest_file_name_valid(".."));
	assert_false(manifest_file_name_valid("a b"));
	assert_false(manifest_file_name_valid("a%2fb"));
	memset(longest, 'a', sizeof longest);
	longest[MANIFEST_FILE] = '\0';        /* 128 bytes: no room for its NUL */
	assert_false(manifest_file_name_valid(longest));
	longest[MANIFEST_FILE - 1] = '\0';    /* 127 */
	assert_true(manifest_file_name_valid(longest));
}

static void
follow_state_round_trip(void **state)
{
	char dir[] = "/tmp/figures-unit-XXXXXX", path[256], err[ERR_MAX];
	struct follow_state st, back;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f.db.follow.json", dir);
	assert_int_equal(follow_state_read(path, &back, err), ST_NOT_FOUND);
	memset(&st, 0, sizeof st);
	snprintf(st.url, sizeof st.url, "https://w.example/snapshots/manifest.json?token=\"x\"");
	st.version = 7;
	snprintf(st.data_as_of, sizeof st.data_as_of, "2026-11-30T12:00:00Z");
	snprintf(st.file, sizeof st.file, "figures-7.db");
	snprintf(st.etag, sizeof st.etag, "\"5f3c-e9\"");
	snprintf(st.last_error, sizeof st.last_error, "a \"quoted\"\nline");
	st.max_age = 900;
	assert_int_equal(follow_state_write(path, &st, err), ST_OK);
	assert_int_equal(follow_state_read(path, &back, err), ST_OK);
	assert_memory_equal(&st, &back, sizeof st);
	f = fopen(path, "w");
	fputs("not json", f);
	fclose(f);
	assert_int_equal(follow_state_read(path, &back, err), ST_INVALID);
	assert_non_null(strstr(err, "run figures-refresh --follow again"));
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_known_answers),
		cmocka_unit_test(a_good_manifest_is_read_whole),
		cmocka_unit_test(format_then_parse_is_the_same),
		cmocka_unit_test(every_field_is_checked),
		cmocka_unit_test(file_names),
		cmocka_unit_test(follow_state_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
