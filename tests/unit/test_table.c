/* test_table.c: CSV cells (render/table.c): RFC 4180 quoting and formula neutralising. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "render/table.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct { const char *in, *out; } cells[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "two\nlines", "\"two\nlines\"" },
	{ "=1+1", "'=1+1" },
	{ "+cmd", "'+cmd" },
	{ "-2", "'-2" },
	{ "@SUM(A1)", "'@SUM(A1)" },
	{ "\rx", "\"'\rx\"" },
	/* a formula that also needs quotes: the apostrophe inside them */
	{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	/* quotes first, last, alone and in a row */
	{ "\"", "\"\"\"\"" },
	{ "\"x", "\"\"\"x\"" },
	{ "x\"", "\"x\"\"\"" },
	{ "a\"\"b", "\"a\"\"\"\"b\"" },
	{ "a=b", "a=b" },
	{ "130,000", "\"130,000\"" },
	{ "نازحون, الرقة", "\"نازحون, الرقة\"" },
	/*
	 * Issue 15.6: where a spreadsheet splits cells on ';' (or a tab), a cell
	 * holding one is quoted; and whatever follows a separator, the piece a
	 * splitter that ignores quotes would make, is neutralised as a cell's
	 * start is, so that no piece starts a formula either.
	 */
	{ "x;=cmd|' /C calc'!A0", "\"x;'=cmd|' /C calc'!A0\"" },
	{ "a;b", "\"a;b\"" },
	{ "a\tb", "\"a\tb\"" },
	{ "x,=1+1", "\"x,'=1+1\"" },
	{ "x, =1+1", "\"x, =1+1\"" },
	{ "x;+1;-1;@A1", "\"x;'+1;'-1;'@A1\"" },
	{ "x\t=1", "\"x\t'=1\"" },
	{ "x\n=1", "\"x\n'=1\"" },
	{ "x\r\n@A1", "\"x\r\n'@A1\"" },
	{ "x;\t=1", "\"x;'\t'=1\"" },
	{ "x;\"=1", "\"x;\"\"=1\"" },
	{ "=a;=b", "\"'=a;'=b\"" },
	{ "\tx", "\"'\tx\"" },
	{ "a;", "\"a;\"" },
	{ ";", "\";\"" },
	{ "130,000;-", "\"130,000;'-\"" },
};

static void
table_cell_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(cells); i++) {
		struct buf b;

		buf_init(&b, 1024);
		assert_int_equal(table_cell(&b, cells[i].in), ST_OK);
		if (strcmp(b.data != NULL ? b.data : "", cells[i].out) != 0)
			fail_msg("cell %zu: got [%s], want [%s]", i, b.data, cells[i].out);
		buf_free(&b);
	}
}

static void
table_cell_null_is_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(table_cell(&b, NULL), ST_OK);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_cell_table),
		cmocka_unit_test(table_cell_null_is_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
