/*
 * fuzz_util.c: helpers for the libFuzzer targets (fuzz.h).
 */
#include "fuzz.h"
#include "refresh/adapter.h"
#include "refresh/fetch.h"

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

struct seen {
	size_t claims, rejects, bytes;
};

static enum status
on_claim(void *ctx, const struct claim *c)
{
	struct seen *s = ctx;

	FUZZ_CHECK(c != NULL);
	FUZZ_CHECK(c->row >= 1);   /* figure.h: 1-based */
	for (size_t i = 0; i < CLAIM_NFIELDS; i++) {   /* every text field is readable */
		const char *t = claim_text(c, i);

		if (t != NULL)
			s->bytes += strlen(t);
	}
	s->claims++;
	return ST_OK;
}

static void
on_reject(void *ctx, long row, const char *reason)
{
	struct seen *s = ctx;

	FUZZ_CHECK(row >= 1);
	FUZZ_CHECK(reason != NULL);
	s->bytes += strlen(reason);
	s->rejects++;
}

void
fuzz_adapter(const char *name, const char *url, const uint8_t *data, size_t size)
{
	const struct adapter *a = adapter_find(name);
	struct seen seen = { 0 };
	struct sink sink = { .claim = on_claim, .reject = on_reject, .ctx = &seen };
	struct adapter_ctx ctx = { .sink = &sink, .url = url };
	/* on the heap and exactly sized, so ASan sees a write past either */
	char *err = fuzz_malloc(ERR_MAX), *next = fuzz_malloc(URL_MAX);
	const char *body = (const char *)data + (size > 0);
	size_t n = size > 0 ? size - 1 : 0, split = size > 0 ? n * data[0] / 255 : 0;
	enum status st;
	void *state;

	FUZZ_CHECK(a != NULL);
	err[0] = '\0';
	if ((state = a->begin(&ctx, err)) == NULL)
		fuzz_fail(__FILE__, __LINE__, "begin returned NULL");
	st = a->write(state, body, split, err);
	if (st == ST_OK)
		st = a->write(state, body + split, n - split, err);
	if (st == ST_OK)
		st = a->end(state, err);
	FUZZ_CHECK(memchr(err, '\0', ERR_MAX) != NULL);
	/* a failed payload must say why */
	FUZZ_CHECK(st == ST_OK || err[0] != '\0');
	next[0] = '\0';
	if (a->next_page(state, next, URL_MAX) == ST_OK) {
		FUZZ_CHECK(memchr(next, '\0', URL_MAX) != NULL);
		FUZZ_CHECK(next[0] != '\0');
	}
	a->free(state);
	free(err);
	free(next);
}
