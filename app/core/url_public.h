/*
 * url_public.h: a feed's URL as the API may publish it (/v1/feeds). A feed's
 * URL is the operator's: a file:// path on the server, credentials in its
 * userinfo or in its query. Only the http(s) address of the upstream is
 * public, without any of those.
 */
#ifndef FIGURES_URL_PUBLIC_H
#define FIGURES_URL_PUBLIC_H

#include <stddef.h>

/*
 * Writes url as it may be published into out: 1, or 0 when nothing of it may
 * be (not http: or https:, or it does not fit in size). The rule:
 *   - only http:// and https:// URLs (any case); file:// and anything else: 0;
 *   - the userinfo (user:password@) is dropped;
 *   - a query parameter whose name looks like a credential has its value
 *     replaced by REDACTED: the name, lower-cased, without '-' and '_', and
 *     percent-decoded, contains key, token, secret, pass, pwd, auth, sig,
 *     credential, session or identifier (api_key, access_token, X-Amz-Signature,
 *     app_identifier, password…; a few harmless names too, which is the safe
 *     side);
 *   - everything else is kept as registered, ${NAME} placeholders included
 *     (they name an environment variable, not its value).
 */
int url_public(const char *url, char *out, size_t size);

#endif
