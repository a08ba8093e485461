/*
 * fuzz_util.c: helpers for the libFuzzer targets (fuzz.h).
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
	abort();
}

void *
fuzz_malloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		fuzz_fail(__FILE__, __LINE__, "malloc");
	return p;
}

char *
fuzz_cstr(const uint8_t *data, size_t size, size_t cap)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t n = nul != NULL ? (size_t)(nul - data) : size;
	char *s;

	if (n > cap)
		n = cap;
	s = fuzz_malloc(n + 1);
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}
