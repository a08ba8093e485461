/* test_agree.c: when claims agree (core/agree.h), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/agree.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct agree_case {
	const char *what;
	long long   values[3];
	const char *quals[3];
	size_t      n;
	int         agree;
};

static const struct agree_case cases[] = {
	{ "one claim agrees with itself", { 5 }, { "exact" }, 1, 1 },
	{ "no claims", { 0 }, { NULL }, 0, 1 },
	{ "the same value", { 800, 800 }, { "exact", "exact" }, 2, 1 },
	{ "100 vs almost 800 (the Ain Issa escape)", { 100, 800 }, { "exact", "almost" }, 2, 0 },
	{ "at least 4000 and 5000", { 4000, 5000 }, { "at_least", "exact" }, 2, 1 },
	{ "at least 4000 and 3000", { 4000, 3000 }, { "at_least", "exact" }, 2, 0 },
	{ "more than 12000 and 12000", { 12000, 12000 }, { "more_than", "exact" }, 2, 0 },
	{ "more than 12000 and about 12500", { 12000, 12500 }, { "more_than", "about" }, 2, 1 },
	{ "about 12000 and 13000 (within 10%)", { 12000, 13000 }, { "about", "exact" }, 2, 1 },
	{ "about 12000 and 14000", { 12000, 14000 }, { "about", "exact" }, 2, 0 },
	{ "almost 1000 and 950", { 1000, 950 }, { "almost", "exact" }, 2, 1 },
	{ "almost 1000 and 1000", { 1000, 1000 }, { "almost", "exact" }, 2, 0 },
	{ "up to 500 and 400", { 500, 400 }, { "up_to", "exact" }, 2, 1 },
	{ "up to 500 and at least 600", { 500, 600 }, { "up_to", "at_least" }, 2, 0 },
	{ "three: at least 10, up to 20, 15", { 10, 20, 15 }, { "at_least", "up_to", "exact" }, 3, 1 },
	{ "three: at least 10, up to 20, 25", { 10, 20, 25 }, { "at_least", "up_to", "exact" }, 3, 0 },
	{ "NULL qualifier is exact", { 7, 7 }, { NULL, "exact" }, 2, 1 },
};

static void
agree_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		if (claims_agree(cases[i].values, cases[i].quals, cases[i].n) != cases[i].agree)
			fail_msg("%s: want %s", cases[i].what, cases[i].agree ? "agree" : "disagree");
}

/*
 * Issue 15.1: 300 sources say 100, then two say 5,000 and 7,000. The verdict
 * read only the first 256 claims, and said they agree.
 */
static void
many_claims_the_last_two_disagree(void **state)
{
	enum { N_CLAIMS = 302 };
	long long values[N_CLAIMS];
	const char *quals[N_CLAIMS];

	(void)state;
	for (size_t i = 0; i < N_CLAIMS; i++) {
		values[i] = i < 300 ? 100 : i == 300 ? 5000 : 7000;
		quals[i] = "exact";
	}
	assert_false(claims_agree(values, quals, N_CLAIMS));
	assert_true(claims_agree(values, quals, 300));
	/* one dissenter anywhere among thousands */
	for (size_t at = 0; at < 3; at++) {
		enum { M = 5000 };
		long long *v = malloc(M * sizeof *v);
		const char **q = malloc(M * sizeof *q);
		size_t where = at == 0 ? 0 : at == 1 ? M / 2 : M - 1;

		assert_non_null(v);
		assert_non_null(q);
		for (size_t i = 0; i < M; i++) {
			v[i] = 1000;
			q[i] = "about";
		}
		assert_true(claims_agree(v, q, M));
		v[where] = 2000;
		q[where] = "exact";
		if (claims_agree(v, q, M))
			fail_msg("2000 at claim %zu of %d agrees with 4999 \"about 1000\"", where, M);
		free(v);
		free(q);
	}
}

/* Claim (w, q)'s range, as agree.h states it. */
static void
range_of(double w, const char *q, double *lo, double *hi)
{
	*lo = strcmp(q, "about") == 0 || strcmp(q, "almost") == 0 ? 0.9 * w :
	    strcmp(q, "up_to") == 0 ? 0 : w;
	*hi = strcmp(q, "about") == 0 ? 1.1 * w :
	    strcmp(q, "at_least") == 0 || strcmp(q, "more_than") == 0 ? 1e300 : w;
}

static int
in_range(double x, double w, const char *q)
{
	double lo, hi;

	range_of(w, q, &lo, &hi);
	if (strcmp(q, "more_than") == 0)
		return x > lo;
	if (strcmp(q, "almost") == 0 && w > 0)
		return x >= lo && x < hi;
	return x >= lo && x <= hi;
}

/*
 * Brute force, O(n²): some value lies in every range. If the intersection is
 * not empty, one of its points is a range's end or just inside one.
 */
static int
brute_agree(const long long *v, const char *const *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double lo, hi;

		range_of((double)v[i], q[i], &lo, &hi);
		double c[4] = { lo, hi, lo + 1e-6, hi - 1e-6 };

		for (int k = 0; k < 4; k++) {
			int ok = 1;

			for (size_t j = 0; ok && j < n; j++)
				ok = in_range(c[k], (double)v[j], q[j]);
			if (ok)
				return 1;
		}
	}
	return n == 0;
}

/*
 * The verdict does not depend on how many claims there are nor on their
 * order: random sets of a few hundred claims, each checked against brute
 * force, forwards and backwards.
 */
static void
verdict_is_the_brute_force_one_in_any_order(void **state)
{
	static const char *const words[] = { "exact", "about", "almost", "at_least",
		"more_than", "up_to" };
	enum { M = 400 };
	long long v[M], rv[M];
	const char *q[M], *rq[M];
	int agreed = 0, apart = 0;

	(void)state;
	srand(15);
	for (int round = 0; round < 200; round++) {
		/* half the rounds: many claims in words that give ranges; half: a few in any */
		int few = round % 2;
		size_t n = 1 + (size_t)rand() % (few ? 6 : M);
		long long base = 1000 + rand() % 50;
		int spread = round % 4 < 2 ? 20 : 300;

		for (size_t i = 0; i < n; i++) {
			v[i] = base + rand() % spread - spread / 3;
			q[i] = words[few ? rand() % 6 : 1 + rand() % 3];
			rv[n - 1 - i] = v[i];
			rq[n - 1 - i] = q[i];
		}
		int want = brute_agree(v, q, n);

		assert_int_equal(claims_agree(v, q, n), want);
		assert_int_equal(claims_agree(rv, rq, n), want);
		agreed += want;
		apart += !want;
	}
	if (agreed < 20 || apart < 20)   /* both verdicts were tried */
		fail_msg("%d sets agreed, %d did not", agreed, apart);
}

/* 100,000 claims added one by one: constant memory, one pass. */
static void
a_hundred_thousand_claims_stream(void **state)
{
	struct agree a;

	(void)state;
	agree_init(&a);
	for (long long i = 0; i < 100000; i++)
		agree_add(&a, 100000 + i % 1000, i % 2 ? "about" : "at_least");
	assert_true(agree_verdict(&a));
	agree_add(&a, 50, "up_to");
	assert_false(agree_verdict(&a));
	agree_add(&a, 100000, "about");   /* disagreement is final */
	assert_false(agree_verdict(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agree_table),
		cmocka_unit_test(many_claims_the_last_two_disagree),
		cmocka_unit_test(verdict_is_the_brute_force_one_in_any_order),
		cmocka_unit_test(a_hundred_thousand_claims_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
