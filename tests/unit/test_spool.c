/*
 * test_spool.c: the on-disk claim spool (refresh/spool.h): what goes in
 * through spool_sink comes out of spool_replay exactly, in order; truncation
 * forgets a retried page; a failing replay sink stops the replay; the file
 * is made in $TMPDIR (which glibc's tmpfile() ignores), and a write that fails
 * (a full disk) is an error the adapter and the replay both see.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "refresh/spool.h"
#include "sink_helper.h"
#include "testutil.h"

static struct spool *
new_spool(void)
{
	char err[ERR_MAX] = "";
	struct spool *s = spool_new(err);

	if (s == NULL)
		fail_msg("spool_new: %s", err);
	return s;
}

/* Every field of a and b equal, NULL and "" told apart. */
static void
assert_same_claim(const struct claim *a, const struct claim *b)
{
	assert_int_equal(a->row, b->row);
	for (size_t i = 0; i < CLAIM_NFIELDS; i++) {
		const char *x = claim_text(a, i), *y = claim_text(b, i);

		if ((x == NULL) != (y == NULL))
			fail_msg("field %s: %s vs %s", claim_fields[i].name, x ? x : "NULL",
			    y ? y : "NULL");
		if (x != NULL && strcmp(x, y) != 0)
			fail_msg("field %s: \"%s\" vs \"%s\"", claim_fields[i].name, x, y);
	}
}

/* A claim with every text field set to "<name>:<tag>", e.g. "metric:1". */
static void
full_claim(struct claim *c, char text[][64], long row, const char *tag)
{
	memset(c, 0, sizeof *c);
	c->row = row;
	for (size_t i = 0; i < CLAIM_NFIELDS; i++) {
		snprintf(text[i], 64, "%s:%s", claim_fields[i].name, tag);
		claim_set_text(c, i, text[i]);
	}
}

static enum status
replay(struct spool *s, struct got *g)
{
	struct sink out = got_sink(g);
	char err[ERR_MAX] = "";

	return spool_replay(s, &out, err);
}

static void
spool_covers_every_claim_field(void **state)
{
	(void)state;
	/* a field added to struct claim must be added to the spool (and sink_helper.c) */
	assert_int_equal(CLAIM_NFIELDS, 43);
	assert_int_equal(sizeof(struct claim),
	    offsetof(struct claim, key) + CLAIM_NFIELDS * sizeof(const char *));
	/* ... and listed once each, in declaration order: no field twice, none left out */
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		if (claim_fields[i].off != offsetof(struct claim, key) + i * sizeof(const char *))
			fail_msg("claim_fields[%zu] (%s) is not the struct's text field %zu",
			    i, claim_fields[i].name, i);
}

static void
spool_every_field_round_trips(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	char text[CLAIM_NFIELDS][64];
	struct claim c;
	struct got g = { 0 };

	(void)state;
	full_claim(&c, text, 42, "x");
	assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 0);
	assert_same_claim(&g.claim[0].c, &c);
	assert_text(g.claim[0].c.quote, "quote:x");
	got_free(&g);
	spool_free(s);
}

static void
spool_null_and_empty_stay_distinct(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim c = { .row = 1 };
	struct got g = { 0 };

	(void)state;
	/* every other field NULL, the rest "" (and a NULL-only claim after it) */
	for (size_t i = 0; i < CLAIM_NFIELDS; i += 2)
		claim_set_text(&c, i, "");
	assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	{
		struct claim none = { .row = 2 };

		assert_int_equal(in.claim(in.ctx, &none), ST_OK);
		assert_int_equal(replay(s, &g), ST_OK);
		assert_int_equal(g.nclaims, 2);
		assert_same_claim(&g.claim[0].c, &c);
		assert_same_claim(&g.claim[1].c, &none);
	}
	assert_text(g.claim[0].c.key, "");
	assert_text(g.claim[0].c.metric, NULL);
	got_free(&g);
	spool_free(s);
}

static void
spool_row_numbers_round_trip(void **state)
{
	static const long rows[] = { 0, 1, 7, 10001, 5000000000L, LONG_MAX, -1 };
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct got g = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct claim c = { .row = rows[i], .metric = "idps", .value = "1" };

		assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	}
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, sizeof rows / sizeof rows[0]);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(g.claim[i].c.row, rows[i]);
	got_free(&g);
	spool_free(s);
}

/*
 * A million tiny rows refused for one reason spool about a byte each, and
 * come back each with its row and reason; a claim, a gap in the rows or a
 * new reason starts a record of its own; a truncation never leaves a
 * one-byte record pointing at a rejection it cut away.
 */
static void
spool_runs_of_one_reason_take_a_byte_a_row(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim a = { .row = 1000002, .metric = "idps", .value = "10" };
	struct got g = { 0 };
	off_t pos;
	char err[ERR_MAX];

	(void)state;
	for (long row = 1; row <= 1000000; row++)
		in.reject(in.ctx, row, "row has no count");
	assert_true(spool_tell(s) < 1000000 + 200);
	in.reject(in.ctx, 1000001, "another reason");
	assert_int_equal(in.claim(in.ctx, &a), ST_OK);
	in.reject(in.ctx, 1000003, "another reason");   /* after a claim: a record */
	in.reject(in.ctx, 1000005, "another reason");   /* a gap: a record */
	pos = spool_tell(s);
	in.reject(in.ctx, 1000006, "cut");
	assert_int_equal(spool_truncate(s, pos, err), ST_OK);
	in.reject(in.ctx, 1000006, "another reason");   /* not an 'N' after the cut one */
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 1);
	assert_int_equal(g.nrejects, 1000000 + 4);
	for (size_t i = 0; i < 1000000; i++)
		if (g.reject[i].row != (long)i + 1 || strcmp(g.reject[i].reason, "row has no count"))
			fail_msg("rejection %zu: row %ld, '%s'", i, g.reject[i].row, g.reject[i].reason);
	assert_int_equal(g.reject[1000000].row, 1000001);
	assert_string_equal(g.reject[1000000].reason, "another reason");
	assert_int_equal(g.reject[1000001].row, 1000003);
	assert_int_equal(g.reject[1000002].row, 1000005);
	assert_int_equal(g.reject[1000003].row, 1000006);
	assert_string_equal(g.reject[1000003].reason, "another reason");
	got_free(&g);
	spool_free(s);
}

static void
spool_rejects_interleaved_in_order(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim a = { .row = 1, .metric = "idps", .value = "10" };
	struct claim b = { .row = 3, .metric = "refugees", .value = "30" };
	struct got g = { 0 };

	(void)state;
	in.reject(in.ctx, 0, "before anything");
	assert_int_equal(in.claim(in.ctx, &a), ST_OK);
	in.reject(in.ctx, 2, "row 2: no metric");
	in.reject(in.ctx, 2, "");
	assert_int_equal(in.claim(in.ctx, &b), ST_OK);
	in.reject(in.ctx, 4, "row 4: not an object");
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 4);
	/* the order of every call: R C R R C R */
	assert_int_equal(g.reject[0].seq, 0);
	assert_int_equal(g.claim[0].seq, 1);
	assert_int_equal(g.reject[1].seq, 2);
	assert_int_equal(g.reject[2].seq, 3);
	assert_int_equal(g.claim[1].seq, 4);
	assert_int_equal(g.reject[3].seq, 5);
	assert_int_equal(g.reject[0].row, 0);
	assert_string_equal(g.reject[0].reason, "before anything");
	assert_int_equal(g.reject[1].row, 2);
	assert_string_equal(g.reject[1].reason, "row 2: no metric");
	assert_string_equal(g.reject[2].reason, "");
	assert_int_equal(g.reject[3].row, 4);
	assert_string_equal(g.reject[3].reason, "row 4: not an object");
	assert_same_claim(&g.claim[0].c, &a);
	assert_same_claim(&g.claim[1].c, &b);
	got_free(&g);
	spool_free(s);
}

static void
spool_truncate_drops_later_records(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim c1 = { .row = 1, .value = "1" }, c2 = { .row = 2, .value = "2" };
	struct claim late = { .row = 3, .value = "late" }, retry = { .row = 3, .value = "retry" };
	char err[ERR_MAX] = "";
	struct got g = { 0 };
	off_t page2;

	(void)state;
	assert_int_equal(in.claim(in.ctx, &c1), ST_OK);
	assert_int_equal(in.claim(in.ctx, &c2), ST_OK);
	page2 = spool_tell(s);
	assert_true(page2 > 0);
	assert_int_equal(in.claim(in.ctx, &late), ST_OK);
	in.reject(in.ctx, 4, "late reject");
	assert_true(spool_tell(s) > page2);
	assert_int_equal(spool_truncate(s, page2, err), ST_OK);
	assert_true(spool_tell(s) == page2);
	/* the page again, this time complete */
	assert_int_equal(in.claim(in.ctx, &retry), ST_OK);
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 3);
	assert_int_equal(g.nrejects, 0);
	assert_same_claim(&g.claim[0].c, &c1);
	assert_same_claim(&g.claim[1].c, &c2);
	assert_same_claim(&g.claim[2].c, &retry);
	got_free(&g);
	spool_free(s);
}

static void
spool_truncate_to_start_empties(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim c = { .row = 1, .value = "1" };
	char err[ERR_MAX] = "";
	struct got g = { 0 };
	off_t start = spool_tell(s);

	(void)state;
	assert_true(start == 0);
	assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	in.reject(in.ctx, 2, "x");
	assert_int_equal(spool_truncate(s, start, err), ST_OK);
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
	spool_free(s);
}

static void
spool_replay_stops_at_sink_error(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim a = { .row = 1, .value = "a" }, b = { .row = 2, .value = "b" };
	struct claim c = { .row = 4, .value = "c" };
	struct got g = { .fail_at = 2, .fail_status = ST_DB };

	(void)state;
	assert_int_equal(in.claim(in.ctx, &a), ST_OK);
	assert_int_equal(in.claim(in.ctx, &b), ST_OK);
	in.reject(in.ctx, 3, "after the failure");
	assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	assert_int_equal(replay(s, &g), ST_DB);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(g.nrejects, 0);
	assert_text(g.claim[1].c.value, "b");
	got_free(&g);
	spool_free(s);
}

static void
spool_replay_stop_propagates(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim a = { .row = 1, .value = "a" }, b = { .row = 2, .value = "b" };
	struct got g = { .answer = ST_STOP };

	(void)state;
	assert_int_equal(in.claim(in.ctx, &a), ST_OK);
	assert_int_equal(in.claim(in.ctx, &b), ST_OK);
	assert_int_equal(replay(s, &g), ST_STOP);
	assert_int_equal(g.nclaims, 1);
	got_free(&g);
	spool_free(s);
}

static void
spool_replays_twice_the_same(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct claim a = { .row = 1, .value = "a", .quote = "q" };
	struct got g1 = { 0 }, g2 = { 0 };

	(void)state;
	assert_int_equal(in.claim(in.ctx, &a), ST_OK);
	in.reject(in.ctx, 2, "r");
	assert_int_equal(replay(s, &g1), ST_OK);
	assert_int_equal(replay(s, &g2), ST_OK);
	assert_int_equal(g1.nclaims, 1);
	assert_int_equal(g2.nclaims, 1);
	assert_int_equal(g2.nrejects, 1);
	assert_same_claim(&g1.claim[0].c, &g2.claim[0].c);
	got_free(&g1);
	got_free(&g2);
	spool_free(s);
}

static void
spool_empty_replays_nothing(void **state)
{
	struct spool *s = new_spool();
	struct got g = { 0 };

	(void)state;
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 0);
	assert_int_equal(g.nrejects, 0);
	got_free(&g);
	spool_free(s);
	spool_free(NULL);
}

static void
spool_large_quote_round_trips(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	size_t n = 100 * 1024;
	char *quote = malloc(n + 1);
	struct claim c = { .row = 9, .metric = "killed", .value = "9", .url = "https://x/" };
	struct claim after = { .row = 10, .value = "after" };
	struct got g = { 0 };

	(void)state;
	assert_non_null(quote);
	for (size_t i = 0; i < n; i++)
		quote[i] = (char)('a' + i % 26);
	quote[n] = '\0';
	c.quote = quote;
	c.via = quote + n - 10;   /* a field after a big one: offsets must hold */
	assert_int_equal(in.claim(in.ctx, &c), ST_OK);
	assert_int_equal(in.claim(in.ctx, &after), ST_OK);
	assert_int_equal(replay(s, &g), ST_OK);
	assert_int_equal(g.nclaims, 2);
	assert_int_equal(strlen(g.claim[0].c.quote), n);
	assert_same_claim(&g.claim[0].c, &c);
	assert_same_claim(&g.claim[1].c, &after);
	free(quote);
	got_free(&g);
	spool_free(s);
}

/* What an adapter spooled replays as the adapter gave it (the refresher's path). */
static void
spool_replays_what_an_adapter_wrote(void **state)
{
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	struct adapter_ctx ctx = { .sink = &in,
	    .url = "https://hapi.humdata.org/api/v1/affected-people/refugees" };
	struct got direct = { 0 }, replayed = { 0 };
	char err[ERR_MAX] = "";
	size_t n;
	char *data = read_fixture("hapi/refugees.json", &n);

	(void)state;
	assert_int_equal(run_adapter("hapi", ctx.url, data, n, &direct, err), ST_OK);
	assert_int_equal(adapter_parse_all(adapter_find("hapi"), &ctx, data, n, err), ST_OK);
	free(data);
	assert_int_equal(replay(s, &replayed), ST_OK);
	assert_int_equal(replayed.nclaims, direct.nclaims);
	assert_int_equal(replayed.nrejects, direct.nrejects);
	for (size_t k = 0; k < direct.nclaims; k++)
		assert_same_claim(&replayed.claim[k].c, &direct.claim[k].c);
	for (size_t k = 0; k < direct.nrejects; k++) {
		assert_int_equal(replayed.reject[k].row, direct.reject[k].row);
		assert_string_equal(replayed.reject[k].reason, direct.reject[k].reason);
		assert_int_equal(replayed.reject[k].seq, direct.reject[k].seq);
	}
	got_free(&direct);
	got_free(&replayed);
	spool_free(s);
}

/* 1 if this process has a deleted file open that was in dir. */
static int
open_deleted_file_in(const char *dir)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char link[PATH_MAX + 32], target[PATH_MAX + 32];
	size_t n = strlen(dir);
	int found = 0;
	ssize_t len;

	assert_non_null(d);
	while (!found && (e = readdir(d)) != NULL) {
		snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
		if ((len = readlink(link, target, sizeof target - 1)) < 0)
			continue;
		target[len] = '\0';
		found = strncmp(target, dir, n) == 0 && target[n] == '/' &&
		    strstr(target, "(deleted)") != NULL;
	}
	closedir(d);
	return found;
}

static void
spool_is_made_in_tmpdir(void **state)
{
	char dir[] = "/tmp/figures-spool-test-XXXXXX", missing[64], err[ERR_MAX] = "";
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL;
	struct spool *s;
	DIR *d;
	struct dirent *e;
	int entries = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	s = new_spool();
	assert_true(open_deleted_file_in(dir));
	/* and nothing is left behind in it: the file is unlinked at once */
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	assert_int_equal(entries, 0);
	spool_free(s);
	/* a TMPDIR that is not there: no spool, and the error names it */
	snprintf(missing, sizeof missing, "%s/missing", dir);
	setenv("TMPDIR", missing, 1);
	assert_null(spool_new(err));
	assert_non_null(strstr(err, missing));
	assert_non_null(strstr(err, "No such file or directory"));
	rmdir(dir);
	if (saved != NULL)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

static void
spool_write_error_is_seen_by_the_sink_and_the_replay(void **state)
{
	struct rlimit old, small;
	struct spool *s = new_spool();
	struct sink in = spool_sink(s);
	char text[CLAIM_NFIELDS][64], err[ERR_MAX] = "";
	struct claim c;
	struct got g = { 0 };
	enum status st = ST_OK;

	(void)state;
	/* a file-size limit stands in for a full disk: no file may pass 8 KB */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 8192;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	full_claim(&c, text, 1, "a claim of some length, to fill the file");
	for (int i = 0; i < 1000 && st == ST_OK; i++)
		st = in.claim(in.ctx, &c);
	assert_int_equal(st, ST_IO);
	assert_non_null(spool_error(s));
	assert_non_null(strstr(spool_error(s), "writing the spool file in "));
	assert_non_null(strstr(spool_error(s), "File too large"));
	{
		struct sink out = got_sink(&g);

		assert_int_equal(spool_replay(s, &out, err), ST_IO);
		assert_int_equal(g.nclaims, 0);
		assert_non_null(strstr(err, "File too large"));
	}
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	got_free(&g);
	spool_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spool_covers_every_claim_field),
		cmocka_unit_test(spool_every_field_round_trips),
		cmocka_unit_test(spool_null_and_empty_stay_distinct),
		cmocka_unit_test(spool_row_numbers_round_trip),
		cmocka_unit_test(spool_rejects_interleaved_in_order),
		cmocka_unit_test(spool_runs_of_one_reason_take_a_byte_a_row),
		cmocka_unit_test(spool_truncate_drops_later_records),
		cmocka_unit_test(spool_truncate_to_start_empties),
		cmocka_unit_test(spool_replay_stops_at_sink_error),
		cmocka_unit_test(spool_replay_stop_propagates),
		cmocka_unit_test(spool_replays_twice_the_same),
		cmocka_unit_test(spool_empty_replays_nothing),
		cmocka_unit_test(spool_large_quote_round_trips),
		cmocka_unit_test(spool_replays_what_an_adapter_wrote),
		cmocka_unit_test(spool_is_made_in_tmpdir),
		cmocka_unit_test(spool_write_error_is_seen_by_the_sink_and_the_replay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
