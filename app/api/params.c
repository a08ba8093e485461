#include "params.h"
#include "../core/strutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(struct perror *e, int status, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct perror *e, int status, const char *param, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	snprintf(e->param, sizeof e->param, "%s", param);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes s[0..n) (form encoding: %XX and '+') into out. Returns the decoded
 * length, or -1 on a malformed escape. out has room: decoding never grows.
 */
static long
decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return (long)o;
}

/* A parameter name safe to echo: valid UTF-8 without control bytes, or "". */
static const char *
safe_name(const char *s, size_t n)
{
	if (n > 64 || !utf8_valid(s, n))
		return "";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "";
	return s;
}

static void
list_names(const struct pspec *spec, size_t nspec, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < nspec && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", spec[i].name);
	if (nspec == 0)
		snprintf(out, size, "no parameters");
}

static void
list_choices(const char *const *choices, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; choices[i] != NULL && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", choices[i]);
}

static int
choice_index(const char *const *choices, const char *s, size_t n)
{
	for (int i = 0; choices[i] != NULL; i++)
		if (strlen(choices[i]) == n && strncmp(choices[i], s, n) == 0)
			return i;
	return -1;
}

/*
 * A list of codes, "a,b,c": each checked by code_valid, or by country_code
 * (upper-cased in place) when countries. 0 and e filled if one is not.
 */
static int
code_list(const struct pspec *sp, char *s, int countries, struct perror *e)
{
	int n = 0;

	for (char *p = s;; n++) {
		char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		int ok;

		if (n >= LIST_MAX)
			return fail(e, 400, sp->name, "%s lists more than %d values", sp->name,
			    LIST_MAX);
		if (comma != NULL)
			*comma = '\0';
		ok = countries ? country_code(p, len, p) : code_valid(p);
		if (comma != NULL)
			*comma = ',';
		if (!ok)
			return countries ? fail(e, 400, sp->name, "%s must be ISO 3166-1 alpha-3 "
			    "codes such as SYR, one or several joined by ',' (SYR,IRQ)", sp->name) :
			    fail(e, 400, sp->name, "%s must be codes of 1-64 letters, digits, '.', "
			    "'_' or '-', one or several joined by ',' (killed,injured)", sp->name);
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Checks one value against its spec; fills v. */
static int
validate(const struct pspec *sp, char *s, struct pval *v, struct perror *e)
{
	char names[200];
	size_t n = strlen(s);

	v->set = 1;
	v->s = s;
	switch (sp->type) {
	case P_CODE:
		if (!code_valid(s))
			return fail(e, 400, sp->name, "%s must be a code of 1-64 letters, digits, "
			    "'.', '_' or '-'", sp->name);
		return 0;
	case P_COUNTRY:
		if (!country_code(s, n, s))   /* upper-cased in place */
			return fail(e, 400, sp->name, "%s must be an ISO 3166-1 alpha-3 code such "
			    "as SYR", sp->name);
		return 0;
	case P_DATE:
		if (!date_valid(s))
			return fail(e, 400, sp->name, "%s must be a real date written YYYY-MM-DD, "
			    "from 1900 to 2200", sp->name);
		return 0;
	case P_INT:
		if (sp->choices != NULL && choice_index(sp->choices, s, n) >= 0) {
			v->n = -1;   /* a word: limit=all */
			return 0;
		}
		if (!parse_int64(s, sp->min, sp->max, &v->n)) {
			if (sp->choices != NULL) {
				list_choices(sp->choices, names, sizeof names);
				return fail(e, 400, sp->name, "%s must be a whole number from %lld to "
				    "%lld, or %s", sp->name, sp->min, sp->max, names);
			}
			return fail(e, 400, sp->name, "%s must be a whole number from %lld to %lld",
			    sp->name, sp->min, sp->max);
		}
		return 0;
	case P_ENUM:
		if (choice_index(sp->choices, s, n) < 0) {
			list_choices(sp->choices, names, sizeof names);
			return fail(e, 400, sp->name, "%s must be one of: %s", sp->name, names);
		}
		return 0;
	case P_LIST:
		for (const char *p = s;;) {
			const char *comma = strchr(p, ',');
			size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
			int i = choice_index(sp->choices, p, len);

			if (i < 0 || (v->bits & (1u << i))) {
				list_choices(sp->choices, names, sizeof names);
				return fail(e, 400, sp->name, "%s must be a comma-separated list of "
				    "distinct values from: %s", sp->name, names);
			}
			v->bits |= 1u << i;
			if (comma == NULL)
				break;
			p = comma + 1;
		}
		return 0;
	case P_TEXT:
		if ((long long)n > sp->max)
			return fail(e, 400, sp->name, "%s is longer than %lld bytes", sp->name,
			    sp->max);
		return 0;
	case P_CODES:
		return code_list(sp, s, 0, e) != 0 ? -1 : 0;
	case P_COUNTRIES:
		return code_list(sp, s, 1, e) != 0 ? -1 : 0;
	case P_TOKEN:
		if ((long long)n > sp->max)
			return fail(e, 400, sp->name, "%s is not a token this API issued (too long)",
			    sp->name);
		for (size_t i = 0; i < n; i++)
			if (!(isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
				return fail(e, 400, sp->name, "%s is not a token this API issued: "
				    "pass meta.next_cursor back unchanged", sp->name);
		return 0;
	}
	return fail(e, 400, sp->name, "%s cannot be checked", sp->name);
}

int
params_segment_is(const char *seg, size_t n, const char *name)
{
	size_t k = strcspn(seg, "="), len = strlen(name);
	char key[64];
	long kn;

	if (k > n)
		k = n;
	if (k >= sizeof key || (kn = decode(seg, k, key)) < 0)
		return 0;
	return (size_t)kn == len && memcmp(key, name, len) == 0;
}

int
params_query_without(const char *q, int (*drop)(const char *seg, size_t len, void *arg),
    void *arg, char *out, size_t size)
{
	size_t o = 0;
	int dropped = 0;

	if (size == 0)
		return -1;
	out[0] = '\0';
	for (const char *p = q != NULL ? q : ""; *p != '\0'; p += *p == '&') {
		size_t n = strcspn(p, "&");

		if (n > 0 && drop(p, n, arg))
			dropped++;
		else if (n > 0) {
			if (o + (o > 0) + n >= size) {
				out[0] = '\0';
				return -1;
			}
			if (o > 0)
				out[o++] = '&';
			memcpy(out + o, p, n);
			o += n;
			out[o] = '\0';
		}
		p += n;
	}
	return dropped;
}

/* The bytes of qs's first cursor parameter, however spelled, and its separator (0 if none). */
static size_t
cursor_bytes(const char *qs)
{
	for (const char *p = qs; *p != '\0';) {
		size_t n = strcspn(p, "&");

		if (params_segment_is(p, n, "cursor") && memchr(p, '=', n) != NULL)
			return n + (p > qs || p[n] == '&');
		p += n;
		if (*p == '&')
			p++;
	}
	return 0;
}

int
params_is_tracking(const char *name)
{
	static const char *const names[] = {
		"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "twclid",
		"ttclid", "yclid", "igshid", "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "ref",
		"ref_src", "ref_url", "s_cid",
	};

	if (strncmp(name, "utm_", 4) == 0 && name[4] != '\0')
		return 1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static int
parse_query(const char *qs, const struct pspec *spec, size_t nspec, struct query *q,
    struct pval *out, const char *route, unsigned opts, struct perror *e)
{
	char names[400];
	size_t used = 0, count = 0, qlen;

	const char *p;

	memset(out, 0, nspec * sizeof *out);
	if (qs == NULL || *qs == '\0')
		return 0;
	if ((qlen = strlen(qs)) <= QUERY_READ_MAX)
		qlen -= cursor_bytes(qs);
	if (qlen > QUERY_MAX)
		return fail(e, 414, "", "the query string is %zu bytes long, not counting a "
		    "cursor; at most %d are accepted", qlen, QUERY_MAX);
	/* Bound the work before doing any: count the parameters first. */
	for (p = qs; *p != '\0'; p++)
		if ((p == qs || p[-1] == '&') && *p != '&' && ++count > PARAMS_MAX)
			return fail(e, 400, "", "more than %d parameters", PARAMS_MAX);
	count = 0;
	for (p = qs; *p != '\0';) {
		const char *amp = strchr(p, '&');
		size_t seglen = amp != NULL ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', seglen);
		size_t klen = eq != NULL ? (size_t)(eq - p) : seglen;
		char *key = q->store + used, *val;
		long kn, vn;
		size_t i;

		if (seglen == 0)
			goto next;   /* "a=1&&b=2" or a trailing '&' */
		/* Decoding never grows, so key and value fit where the query did. */
		if ((kn = decode(p, klen, key)) < 0)
			return fail(e, 400, "", "a parameter name has malformed percent-encoding");
		val = key + kn + 1;
		vn = eq != NULL ? decode(eq + 1, seglen - klen - 1, val) : (val[0] = '\0', 0);
		used += (size_t)kn + 1 + (size_t)vn + 1;
		if (kn == 0)
			return fail(e, 400, "", "a parameter has no name (\"=%s\")",
			    safe_name(val, (size_t)vn));
		if (strlen(key) != (size_t)kn)
			return fail(e, 400, "", "a parameter name contains a NUL byte (%%00)");
		for (i = 0; i < nspec; i++)
			if (strcmp(spec[i].name, key) == 0)
				break;
		if (i == nspec && (opts & PARAMS_SKIP_TRACKING) && params_is_tracking(key))
			goto next;   /* utm_source=newsletter: not ours to read */
		if (i == nspec) {
			list_names(spec, nspec, names, sizeof names);
			return fail(e, 400, safe_name(key, (size_t)kn), "unknown parameter '%s'; "
			    "%s accepts: %s", safe_name(key, (size_t)kn), route, names);
		}
		if (vn < 0)
			return fail(e, 400, key, "%s has malformed percent-encoding", key);
		if (out[i].set)
			return fail(e, 400, key, "%s is given more than once", key);
		if (strlen(val) != (size_t)vn)
			return fail(e, 400, key, "%s contains a NUL byte (%%00)", key);
		if (!utf8_valid(val, (size_t)vn))
			return fail(e, 400, key, "%s is not valid UTF-8", key);
		for (long k = 0; k < vn; k++)
			if ((unsigned char)val[k] < 0x20 || val[k] == 0x7f)
				return fail(e, 400, key, "%s contains a control character", key);
		if (vn == 0)
			return fail(e, 400, key, "%s is empty; leave it out to not filter", key);
		if (validate(&spec[i], val, &out[i], e) != 0)
			return -1;
next:
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return 0;
}

int
params_parse(const char *qs, const struct pspec *spec, size_t nspec, struct query *q,
    struct pval *out, const char *route, unsigned opts, struct perror *e)
{
	if (parse_query(qs, spec, nspec, q, out, route, opts, e) != 0)
		return -1;
	for (size_t i = 0; i < nspec; i++)
		if (spec[i].required && !out[i].set)
			return fail(e, 400, spec[i].name, "%s is required%s%s", spec[i].name,
			    spec[i].hint != NULL ? ": " : "", spec[i].hint != NULL ? spec[i].hint : "");
	return 0;
}
