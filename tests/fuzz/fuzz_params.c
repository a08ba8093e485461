/*
 * fuzz_params.c: the query-string parser (api/params.h) on any bytes.
 *
 * Input: the query string, cut at its first NUL (a CGI variable cannot hold
 * one) and at 3 * QUERY_MAX bytes, so the 414 path is reached too. It is
 * parsed against a table that uses every ptype at the edges of its bounds,
 * then against every route's real table, and the result is checked against
 * what params.h promises: a value that passed is what its type says; a
 * failure names a status, a showable parameter and a message.
 */
#include "fuzz.h"
#include "api/api.h"
#include "api/cursor.h"
#include "api/params.h"
#include "core/strutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const colours[] = { "red", "green", "blue", NULL };
/* 32 choices: the last one is bit 31 of pval.bits */
static const char *const letters[] = {
	"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p",
	"q", "r", "s", "t", "u", "v", "w", "x", "y", "z", "aa", "ab", "ac", "ad", "ae", "af",
	NULL,
};

static const struct pspec every_type[] = {
	{ "code", P_CODE, 0, 0, NULL },
	{ "country", P_COUNTRY, 0, 0, NULL },
	{ "date", P_DATE, 0, 0, NULL },
	{ "n", P_INT, LLONG_MIN, LLONG_MAX, NULL },
	{ "small", P_INT, -5, 5, NULL },
	{ "page", P_INT, 1, 1000, (const char *const[]){ "all", NULL } },
	{ "codes", P_CODES, 0, 0, NULL },
	{ "countries", P_COUNTRIES, 0, 0, NULL },
	{ "colour", P_ENUM, 0, 0, colours },
	{ "letters", P_LIST, 0, 0, letters },
	{ "text", P_TEXT, 0, 16, NULL },
	{ "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
};

static size_t
nchoices(const char *const *choices)
{
	size_t n = 0;

	while (choices[n] != NULL)
		n++;
	return n;
}

static int
is_choice(const char *const *choices, const char *s)
{
	for (size_t i = 0; choices[i] != NULL; i++)
		if (strcmp(choices[i], s) == 0)
			return 1;
	return 0;
}

/* 1 if s is valid UTF-8 without control characters: safe to show. */
static int
showable(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return utf8_valid(s, n);
}

static void
check_value(const struct pspec *sp, const struct pval *v, const struct query *q)
{
	const char *s = v->s;
	size_t n;

	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(s >= q->store && s < q->store + sizeof q->store);
	n = strlen(s);
	FUZZ_CHECK(s + n < q->store + sizeof q->store);
	FUZZ_CHECK(n >= 1);
	FUZZ_CHECK(showable(s));
	switch (sp->type) {
	case P_CODE:
		FUZZ_CHECK(code_valid(s));
		break;
	case P_COUNTRY:
		FUZZ_CHECK(n == 3);
		for (size_t i = 0; i < 3; i++)
			FUZZ_CHECK(s[i] >= 'A' && s[i] <= 'Z');
		break;
	case P_CODES:
	case P_COUNTRIES: {
		/* codes (upper-case countries) joined by single commas, at most LIST_MAX */
		char one[80];
		int count = 0;

		for (const char *p = s;; count++) {
			size_t len = strcspn(p, ",");

			FUZZ_CHECK(len > 0 && len < sizeof one);
			memcpy(one, p, len);
			one[len] = '\0';
			if (sp->type == P_CODES)
				FUZZ_CHECK(code_valid(one));
			else
				FUZZ_CHECK(len == 3 && one[0] >= 'A' && one[0] <= 'Z' &&
				    one[1] >= 'A' && one[1] <= 'Z' && one[2] >= 'A' && one[2] <= 'Z');
			if (p[len] == '\0')
				break;
			p += len + 1;
		}
		FUZZ_CHECK(count < LIST_MAX);
		break;
	}
	case P_DATE:
		FUZZ_CHECK(date_valid(s));
		break;
	case P_INT:
		FUZZ_CHECK((v->n >= sp->min && v->n <= sp->max) ||
		    (sp->choices != NULL && v->n == -1 && is_choice(sp->choices, s)));
		break;
	case P_ENUM:
		FUZZ_CHECK(is_choice(sp->choices, s));
		break;
	case P_LIST: {
		size_t k = nchoices(sp->choices);

		FUZZ_CHECK(v->bits != 0);
		FUZZ_CHECK(k >= 32 || (v->bits >> k) == 0);
		break;
	}
	case P_TEXT:
		FUZZ_CHECK((long long)n <= sp->max);
		break;
	case P_TOKEN:
		FUZZ_CHECK((long long)n <= sp->max);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_');
		break;
	}
}

static void
run(const char *qs, const char *route, const struct pspec *spec, size_t nspec)
{
	/* on the heap and exactly sized, so ASan sees a write past any of them */
	struct query *q = fuzz_malloc(sizeof *q);
	struct pval *out = fuzz_malloc(nspec * sizeof *out);
	struct perror *e = fuzz_malloc(sizeof *e);

	/* not NUL-filled, so a message left unterminated is seen */
	memset(e, 'X', sizeof *e);
	memset(out, 0x5a, nspec * sizeof *out);
	/* half the inputs as a card reads them: tracking parameters skipped */
	if (params_parse(qs, spec, nspec, q, out, route, strlen(qs) & 1 ? PARAMS_SKIP_TRACKING : 0,
	    e) == 0) {
		for (size_t i = 0; i < nspec; i++)
			if (out[i].set)
				check_value(&spec[i], &out[i], q);
			else
				FUZZ_CHECK(!spec[i].required && out[i].s == NULL && out[i].n == 0 &&
				    out[i].bits == 0);
	} else {
		FUZZ_CHECK(e->status == 400 || e->status == 414);
		FUZZ_CHECK(e->status != 414 || strlen(qs) > QUERY_MAX);
		FUZZ_CHECK(memchr(e->param, '\0', sizeof e->param) != NULL);
		FUZZ_CHECK(memchr(e->message, '\0', sizeof e->message) != NULL);
		FUZZ_CHECK(e->message[0] != '\0');
		FUZZ_CHECK(showable(e->param));
		/* the message goes to clients inside a JSON string */
		FUZZ_CHECK(showable(e->message));
	}
	free(q);
	free(out);
	free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *qs = fuzz_cstr(data, size, 3 * QUERY_MAX);

	run(qs, "/fuzz", every_type, sizeof every_type / sizeof every_type[0]);
	for (size_t i = 0; i < nroutes; i++)   /* every route's real table */
		run(qs, routes[i]->path, routes[i]->params, routes[i]->nparams);
	free(qs);
	return 0;
}
