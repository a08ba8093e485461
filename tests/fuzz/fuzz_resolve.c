/*
 * fuzz_resolve.c: the pure half of ingest (refresh/resolve.h): a claim as
 * any adapter could hand it over, checked and resolved, or refused.
 *
 * Input: byte 0 is the control byte: bit 0 gives the feed a default source
 * (#7), bit 1 makes empty fields NULL rather than "". The rest is the claim's
 * text fields in claim_fields order (core/figure.h), separated by NUL bytes;
 * fields past the last are NULL. Each field is its own heap block of exactly
 * its size, and so are the result and the reason, so ASan sees a read or
 * write past any of them.
 *
 * Beyond crashes: a refusal says why (a sentence within ERR_MAX); a resolved
 * claim keeps every promise of struct resolved (codes valid, the chain in
 * order under an upper-case ISO3 country, dates real and in order, a known
 * metric, a source named or the default, a key under RESOLVE_KEY_MAX); and
 * the same claim resolves the same way twice.
 */
#include "fuzz.h"
#include "core/figure.h"
#include "core/strutil.h"
#include "refresh/resolve.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SOURCE 7

/* The seeded vocabulary (sql/migrations/0001_init.sql), as a fixed table. */
static const struct { const char *code; long long id; } metrics[] = {
	{ "displaced", 1 }, { "idps", 2 }, { "refugees", 3 }, { "returnees", 4 },
	{ "detained", 5 }, { "escaped", 6 }, { "released", 7 }, { "killed", 8 },
	{ "injured", 9 }, { "missing", 10 },
};

static int
metric(const void *ctx, const char *code, long long *id)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
		if (strcmp(metrics[i].code, code) == 0) {
			*id = metrics[i].id;
			return 1;
		}
	return 0;
}

static int
given(const char *s)
{
	return s != NULL && *s != '\0';
}

static int
date_or_empty(const char *s)
{
	return s[0] == '\0' || date_valid(s);
}

/* 1 if the two texts are the same, or both not given (NULL and "" alike). */
static int
same(const char *a, const char *b)
{
	if (!given(a) || !given(b))
		return !given(a) && !given(b);
	return strcmp(a, b) == 0;
}

static void
check_resolved(const struct resolve_env *env, const struct claim *c, const struct resolved *r)
{
	char *key = fuzz_malloc(RESOLVE_KEY_MAX);
	long long id = 0;
	size_t n;

	FUZZ_CHECK(metric(NULL, r->metric, &id) && id == r->metric_id);
	FUZZ_CHECK(r->metric == c->metric);
	FUZZ_CHECK(r->value >= 0 && r->value <= COUNT_MAX);
	FUZZ_CHECK(r->qualifier != NULL && qualifier_parse(r->qualifier) == r->qualifier);

	FUZZ_CHECK(date_or_empty(r->as_of) && date_or_empty(r->period_start) &&
	    date_or_empty(r->period_end) && date_or_empty(r->reported_on));
	FUZZ_CHECK(date_valid(r->sort_date));
	if (*r->period_start && *r->period_end)
		FUZZ_CHECK(strcmp(r->period_start, r->period_end) < 0 ||
		    (*r->as_of && strcmp(r->period_start, r->period_end) == 0));

	FUZZ_CHECK(strlen(r->where.country) == 3 && isupper((unsigned char)r->where.country[0]) &&
	    isupper((unsigned char)r->where.country[1]) && isupper((unsigned char)r->where.country[2]));
	FUZZ_CHECK(r->where.n >= 1 && r->where.n <= RESOLVE_PLACES);
	FUZZ_CHECK(strcmp(r->where.places[0].code, r->where.country) == 0);
	FUZZ_CHECK(strcmp(r->where.places[0].type, "country") == 0 && r->where.places[0].level == 0);
	for (size_t i = 0; i < r->where.n; i++) {
		const struct resolved_place *p = &r->where.places[i];

		FUZZ_CHECK(code_valid(p->code));
		FUZZ_CHECK(given(p->name) && given(p->type));
		/* admin levels grow outwards in; a site, if any, is last */
		if (i > 0)
			FUZZ_CHECK(p->level == -1 ? i == r->where.n - 1 :
			    p->level > r->where.places[i - 1].level);
	}

	/* what it counts: a known unit, a canonical cause, a breakdown within the count */
	FUZZ_CHECK(strcmp(r->unit, "people") == 0 || strcmp(r->unit, "households") == 0);
	if (*r->cause) {
		char again[CAUSE_MAX];

		FUZZ_CHECK(cause_parse(r->cause, again) && strcmp(again, r->cause) == 0);
	}
	FUZZ_CHECK((r->males < 0 ? 0 : r->males) + (r->females < 0 ? 0 : r->females) <= r->value);
	for (size_t i = 0; i < r->origin.n; i++)
		FUZZ_CHECK(code_valid(r->origin.places[i].code) && given(r->origin.places[i].name));

	if (!given(c->source_name) && !given(c->source_code)) {
		FUZZ_CHECK(r->source.default_id == DEFAULT_SOURCE && env->default_source_id > 0);
		FUZZ_CHECK(r->source.code == NULL && r->source.name == NULL);
	} else {
		FUZZ_CHECK(r->source.default_id == 0);
		FUZZ_CHECK(code_valid(r->source.code));
		FUZZ_CHECK(given(r->source.name) && given(r->source.organisation));
		FUZZ_CHECK(source_type_valid(r->source.type));
		if (given(c->source_code))
			FUZZ_CHECK(strcmp(r->source.code, c->source_code) == 0);
	}

	FUZZ_CHECK(same(r->key, c->key) && same(r->group, c->group) && same(r->via, c->via) &&
	    same(r->url, c->url) && same(r->quote, c->quote) && same(r->licence, c->licence));
	/* the key: whole, within its bound, for any id the database could give */
	n = resolve_key(r, 9223372036854775807LL, 9223372036854775807LL, key);
	FUZZ_CHECK(n < RESOLVE_KEY_MAX && strlen(key) == n);
	if (r->key != NULL)
		FUZZ_CHECK(strcmp(key, r->key) == 0);
	else
		FUZZ_CHECK(strstr(key, "|9223372036854775807|") != NULL);
	free(key);
}

static void
same_chain(const struct resolved_chain *a, const struct resolved_chain *b)
{
	FUZZ_CHECK(a->n == b->n && (a->n == 0 || strcmp(a->country, b->country) == 0));
	for (size_t i = 0; i < a->n; i++)
		FUZZ_CHECK(strcmp(a->places[i].code, b->places[i].code) == 0 &&
		    strcmp(a->places[i].name, b->places[i].name) == 0 &&
		    strcmp(a->places[i].type, b->places[i].type) == 0 &&
		    a->places[i].level == b->places[i].level);
}

/* The parts of two results that must agree (the pointers may differ: scratch). */
static void
check_same(const struct resolved *a, const struct resolved *b)
{
	FUZZ_CHECK(a->metric_id == b->metric_id && a->value == b->value);
	FUZZ_CHECK(a->qualifier == b->qualifier && strcmp(a->sort_date, b->sort_date) == 0);
	FUZZ_CHECK(strcmp(a->as_of, b->as_of) == 0 &&
	    strcmp(a->period_start, b->period_start) == 0 &&
	    strcmp(a->period_end, b->period_end) == 0);
	same_chain(&a->where, &b->where);
	same_chain(&a->origin, &b->origin);
	FUZZ_CHECK(strcmp(a->unit, b->unit) == 0 && strcmp(a->cause, b->cause) == 0 &&
	    a->males == b->males && a->females == b->females);
	FUZZ_CHECK(a->source.default_id == b->source.default_id &&
	    same(a->source.code, b->source.code) && same(a->source.name, b->source.name) &&
	    same(a->source.organisation, b->source.organisation) &&
	    same(a->source.type, b->source.type));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct claim c = { .row = 1 };
	char *fields[CLAIM_NFIELDS] = { NULL };
	struct resolved *r1 = fuzz_malloc(sizeof *r1), *r2 = fuzz_malloc(sizeof *r2);
	char *why1 = fuzz_malloc(ERR_MAX), *why2 = fuzz_malloc(ERR_MAX);
	uint8_t control = size > 0 ? data[0] : 0;
	struct resolve_env env = { .feed_code = "fuzz",
	    .default_source_id = (control & 1) ? DEFAULT_SOURCE : 0,
	    .retrieved_at = "2026-01-02T03:04:05Z", .metric = metric };
	size_t at = size > 0 ? 1 : 0;
	enum status st1, st2;

	for (size_t i = 0; i < CLAIM_NFIELDS && at < size; i++) {
		fields[i] = fuzz_cstr(data + at, size - at, size - at);
		at += strlen(fields[i]) + 1;
		if (fields[i][0] == '\0' && (control & 2)) {
			free(fields[i]);
			fields[i] = NULL;
		}
		claim_set_text(&c, i, fields[i]);
	}

	why1[0] = why2[0] = '\0';
	st1 = resolve_claim(&env, &c, r1, why1);
	st2 = resolve_claim(&env, &c, r2, why2);
	FUZZ_CHECK(st1 == ST_OK || st1 == ST_INVALID);
	FUZZ_CHECK(st1 == st2);
	FUZZ_CHECK(memchr(why1, '\0', ERR_MAX) != NULL && strcmp(why1, why2) == 0);
	if (st1 == ST_INVALID)
		FUZZ_CHECK(why1[0] != '\0');
	else {
		check_resolved(&env, &c, r1);
		check_same(r1, r2);
	}

	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		free(fields[i]);
	free(r1);
	free(r2);
	free(why1);
	free(why2);
	return 0;
}
