/*
 * test_totals.c: the totals the API reports (figure_total) are moved by the
 * rows each refresh changes (store/write.c), not recounted; after any
 * sequence of refreshes they must equal a full count of the figures. Random
 * sequences (fixed seeds) of payloads that add figures, revise them (their
 * value, or what they count: metric, place, source, group, unit, cause,
 * origin), leave them out (withdrawn), carry withdrawn ones again, roll a
 * payload back, and remove feeds, against a real temporary SQLite database.
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

#include <sqlite3.h>

#include "store/db.h"
#include "store/write.h"
#include "temp_db.h"

#define MAX_FEEDS 8
#define KEYS      24     /* key slots per feed */
#define NLOCS     9

/* The totals as a full count of the figures would write them, ordered. */
static const char EXPECTED[] =
    "SELECT kind, CAST(key AS TEXT), total FROM ("
    "SELECT 'all' AS kind, '' AS key, count(*) AS total FROM figure WHERE withdrawn = 0 "
    "UNION ALL SELECT 'metric', metric_id, count(*) FROM figure WHERE withdrawn = 0 "
    "GROUP BY metric_id "
    "UNION ALL SELECT 'category', m.category, count(*) FROM figure AS f "
    "JOIN metric AS m ON m.id = f.metric_id WHERE f.withdrawn = 0 GROUP BY m.category "
    "UNION ALL SELECT 'country', country, count(*) FROM figure WHERE withdrawn = 0 "
    "GROUP BY country "
    "UNION ALL SELECT 'source', source_id, count(*) FROM figure WHERE withdrawn = 0 "
    "GROUP BY source_id "
    "UNION ALL SELECT 'feed', feed_id, count(*) FROM figure WHERE withdrawn = 0 "
    "GROUP BY feed_id "
    "UNION ALL SELECT 'location', location_id, count(*) FROM figure WHERE withdrawn = 0 "
    "GROUP BY location_id "
    "UNION ALL SELECT 'groups', '', count(*) FROM (SELECT DISTINCT metric_id, location_id, "
    "grp, facet FROM figure WHERE withdrawn = 0) "
    "UNION ALL SELECT 'groups_country', country, count(*) FROM (SELECT DISTINCT country, "
    "metric_id, location_id, grp, facet FROM figure WHERE withdrawn = 0) GROUP BY country "
    "UNION ALL SELECT 'country_metric', country || '|' || metric_id, count(*) FROM figure "
    "WHERE withdrawn = 0 GROUP BY country, metric_id"
    ") ORDER BY 1, 2";
static const char KEPT[] =
    "SELECT kind, key, total FROM figure_total ORDER BY kind, key";

/* One figure as the test's payloads carry it. */
struct fig {
	int       present;       /* in the feed's last committed payload */
	int       ever;          /* written once (a key of the feed) */
	long long metric, source, origin, value;
	int       loc;           /* index into fx.loc */
	const char *group, *unit, *cause;
};

struct feed {
	struct feed_row row;
	int             removed;
	struct fig      figs[KEYS];
};

struct fx {
	struct temp_db t;
	long long     loc[NLOCS];
	const char   *country[NLOCS];
	long long     source[3];
	struct feed   feeds[MAX_FEEDS];
	int           nfeeds;
	unsigned long long rng;
	int           steps, removals, rollbacks, regrouped, recarried;
};
_Static_assert(offsetof(struct fx, t) == 0, "temp_db_teardown frees the fixture by its temp_db");

static unsigned
rnd(struct fx *f, unsigned n)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return (unsigned)(f->rng % n);
}

static void
add_feed(struct fx *f)
{
	char err[ERR_MAX] = "", code[16];
	struct feed *fd = &f->feeds[f->nfeeds];
	struct feed_in in = { .code = code, .url = "file:///x", .adapter = "hxl", .enabled = -1 };

	snprintf(code, sizeof code, "feed-%d", f->nfeeds);
	memset(fd, 0, sizeof *fd);
	if (writer_feed_put(f->t.w, &in, &fd->row, err) != ST_OK)
		fail_msg("adding feed %s: %s", code, err);
	f->nfeeds++;
}

/* A migrated database with three countries of three places each, three sources, two feeds. */
static int
setup(void **state)
{
	static const char *const countries[] = { "AAA", "BBB", "CCC" };
	struct fx *f = calloc(1, sizeof *f);
	char err[ERR_MAX] = "", code[16], name[32];

	assert_non_null(f);
	if (temp_db_open(&f->t, "totals") != 0) {
		free(f);
		return -1;
	}
	*state = f;
	for (int i = 0; i < NLOCS; i++) {
		const char *c = countries[i / 3];
		struct location_in in = { .code = code, .name = name, .country = c,
		    .type = i % 3 ? "admin1" : "country", .admin_level = i % 3 ? 1 : 0,
		    .parent_id = i % 3 ? f->loc[i - i % 3] : 0 };

		if (i % 3 == 0)
			snprintf(code, sizeof code, "%s", c);
		else
			snprintf(code, sizeof code, "%s%d", c, i % 3);
		snprintf(name, sizeof name, "Place %s", code);
		if (writer_location(f->t.w, &in, &f->loc[i], err) != ST_OK)
			fail_msg("adding place %s: %s", code, err);
		f->country[i] = c;
	}
	for (int i = 0; i < 3; i++) {
		struct source_in in = { .code = code, .name = code, .organisation = code,
		    .type = "un" };

		snprintf(code, sizeof code, "source-%d", i);
		assert_int_equal(writer_source(f->t.w, &in, &f->source[i], err), ST_OK);
	}
	add_feed(f);
	add_feed(f);
	return 0;
}

/* What a figure counts, drawn from a small space so figures often share a group. */
static const char *const groups[] = { "", "children" };
static const char *const units[] = { "people", "households" };

/* Draws one of what a figure counts (which: 0..6), or all of them (any other). */
static void
draw_dimension(struct fx *f, struct fig *g, unsigned which)
{
	int all = which > 6;

	if (all || which == 0)
		g->metric = 1 + rnd(f, 3);          /* two categories among metrics 1..3 */
	if (all || which == 1)
		g->loc = (int)rnd(f, NLOCS);
	if (all || which == 2)
		g->source = f->source[rnd(f, 3)];
	if (all || which == 3)
		g->group = groups[rnd(f, 2)];
	if (all || which == 4)
		g->unit = units[rnd(f, 4) == 0];
	if (all || which == 5)
		g->cause = rnd(f, 4) == 0 ? "conflict" : NULL;
	if (all || which == 6)
		g->origin = rnd(f, 5) == 0 ? f->loc[rnd(f, NLOCS)] : 0;
}

static void
write_fig(struct fx *f, struct feed *fd, int k, struct fig *g, int *changed)
{
	char err[ERR_MAX] = "", key[16];
	enum figure_outcome out;
	struct figure_in in = {
		.feed_id = fd->row.id, .metric_id = g->metric, .location_id = f->loc[g->loc],
		.source_id = g->source, .value = g->value, .key = key,
		.country = f->country[g->loc], .group = g->group, .qualifier = "exact",
		.as_of = "2025-06-01", .sort_date = "2025-06-01",
		.retrieved_at = "2026-01-02T03:04:05Z", .origin_id = g->origin, .unit = g->unit,
		.cause = g->cause, .males = -1, .females = -1,
	};

	snprintf(key, sizeof key, "k%d", k);
	if (writer_figure(f->t.w, &in, &out, err) != ST_OK)
		fail_msg("writing %s of %s: %s", key, fd->row.code, err);
	if (out == FIG_ADDED || out == FIG_CHANGED)
		*changed = 1;
}

/*
 * One payload of a feed: each key is carried (unchanged, with a new value, or
 * counting something else), added, or left out, at random.
 */
static void
refresh_feed(struct fx *f, struct feed *fd)
{
	char err[ERR_MAX] = "";
	struct fig next[KEYS];
	long long withdrawn = 0;
	int changed = 0, rollback = rnd(f, 10) == 0;

	memcpy(next, fd->figs, sizeof next);
	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	for (int k = 0; k < KEYS; k++) {
		struct fig *g = &next[k];
		unsigned r = rnd(f, 100);

		g->present = r < 75;
		if (!g->present)
			continue;
		if (!g->ever) {
			draw_dimension(f, g, 7);
			g->value = rnd(f, 1000);
			g->ever = 1;
		} else if (r < 20) {
			/* one of what it counts (a facet alone, a group alone...), or all */
			draw_dimension(f, g, rnd(f, 9));
			f->regrouped++;
		} else if (r < 35)
			g->value = rnd(f, 1000);
		if (g->ever && !fd->figs[k].present && fd->figs[k].ever)
			f->recarried++;
		write_fig(f, fd, k, g, &changed);
	}
	assert_int_equal(writer_withdraw_unseen(f->t.w, fd->row.id, "2026-01-02T03:04:05Z",
	    &withdrawn, err), ST_OK);
	if (rollback) {
		writer_rollback(f->t.w);
		f->rollbacks++;
		return;
	}
	assert_int_equal(writer_commit(f->t.w, changed || withdrawn > 0, err), ST_OK);
	memcpy(fd->figs, next, sizeof next);
}

static void
remove_feed(struct fx *f, struct feed *fd)
{
	char err[ERR_MAX] = "";
	long long withdrawn = 0;

	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	assert_int_equal(writer_feed_remove(f->t.w, fd->row.code, "2026-01-02T03:04:05Z",
	    &withdrawn, err), ST_OK);
	assert_int_equal(writer_commit(f->t.w, 1, err), ST_OK);
	fd->removed = 1;
	f->removals++;
}

/* The rows of sql as "kind key total" lines into out (a buffer of size bytes). */
static void
rows_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	size_t len = 0;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW) {
		int n = snprintf(out + len, size - len, "%s %s %s\n",
		    (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2));

		assert_true(n > 0 && (size_t)n < size - len);
		len += (size_t)n;
	}
	sqlite3_finalize(st);
}

/* The kept totals equal a full count; on a difference, both are printed. */
static void
assert_totals_exact(struct fx *f, const char *when, unsigned long long seed)
{
	static char want[65536], got[65536];

	rows_text(f->t.db, EXPECTED, want, sizeof want);
	rows_text(f->t.db, KEPT, got, sizeof got);
	if (strcmp(want, got) != 0) {
		print_error("seed %llu, step %d (%s): the kept totals\n%s\ndiffer from a count\n%s\n",
		    seed, f->steps, when, got, want);
		fail();
	}
}

static void
random_refreshes(struct fx *f, unsigned long long seed, int steps)
{
	f->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	for (f->steps = 0; f->steps < steps; f->steps++) {
		struct feed *fd = &f->feeds[rnd(f, (unsigned)f->nfeeds)];
		unsigned r = rnd(f, 100);

		if (r < 3 && f->nfeeds < MAX_FEEDS) {
			add_feed(f);
			continue;
		}
		if (fd->removed)
			continue;
		if (r < 6) {
			remove_feed(f, fd);
			assert_totals_exact(f, "after removing a feed", seed);
		} else {
			refresh_feed(f, fd);
			assert_totals_exact(f, "after a payload", seed);
		}
	}
}

static void
test_random_refreshes_keep_exact_totals(void **state)
{
	struct fx *f = *state;
	char err[ERR_MAX] = "";

	for (unsigned long long seed = 1; seed <= 6; seed++)
		random_refreshes(f, seed, 150);
	/* the sequences did reach every kind of change */
	assert_true(f->removals > 0);
	assert_true(f->rollbacks > 0);
	assert_true(f->regrouped > 0);
	assert_true(f->recarried > 0);
	/* and the repair path (--recount) writes the same rows as the count above */
	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	assert_int_equal(writer_recount(f->t.w, err), ST_OK);
	assert_int_equal(writer_commit(f->t.w, 1, err), ST_OK);
	assert_totals_exact(f, "after --recount", 0);
}

/*
 * A payload that changes a few figures moves only their totals: a total it
 * does not touch stays as it was, even a wrong one (a recount would fix it,
 * and would cost a count of every figure).
 */
static void
test_a_refresh_moves_only_the_totals_it_changes(void **state)
{
	struct fx *f = *state;
	char err[ERR_MAX] = "";
	struct fig *g = &f->feeds[0].figs[0];
	int changed = 0;

	f->rng = 7;
	refresh_feed(f, &f->feeds[0]);     /* a first payload: the totals are counted */
	assert_int_equal(sqlite3_exec(f->t.db, "INSERT INTO figure_total VALUES ('source', '999', 7)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	*g = (struct fig){ .present = 1, .ever = 1, .metric = 2, .source = f->source[1],
	    .loc = 4, .group = "", .unit = "people", .value = 5 };
	write_fig(f, &f->feeds[1], 0, g, &changed);
	assert_true(changed);
	assert_int_equal(writer_commit(f->t.w, 1, err), ST_OK);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(f->t.db, "SELECT count(*) FROM figure_total "
		    "WHERE kind = 'source' AND key = '999' AND total = 7", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
	}
	/* --recount repairs it */
	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	assert_int_equal(writer_recount(f->t.w, err), ST_OK);
	assert_int_equal(writer_commit(f->t.w, 1, err), ST_OK);
	assert_totals_exact(f, "after --recount", 0);
}

/*
 * Totals that were wrong before (another program wrote figures without
 * --recount): a change that would take one below zero recounts them all.
 */
static void
test_a_total_that_would_fall_below_zero_is_recounted(void **state)
{
	struct fx *f = *state;

	f->rng = 11;
	refresh_feed(f, &f->feeds[0]);
	assert_totals_exact(f, "after a first payload", 0);
	assert_int_equal(sqlite3_exec(f->t.db, "UPDATE figure_total SET total = 0 "
	    "WHERE kind = 'source'", NULL, NULL, NULL), SQLITE_OK);
	remove_feed(f, &f->feeds[0]);
	assert_totals_exact(f, "after removing the feed", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_random_refreshes_keep_exact_totals, setup,
		    temp_db_teardown),
		cmocka_unit_test_setup_teardown(test_a_refresh_moves_only_the_totals_it_changes,
		    setup, temp_db_teardown),
		cmocka_unit_test_setup_teardown(test_a_total_that_would_fall_below_zero_is_recounted,
		    setup, temp_db_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
