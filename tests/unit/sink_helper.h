/*
 * sink_helper.h: a struct sink for tests that copies everything it is given
 * (claims and rejections, in order), and small helpers to run an adapter
 * over a fixture. Compiled into the tests that need it (see CMakeLists.txt).
 *
 * Ownership: every text in a struct got belongs to it; got_free frees them.
 */
#ifndef FIGURES_TEST_SINK_HELPER_H
#define FIGURES_TEST_SINK_HELPER_H

#include <stddef.h>

#include "core/figure.h"
#include "refresh/adapter.h"

struct got_claim {
	struct claim c;     /* every text field a copy (or NULL), owned */
	size_t       seq;   /* position among all the calls the sink received */
};

struct got_reject {
	long   row;
	char  *reason;      /* a copy, owned */
	size_t seq;
};

struct got {
	struct got_claim  *claim;
	size_t             nclaims, cap_claims;
	struct got_reject *reject;
	size_t             nrejects, cap_rejects;
	size_t             calls;      /* claims and rejections so far */
	enum status        answer;     /* what the claim callback returns (ST_OK: 0) */
	size_t             fail_at;    /* if not 0: the fail_at-th claim returns fail_status */
	enum status        fail_status;
};

/* The sink that appends to g. A zeroed struct got is ready to use. */
struct sink got_sink(struct got *g);

/* Frees every copy and zeroes g. */
void got_free(struct got *g);

/* 1 if rejection i's reason contains text. */
int got_reject_mentions(const struct got *g, size_t i, const char *text);

/* Reads SOURCE_DIR/tests/fixtures/<rel>; NUL-terminated; the caller frees. */
char *read_fixture(const char *rel, size_t *len);

/* Runs data through adapter name (as if fetched from url) into g. */
enum status run_adapter(const char *name, const char *url, const char *data, size_t n,
    struct got *g, char *err);

/* The same for a feed whose country (--country, adapter_ctx.country) is country. */
enum status run_adapter_in(const char *name, const char *url, const char *country,
    const char *data, size_t n, struct got *g, char *err);

/* The same with a fixture file. */
enum status run_fixture(const char *name, const char *url, const char *rel, struct got *g,
    char *err);

/*
 * Runs one page through adapter name and asks for the next page: *next_st
 * gets next_page's status (ST_NOT_FOUND: none) and next its URL.
 */
enum status run_page(const char *name, const char *url, const char *data, size_t n,
    struct got *g, char *err, enum status *next_st, char *next, size_t size);

#endif
