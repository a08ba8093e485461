/*
 * adapter.h: one adapter per upstream format (curl's vtls backends are the
 * model: one file each behind a small table of functions).
 *
 * An adapter is a pure function from response bytes to claims: it parses,
 * maps the upstream's fields onto ours and hands each claim to a sink. It
 * never touches the network or the database, so it is unit-tested on
 * fixtures alone. Bytes arrive in chunks (write), and every adapter parses
 * them as a stream, in memory bounded by a row, never by the body: CSV a row
 * at a time, JSON pages through adapters/json_page.c (yajl). So claims reach
 * the sink before the body is complete, and a body that fails later (in end)
 * has given some: the caller drops them all with the payload (fetch.c fails
 * the feed; its spool is never written).
 *
 * Paged upstreams: after end, next_page writes the URL of the next page, or
 * returns ST_NOT_FOUND when this page was the last.
 *
 * An adapter is its file, adapters/<name>.c, and its line in adapters/list.h,
 * which says how to add one; the registry, the build, the fuzz targets and
 * the OpenAPI enum of adapter names all come from that list.
 */
#ifndef FIGURES_ADAPTER_H
#define FIGURES_ADAPTER_H

#include <stddef.h>
#include "../core/figure.h"

struct adapter_ctx {
	const struct sink *sink;   /* where claims and row rejections go */
	const char        *url;    /* the URL the bytes came from */
	/*
	 * The feed's country setting (`--country`, ISO 3166-1 alpha-3), for an
	 * upstream whose rows do not say their country; NULL when not set.
	 */
	const char        *country;
};

struct adapter {
	const char *name;          /* what feeds name in their `adapter` column */
	const char *description;
	/*
	 * Media types a response may have (space-separated; a response without
	 * one, such as a file: URL, is always accepted). Anything else (an HTML
	 * error page where JSON was expected) is a broken payload.
	 */
	const char *content_types;
	/* A request header whose value comes from an environment variable, if set. */
	const char *auth_header, *auth_env;
	/*
	 * A URL of the shape this adapter reads, never fetched: what the fuzzer
	 * (tests/fuzz/fuzz_adapter.c) and registry-wide tests say a body came
	 * from. Where the upstream pages by a size, the size is small, so a
	 * short body also reaches next_page.
	 */
	const char *example_url;

	/* Starts one body. Returns the adapter's state, or NULL (err says why). */
	void *(*begin)(const struct adapter_ctx *ctx, char *err);
	/* Parses n more bytes. A non-OK status means the payload is broken. */
	enum status (*write)(void *state, const char *data, size_t n, char *err);
	/* The body is complete: check how it ended and emit the last claims. */
	enum status (*end)(void *state, char *err);
	/* Writes the next page's URL into url (size bytes); ST_NOT_FOUND if none. */
	enum status (*next_page)(void *state, char *url, size_t size);
	/* Frees the state. NULL-safe. */
	void (*free)(void *state);
};

/* The adapter named name, or NULL. */
const struct adapter *adapter_find(const char *name);

/*
 * The registered adapters, NULL-terminated (for --help and validation), in
 * the order of adapters/list.h, the one list of them.
 */
extern const struct adapter *const adapters[];

/* Convenience for tests and --import: runs one whole body through an adapter. */
enum status adapter_parse_all(const struct adapter *a, const struct adapter_ctx *ctx,
    const char *data, size_t n, char *err);

#endif
