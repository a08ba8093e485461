/*
 * buf.h: a growable byte buffer with a hard maximum (curl's dynbuf idea).
 * Every buffer filled from outside input has a bound; appends past it fail
 * with ST_TOO_BIG and leave the buffer as it was. The buffer is always
 * NUL-terminated after a successful append, so text can be read in place.
 */
#ifndef FIGURES_BUF_H
#define FIGURES_BUF_H

#include <stddef.h>
#include <string.h>
#include "err.h"

struct buf {
	char   *data;   /* owned; NULL until the first append */
	size_t  len;
	size_t  cap;
	size_t  max;    /* the most bytes len may reach */
};

/* Prepares an empty buffer that may grow to max bytes. Allocates nothing. */
void buf_init(struct buf *b, size_t max);

/* Frees the storage; the buffer may be reused after buf_init. NULL-safe. */
void buf_free(struct buf *b);

/* Empties the buffer, keeping its storage. */
void buf_reset(struct buf *b);

/*
 * Appends grow the buffer out of line (buf_append_slow); when there is room,
 * which is nearly always, they are a copy here, inlined: rendering appends
 * a few bytes at a time, and the calls were a sixth of a CSV page's time.
 */
enum status buf_append_slow(struct buf *b, const void *data, size_t n);

static inline enum status
buf_append(struct buf *b, const void *data, size_t n)
{
	/* len <= max always; the NUL needs cap > len + n */
	if (n <= b->max - b->len && n < b->cap - b->len) {
		if (n > 0)
			memcpy(b->data + b->len, data, n);
		b->len += n;
		b->data[b->len] = '\0';
		return ST_OK;
	}
	return buf_append_slow(b, data, n);
}

/*
 * Appends open, the n bytes of data and close (a quoted text), with one
 * check for the three when there is room; on failure the buffer is as it was.
 */
static inline enum status
buf_append_between(struct buf *b, char open, const void *data, size_t n, char close)
{
	size_t len = b->len;
	enum status st;

	if (n + 2 <= b->max - b->len && n + 2 < b->cap - b->len) {
		b->data[len] = open;
		if (n > 0)
			memcpy(b->data + len + 1, data, n);
		b->data[len + n + 1] = close;
		b->len += n + 2;
		b->data[b->len] = '\0';
		return ST_OK;
	}
	if ((st = buf_append(b, &open, 1)) == ST_OK &&
	    (st = buf_append(b, data, n)) == ST_OK &&
	    (st = buf_append(b, &close, 1)) == ST_OK)
		return ST_OK;
	if (b->data != NULL) {
		b->len = len;
		b->data[len] = '\0';
	}
	return st;
}

static inline enum status
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

static inline enum status
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum status buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
