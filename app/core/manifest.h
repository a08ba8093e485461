/*
 * manifest.h: a snapshot's manifest, the small JSON file a publisher
 * (figures-refresh --publish DIR) writes beside each versioned copy of the
 * database, and read nodes (figures-refresh --follow URL) fetch to learn
 * whether there is a newer one:
 *
 *   {"version": 42, "data_as_of": "2026-11-30T12:00:00Z",
 *    "file": "figures-42.db", "size": 1048576, "sha256": "<64 hex>",
 *    "schema_version": 15, "published_at": "2026-11-30T12:00:03Z"}
 *
 * version is the database's data version (state.data_version), the number the
 * API's ETags are made of; it only grows. A read node fetches the manifest
 * from another machine, so parsing trusts nothing: every field is checked for
 * its type and range, file must be a plain file name (it is resolved against
 * the manifest's URL, and never names a local path), unknown fields are
 * ignored (a newer publisher may add some).
 */
#ifndef FIGURES_MANIFEST_H
#define FIGURES_MANIFEST_H

#include "err.h"
#include "sha256.h"

#define MANIFEST_MAX   65536   /* bytes: a manifest is a few hundred */
#define MANIFEST_FILE  128     /* the longest file name, with its NUL */

struct manifest {
	long long version;
	char      data_as_of[21];      /* YYYY-MM-DDThh:mm:ssZ */
	char      file[MANIFEST_FILE];
	long long size;                /* bytes */
	char      sha256[SHA256_HEX];  /* lower-case hex */
	int       schema_version;
	char      published_at[21];
};

/*
 * Reads a manifest from text (len bytes, no NUL needed). ST_OK and *m filled,
 * or ST_INVALID / ST_TOO_BIG with err naming the field and what is wrong.
 */
enum status manifest_parse(const char *text, size_t len, struct manifest *m, char *err);

/*
 * The manifest as JSON text, one line and a newline, malloc'ed (free()); NULL
 * when out of memory.
 */
char *manifest_format(const struct manifest *m);

/*
 * 1 if name may be a snapshot's file name: 1 to 127 bytes of letters, digits,
 * '.', '-', '_', not starting with '.' (no path, nothing hidden).
 */
int manifest_file_name_valid(const char *name);

#endif
