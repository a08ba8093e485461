#include "url_public.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Words that make a query parameter's name a credential's (see url_public.h). */
static const char *const secret_words[] = {
	"key", "token", "secret", "pass", "pwd", "auth", "sig", "credential", "session",
	"identifier", NULL,
};

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 1 if the query parameter name s[0..n) (still encoded) names a credential. */
static int
secret_name(const char *s, size_t n)
{
	char name[128];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < sizeof name; i++) {
		int c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			c = hex(s[i + 1]) * 16 + hex(s[i + 2]);
			i += 2;
		}
		if (c != '-' && c != '_' && c != '+')
			name[o++] = (char)tolower(c);
	}
	name[o] = '\0';
	for (size_t k = 0; secret_words[k] != NULL; k++)
		if (strstr(name, secret_words[k]) != NULL)
			return 1;
	return 0;
}

/* Appends s[0..n) to out at *o; 0 if it does not fit (with the NUL). */
static int
put(char *out, size_t size, size_t *o, const char *s, size_t n)
{
	if (*o + n >= size)
		return 0;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 1;
}

int
url_public(const char *url, char *out, size_t size)
{
	const char *rest, *host, *end, *at, *q, *frag;
	size_t o = 0;

	if (size == 0)
		return 0;
	out[0] = '\0';
	if (strncasecmp(url, "http://", 7) == 0)
		rest = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		rest = url + 8;
	else
		return 0;
	/* scheme, then the authority without its userinfo */
	end = rest + strcspn(rest, "/?#");
	host = rest;
	for (at = rest; at < end; at++)
		if (*at == '@')
			host = at + 1;
	if (host == end)
		return 0;   /* no host */
	if (!put(out, size, &o, url, (size_t)(rest - url)) ||
	    !put(out, size, &o, host, (size_t)(end - host)))
		return 0;
	/* the path as it is */
	q = end + strcspn(end, "?#");
	if (!put(out, size, &o, end, (size_t)(q - end)))
		return 0;
	if (*q != '?')
		return put(out, size, &o, q, strlen(q));
	/* the query, parameter by parameter */
	frag = q + strcspn(q, "#");
	if (!put(out, size, &o, "?", 1))
		return 0;
	for (const char *p = q + 1; p < frag;) {
		size_t n = strcspn(p, "&#"), k = strcspn(p, "=&#");

		if (p > q + 1 && !put(out, size, &o, "&", 1))
			return 0;
		if (k < n && secret_name(p, k)) {
			if (!put(out, size, &o, p, k + 1) || !put(out, size, &o, "REDACTED", 8))
				return 0;
		} else if (!put(out, size, &o, p, n))
			return 0;
		p += n;
		if (*p == '&')
			p++;
	}
	return put(out, size, &o, frag, strlen(frag));
}
