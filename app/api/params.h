/*
 * params.h: the query string, parsed and validated against one route's table
 * of parameters (kcgi's model: every input declared once, with its
 * validator; handlers read only typed, checked values).
 *
 * The raw QUERY_STRING arrives percent-encoded, maybe with %00, repeated or
 * empty keys. params_parse decodes it into its own storage and rejects, with
 * the parameter's name and the reason: malformed percent-encoding, a NUL
 * byte, invalid UTF-8, control characters, an empty value, a repeated
 * parameter, an unknown parameter, too many parameters, any value its
 * validator refuses, and a required parameter left out.
 */
#ifndef FIGURES_PARAMS_H
#define FIGURES_PARAMS_H

#include <stddef.h>

#include "cursor.h"

/*
 * Bytes of query string we read, not counting its cursor parameter (longer is
 * 414): a next-page link, the query and a cursor, must be accepted whenever
 * the query it continues was. QUERY_READ_MAX bounds the whole string.
 */
#define QUERY_MAX      2048
#define QUERY_READ_MAX (QUERY_MAX + sizeof "&cursor=" + CURSOR_MAX)
#define PARAMS_MAX  32

enum ptype {
	P_CODE,      /* a code: 1-64 of [A-Za-z0-9._-] */
	P_COUNTRY,   /* ISO 3166-1 alpha-3, any case (stored upper-case) */
	P_DATE,      /* YYYY-MM-DD, a real day */
	P_INT,       /* base-10 integer within [min, max], or one of choices (if any): n = -1 */
	P_ENUM,      /* one of choices */
	P_LIST,      /* comma-separated, each one of choices, none twice */
	P_TEXT,      /* free text of 1..max bytes, no control characters */
	P_TOKEN,     /* an opaque base64url token of 1..max bytes (cursors) */
	P_CODES,     /* P_CODE, or up to LIST_MAX of them joined by ',' (metric=killed,injured) */
	P_COUNTRIES, /* P_COUNTRY, or up to LIST_MAX of them joined by ',' (upper-cased) */
};

#define LIST_MAX 50   /* codes in one P_CODES or P_COUNTRIES value */

struct pspec {
	const char        *name;
	enum ptype         type;
	long long          min, max;    /* P_INT bounds; P_TEXT/P_TOKEN max bytes */
	const char *const *choices;     /* P_ENUM, P_LIST: NULL-terminated */
	int                required;    /* a request without it is a 400 */
	const char        *hint;        /* what a required value is, for that 400 */
};

struct pval {
	int         set;
	const char *s;       /* the decoded value (NUL-terminated, in struct query) */
	long long   n;       /* P_INT */
	unsigned    bits;    /* P_LIST: bit i set if choices[i] was given */
};

struct perror {
	char param[72];      /* the parameter's name, safe to show (may be "") */
	char message[320];
	int  status;         /* 400, or 414 for an oversized query */
};

struct query {
	/* decoded keys and values: each needs at most its bytes and two NULs */
	char store[2 * QUERY_READ_MAX + 2];
};

/* params_parse's options. */
enum params_opts {
	/*
	 * Tracking parameters that links pick up on their way through
	 * newsletters, social networks and analytics (utm_*, fbclid, gclid,
	 * mc_cid, ref, …: params_is_tracking) are skipped unread, whatever their
	 * value and however often: for the cards, whose addresses are pasted
	 * from such links. Any other unknown parameter is still refused.
	 */
	PARAMS_SKIP_TRACKING = 1,
};

/*
 * Parses qs (NULL or "" is no parameters) against spec[0..nspec): fills
 * out[i] for spec[i]. Returns 0, or -1 with e filled. route names the route
 * in messages ("/v1/figures"); opts is enum params_opts.
 */
int params_parse(const char *qs, const struct pspec *spec, size_t nspec, struct query *q,
    struct pval *out, const char *route, unsigned opts, struct perror *e);

/*
 * 1 if name (decoded) is a tracking parameter: it starts with "utm_", or is
 * one of fbclid, gclid, gclsrc, dclid, gbraid, wbraid, msclkid, twclid,
 * ttclid, yclid, igshid, li_fat_id, mc_cid, mc_eid, _ga, _gl, ref, ref_src,
 * ref_url, s_cid.
 */
int params_is_tracking(const char *name);

/*
 * 1 if the query segment seg[0..n) ("name=value", still encoded) is the
 * parameter name, however its name is spelled: "%63ursor=…" is a cursor, as
 * params_parse reads it.
 */
int params_segment_is(const char *seg, size_t n, const char *name);

/*
 * The query string q (NULL is "") without the segments drop accepts, into
 * out[0..size): a next link's query without its cursor, a card's address
 * without tracking parameters. Each non-empty '&'-separated segment, still
 * encoded ("name=value", "name", "%63ursor=..."), is passed to drop(seg, len,
 * arg) and left out if it returns nonzero; the others are kept in order,
 * joined by single '&'s. Empty segments (a leading, trailing or doubled '&')
 * are always left out, and never passed to drop.
 *
 * Returns how many segments drop left out (0: out is q with its empty
 * segments removed), or -1 when the result and its NUL do not fit in size
 * bytes: out is then "" (when size > 0), never a query cut short, which
 * would lose a filter without a word.
 */
int params_query_without(const char *q, int (*drop)(const char *seg, size_t len, void *arg),
    void *arg, char *out, size_t size);

#endif
