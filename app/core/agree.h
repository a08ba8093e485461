/*
 * agree.h: whether claims about one thing agree, without ever averaging them.
 *
 * Each claim is read as the range of values its words allow:
 *   exact v      [v, v]            at_least v   [v, +inf)
 *   about v      [0.9 v, 1.1 v]    more_than v  (v, +inf)
 *   almost v     [0.9 v, v)        up_to v      [0, v]
 * Claims agree when some value lies in all their ranges: "at least 4,000"
 * and "5,000" agree; "100" and "almost 800" do not. One claim agrees with
 * itself. The ±10% for "about" and "almost" is a convention, stated in the
 * API description, not a measurement.
 */
#ifndef FIGURES_AGREE_H
#define FIGURES_AGREE_H

#include <stddef.h>

/* 1 if the n claims (value, canonical qualifier) agree; 1 for n <= 1. */
int claims_agree(const long long *values, const char *const *qualifiers, size_t n);

#endif
