#include "spool.h"
#include "../core/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPOOL_RECORD_MAX (1024 * 1024)   /* a claim's fields are bounded far below */
#define NO_VALUE UINT32_MAX

/*
 * A claim's record: 'C', its row, a mask of the text fields it has (bit i:
 * claim_fields[i], core/figure.h), then those fields in that order, each its
 * length and bytes. Most of a claim's fields are empty: a record holds only
 * the rest, so a payload's spool stays about the size of the payload.
 */
_Static_assert(CLAIM_NFIELDS <= 64, "a spool record's field mask is 64 bits");

/*
 * A rejected row's record: 'R', its row and the reason; or, for the row after
 * the previous record's when that record was a rejection for the same reason,
 * the one byte 'N'. A page of tiny rows all refused for one reason (60 MB of
 * "{}," is 20 million rows) then spools a byte a row, not a hundred.
 */

struct spool {
	FILE       *f;
	enum status st;           /* the first write error, reported to the adapter */
	char        err[ERR_MAX];
	char        dir[PATH_MAX]; /* where the file is, for messages */
	/* the last record, if a rejection: its row and reason (an 'N' may follow it) */
	int         last_rejected;
	int64_t     last_row;
	char       *last_reason;
};

/* Where temporary files go: $TMPDIR if set, else /tmp (as tmpfile() never asks). */
static const char *
temp_dir(void)
{
	const char *d = getenv("TMPDIR");

	return d != NULL && *d != '\0' ? d : "/tmp";
}

struct spool *
spool_new(char *err)
{
	struct spool *s = calloc(1, sizeof *s);
	const char *dir = temp_dir();
	char path[PATH_MAX];
	int fd = -1;

	if (s == NULL) {
		err_set(err, "out of memory creating a spool");
		return NULL;
	}
	/* glibc's tmpfile() ignores TMPDIR: name the file in it, then unlink it */
	if ((size_t)snprintf(path, sizeof path, "%s/figures-spool-XXXXXX", dir) >= sizeof path)
		errno = ENAMETOOLONG;
	else if ((fd = mkostemp(path, O_CLOEXEC)) >= 0) {
		unlink(path);
		if ((s->f = fdopen(fd, "w+b")) == NULL)
			close(fd);
	}
	if (s->f == NULL) {
		err_set(err, "cannot create a spool file in %s: %s (set TMPDIR to a directory "
		    "with room)", dir, strerror(errno));
		free(s);
		return NULL;
	}
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	return s;
}

void
spool_free(struct spool *s)
{
	if (s == NULL)
		return;
	fclose(s->f);
	free(s->last_reason);
	free(s);
}

static void
put_u32(struct spool *s, uint32_t v)
{
	fwrite(&v, sizeof v, 1, s->f);
}

static void
put_text(struct spool *s, const char *t)
{
	if (t == NULL) {
		put_u32(s, NO_VALUE);
		return;
	}
	put_u32(s, (uint32_t)strlen(t));
	fwrite(t, 1, strlen(t), s->f);
}

static enum status
spool_check(struct spool *s)
{
	if (s->st == ST_OK && ferror(s->f)) {
		s->st = ST_IO;
		snprintf(s->err, sizeof s->err, "writing the spool file in %.200s: %s", s->dir,
		    strerror(errno));
	}
	return s->st;
}

static enum status
spool_claim(void *ctx, const struct claim *c)
{
	struct spool *s = ctx;
	int64_t row = c->row;

	uint64_t mask = 0;

	s->last_rejected = 0;
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		if (claim_text(c, i) != NULL)
			mask |= (uint64_t)1 << i;
	fputc('C', s->f);
	fwrite(&row, sizeof row, 1, s->f);
	fwrite(&mask, sizeof mask, 1, s->f);
	for (size_t i = 0; i < CLAIM_NFIELDS; i++)
		if (mask & ((uint64_t)1 << i))
			put_text(s, claim_text(c, i));
	return spool_check(s);
}

static void
spool_reject(void *ctx, long row, const char *reason)
{
	struct spool *s = ctx;
	int64_t r = row;
	char *copy;

	if (reason == NULL)
		reason = "";
	if (s->last_rejected && r == s->last_row + 1 && strcmp(reason, s->last_reason) == 0) {
		fputc('N', s->f);
		s->last_row = r;
		spool_check(s);
		return;
	}
	fputc('R', s->f);
	fwrite(&r, sizeof r, 1, s->f);
	put_text(s, reason);
	s->last_rejected = 0;
	if (spool_check(s) == ST_OK && (copy = strdup(reason)) != NULL) {
		free(s->last_reason);
		s->last_reason = copy;
		s->last_row = r;
		s->last_rejected = 1;
	}
}

struct sink
spool_sink(struct spool *s)
{
	return (struct sink){ .claim = spool_claim, .reject = spool_reject, .ctx = s };
}

const char *
spool_error(const struct spool *s)
{
	return s->st != ST_OK ? s->err : NULL;
}

off_t
spool_tell(const struct spool *s)
{
	return ftello(s->f);
}

enum status
spool_truncate(struct spool *s, off_t pos, char *err)
{
	s->last_rejected = 0;   /* the record an 'N' would follow may be cut away */
	if (fflush(s->f) != 0 || ftruncate(fileno(s->f), pos) != 0 ||
	    fseeko(s->f, pos, SEEK_SET) != 0) {
		err_set(err, "truncating the spool file: %s", strerror(errno));
		return ST_IO;
	}
	return ST_OK;
}

/* Reads one text field into b (NUL-separated); *off gets its offset or -1. */
static int
get_text(FILE *f, struct buf *b, long *off)
{
	uint32_t n;

	if (fread(&n, sizeof n, 1, f) != 1)
		return 0;
	if (n == NO_VALUE) {
		*off = -1;
		return 1;
	}
	if (n > SPOOL_RECORD_MAX)
		return 0;
	*off = (long)b->len;
	for (uint32_t i = 0; i < n; i++) {
		int c = fgetc(f);

		if (c == EOF || buf_putc(b, (char)c) != ST_OK)
			return 0;
	}
	return buf_putc(b, '\0') == ST_OK;
}

enum status
spool_replay(struct spool *s, const struct sink *out, char *err)
{
	struct buf b;
	struct claim c;
	long offs[CLAIM_NFIELDS];
	int64_t row;
	uint64_t mask;
	enum status st = ST_OK;
	int type, rejected = 0;   /* the last record was an 'R' (or 'N'): b holds its reason */
	int64_t last_row = 0;

	if (spool_check(s) != ST_OK) {
		err_set(err, "%s", s->err);
		return s->st;
	}
	/* the last buffered records reach the file only now: a full disk shows here */
	if (fflush(s->f) != 0) {
		err_set(err, "writing the spool file in %.200s: %s", s->dir, strerror(errno));
		return ST_IO;
	}
	if (fseeko(s->f, 0, SEEK_SET) != 0) {
		err_set(err, "rewinding the spool file: %s", strerror(errno));
		return ST_IO;
	}
	buf_init(&b, SPOOL_RECORD_MAX);
	while (st == ST_OK && (type = fgetc(s->f)) != EOF) {
		if (type == 'N') {
			if (!rejected)
				goto corrupt;
			last_row++;
			out->reject(out->ctx, (long)last_row, b.data);
			continue;
		}
		buf_reset(&b);
		rejected = 0;
		if (fread(&row, sizeof row, 1, s->f) != 1)
			goto corrupt;
		if (type == 'R') {
			if (!get_text(s->f, &b, &offs[0]))
				goto corrupt;
			if (offs[0] < 0 && buf_putc(&b, '\0') != ST_OK)
				goto corrupt;
			out->reject(out->ctx, (long)row, b.data);
			rejected = 1;
			last_row = row;
			continue;
		}
		if (type != 'C' || fread(&mask, sizeof mask, 1, s->f) != 1)
			goto corrupt;
		for (size_t i = 0; i < CLAIM_NFIELDS; i++) {
			offs[i] = -1;
			if ((mask & ((uint64_t)1 << i)) && !get_text(s->f, &b, &offs[i]))
				goto corrupt;
		}
		/* pointers only once every field is in: b may have moved while growing */
		memset(&c, 0, sizeof c);
		c.row = (long)row;
		for (size_t i = 0; i < CLAIM_NFIELDS; i++)
			claim_set_text(&c, i, offs[i] < 0 ? NULL : b.data + offs[i]);
		st = out->claim(out->ctx, &c);
	}
	buf_free(&b);
	if (st == ST_OK && ferror(s->f)) {
		err_set(err, "reading the spool file: %s", strerror(errno));
		return ST_IO;
	}
	return st;
corrupt:
	buf_free(&b);
	err_set(err, "the spool file is corrupt (a short or bad record)");
	return ST_IO;
}
