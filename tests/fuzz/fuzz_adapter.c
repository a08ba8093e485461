/*
 * fuzz_adapter.c: one refresher adapter on any body. Compiled once per line
 * of app/refresh/adapters/list.h, as fuzz_<name> with -DFUZZ_ADAPTER="<name>"
 * (tests/fuzz/CMakeLists.txt), so a new adapter is fuzzed without a file
 * here: its seeds are corpus/<name>/, its tokens dict/<name>.dict.
 *
 * The body runs through the adapter the way fetch.c runs one: begin, write
 * in two chunks, end, next_page, free, as if fetched from the adapter's
 * example_url (small pages where the upstream pages by a size, so a short
 * body also computes a next page's URL), for a feed whose country
 * (--country) is SYR, which adapters whose rows name theirs ignore.
 * Input: byte 0 chooses where the body (the rest) is split between the two
 * writes, so the fuzzer also explores chunk boundaries (in a CSV row, a
 * quoted field, a BOM, a JSON token).
 *
 * The sink reads every text field of each claim and every rejection's
 * reason, and checks the row numbers; a failed payload must say why.
 */
#include "fuzz.h"
#include "refresh/adapter.h"
#include "refresh/fetch.h"

#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_ADAPTER
#error "compile with -DFUZZ_ADAPTER=\"<name>\" (tests/fuzz/CMakeLists.txt does)"
#endif

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct adapter *a = adapter_find(FUZZ_ADAPTER);
	struct seen seen = { 0 };
	struct sink sink = { .claim = on_claim, .reject = on_reject, .ctx = &seen };
	struct adapter_ctx ctx = { .sink = &sink };
	/* on the heap and exactly sized, so ASan sees a write past either */
	char *err = fuzz_malloc(ERR_MAX), *next = fuzz_malloc(URL_MAX);
	const char *body = (const char *)data + (size > 0);
	size_t n = size > 0 ? size - 1 : 0, split = size > 0 ? n * data[0] / 255 : 0;
	enum status st;
	void *state;

	FUZZ_CHECK(a != NULL);
	FUZZ_CHECK(a->example_url != NULL);
	ctx.url = a->example_url;
	ctx.country = "SYR";
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
	return 0;
}
