/* test_table.c: CSV cells (render/table.c): RFC 4180 quoting and formula neutralising. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "render/attribution.h"
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

/*
 * The figures of the attribution tests: what their sentences hold (each is
 * dated but the first, whose sentence has no comma).
 */
static const struct { const char *source, *group; long long value; int dated; } figs[] = {
	{ "UNHCR", NULL, 5, 0 },                        /* no comma: no quotes */
	{ "UNHCR", NULL, 130000, 1 },                   /* commas: quoted */
	{ "the \"monitor\"", NULL, 100, 1 },            /* quotes doubled */
	{ "=HYPERLINK(\"x\")", "a;@SUM(A1)", 800, 1 },  /* formulas, at the start and after ';' */
	{ "-group", "two\nlines", 7, 1 },               /* a minus at the start, a line break */
	{ "a", "x;", 9, 1 },                            /* a separator before the sentence goes on */
};

static struct figure_row
fig_of(size_t i)
{
	struct figure_row fig = { .id = 1, .value = figs[i].value, .metric = "escaped",
	    .qualifier = "exact", .group = figs[i].group,
	    .as_of = figs[i].dated ? "2019-10-13" : NULL, .sort_date = "2019-10-13",
	    .unit = "people",
	    .location = { .code = "X", .name = "Ain Issa camp", .country = "SYR" },
	    .source = { .code = "s", .name = figs[i].source } };

	return fig;
}

/* Sets want to the sentence of the figure (item NULL) or of the item as table_cell writes it. */
static void
sentence_cell(struct buf *want, const struct summary_item *item, const struct figure_row *fig)
{
	struct buf sentence;

	buf_init(&sentence, 1 << 16);
	assert_int_equal(item != NULL ? attribution_summary(&sentence, item, "en") :
	    attribution_figure(&sentence, fig, "en"), ST_OK);
	assert_int_equal(table_cell(want, sentence.data), ST_OK);
	buf_free(&sentence);
}

/*
 * A figure's attribution, its row's last cell, is made where it is written:
 * whatever its sentence holds, the cell is the sentence through table_cell.
 */
static void
attribution_cell_is_its_sentence_as_a_cell(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(figs); i++) {
		struct figure_row fig = fig_of(i);
		struct buf row, want;

		buf_init(&row, 1 << 16);
		buf_init(&want, 1 << 16);
		assert_int_equal(buf_puts(&row, "before,"), ST_OK);
		assert_int_equal(table_figure_row_lang(&row, &fig, TABLE_CSV, NULL, 0, "en"), ST_OK);
		sentence_cell(&want, NULL, &fig);
		if (i == 0)
			assert_null(strpbrk(want.data, ",\""));   /* the case it stands for */
		assert_int_equal(buf_puts(&want, "\r\n"), ST_OK);
		assert_true(row.len > want.len);
		if (strcmp(row.data + row.len - want.len, want.data) != 0 ||
		    row.data[row.len - want.len - 1] != ',' || strncmp(row.data, "before,1,", 9) != 0)
			fail_msg("figure %zu: row [%s] does not end with [%s]", i, row.data, want.data);
		buf_free(&row);
		buf_free(&want);
	}
}

/* A summary's sentence, the last of its item's columns, is made the same way. */
static void
summary_attribution_cell_is_its_sentence_as_a_cell(void **state)
{
	struct figure_row claims[N(figs)];
	struct summary_item item = { .claims = claims, .n = N(figs), .min = 5, .max = 130000 };
	struct buf rows, want;

	(void)state;
	for (size_t i = 0; i < N(figs); i++)
		claims[i] = fig_of(i);
	item.latest_as_of[0] = '\0';
	buf_init(&rows, 1 << 16);
	buf_init(&want, 1 << 16);
	assert_int_equal(table_summary_item_lang(&rows, &item, TABLE_CSV, NULL, 0, "en"), ST_OK);
	assert_int_equal(buf_putc(&want, ','), ST_OK);
	sentence_cell(&want, &item, NULL);
	assert_int_equal(buf_putc(&want, ','), ST_OK);
	assert_true(want.len > 20);
	if (strstr(rows.data, want.data) == NULL)
		fail_msg("the summary's rows [%s] hold no cell [%s]", rows.data, want.data);
	buf_free(&rows);
	buf_free(&want);
}

/*
 * A row that cannot be written whole stops at its attribution with the
 * buffer as it was before that cell (its commas up to it), NUL-terminated,
 * wherever the room ran out: in the sentence, or at either of its quotes;
 * and a sentence longer than ATTRIBUTION_MAX is refused, as it always was.
 */
static void
attribution_cell_that_cannot_be_written_leaves_the_row_before_it(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(figs); i++) {
		struct figure_row fig = fig_of(i);
		struct buf whole, want;
		size_t before;

		buf_init(&whole, 1 << 16);
		buf_init(&want, 1 << 16);
		assert_int_equal(table_figure_row(&whole, &fig, TABLE_CSV, NULL, 0), ST_OK);
		sentence_cell(&want, NULL, &fig);
		before = whole.len - want.len - 2;   /* the row up to the sentence's cell */
		for (size_t max = before; max < before + want.len; max++) {
			struct buf b;

			buf_init(&b, max);
			assert_int_equal(table_figure_row(&b, &fig, TABLE_CSV, NULL, 0), ST_TOO_BIG);
			if (b.len != before || memcmp(b.data, whole.data, before) != 0 ||
			    b.data[before] != '\0')
				fail_msg("figure %zu, room for %zu bytes: [%.*s] is not the row up to "
				    "its sentence (%zu bytes)", i, max, (int)b.len, b.data, before);
			buf_free(&b);
		}
		buf_free(&whole);
		buf_free(&want);
	}
}

static void
attribution_longer_than_its_bound_is_refused(void **state)
{
	static char name[ATTRIBUTION_MAX + 2];
	struct figure_row fig = fig_of(1);
	struct buf b;

	(void)state;
	memset(name, 'n', sizeof name - 1);
	fig.source.name = name;
	buf_init(&b, 1 << 20);
	assert_int_equal(table_figure_row(&b, &fig, TABLE_CSV, NULL, 0), ST_TOO_BIG);
	assert_int_equal(b.data[b.len - 1], ',');   /* the cells before it, as they were */
	buf_free(&b);
}

/* A number's digits go out as they are; a minus is a formula's start like any other. */
static void
number_cells_neutralise_a_minus(void **state)
{
	struct figure_row fig = { .id = 12, .value = -5, .metric = "escaped",
	    .sort_date = "2019-10-13", .males = -1, .has_males = 1,
	    .location = { .code = "X", .country = "SYR" } };
	struct location_row place = { .code = "X", .admin_level = -2, .has_level = 1 };
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	assert_int_equal(table_figure_row(&b, &fig, TABLE_CSV, NULL, 0), ST_OK);
	assert_true(strncmp(b.data, "12,", 3) == 0);
	assert_non_null(strstr(b.data, ",'-5,"));
	assert_non_null(strstr(b.data, ",'-1,"));
	buf_reset(&b);
	assert_int_equal(table_list_row(&b, TABLE_LOCATIONS, &place), ST_OK);
	assert_non_null(strstr(b.data, ",'-2,"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_cell_table),
		cmocka_unit_test(table_cell_null_is_empty),
		cmocka_unit_test(attribution_cell_is_its_sentence_as_a_cell),
		cmocka_unit_test(summary_attribution_cell_is_its_sentence_as_a_cell),
		cmocka_unit_test(attribution_cell_that_cannot_be_written_leaves_the_row_before_it),
		cmocka_unit_test(attribution_longer_than_its_bound_is_refused),
		cmocka_unit_test(number_cells_neutralise_a_minus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
