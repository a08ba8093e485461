/*
 * test_feeds_state.c: the feeds' fetch state a writer publishes as
 * feeds.json and a read node accepts from another machine
 * (core/feeds_state.h), and its overlay on a snapshot's feed rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/feeds_state.h"
#include "core/strutil.h"

#define FEED_OK "{\"code\": \"hapi\", \"last_attempt\": \"2026-11-30T12:00:00Z\", " \
	"\"last_success\": \"2026-11-30T12:00:00Z\", \"last_error\": null, " \
	"\"consecutive_failures\": 0, \"rows_added\": 3, \"rows_changed\": 1, " \
	"\"rows_unchanged\": 40, \"rows_rejected\": 2}"
#define FEED_FAILING "{\"code\": \"unhcr\", \"last_attempt\": \"2026-11-30T13:00:00Z\", " \
	"\"last_success\": \"2026-11-29T12:00:00Z\", \"last_error\": \"HTTP 500\", " \
	"\"consecutive_failures\": 2, \"rows_added\": 0, \"rows_changed\": 0, " \
	"\"rows_unchanged\": 0, \"rows_rejected\": 0}"
#define HEAD "{\"feeds_version\": 57, \"data_version\": 42, " \
	"\"published_at\": \"2026-11-30T13:00:03Z\", \"feeds\": ["
#define GOOD HEAD FEED_OK ", " FEED_FAILING "]}"

static enum status
parse(const char *text, struct feeds_state *fs, char *err)
{
	return feeds_state_parse(text, strlen(text), fs, err);
}

static void
a_good_file_is_read_whole(void **state)
{
	struct feeds_state fs;
	const struct feed_fetch *f;
	char err[ERR_MAX] = "";

	(void)state;
	assert_int_equal(parse(GOOD, &fs, err), ST_OK);
	assert_int_equal(fs.feeds_version, 57);
	assert_int_equal(fs.data_version, 42);
	assert_string_equal(fs.published_at, "2026-11-30T13:00:03Z");
	assert_int_equal(fs.n, 2);
	assert_non_null(f = feeds_state_find(&fs, "unhcr"));
	assert_string_equal(f->last_error, "HTTP 500");
	assert_int_equal(f->consecutive_failures, 2);
	assert_non_null(f = feeds_state_find(&fs, "hapi"));
	assert_string_equal(f->last_error, "");
	assert_int_equal(f->rows_unchanged, 40);
	assert_null(feeds_state_find(&fs, "dtm"));
	feeds_state_free(&fs);
	/* never attempted: null times; no feeds at all is a file too */
	assert_int_equal(parse(HEAD "{\"code\": \"new\", \"last_attempt\": null, "
	    "\"last_success\": null, \"last_error\": null, \"consecutive_failures\": 0, "
	    "\"rows_added\": 0, \"rows_changed\": 0, \"rows_unchanged\": 0, "
	    "\"rows_rejected\": 0, \"a_newer_field\": [1]}], \"another\": {}}", &fs, err), ST_OK);
	assert_string_equal(fs.feeds[0].last_attempt, "");
	feeds_state_free(&fs);
	assert_int_equal(parse(HEAD "]}", &fs, err), ST_OK);
	assert_int_equal(fs.n, 0);
	feeds_state_free(&fs);
}

static void
format_then_parse_is_the_same(void **state)
{
	struct feeds_state fs, again;
	char err[ERR_MAX] = "", *text;

	(void)state;
	assert_int_equal(parse(GOOD, &fs, err), ST_OK);
	assert_non_null(text = feeds_state_format(&fs));
	assert_non_null(strstr(text, "\"last_error\":null"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(parse(text, &again, err), ST_OK);
	assert_int_equal(again.n, fs.n);
	assert_int_equal(again.feeds_version, fs.feeds_version);
	assert_memory_equal(again.feeds, fs.feeds, fs.n * sizeof *fs.feeds);
	free(text);
	feeds_state_free(&again);
	feeds_state_free(&fs);
}

/* Each rejection says why and leaves nothing behind. */
static void
rejects(const char *text, const char *why)
{
	struct feeds_state fs;
	char err[ERR_MAX] = "";

	if (parse(text, &fs, err) == ST_OK)
		fail_msg("accepted: %s", text);
	if (strstr(err, why) == NULL)
		fail_msg("for %s: \"%s\" does not say \"%s\"", text, err, why);
	assert_null(fs.feeds);
	assert_int_equal(fs.n, 0);
}

#define ONE(feed) HEAD feed "]}"

static void
every_kind_of_rejection(void **state)
{
	(void)state;
	rejects("", "not a JSON object");
	rejects("[1]", "not a JSON object");
	rejects("{\"feeds_version\": 57, \"data_version\": 42, \"published_at\": "
	    "\"2026-11-30T13:00:03Z\", \"feeds\": [", "not a JSON object");
	rejects("{\"data_version\": 42, \"published_at\": \"2026-11-30T13:00:03Z\", \"feeds\": []}",
	    "\"feeds_version\" is missing");
	rejects("{\"feeds_version\": \"57\", \"data_version\": 42, \"published_at\": "
	    "\"2026-11-30T13:00:03Z\", \"feeds\": []}", "\"feeds_version\" is of another type");
	rejects("{\"feeds_version\": -1, \"data_version\": 42, \"published_at\": "
	    "\"2026-11-30T13:00:03Z\", \"feeds\": []}", "out of range");
	rejects("{\"feeds_version\": 1.5, \"data_version\": 42, \"published_at\": "
	    "\"2026-11-30T13:00:03Z\", \"feeds\": []}", "not a whole number");
	rejects("{\"feeds_version\": 57, \"data_version\": 42, \"published_at\": \"yesterday\", "
	    "\"feeds\": []}", "\"published_at\" is another text");
	rejects("{\"feeds_version\": 57, \"data_version\": 42, \"published_at\": null, "
	    "\"feeds\": []}", "\"published_at\" is of another type");
	rejects("{\"feeds_version\": 57, \"data_version\": 42, \"published_at\": "
	    "\"2026-11-30T13:00:03Z\", \"feeds\": {}}", "\"feeds\" is of another type");
	rejects(ONE("7"), "feeds[0] is not an object");
	rejects(ONE("{\"code\": \"../etc\"}"), "feeds[0]'s \"code\" is another text");
	rejects(ONE("{\"code\": 3}"), "feeds[0]'s \"code\" is of another type");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": \"2026-11-30 12:00\", "
	    "\"last_success\": null}"), "feed hapi's \"last_attempt\" is another text");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": 5}"),
	    "feed hapi's \"last_success\" is of another type");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": null, "
	    "\"last_error\": null, \"consecutive_failures\": true}"),
	    "feed hapi's \"consecutive_failures\" is of another type");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": null, "
	    "\"last_error\": null, \"consecutive_failures\": 0, \"rows_added\": 0, "
	    "\"rows_changed\": 0, \"rows_unchanged\": 0}"), "\"rows_rejected\" is missing");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": null, "
	    "\"last_error\": [\"x\"], \"consecutive_failures\": 0, \"rows_added\": 0, "
	    "\"rows_changed\": 0, \"rows_unchanged\": 0, \"rows_rejected\": 0}"),
	    "feed hapi's \"last_error\" is of another type");
	rejects(ONE("{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": null, "
	    "\"consecutive_failures\": 0, \"rows_added\": 0, \"rows_changed\": 0, "
	    "\"rows_unchanged\": 0, \"rows_rejected\": 0}"), "\"last_error\" is missing");
	rejects(HEAD FEED_OK ", " FEED_OK "]}", "names feed hapi twice");
}

static void
too_big_or_too_long(void **state)
{
	struct feeds_state fs;
	char err[ERR_MAX] = "", *text;
	size_t n = FEEDS_ERROR_MAX + 512;

	(void)state;
	assert_non_null(text = malloc(n));
	snprintf(text, n, HEAD "{\"code\": \"hapi\", \"last_attempt\": null, \"last_success\": "
	    "null, \"last_error\": \"%0*d\", \"consecutive_failures\": 0, \"rows_added\": 0, "
	    "\"rows_changed\": 0, \"rows_unchanged\": 0, \"rows_rejected\": 0}]}",
	    FEEDS_ERROR_MAX, 0);
	assert_int_equal(parse(text, &fs, err), ST_INVALID);
	assert_non_null(strstr(err, "\"last_error\" is longer than"));
	free(text);
	assert_int_equal(feeds_state_parse(GOOD, FEEDS_STATE_MAX + 1, &fs, err), ST_TOO_BIG);
	assert_null(fs.feeds);
}

/* A snapshot's row, as store_feeds_next gives it. */
static struct feed_status_row
snapshot_row(const char *code)
{
	return (struct feed_status_row){
		.code = code, .name = "A feed", .url = "https://example.org/x", .adapter = "hapi",
		.interval = 86400, .enabled = 1, .last_attempt = "2026-11-29T12:00:00Z",
		.last_success = "2026-11-29T12:00:00Z", .last_error = NULL,
		.consecutive_failures = 0, .added = 9, .changed = 9, .unchanged = 9, .rejected = 9,
		.stale = 0,
	};
}

static void
overlay_only_when_newer(void **state)
{
	struct feeds_state fs;
	struct feed_status_row row;
	char err[ERR_MAX] = "";
	time_t now = iso_time("2026-11-30T14:00:00Z");

	(void)state;
	assert_int_equal(parse(GOOD, &fs, err), ST_OK);
	/* newer than the snapshot (56 < 57): the failing feed says so */
	row = snapshot_row("unhcr");
	assert_int_equal(feeds_state_overlay(&fs, 56, &row, now), 1);
	assert_string_equal(row.last_error, "HTTP 500");
	assert_string_equal(row.last_attempt, "2026-11-30T13:00:00Z");
	assert_int_equal(row.consecutive_failures, 2);
	assert_int_equal(row.added, 0);
	assert_int_equal(row.rejected, 0);
	assert_int_equal(row.stale, 1);
	assert_string_equal(row.name, "A feed");   /* the snapshot's, untouched */
	assert_string_equal(row.url, "https://example.org/x");
	/* a success: no error (NULL, as SQL's), not stale */
	row = snapshot_row("hapi");
	row.last_error = "an old error";
	row.consecutive_failures = 3;
	row.stale = 1;
	assert_int_equal(feeds_state_overlay(&fs, 56, &row, now), 1);
	assert_null(row.last_error);
	assert_int_equal(row.consecutive_failures, 0);
	assert_int_equal(row.stale, 0);
	/* equal or older: the snapshot is as new, its rows stay */
	row = snapshot_row("unhcr");
	assert_int_equal(feeds_state_overlay(&fs, 57, &row, now), 0);
	assert_null(row.last_error);
	assert_int_equal(feeds_state_overlay(&fs, 60, &row, now), 0);
	assert_int_equal(row.added, 9);
	/* a feed the file does not name, or no file: the snapshot's */
	row = snapshot_row("dtm");
	assert_int_equal(feeds_state_overlay(&fs, 56, &row, now), 0);
	assert_int_equal(feeds_state_overlay(NULL, 56, &row, now), 0);
	assert_int_equal(row.added, 9);
	feeds_state_free(&fs);
}

/* The SQL's test (store/read.c, R_FEEDS), case by case. */
static void
stale_as_the_sql_says(void **state)
{
	struct feed_status_row row = snapshot_row("hapi");
	time_t success = iso_time("2026-11-29T12:00:00Z");

	(void)state;
	assert_int_equal(feed_row_stale(&row, success + 2 * 86400), 0);   /* two intervals: not yet */
	assert_int_equal(feed_row_stale(&row, success + 2 * 86400 + 1), 1);
	row.consecutive_failures = 1;
	assert_int_equal(feed_row_stale(&row, success), 1);
	row.consecutive_failures = 0;
	row.last_success = NULL;
	assert_int_equal(feed_row_stale(&row, success), 1);
	row.enabled = 0;   /* a disabled feed is never stale */
	assert_int_equal(feed_row_stale(&row, success + 10 * 86400), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_good_file_is_read_whole),
		cmocka_unit_test(format_then_parse_is_the_same),
		cmocka_unit_test(every_kind_of_rejection),
		cmocka_unit_test(too_big_or_too_long),
		cmocka_unit_test(overlay_only_when_newer),
		cmocka_unit_test(stale_as_the_sql_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
