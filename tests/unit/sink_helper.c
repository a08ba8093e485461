/*
 * sink_helper.c: the copying test sink and adapter runners (sink_helper.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink_helper.h"
#include "testutil.h"

#ifndef SOURCE_DIR
#error "SOURCE_DIR must be defined by tests/unit/CMakeLists.txt"
#endif

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static enum status
got_on_claim(void *ctx, const struct claim *c)
{
	struct got *g = ctx;
	struct got_claim *k;

	if (g->nclaims == g->cap_claims) {
		size_t cap = g->cap_claims ? g->cap_claims * 2 : 16;
		struct got_claim *p = realloc(g->claim, cap * sizeof *p);

		assert_non_null(p);
		g->claim = p;
		g->cap_claims = cap;
	}
	k = &g->claim[g->nclaims++];
	memset(k, 0, sizeof *k);
	k->c.row = c->row;
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		claim_set_text(&k->c, i, dup_or_null(claim_text(c, i)));
	k->seq = g->calls++;
	if (g->fail_at != 0 && g->nclaims == g->fail_at)
		return g->fail_status;
	return g->answer;
}

static void
got_on_reject(void *ctx, long row, const char *reason)
{
	struct got *g = ctx;
	struct got_reject *r;

	assert_non_null(reason);
	if (g->nrejects == g->cap_rejects) {
		size_t cap = g->cap_rejects ? g->cap_rejects * 2 : 16;
		struct got_reject *p = realloc(g->reject, cap * sizeof *p);

		assert_non_null(p);
		g->reject = p;
		g->cap_rejects = cap;
	}
	r = &g->reject[g->nrejects++];
	r->row = row;
	r->reason = dup_or_null(reason);
	r->seq = g->calls++;
}

struct sink
got_sink(struct got *g)
{
	return (struct sink){ .claim = got_on_claim, .reject = got_on_reject, .ctx = g };
}

void
got_free(struct got *g)
{
	for (size_t k = 0; k < g->nclaims; k++)
		for (size_t i = 0; i < CLAIM_NFIELDS; i++)
			free((void *)claim_text(&g->claim[k].c, i));
	for (size_t k = 0; k < g->nrejects; k++)
		free(g->reject[k].reason);
	free(g->claim);
	free(g->reject);
	memset(g, 0, sizeof *g);
}

int
got_reject_mentions(const struct got *g, size_t i, const char *text)
{
	return i < g->nrejects && strstr(g->reject[i].reason, text) != NULL;
}

char *
read_fixture(const char *rel, size_t *len)
{
	char path[512];

	snprintf(path, sizeof path, "tests/fixtures/%s", rel);
	return read_source_file(path, len);
}

enum status
run_adapter_in(const char *name, const char *url, const char *country, const char *data,
    size_t n, struct got *g, char *err)
{
	const struct adapter *a = adapter_find(name);
	struct sink sink = got_sink(g);
	struct adapter_ctx ctx = { .sink = &sink, .url = url, .country = country };

	assert_non_null(a);
	err[0] = '\0';
	return adapter_parse_all(a, &ctx, data, n, err);
}

enum status
run_adapter(const char *name, const char *url, const char *data, size_t n, struct got *g,
    char *err)
{
	return run_adapter_in(name, url, NULL, data, n, g, err);
}

enum status
run_fixture(const char *name, const char *url, const char *rel, struct got *g, char *err)
{
	size_t n;
	char *data = read_fixture(rel, &n);
	enum status st = run_adapter(name, url, data, n, g, err);

	free(data);
	return st;
}

enum status
run_page(const char *name, const char *url, const char *data, size_t n, struct got *g,
    char *err, enum status *next_st, char *next, size_t size)
{
	const struct adapter *a = adapter_find(name);
	struct sink sink = got_sink(g);
	struct adapter_ctx ctx = { .sink = &sink, .url = url };
	void *state;
	enum status st;

	assert_non_null(a);
	err[0] = '\0';
	next[0] = '\0';
	state = a->begin(&ctx, err);
	assert_non_null(state);
	st = a->write(state, data, n, err);
	if (st == ST_OK)
		st = a->end(state, err);
	*next_st = a->next_page(state, next, size);
	a->free(state);
	return st;
}
