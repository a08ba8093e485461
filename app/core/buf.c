#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. */
static enum status
buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > b->max || b->len > b->max - n)
		return ST_TOO_BIG;
	need = b->len + n + 1;
	if (need <= b->cap)
		return ST_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	if ((p = realloc(b->data, cap)) == NULL)
		return ST_NOMEM;
	b->data = p;
	b->cap = cap;
	return ST_OK;
}

enum status
buf_append_slow(struct buf *b, const void *data, size_t n)
{
	enum status st;

	if ((st = buf_reserve(b, n)) != ST_OK)
		return st;
	if (n > 0)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ST_OK;
}

enum status
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	enum status st;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return ST_INVALID;
	if ((st = buf_reserve(b, (size_t)n)) != ST_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ST_OK;
}
