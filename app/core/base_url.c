#include "base_url.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define SHAPE "expected http(s)://host[:port][/path], such as https://figures.example.org"

static int
host_char(int c)
{
	return isalnum(c) || c == '.' || c == '-';
}

/* 1 if s[0..n) is an IPv6 literal's inside: hex digits, ':' and '.' (an IPv4 tail). */
static int
ipv6_ok(const char *s, size_t n)
{
	size_t colons = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':')
			colons++;
		else if (!isxdigit((unsigned char)s[i]) && s[i] != '.')
			return 0;
	}
	return colons >= 2 && colons <= 7;
}

/* 1 if the path prefix s[0..n) (starting with '/') is acceptable. */
static int
prefix_ok(const char *s, size_t n, char *err)
{
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2])) {
				err_set(err, "a '%%' in the path must start an escape such as %%20");
				return 0;
			}
			i += 2;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')) {
			err_set(err, "the path may hold letters, digits, '-', '.', '_', '~', '/' "
			    "and %%XX escapes, not '%c'", isprint(c) ? c : '?');
			return 0;
		}
	}
	/* segments: none empty ("//"), none "." or ".." */
	for (const char *p = s; p < s + n; ) {
		const char *seg = p + 1;
		size_t len = strcspn(seg, "/");

		if (seg + len > s + n)
			len = (size_t)(s + n - seg);
		if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' &&
		    seg[1] == '.')) {
			err_set(err, "the path has an empty, '.' or '..' segment");
			return 0;
		}
		p = seg + len;
	}
	return 1;
}

enum status
base_url_parse(const char *url, char *out, size_t size, char *err)
{
	const char *rest, *host, *end;
	size_t hl, n, plen, o;
	int https;

	if (size < BASE_URL_MAX + 1) {
		err_set(err, "the buffer for the base URL is too small");
		return ST_INVALID;
	}
	if (url == NULL || *url == '\0') {
		err_set(err, "it is empty (" SHAPE ")");
		return ST_INVALID;
	}
	if ((n = strlen(url)) > BASE_URL_MAX) {
		err_set(err, "it is longer than %d bytes", BASE_URL_MAX);
		return ST_INVALID;
	}
	https = strncasecmp(url, "https://", 8) == 0;
	if (!https && strncasecmp(url, "http://", 7) != 0) {
		err_set(err, "the scheme must be http:// or https:// (" SHAPE ")");
		return ST_INVALID;
	}
	rest = url + (https ? 8 : 7);
	if (strpbrk(rest, "?#") != NULL) {
		err_set(err, "a base URL has no query ('?') or fragment ('#') (" SHAPE ")");
		return ST_INVALID;
	}
	if (strchr(rest, '@') != NULL) {
		err_set(err, "a base URL has no user or password ('@') (" SHAPE ")");
		return ST_INVALID;
	}
	/* the authority: [v6]:port or name:port */
	host = rest;
	if (*host == '[') {
		const char *close = strchr(host, ']');

		if (close == NULL || !ipv6_ok(host + 1, (size_t)(close - host - 1))) {
			err_set(err, "the host is not an IPv6 address in brackets such as [2001:db8::1]");
			return ST_INVALID;
		}
		end = close + 1;
	} else {
		const char *dots;

		end = host;
		while (host_char((unsigned char)*end))
			end++;
		dots = strstr(host, "..");
		if (end == host || *host == '.' || *host == '-' || end[-1] == '-' ||
		    (dots != NULL && dots < end)) {
			err_set(err, "the host is missing or malformed (" SHAPE ")");
			return ST_INVALID;
		}
	}
	if (*end == ':') {
		const char *d = end + 1;
		long port = 0;

		while (isdigit((unsigned char)*d) && port <= 65535)
			port = port * 10 + (*d++ - '0');
		if (d == end + 1 || port < 1 || port > 65535 || (*d != '\0' && *d != '/')) {
			err_set(err, "the port must be a number from 1 to 65535");
			return ST_INVALID;
		}
		hl = (size_t)(d - host);
	} else if (*end != '\0' && *end != '/') {
		err_set(err, "the host holds '%c', which no host name does (" SHAPE ")",
		    isprint((unsigned char)*end) ? *end : '?');
		return ST_INVALID;
	} else
		hl = (size_t)(end - host);
	plen = strlen(host + hl);
	while (plen > 0 && host[hl + plen - 1] == '/')
		plen--;   /* a trailing '/' is dropped: paths are appended with their own */
	if (plen > 0 && !prefix_ok(host + hl, plen, err))
		return ST_INVALID;
	o = (size_t)(https ? 8 : 7);
	memcpy(out, https ? "https://" : "http://", o);
	for (size_t i = 0; i < hl; i++)
		out[o++] = (char)tolower((unsigned char)host[i]);
	memcpy(out + o, host + hl, plen);
	out[o + plen] = '\0';
	return ST_OK;
}

const char *
base_url_path(const char *base)
{
	const char *host;

	if (base == NULL || (host = strstr(base, "://")) == NULL)
		return "";
	host += 3;
	/* an IPv6 literal holds no '/', so the first '/' after the scheme starts the path */
	return host + strcspn(host, "/");
}
