#include "url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The start of "name=" in url's query (after '?' or '&', before any '#'), or NULL. */
static const char *
find_param(const char *url, const char *name)
{
	size_t n = strlen(name), end = strcspn(url, "#");
	const char *q = memchr(url, '?', end), *stop = url + end;

	for (const char *p = q; p != NULL && p < stop; p = memchr(p + 1, '&', (size_t)(stop - p - 1)))
		if ((size_t)(stop - p - 1) >= n && strncmp(p + 1, name, n) == 0 &&
		    (p[1 + n] == '=' || p[1 + n] == '&' || p[1 + n] == '\0' || p[1 + n] == '#'))
			return p + 1;
	return NULL;
}

int
url_param(const char *url, const char *name, char *out, size_t size)
{
	const char *p = find_param(url, name), *v, *end;

	if (p == NULL || size == 0)
		return 0;
	v = p + strlen(name);
	v += *v == '=';
	end = v + strcspn(v, "&#");
	snprintf(out, size, "%.*s", (int)(end - v), v);
	return 1;
}

enum status
url_set_param(const char *url, const char *name, const char *value, char *out, size_t size)
{
	const char *p = find_param(url, name);
	int n;

	if (p != NULL) {
		const char *end = p + strcspn(p, "&#");

		n = snprintf(out, size, "%.*s%s=%s%s", (int)(p - url), url, name, value, end);
	} else {
		const char *hash = strchr(url, '#');
		int len = hash != NULL ? (int)(hash - url) : (int)strlen(url);

		n = snprintf(out, size, "%.*s%c%s=%s%s", len, url,
		    memchr(url, '?', (size_t)len) != NULL ? '&' : '?', name, value,
		    hash != NULL ? hash : "");
	}
	return n < 0 || (size_t)n >= size ? ST_TOO_BIG : ST_OK;
}

enum status
url_expand(const char *in, char *out, size_t size, char *err)
{
	size_t o = 0;

	for (const char *p = in; *p != '\0';) {
		if (p[0] == '$' && p[1] == '{') {
			const char *end = p + 2, *val;
			char name[64];

			while ((*end >= 'A' && *end <= 'Z') || (*end >= '0' && *end <= '9') ||
			    *end == '_')
				end++;
			if (*end != '}' || end == p + 2 || end - p - 2 >= (long)sizeof name) {
				err_set(err, "the URL has a malformed ${NAME} (names are A-Z, 0-9, _)");
				return ST_INVALID;
			}
			snprintf(name, sizeof name, "%.*s", (int)(end - p - 2), p + 2);
			if ((val = getenv(name)) == NULL || *val == '\0') {
				err_set(err, "the URL needs the environment variable %s, which is not "
				    "set: export it for the refresher (see README, Feeds)", name);
				return ST_NOT_FOUND;
			}
			for (; *val != '\0'; val++) {
				if (o + 1 >= size)
					goto toolong;
				out[o++] = *val;
			}
			p = end + 1;
			continue;
		}
		if (o + 1 >= size)
			goto toolong;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return ST_OK;
toolong:
	err_set(err, "the expanded URL is longer than %zu bytes", size - 1);
	return ST_TOO_BIG;
}
