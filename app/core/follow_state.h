/*
 * follow_state.h: what a read node's follower (figures-refresh --follow URL
 * --db PATH) last did, in PATH.follow.json: written by the follower after
 * every attempt (a temporary file renamed over the last one, so a reader
 * sees the old state or the new, never half), read by the workers for
 * /v1/health. A read node that cannot reach its writer keeps serving its last
 * good version; this file is how it says so.
 */
#ifndef FIGURES_FOLLOW_STATE_H
#define FIGURES_FOLLOW_STATE_H

#include "err.h"
#include "manifest.h"

#define FOLLOW_URL_MAX 4096
#define FOLLOW_STATE_MAX 65536     /* bytes of the file read */

struct follow_state {
	char      url[FOLLOW_URL_MAX];   /* the manifest's URL, as given to --follow */
	long long version;               /* the version served (-1: none yet) */
	char      data_as_of[21];
	char      file[MANIFEST_FILE];   /* under PATH.versions/ */
	char      sha256[SHA256_HEX];
	char      etag[256];             /* the manifest's validators, for the next GET */
	char      last_modified[64];
	char      feeds_etag[256];       /* feeds.json's validators (feeds_state.h) */
	char      feeds_last_modified[64];
	char      last_success[21];      /* when a follow last ended well ("" never) */
	char      last_attempt[21];
	char      last_error[ERR_MAX];   /* of the last attempt; "" when it succeeded */
	long long max_age;               /* seconds since last_success past which health degrades */
};

/* The state file beside the database at db: "<db>.follow.json" into out. 0 if it does not fit. */
int follow_state_path(const char *db, char *out, size_t size);

/*
 * Reads the state at path into *st. ST_NOT_FOUND when there is none (no
 * follower ran here: not a read node), ST_INVALID or ST_IO with err otherwise.
 */
enum status follow_state_read(const char *path, struct follow_state *st, char *err);

/* Writes *st to path atomically (path.tmp, fsync, rename). */
enum status follow_state_write(const char *path, const struct follow_state *st, char *err);

#endif
