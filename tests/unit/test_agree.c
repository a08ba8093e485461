/* test_agree.c: when claims agree (core/agree.h), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(agree_table) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
