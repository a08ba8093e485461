/*
 * test_ingest.c: claim validation and writing (refresh/ingest.h) against a
 * real, temporary SQLite database created and migrated by each test; the
 * pure check (refresh/resolve.h) also on its own, with no database.
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

#include "refresh/ingest.h"
#include "refresh/resolve.h"
#include "core/strutil.h"
#include "store/db.h"
#include "store/write.h"
#include "temp_db.h"

#define NOW1 "2026-01-02T03:04:05Z"
#define NOW2 "2026-01-03T03:04:05Z"

struct fx {
	struct temp_db  t;
	struct feed_row feed;
	struct ingest   in;
};
_Static_assert(offsetof(struct fx, t) == 0, "temp_db_teardown frees the fixture by its temp_db");

#define TEN "0123456789"
#define HUNDRED TEN TEN TEN TEN TEN TEN TEN TEN TEN TEN
#define LONG_GROUP HUNDRED HUNDRED HUNDRED HUNDRED HUNDRED   /* GROUP_MAX bytes */

/* A migrated database with one feed "t" (no default source), in a transaction. */
static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[ERR_MAX] = "";
	struct feed_in feed = { .code = "t", .url = "file:///x", .adapter = "hxl",
	    .enabled = -1 };

	assert_non_null(f);
	if (temp_db_open(&f->t, "ingest") != 0) {
		free(f);
		return -1;
	}
	if (writer_feed_put(f->t.w, &feed, &f->feed, err) != ST_OK ||
	    writer_begin(f->t.w, err) != ST_OK) {
		print_error("setup: %s\n", err);
		temp_db_close(&f->t);
		free(f);
		return -1;
	}
	ingest_init(&f->in, f->t.w, &f->feed, NOW1);
	*state = f;
	return 0;
}

/* Commits the current payload and starts a new one retrieved at now. */
static void
next_payload(struct fx *f, const char *now)
{
	char err[ERR_MAX] = "";

	assert_int_equal(writer_commit(f->t.w, ingest_changed(&f->in), err), ST_OK);
	assert_int_equal(writer_begin(f->t.w, err), ST_OK);
	ingest_init(&f->in, f->t.w, &f->feed, now);
}

/* The integer in the first column of the first row of sql (-1: no row). */
static long long
q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The text in the first column of the first row of sql, "(null)" or "(no row)". */
static void
q_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) != SQLITE_ROW)
		snprintf(out, size, "(no row)");
	else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		snprintf(out, size, "(null)");
	else
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

#define assert_query_text(db, sql, want) do {                 \
	char got_[256];                                       \
	q_text((db), (sql), got_, sizeof got_);               \
	assert_string_equal(got_, (want));                    \
} while (0)

static struct claim
valid_claim(void)
{
	return (struct claim){
		.row = 1, .metric = "idps", .value = "100", .group = "families",
		.country = "SYR", .as_of = "2024-01-01", .source_name = "UNHCR",
		.source_type = "un", .via = "a report", .quote = "some 100 families",
	};
}

/* ---- the pure check (refresh/resolve.h), no database ---- */

static int
two_metrics(const void *ctx, const char *code, long long *id)
{
	(void)ctx;
	if (strcmp(code, "idps") == 0)
		*id = 2;
	else if (strcmp(code, "killed") == 0)
		*id = 8;
	else
		return 0;
	return 1;
}

static const struct resolve_env pure_env = { .feed_code = "t",
    .retrieved_at = NOW1, .metric = two_metrics };

static void
resolve_chain_and_source_without_database(void **state)
{
	struct claim c = valid_claim();
	struct resolved r;
	char why[ERR_MAX] = "", key[RESOLVE_KEY_MAX];

	(void)state;
	c.country = "syr";
	c.country_name = "Syria";
	c.adm1_name = "Ar-Raqqa";
	c.adm2_code = "SY0201";
	c.loc_name = "Ain Issa camp";
	c.loc_type = "camp";
	c.source_name = "Syrian Democratic Forces";
	c.source_type = NULL;
	c.qualifier = "nearly";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	assert_int_equal(r.metric_id, 2);
	assert_string_equal(r.qualifier, "almost");
	assert_string_equal(r.where.country, "SYR");
	assert_int_equal(r.where.n, 4);
	const struct { const char *code, *name, *type; int level; } want[] = {
		{ "SYR", "Syria", "country", 0 },
		{ "SYR-ar-raqqa", "Ar-Raqqa", "admin1", 1 },
		{ "SY0201", "SY0201", "admin2", 2 },
		{ "SY0201-ain-issa-camp", "Ain Issa camp", "camp", -1 },
	};
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(r.where.places[i].code, want[i].code);
		assert_string_equal(r.where.places[i].name, want[i].name);
		assert_string_equal(r.where.places[i].type, want[i].type);
		assert_int_equal(r.where.places[i].level, want[i].level);
	}
	assert_int_equal(r.source.default_id, 0);
	assert_string_equal(r.source.code, "syrian-democratic-forces");
	assert_string_equal(r.source.name, "Syrian Democratic Forces");
	assert_string_equal(r.source.organisation, "Syrian Democratic Forces");
	assert_string_equal(r.source.type, "other");
	assert_null(r.key);
	resolve_key(&r, 42, 0, key);
	assert_string_equal(key, "syrian-democratic-forces|idps|42|families|2024-01-01||");
}

/* Any one line of up to GROUP_MAX bytes is a group, in any script, with any punctuation. */
static void
resolve_accepts_every_one_line_group(void **state)
{
	static const char *const groups[] = {
		LONG_GROUP, "p|i:p|e", "x&cursor=y+z%41 #?", "\u0639\u0639 \u00a0\u2028 x",
	};
	char arabic[GROUP_MAX + 1] = "";
	struct resolved r;

	(void)state;
	for (size_t i = 0; i < GROUP_MAX / 2; i++)
		memcpy(arabic + 2 * i, "\u0639", 3);   /* two bytes and the NUL */
	assert_int_equal(strlen(arabic), GROUP_MAX);
	for (size_t i = 0; i <= sizeof groups / sizeof groups[0]; i++) {
		struct claim c = valid_claim();
		char why[ERR_MAX] = "";

		c.group = i < sizeof groups / sizeof groups[0] ? groups[i] : arabic;
		if (resolve_claim(&pure_env, &c, &r, why) != ST_OK)
			fail_msg("group %zu refused: %s", i, why);
		assert_string_equal(r.group, c.group);
	}
}

/* What a figure counts: unit, cause, sex, origin; all in the derived key. */
static void
resolve_what_it_counts(void **state)
{
	struct claim c = valid_claim();
	struct resolved r;
	char why[ERR_MAX] = "", key[RESOLVE_KEY_MAX];

	(void)state;
	c.country = "HTI";
	c.adm1_code = "HT01";
	c.value = "1000";
	c.unit = "HH";
	c.cause = "disaster; Conflict + conflict";
	c.males = "400";
	c.females = "500";
	c.origin_adm1_code = "HT04";
	c.origin_adm1_name = "Artibonite";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	assert_string_equal(r.unit, "households");
	assert_string_equal(r.cause, "conflict+disaster");
	assert_int_equal(r.males, 400);
	assert_int_equal(r.females, 500);
	/* an origin area with no country is in the figure's own */
	assert_int_equal(r.origin.n, 2);
	assert_string_equal(r.origin.country, "HTI");
	assert_string_equal(r.origin.places[1].code, "HT04");
	assert_string_equal(r.origin.places[1].name, "Artibonite");
	resolve_key(&r, 42, 77, key);
	assert_string_equal(key,
	    "unhcr|idps|42|families|2024-01-01|||households|conflict+disaster|77");

	/* a figure that says none of it keeps the key it always had */
	c = valid_claim();
	c.unit = "individuals";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	assert_string_equal(r.unit, "people");
	assert_int_equal(r.males, -1);
	assert_int_equal(r.origin.n, 0);
	resolve_key(&r, 42, 0, key);
	assert_string_equal(key, "unhcr|idps|42|families|2024-01-01||");

	/* an origin country by name; a cause alone changes the key */
	c.origin_country_name = "Syrian Arab Republic";
	c.origin_country = "SYR";
	c.cause = "other";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	assert_int_equal(r.origin.n, 1);
	assert_string_equal(r.origin.places[0].code, "SYR");
	resolve_key(&r, 42, 5, key);
	assert_string_equal(key, "unhcr|idps|42|families|2024-01-01|||people|other|5");

	const struct { const char *field, *value, *why; } bad[] = {
		{ "cause", "floods", "cause 'floods' is not one or more of" },
		{ "cause", "+;", "cause '+;'" },
		{ "males", "many", "breakdown by sex 'many'" },
		{ "females", "9000", "exceeds the count" },
		{ "unit", "families", "unit 'families' is neither people nor households" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		c = valid_claim();
		c.value = "1000";
		for (size_t k = 0; k < CLAIM_NFIELDS; k++)
			if (strcmp(claim_fields[k].name, bad[i].field) == 0)
				claim_set_text(&c, k, bad[i].value);
		assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_INVALID);
		if (strstr(why, bad[i].why) == NULL)
			fail_msg("%s '%s': reason \"%s\" lacks \"%s\"", bad[i].field, bad[i].value,
			    why, bad[i].why);
	}
}

/*
 * A place with no code is named within its parents, never by its name alone:
 * the two Afrins are two places. A name in any script gives a URL-safe code.
 */
static void
resolve_place_codes_by_parent_and_script(void **state)
{
	struct claim c = valid_claim();
	struct resolved r;
	char why[ERR_MAX] = "", idleb[RESOLVE_CODE_MAX], aleppo[RESOLVE_CODE_MAX];
	char a[RESOLVE_CODE_MAX], b[RESOLVE_CODE_MAX];

	(void)state;
	c.country = "SYR";
	c.adm1_name = "Idleb";
	c.adm2_name = "Afrin";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	snprintf(idleb, sizeof idleb, "%s", r.where.places[2].code);
	c.adm1_name = "Aleppo";
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	snprintf(aleppo, sizeof aleppo, "%s", r.where.places[2].code);
	assert_string_equal(idleb, "SYR-idleb-afrin");
	assert_string_equal(aleppo, "SYR-aleppo-afrin");

	/* Arabic: kept as given, coded by a hash; two names, two codes, the same each time */
	c.adm1_name = "\u062d\u0644\u0628";            /* Aleppo */
	c.adm2_name = "\u0639\u0641\u0631\u064a\u0646";   /* Afrin */
	assert_int_equal(resolve_claim(&pure_env, &c, &r, why), ST_OK);
	assert_string_equal(r.where.places[2].name, "\u0639\u0641\u0631\u064a\u0646");
	snprintf(a, sizeof a, "%s", r.where.places[2].code);
	assert_true(code_valid(a));
	assert_int_equal(strncmp(a, "SYR-", 4), 0);
	assert_string_not_equal(a, r.where.places[1].code);
	assert_true(place_code_derive("SYR", "SYR", "\u0639\u0641\u0631\u064a\u0646", b));
	assert_string_not_equal(a, b);   /* within Aleppo, not the country */
	assert_true(place_code_derive("SYR", r.where.places[1].code,
	    "\u0639\u0641\u0631\u064a\u0646", b));
	assert_string_equal(a, b);

	/* deep chains stay within 64 bytes and distinct */
	assert_true(place_code_derive("SYR", "SYR-aleppo-afrin-jandairis-sub-district-village",
	    "Camp of the twenty-seven families west", a));
	assert_true(place_code_derive("SYR", "SYR-aleppo-afrin-jandairis-sub-district-village",
	    "Camp of the twenty-seven families east", b));
	assert_true(code_valid(a) && code_valid(b));
	assert_string_not_equal(a, b);
}

static void
resolve_default_source_without_database(void **state)
{
	struct resolve_env env = pure_env;
	struct claim c = valid_claim();
	struct resolved r;
	char why[ERR_MAX] = "", key[RESOLVE_KEY_MAX];

	(void)state;
	c.source_name = NULL;
	c.as_of = NULL;
	assert_int_equal(resolve_claim(&env, &c, &r, why), ST_INVALID);
	assert_non_null(strstr(why, "feed t has no default source"));
	env.default_source_id = 7;
	assert_int_equal(resolve_claim(&env, &c, &r, why), ST_OK);
	assert_int_equal(r.source.default_id, 7);
	assert_null(r.source.code);
	assert_string_equal(r.sort_date, "2026-01-02");
	resolve_key(&r, 3, 0, key);
	assert_string_equal(key, "#7|idps|3|families|||");
	c.key = "row-9";
	assert_int_equal(resolve_claim(&env, &c, &r, why), ST_OK);
	resolve_key(&r, 3, 0, key);
	assert_string_equal(key, "row-9");
}

/* ---- rejections ---- */

struct mod {
	size_t      field;   /* offsetof(struct claim, …) */
	const char *value;
};

struct reject_case {
	const char *what;
	struct mod  mods[2];
	size_t      nmods;
	const char *why;     /* a substring the reason must contain */
};

#define F(name) offsetof(struct claim, name)

static const struct reject_case reject_cases[] = {
	{ "unknown metric", { { F(metric), "fatalities" } }, 1, "unknown metric" },
	{ "no metric", { { F(metric), NULL } }, 1, "no metric" },
	{ "negative value", { { F(value), "-5" } }, 1, "whole number" },
	{ "decimal value", { { F(value), "3.5" } }, 1, "whole number" },
	{ "value above 10^12", { { F(value), "1000000000001" } }, 1, "whole number" },
	{ "no value", { { F(value), NULL } }, 1, "whole number" },
	{ "impossible as-of date", { { F(as_of), "2019-02-30" } }, 1, "not a real date" },
	{ "impossible reported date", { { F(reported_on), "2019-13-01" } }, 1, "reported date" },
	{ "missing country", { { F(country), NULL } }, 1, "missing location" },
	{ "empty country", { { F(country), "" } }, 1, "missing location" },
	{ "two letters of no country", { { F(country), "XX" } }, 1, "alpha-3" },
	{ "a name of no country", { { F(country), "Syrian Arab Rep." } }, 1, "alpha-3" },
	{ "no code, a name of no country",
	    { { F(country), NULL }, { F(country_name), "Atlantis" } }, 2, "'Atlantis'" },
	{ "digits as country", { { F(country), "S1R" } }, 1, "alpha-3" },
	{ "invalid UTF-8 in quote", { { F(quote), "bad \xC3\x28 byte" } }, 1,
	    "quote is not valid UTF-8" },
	{ "control byte in group", { { F(group), "a\x01" "b" } }, 1, "control character" },
	/* issue 15.4: a group is one line, a key group= and cursors carry */
	{ "tab in group", { { F(group), "IDPs\tin camps" } }, 1,
	    "group 'IDPs?in camps' contains a control character (byte 5 is 0x09)" },
	{ "CR in group", { { F(group), "IDPs\r" } }, 1, "(byte 5 is 0x0d)" },
	{ "LF in group", { { F(group), "IDPs\nin camps" } }, 1, "(byte 5 is 0x0a)" },
	{ "DEL in group", { { F(group), "IDPs\x7f" } }, 1, "(byte 5 is 0x7f)" },
	{ "group of 501 bytes", { { F(group), LONG_GROUP "x" } }, 1,
	    "group is 501 bytes long, more than 500" },
	{ "unknown qualifier", { { F(qualifier), "roughly" } }, 1, "qualifier 'roughly'" },
	{ "unknown source type", { { F(source_type), "militia" } }, 1,
	    "source type 'militia'" },
	{ "no source, no default", { { F(source_name), NULL }, { F(source_code), NULL } }, 2,
	    "no source" },
	{ "period start after end",
	    { { F(period_start), "2024-02-01" }, { F(period_end), "2024-01-01" } }, 2,
	    "after it ends" },
	{ "bad location code", { { F(loc_code), "-camp" } }, 1, "location code" },
	{ "bad source code", { { F(source_code), "x'--" } }, 1, "source code" },
};

static void
apply(struct claim *c, const struct mod *m)
{
	memcpy((char *)c + m->field, &m->value, sizeof m->value);
}

static void
ingest_rejects_bad_claims(void **state)
{
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof reject_cases / sizeof reject_cases[0]; i++) {
		const struct reject_case *rc = &reject_cases[i];
		struct claim c = valid_claim();
		char why[ERR_MAX] = "";
		enum status st;

		for (size_t k = 0; k < rc->nmods; k++)
			apply(&c, &rc->mods[k]);
		st = ingest_claim(&f->in, &c, why);
		if (st != ST_INVALID)
			fail_msg("%s: status %d, want ST_INVALID", rc->what, (int)st);
		if (strstr(why, rc->why) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", rc->what, why, rc->why);
	}
	assert_int_equal(f->in.added, 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM revision"), 0);
}

/* ---- a rejected row leaves nothing behind ---- */

/*
 * What a claim could leave in the database: every location (code, name,
 * country), the tree, every source (with its homepage), figures and
 * revisions. Equal before and after a rejected claim, or it left something.
 */
static void
db_contents(sqlite3 *db, char *out, size_t size)
{
	q_text(db, "SELECT 'locations: ' || "
	    "coalesce((SELECT group_concat(code || '=' || name || '@' || country, ' ') "
	    "FROM (SELECT * FROM location ORDER BY id)), '') || "
	    "'; tree rows: ' || (SELECT count(*) FROM location_tree) || "
	    "'; sources: ' || coalesce((SELECT group_concat(code || '=' || coalesce(url, ''), ' ') "
	    "FROM (SELECT * FROM source ORDER BY id)), '') || "
	    "'; figures: ' || (SELECT count(*) FROM figure) || "
	    "'; revisions: ' || (SELECT count(*) FROM revision)", out, size);
}

struct late_case {
	const char *what;
	int         first;        /* 1: an accepted claim (modified by before) comes first */
	struct mod  before[2];
	size_t      nbefore;
	struct mod  mods[4];      /* the rejected claim: valid_claim() modified by mods */
	size_t      nmods;
	const char *why;          /* a substring the reason must contain */
};

/*
 * Rows rejected only after ingest had looked at their location or source:
 * each reason a row can fail for once its place is known. The rejected rows
 * name a new country (IRQ) and new places in it, so anything written shows.
 */
static const struct late_case late_cases[] = {
	{ "unknown source type", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(adm2_name), "Mosul" },
	      { F(source_type), "militia" } }, 4, "source type 'militia'" },
	{ "invalid source code", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(source_code), "x'--" } }, 3,
	    "source code" },
	{ "source name without a usable code", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(source_name), "---" } }, 2, "gives no usable code" },
	{ "no source and no default", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(source_name), NULL } }, 3,
	    "no source" },
	{ "bad location code at adm2 after a valid country", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(adm2_code), "-mosul" } }, 3,
	    "location code '-mosul'" },
	{ "origin no country names, after a valid location", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(origin_country), "Atlantis" } },
	    3, "origin country 'Atlantis'" },
	{ "origin area of another country", 1, { { F(adm1_code), "ALP" } }, 1,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(origin_country), "IRQ" },
	      { F(origin_adm1_code), "ALP" } }, 4, "belongs to country SYR, not IRQ" },
	{ "unit neither people nor households", 0, { { 0, NULL } }, 0,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(unit), "families" } }, 3,
	    "unit 'families'" },
	{ "adm2 code of a place in another country", 1, { { F(adm1_code), "ALP" } }, 1,
	    { { F(country), "IRQ" }, { F(adm1_name), "Nineveh" }, { F(adm2_code), "ALP" } }, 3,
	    "belongs to country SYR, not IRQ" },
	{ "explicit key twice in the payload", 1, { { F(key), "k1" } }, 1,
	    { { F(key), "k1" }, { F(country), "IRQ" }, { F(adm1_name), "Nineveh" },
	      { F(source_name), "IOM" } }, 4, "twice" },
	{ "derived key twice, the second naming the source's homepage", 1, { { 0, NULL } }, 0,
	    { { F(source_url), "https://www.unhcr.org/" } }, 1, "twice" },
	{ "derived key twice, the second naming a place given only by code", 1,
	    { { F(loc_code), "camp-1" } }, 1,
	    { { F(loc_code), "camp-1" }, { F(loc_name), "Camp One" } }, 2, "twice" },
};

static void
ingest_rejected_row_writes_nothing(void **state)
{
	struct fx *f = *state;
	size_t left = 0;

	for (size_t i = 0; i < sizeof late_cases / sizeof late_cases[0]; i++) {
		const struct late_case *lc = &late_cases[i];
		struct claim c = valid_claim();
		char why[ERR_MAX] = "", err[ERR_MAX] = "", before[4096], after[4096];
		enum status st;

		/* each case starts from the empty, migrated database */
		writer_rollback(f->t.w);
		assert_int_equal(writer_begin(f->t.w, err), ST_OK);
		ingest_init(&f->in, f->t.w, &f->feed, NOW1);
		if (lc->first) {
			for (size_t k = 0; k < lc->nbefore; k++)
				apply(&c, &lc->before[k]);
			if ((st = ingest_claim(&f->in, &c, why)) != ST_OK)
				fail_msg("%s: the first claim: status %d: %s", lc->what, (int)st, why);
		}
		db_contents(f->t.db, before, sizeof before);
		c = valid_claim();
		for (size_t k = 0; k < lc->nmods; k++)
			apply(&c, &lc->mods[k]);
		st = ingest_claim(&f->in, &c, why);
		if (st != ST_INVALID)
			fail_msg("%s: status %d, want ST_INVALID", lc->what, (int)st);
		if (strstr(why, lc->why) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", lc->what, why, lc->why);
		db_contents(f->t.db, after, sizeof after);
		if (strcmp(before, after) != 0) {
			print_error("%s: the rejected claim left something behind:\n  before: %s\n"
			    "  after:  %s\n", lc->what, before, after);
			left++;
		}
	}
	/* every case is tried and reported before failing */
	if (left > 0)
		fail_msg("%zu of %zu rejected claims left something behind", left,
		    sizeof late_cases / sizeof late_cases[0]);
}

static void
ingest_rejects_overlong_quote(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "", *quote = malloc(4002);

	assert_non_null(quote);
	memset(quote, 'q', 4001);
	quote[4001] = '\0';
	c.quote = quote;
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_INVALID);
	free(quote);
	assert_non_null(strstr(why, "quote is 4001 bytes long"));
}

/* ---- acceptance ---- */

static void
ingest_valid_claim_added(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_int_equal(f->in.added, 1);
	assert_int_equal(f->in.changed + f->in.unchanged, 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 1);
	assert_int_equal(q_int(f->t.db, "SELECT value FROM figure"), 100);
	assert_query_text(f->t.db, "SELECT qualifier FROM figure", "exact");
	assert_query_text(f->t.db, "SELECT country FROM figure", "SYR");
	assert_query_text(f->t.db, "SELECT grp FROM figure", "families");
	assert_query_text(f->t.db, "SELECT as_of FROM figure", "2024-01-01");
	assert_query_text(f->t.db, "SELECT sort_date FROM figure", "2024-01-01");
	assert_query_text(f->t.db, "SELECT retrieved_at FROM figure", NOW1);
	assert_query_text(f->t.db, "SELECT s.code FROM figure JOIN source s ON s.id = source_id",
	    "unhcr");
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM revision"), 1);
	assert_int_equal(q_int(f->t.db, "SELECT withdrawn FROM figure"), 0);
}

/*
 * What a figure counts is stored, and keeps rows apart: the same place and
 * date split by cause, origin and unit are five figures, none merged.
 */
static void
ingest_stores_what_it_counts(void **state)
{
	struct fx *f = *state;
	const struct { const char *cause, *origin, *adm1, *unit, *males, *value; } rows[] = {
		{ NULL, NULL, NULL, NULL, NULL, "100" },
		{ "conflict", NULL, NULL, NULL, NULL, "200" },
		{ "conflict; violence", NULL, NULL, NULL, NULL, "300" },
		{ "conflict", "IRQ", NULL, NULL, "40", "400" },
		{ "conflict", NULL, "SY02", "hh", NULL, "500" },
	};
	char why[ERR_MAX] = "";

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct claim c = valid_claim();

		c.cause = rows[i].cause;
		c.origin_country = rows[i].origin;
		c.origin_adm1_code = rows[i].adm1;
		c.unit = rows[i].unit;
		c.males = rows[i].males;
		c.value = rows[i].value;
		if (ingest_claim(&f->in, &c, why) != ST_OK)
			fail_msg("row %zu: %s", i, why);
	}
	assert_int_equal(f->in.added, 5);
	assert_int_equal(q_int(f->t.db, "SELECT sum(value) FROM figure"), 1500);
	assert_int_equal(q_int(f->t.db, "SELECT count(DISTINCT facet) FROM figure"), 5);
	assert_query_text(f->t.db, "SELECT cause FROM figure WHERE value = 300", "conflict+violence");
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure WHERE cause IS NULL"), 1);
	assert_query_text(f->t.db, "SELECT o.code FROM figure JOIN location o ON o.id = origin_id "
	    "WHERE value = 400", "IRQ");
	assert_int_equal(q_int(f->t.db, "SELECT males FROM figure WHERE value = 400"), 40);
	assert_int_equal(q_int(f->t.db, "SELECT males FROM revision WHERE value = 400"), 40);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure WHERE females IS NULL"), 5);
	/* an origin area with no country: in the figure's own (SYR) */
	assert_query_text(f->t.db, "SELECT o.country || ' ' || o.code || ' ' || o.type FROM figure "
	    "JOIN location o ON o.id = origin_id WHERE value = 500", "SYR SY02 admin1");
	assert_query_text(f->t.db, "SELECT unit FROM figure WHERE value = 500", "households");
	assert_query_text(f->t.db, "SELECT unit FROM figure WHERE value = 100", "people");
	assert_query_text(f->t.db, "SELECT facet FROM figure WHERE value = 100", "");

	/* the next payload: a changed breakdown by sex is a revision */
	next_payload(f, NOW2);
	for (size_t i = 3; i < 4; i++) {
		struct claim c = valid_claim();

		c.cause = rows[i].cause;
		c.origin_country = rows[i].origin;
		c.males = "45";
		c.value = rows[i].value;
		assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	}
	assert_int_equal(f->in.changed, 1);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM revision WHERE value = 400"), 2);
}

static void
ingest_same_claim_next_payload_unchanged(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	next_payload(f, NOW2);
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_int_equal(f->in.unchanged, 1);
	assert_int_equal(f->in.added + f->in.changed, 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 1);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM revision"), 1);
	assert_int_equal(ingest_changed(&f->in), 0);
}

static void
ingest_changed_value_updates_and_revises(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	next_payload(f, NOW2);
	c.value = "250";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_int_equal(f->in.changed, 1);
	assert_int_equal(f->in.added + f->in.unchanged, 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 1);
	assert_int_equal(q_int(f->t.db, "SELECT value FROM figure"), 250);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM revision r JOIN figure f "
	    "ON f.id = r.figure_id"), 2);
	assert_int_equal(q_int(f->t.db, "SELECT value FROM revision ORDER BY id LIMIT 1"), 100);
	assert_query_text(f->t.db, "SELECT superseded_at FROM revision ORDER BY id LIMIT 1", NOW2);
	assert_int_equal(q_int(f->t.db, "SELECT value FROM revision ORDER BY id DESC LIMIT 1"), 250);
	assert_query_text(f->t.db, "SELECT superseded_at FROM revision ORDER BY id DESC LIMIT 1",
	    "(null)");
	assert_int_equal(ingest_changed(&f->in), 1);
}

static void
ingest_same_claim_twice_in_payload_rejected(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_INVALID);
	assert_non_null(strstr(why, "twice"));
	assert_int_equal(f->in.added, 1);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 1);
}

static void
ingest_finish_withdraws_missing_key(void **state)
{
	struct fx *f = *state;
	struct claim a = valid_claim(), b = valid_claim();
	char why[ERR_MAX] = "", err[ERR_MAX] = "";

	b.metric = "refugees";
	assert_int_equal(ingest_claim(&f->in, &a, why), ST_OK);
	assert_int_equal(ingest_claim(&f->in, &b, why), ST_OK);
	assert_int_equal(ingest_finish(&f->in, err), ST_OK);
	assert_int_equal(f->in.withdrawn, 0);
	next_payload(f, NOW2);
	assert_int_equal(ingest_claim(&f->in, &a, why), ST_OK);
	assert_int_equal(ingest_finish(&f->in, err), ST_OK);
	assert_int_equal(f->in.withdrawn, 1);
	assert_int_equal(q_int(f->t.db, "SELECT f.withdrawn FROM figure f JOIN metric m "
	    "ON m.id = f.metric_id WHERE m.code = 'refugees'"), 1);
	assert_int_equal(q_int(f->t.db, "SELECT f.withdrawn FROM figure f JOIN metric m "
	    "ON m.id = f.metric_id WHERE m.code = 'idps'"), 0);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure"), 2);
}

static void
ingest_withdrawn_figure_returns_as_changed(void **state)
{
	struct fx *f = *state;
	struct claim a = valid_claim();
	char why[ERR_MAX] = "", err[ERR_MAX] = "";

	assert_int_equal(ingest_claim(&f->in, &a, why), ST_OK);
	next_payload(f, NOW2);
	assert_int_equal(ingest_finish(&f->in, err), ST_OK);   /* an empty payload */
	assert_int_equal(f->in.withdrawn, 1);
	next_payload(f, "2026-01-04T00:00:00Z");
	assert_int_equal(ingest_claim(&f->in, &a, why), ST_OK);
	assert_int_equal(f->in.changed, 1);
	assert_int_equal(q_int(f->t.db, "SELECT withdrawn FROM figure"), 0);
}

static void
ingest_nearly_stored_as_almost(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.qualifier = "nearly";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT qualifier FROM figure", "almost");
	assert_query_text(f->t.db, "SELECT qualifier FROM revision", "almost");
}

static void
ingest_one_day_period_stored_as_as_of(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.as_of = NULL;
	c.period_start = "2024-03-05";
	c.period_end = "2024-03-05";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT as_of FROM figure", "2024-03-05");
	assert_query_text(f->t.db, "SELECT period_start FROM figure", "(null)");
	assert_query_text(f->t.db, "SELECT period_end FROM figure", "(null)");
	assert_query_text(f->t.db, "SELECT sort_date FROM figure", "2024-03-05");
}

static void
ingest_period_kept_when_longer_than_a_day(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.as_of = NULL;
	c.period_start = "2024-03-01";
	c.period_end = "2024-03-31T12:00:00Z";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT as_of FROM figure", "(null)");
	assert_query_text(f->t.db, "SELECT period_start FROM figure", "2024-03-01");
	assert_query_text(f->t.db, "SELECT period_end FROM figure", "2024-03-31");
	assert_query_text(f->t.db, "SELECT sort_date FROM figure", "2024-03-31");
}

static void
ingest_no_date_sorts_by_retrieval_day(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.as_of = NULL;
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT as_of FROM figure", "(null)");
	assert_query_text(f->t.db, "SELECT sort_date FROM figure", "2026-01-02");
}

static void
ingest_grouped_value_and_lower_case_country(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.value = "130,000";
	c.country = "syr";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_int_equal(q_int(f->t.db, "SELECT value FROM figure"), 130000);
	assert_query_text(f->t.db, "SELECT country FROM figure", "SYR");
}

/* Any ISO 3166 code or name (Debian's iso-codes) gives the country; the name given stays. */
static void
ingest_country_by_any_iso_code_or_name(void **state)
{
	struct fx *f = *state;
	static const struct { const char *country, *name; } forms[] = {
		{ "SY", NULL }, { "760", "Syria" }, { NULL, "Syrian Arab Republic" },
		{ NULL, "República árabe de Siria" }, { "syrian arab republic", NULL },
	};
	char why[ERR_MAX] = "";

	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		struct claim c = valid_claim();
		char key[32];

		snprintf(key, sizeof key, "k%zu", i);
		c.key = key;
		c.country = forms[i].country;
		c.country_name = forms[i].name;
		if (ingest_claim(&f->in, &c, why) != ST_OK)
			fail_msg("form %zu: %s", i, why);
	}
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM figure WHERE country = 'SYR'"), 5);
	assert_int_equal(q_int(f->t.db, "SELECT count(*) FROM location WHERE admin_level = 0"), 1);
}

static void
ingest_location_chain_built(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.adm1_name = "Ar-Raqqa";
	c.loc_code = "ain-issa-camp";
	c.loc_name = "Ain Issa camp";
	c.loc_type = "camp";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT l.code FROM figure f JOIN location l "
	    "ON l.id = f.location_id", "ain-issa-camp");
	assert_query_text(f->t.db, "SELECT type FROM location WHERE code = 'ain-issa-camp'",
	    "camp");
	assert_query_text(f->t.db, "SELECT p.code FROM location l JOIN location p "
	    "ON p.id = l.parent_id WHERE l.code = 'ain-issa-camp'", "SYR-ar-raqqa");
	assert_int_equal(q_int(f->t.db, "SELECT t.depth FROM location_tree t "
	    "JOIN location a ON a.id = t.ancestor_id JOIN location d ON d.id = t.location_id "
	    "WHERE a.code = 'SYR' AND d.code = 'ain-issa-camp'"), 2);
}

static void
ingest_explicit_key_used(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";

	c.key = "row-17";
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT key FROM figure", "row-17");
}

/*
 * The identity of a row without a key of its own, as databases already store
 * it: "source|metric|location id|group|as of|period start|period end", the
 * source being its code, or "#<id>" for the feed's default source, and the
 * location id the database's own (decimal). A refresh that derived any other
 * text would withdraw and re-add every such figure: this format may not change
 * without a migration rewriting the stored keys.
 */
struct key_case {
	const char *what;
	struct mod  mods[4];
	size_t      nmods;
	int         default_source;   /* the claim names no source; the feed's default is #7 */
	const char *key;
};

static const struct key_case key_cases[] = {
	{ "a named source at country level", { { 0, NULL } }, 0, 0,
	    "unhcr|idps|42|families|2024-01-01||" },
	{ "no group", { { F(group), NULL } }, 1, 0, "unhcr|idps|42||2024-01-01||" },
	{ "the deepest place of a chain", { { F(adm1_name), "Aleppo" },
	    { F(loc_code), "camp-9" } }, 2, 0, "unhcr|idps|44|families|2024-01-01||" },
	{ "a period", { { F(as_of), NULL }, { F(period_start), "2024-01-01" },
	    { F(period_end), "2024-01-31T10:00:00Z" } }, 3, 0,
	    "unhcr|idps|42|families||2024-01-01|2024-01-31" },
	{ "a one-day period, stored as its day", { { F(as_of), NULL },
	    { F(period_start), "2024-03-05" }, { F(period_end), "2024-03-05" } }, 3, 0,
	    "unhcr|idps|42|families|2024-03-05||" },
	{ "a source code as given, metric as given", { { F(source_code), "Src.A_1" },
	    { F(metric), "killed" } }, 2, 0, "Src.A_1|killed|42|families|2024-01-01||" },
	{ "no date at all", { { F(as_of), NULL }, { F(reported_on), "2024-05-06" } }, 2, 0,
	    "unhcr|idps|42|families|||" },
	{ "the feed's default source", { { F(source_name), NULL }, { F(source_type), NULL } }, 2,
	    1, "#7|idps|42|families|2024-01-01||" },
};

static void
ingest_derived_key_format_pinned(void **state)
{
	struct fx *f = *state;
	struct feed_row feed = f->feed;

	for (size_t i = 0; i < sizeof key_cases / sizeof key_cases[0]; i++) {
		const struct key_case *kc = &key_cases[i];
		struct claim c = valid_claim();
		char why[ERR_MAX] = "", err[ERR_MAX] = "", key[256];
		enum status st;

		/* an empty database whose next location id is 42, with a source #7 */
		writer_rollback(f->t.w);
		assert_int_equal(writer_begin(f->t.w, err), ST_OK);
		assert_int_equal(sqlite3_exec(f->t.db, "INSERT INTO location (id, code, name, country, "
		    "type) VALUES (41, 'ZZZ', 'ZZZ', 'ZZZ', 'country'); INSERT INTO source (id, code, "
		    "name, organisation, type) VALUES (7, 'default-org', 'D', 'D', 'ngo')",
		    NULL, NULL, NULL), SQLITE_OK);
		feed.default_source_id = kc->default_source ? 7 : 0;
		ingest_init(&f->in, f->t.w, &feed, NOW1);
		for (size_t k = 0; k < kc->nmods; k++)
			apply(&c, &kc->mods[k]);
		if ((st = ingest_claim(&f->in, &c, why)) != ST_OK)
			fail_msg("%s: status %d: %s", kc->what, (int)st, why);
		q_text(f->t.db, "SELECT key FROM figure", key, sizeof key);
		if (strcmp(key, kc->key) != 0)
			fail_msg("%s: key \"%s\", want \"%s\"", kc->what, key, kc->key);
	}
}

/*
 * Regression (fixed; was: app/refresh/ingest.c, ingest_source): a source code may be
 * 64 bytes (text_ok allows 64 and code_valid accepts 64), but it is copied
 * into `char slug[64]` with snprintf, so its last byte is silently cut: the
 * source is stored under a different, 63-byte code, and two sources whose
 * codes differ only in the 64th byte are merged. Fails until slug has room
 * for 64 bytes and a NUL (or longer codes are refused).
 */
static void
ingest_source_code_of_64_chars_kept_whole(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	char why[ERR_MAX] = "";
	static const char code64[] =
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl";

	assert_int_equal(strlen(code64), 64);
	c.source_code = code64;
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT s.code FROM figure JOIN source s ON s.id = source_id",
	    code64);
}

static void
ingest_feed_default_source_used(void **state)
{
	struct fx *f = *state;
	struct claim c = valid_claim();
	struct source_in src = { .code = "default-org", .name = "Default Org",
	    .organisation = "Default Org", .type = "ngo" };
	struct feed_in feed = { .code = "t", .enabled = -1 };
	long long id = 0;
	char why[ERR_MAX] = "", err[ERR_MAX] = "";

	assert_int_equal(writer_source(f->t.w, &src, &id, err), ST_OK);
	feed.default_source_id = id;
	assert_int_equal(writer_feed_put(f->t.w, &feed, &f->feed, err), ST_OK);
	assert_int_equal(f->feed.default_source_id, id);
	ingest_init(&f->in, f->t.w, &f->feed, NOW1);
	c.source_name = NULL;
	c.source_type = NULL;
	assert_int_equal(ingest_claim(&f->in, &c, why), ST_OK);
	assert_query_text(f->t.db, "SELECT s.code FROM figure JOIN source s ON s.id = source_id",
	    "default-org");
}

static void
ingest_sink_counts_rejects_and_goes_on(void **state)
{
	struct fx *f = *state;
	struct sink s = ingest_sink(&f->in);
	struct claim good = valid_claim(), bad = valid_claim();

	bad.value = "lots";
	assert_int_equal(s.claim(s.ctx, &bad), ST_OK);
	assert_int_equal(s.claim(s.ctx, &good), ST_OK);
	s.reject(s.ctx, 3, "a row the adapter could not read");
	assert_int_equal(f->in.rejected, 2);
	assert_int_equal(f->in.added, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, temp_db_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_chain_and_source_without_database),
		cmocka_unit_test(resolve_accepts_every_one_line_group),
		cmocka_unit_test(resolve_what_it_counts),
		cmocka_unit_test(resolve_place_codes_by_parent_and_script),
		cmocka_unit_test(resolve_default_source_without_database),
		T(ingest_rejects_bad_claims),
		T(ingest_rejects_overlong_quote),
		T(ingest_rejected_row_writes_nothing),
		T(ingest_valid_claim_added),
		T(ingest_stores_what_it_counts),
		T(ingest_same_claim_next_payload_unchanged),
		T(ingest_changed_value_updates_and_revises),
		T(ingest_same_claim_twice_in_payload_rejected),
		T(ingest_finish_withdraws_missing_key),
		T(ingest_withdrawn_figure_returns_as_changed),
		T(ingest_nearly_stored_as_almost),
		T(ingest_one_day_period_stored_as_as_of),
		T(ingest_period_kept_when_longer_than_a_day),
		T(ingest_no_date_sorts_by_retrieval_day),
		T(ingest_grouped_value_and_lower_case_country),
		T(ingest_country_by_any_iso_code_or_name),
		T(ingest_location_chain_built),
		T(ingest_explicit_key_used),
		T(ingest_derived_key_format_pinned),
		T(ingest_source_code_of_64_chars_kept_whole),   /* regression */
		T(ingest_feed_default_source_used),
		T(ingest_sink_counts_rejects_and_goes_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
