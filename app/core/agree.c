#include "agree.h"

#include <math.h>
#include <string.h>

int
claims_agree(const long long *values, const char *const *qualifiers, size_t n)
{
	/* The intersection so far: [lo, hi], each end open or closed. */
	double lo = 0, hi = INFINITY;
	int lo_open = 0, hi_open = 0;

	for (size_t i = 0; i < n; i++) {
		double v = (double)values[i], a = v, b = v;
		int a_open = 0, b_open = 0;
		const char *q = qualifiers[i] != NULL ? qualifiers[i] : "exact";

		if (strcmp(q, "about") == 0) {
			a = 0.9 * v;
			b = 1.1 * v;
		} else if (strcmp(q, "almost") == 0) {
			a = 0.9 * v;
			b_open = v > 0;
		} else if (strcmp(q, "at_least") == 0)
			b = INFINITY;
		else if (strcmp(q, "more_than") == 0) {
			b = INFINITY;
			a_open = 1;
		} else if (strcmp(q, "up_to") == 0)
			a = 0;
		if (a > lo || (a == lo && a_open)) {
			lo = a;
			lo_open = a_open;
		}
		if (b < hi || (b == hi && b_open)) {
			hi = b;
			hi_open = b_open;
		}
		if (lo > hi || (lo == hi && (lo_open || hi_open)))
			return 0;
	}
	return 1;
}
