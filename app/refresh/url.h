/*
 * url.h: the little URL work the refresher needs: reading and setting one
 * query parameter (paging by offset or page number), and expanding ${NAME}
 * from the environment, so secrets such as app identifiers live in the
 * environment of the cron job, never in the database or the repository.
 */
#ifndef FIGURES_URL_H
#define FIGURES_URL_H

#include <stddef.h>
#include "../core/err.h"

/* Copies the (raw) value of query parameter name into out; 1 if present. */
int url_param(const char *url, const char *name, char *out, size_t size);

/*
 * Writes url with query parameter name set to value (replaced where it
 * was, appended otherwise) into out. ST_TOO_BIG if it does not fit.
 */
enum status url_set_param(const char *url, const char *name, const char *value, char *out,
    size_t size);

/*
 * Expands each ${NAME} ([A-Z0-9_]+) from the environment into out. A name
 * that is unset or empty is an error naming it (ST_NOT_FOUND).
 */
enum status url_expand(const char *in, char *out, size_t size, char *err);

#endif
