#include "agree.h"

#include <math.h>
#include <string.h>

void
agree_init(struct agree *a)
{
	*a = (struct agree){ .lo = 0, .hi = INFINITY };
}

void
agree_add(struct agree *a, long long value, const char *qualifier)
{
	double v = (double)value, lo = v, hi = v;
	int lo_open = 0, hi_open = 0;
	const char *q = qualifier != NULL ? qualifier : "exact";

	if (strcmp(q, "about") == 0) {
		lo = 0.9 * v;
		hi = 1.1 * v;
	} else if (strcmp(q, "almost") == 0) {
		lo = 0.9 * v;
		hi_open = v > 0;
	} else if (strcmp(q, "at_least") == 0)
		hi = INFINITY;
	else if (strcmp(q, "more_than") == 0) {
		hi = INFINITY;
		lo_open = 1;
	} else if (strcmp(q, "up_to") == 0)
		lo = 0;
	/* narrow [a->lo, a->hi] to this claim's range; an open end wins a tie */
	if (lo > a->lo || (lo == a->lo && lo_open)) {
		a->lo = lo;
		a->lo_open = lo_open;
	}
	if (hi < a->hi || (hi == a->hi && hi_open)) {
		a->hi = hi;
		a->hi_open = hi_open;
	}
	if (a->lo > a->hi || (a->lo == a->hi && (a->lo_open || a->hi_open)))
		a->apart = 1;
}

int
agree_verdict(const struct agree *a)
{
	return !a->apart;
}

int
claims_agree(const long long *values, const char *const *qualifiers, size_t n)
{
	struct agree a;

	agree_init(&a);
	for (size_t i = 0; i < n && !a.apart; i++)
		agree_add(&a, values[i], qualifiers[i]);
	return agree_verdict(&a);
}
