/*
 * test_dims.c: the store's kept dimension rows (store/dims.h): found by kind
 * and id, copied, bounded, forgotten whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/dims.h"

static void
test_rows_are_found_by_kind_and_id_and_copied(void **state)
{
	struct dims d;
	char name[] = "District 270";
	struct dim row = { .id = 7, .kind = DIM_LOCATION,
	    .text = { "AAI-00270", name, "AAI", "admin2" }, .number = 2, .has_number = 1 };
	const struct dim *got;

	(void)state;
	assert_int_equal(dims_init(&d), 0);
	assert_null(dims_find(&d, DIM_LOCATION, 7));
	assert_non_null(dims_add(&d, &row));
	name[0] = 'X';   /* the caller's strings may change: the kept row is a copy */
	got = dims_find(&d, DIM_LOCATION, 7);
	assert_non_null(got);
	assert_string_equal(got->text[1], "District 270");
	assert_string_equal(got->text[0], "AAI-00270");
	assert_null(got->text[4]);
	assert_int_equal(got->number, 2);
	assert_int_equal(got->has_number, 1);
	/* the same id of another kind is another row */
	assert_null(dims_find(&d, DIM_SOURCE, 7));
	row.kind = DIM_SOURCE;
	row.text[0] = "source-7";
	assert_non_null(dims_add(&d, &row));
	assert_string_equal(dims_find(&d, DIM_SOURCE, 7)->text[0], "source-7");
	assert_string_equal(dims_find(&d, DIM_LOCATION, 7)->text[0], "AAI-00270");
	assert_int_equal(dims_count(&d), 2);
	dims_clear(&d);
	assert_int_equal(dims_count(&d), 0);
	assert_null(dims_find(&d, DIM_LOCATION, 7));
	dims_free(&d);
}

static void
test_at_most_dims_max_rows_are_kept(void **state)
{
	struct dims d;
	struct dim row = { .kind = DIM_LOCATION, .text = { "code" } };

	(void)state;
	assert_int_equal(dims_init(&d), 0);
	for (long long id = 1; id <= DIMS_MAX; id++) {
		row.id = id * 4096;   /* ids that share their low bits probe past each other */
		assert_non_null(dims_add(&d, &row));
	}
	row.id = 1;
	assert_null(dims_add(&d, &row));   /* full: the store clears first */
	assert_int_equal(dims_count(&d), DIMS_MAX);
	for (long long id = 1; id <= DIMS_MAX; id++)
		assert_non_null(dims_find(&d, DIM_LOCATION, id * 4096));
	assert_null(dims_find(&d, DIM_LOCATION, 1));
	dims_clear(&d);
	assert_non_null(dims_add(&d, &row));
	dims_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_found_by_kind_and_id_and_copied),
		cmocka_unit_test(test_at_most_dims_max_rows_are_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
