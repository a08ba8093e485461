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
 *
 * Every claim counts, in any number and any order: the verdict is the
 * intersection of all the ranges, kept as it goes (struct agree, a few
 * words whatever the number of claims), so a caller never needs the claims
 * in an array, nor a bound on how many there are.
 */
#ifndef FIGURES_AGREE_H
#define FIGURES_AGREE_H

#include <stddef.h>

/* The intersection of the ranges of the claims added so far. */
struct agree {
	double lo, hi;
	int    lo_open, hi_open;
	int    apart;       /* the intersection is empty: they disagree, whatever comes next */
};

void agree_init(struct agree *a);
/* Adds one claim (value, canonical qualifier; NULL is "exact"). */
void agree_add(struct agree *a, long long value, const char *qualifier);
/* 1 if every claim added agrees (1 when none or one was). */
int agree_verdict(const struct agree *a);

/* 1 if the n claims (value, canonical qualifier) agree; 1 for n <= 1. */
int claims_agree(const long long *values, const char *const *qualifiers, size_t n);

#endif
