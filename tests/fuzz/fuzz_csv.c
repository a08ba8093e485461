/*
 * fuzz_csv.c: the push CSV parser (refresh/csv.h).
 *
 * Input: byte 0 is the control byte, the rest is the CSV.
 *   bits 0-5  chunk sizes: the CSV is fed in chunks of 1 + (a small
 *             generator seeded by these bits) % 64 bytes; 0 feeds it whole
 *   bit 6     tight limits (a 64-byte row, 4 fields), to reach the
 *             too-long and too-many-fields errors with short inputs
 *   bit 7     the row callback stops the parse (ST_STOP) at the third row
 * The row callback reads every field. The header promises chunks of any
 * size, so the same CSV is also parsed in one piece and both parses must see
 * the same rows (a digest of every row number and field) and end the same.
 */
#include "fuzz.h"
#include "core/err.h"
#include "refresh/csv.h"

#include <stdlib.h>
#include <string.h>

struct rows {
	uint64_t digest;     /* FNV-1a over every row number, field count and field */
	long     last;       /* the previous row number */
	size_t   max_fields;
	int      stop_at_3;
};

static void
mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		*h = (*h ^ s[i]) * 0x100000001b3ULL;
}

static enum status
on_row(void *ctx, long row, char **fields, size_t nfields)
{
	struct rows *r = ctx;

	FUZZ_CHECK(row == r->last + 1);     /* 1-based, one by one */
	FUZZ_CHECK(nfields >= 1 && nfields <= r->max_fields);
	r->last = row;
	mix(&r->digest, &row, sizeof row);
	mix(&r->digest, &nfields, sizeof nfields);
	for (size_t i = 0; i < nfields; i++)
		mix(&r->digest, fields[i], strlen(fields[i]) + 1);
	return r->stop_at_3 && row == 3 ? ST_STOP : ST_OK;
}

/* Parses csv[0..n) in chunks (chunk_seed 0: whole); returns the final status. */
static enum status
parse(const char *csv, size_t n, unsigned chunk_seed, size_t max_row, struct rows *r)
{
	struct csv *p = csv_new(on_row, r, max_row, r->max_fields);
	char *err = fuzz_malloc(ERR_MAX);
	unsigned x = chunk_seed * 2654435761u + 1;
	enum status st = ST_OK;
	size_t off = 0;

	FUZZ_CHECK(p != NULL);
	err[0] = '\0';
	while (off < n && st == ST_OK) {
		size_t chunk = n - off;

		if (chunk_seed != 0) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			if (chunk > 1 + x % 64)
				chunk = 1 + x % 64;
		}
		st = csv_feed(p, csv + off, chunk, err);
		off += chunk;
	}
	if (st == ST_OK)
		st = csv_finish(p, err);
	FUZZ_CHECK(memchr(err, '\0', ERR_MAX) != NULL);
	FUZZ_CHECK(st == ST_OK || st == ST_STOP || err[0] != '\0');
	csv_free(p);
	free(err);
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned ctl = size > 0 ? data[0] : 0;
	const char *csv = (const char *)data + (size > 0);
	size_t n = size > 0 ? size - 1 : 0;
	size_t max_row = ctl & 0x40 ? 64 : 256 * 1024;
	struct rows chunked = { .digest = 0xcbf29ce484222325ULL,
	    .max_fields = ctl & 0x40 ? 4 : 256, .stop_at_3 = ctl >> 7 };
	struct rows whole = chunked;
	enum status a, b;

	a = parse(csv, n, ctl & 0x3f, max_row, &chunked);
	b = parse(csv, n, 0, max_row, &whole);
	FUZZ_CHECK(a == b);
	FUZZ_CHECK(chunked.last == whole.last);
	FUZZ_CHECK(chunked.digest == whole.digest);
	return 0;
}
