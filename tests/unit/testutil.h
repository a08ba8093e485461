/*
 * testutil.h: what several unit tests share. Include after <cmocka.h>.
 */
#ifndef FIGURES_TESTUTIL_H
#define FIGURES_TESTUTIL_H

#include <stddef.h>

/* NULL-aware string equality; a macro so a failure names the test's own line. */
#define assert_text(got, want) do {                        \
		const char *got_ = (got), *want_ = (want);  \
		if (want_ == NULL) {                        \
			assert_null(got_);                  \
		} else {                                    \
			assert_non_null(got_);              \
			assert_string_equal(got_, want_);   \
		}                                           \
	} while (0)

/* Reads SOURCE_DIR/rel whole, NUL-terminated (fails the test if it cannot); the caller frees. */
char *read_source_file(const char *rel, size_t *len);

#endif
