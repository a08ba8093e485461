/*
 * base_url.h: the public base URL an operator gives (figures-fcgi
 * --public-url): the address clients reach the service at, behind a CDN or a
 * TLS proxy, that every absolute address the answers give out starts with
 * (oEmbed, Atom links, embed codes, oEmbed discovery).
 */
#ifndef FIGURES_BASE_URL_H
#define FIGURES_BASE_URL_H

#include <stddef.h>

#include "err.h"

/* The longest base accepted: room is left for the paths appended to it. */
#define BASE_URL_MAX 200

/*
 * Checks url and writes its normal form into out (size >= BASE_URL_MAX + 1):
 * scheme and host lower-cased, no trailing '/'. Accepted:
 *   http(s)://host[:port][/path/prefix]
 * host a DNS name or IPv4 address (letters, digits, '.', '-') or an IPv6
 * literal in brackets; port 1-65535; the prefix of unreserved characters,
 * '/' and %XX escapes, without empty, "." or ".." segments. No userinfo, no
 * query, no fragment. ST_OK, or ST_INVALID with a sentence in err.
 */
enum status base_url_parse(const char *url, char *out, size_t size, char *err);

/*
 * The path prefix of base, a normal form from base_url_parse ("/figures" of
 * "https://example.org/figures"): what every root-relative link the answers
 * write starts with, when a proxy mounts the service under a path. "" when
 * base is NULL (no public URL: links stay root-relative) or has no path.
 */
const char *base_url_path(const char *base);

#endif
