#include "csv.h"
#include "../core/buf.h"

#include <stdlib.h>
#include <string.h>

enum csv_state {
	CSV_ROW_START,       /* no field begun yet */
	CSV_FIELD_START,     /* a field is begun and still empty: a quote may open it */
	CSV_UNQUOTED,        /* inside an unquoted field */
	CSV_QUOTED,          /* inside a quoted field */
	CSV_QUOTE_IN_QUOTED, /* saw '"' in a quoted field: its end, or an escaped quote */
	CSV_AFTER_CR,        /* a CR ended the row; a following LF belongs to it */
};

struct csv {
	csv_row_fn      fn;
	void           *ctx;
	enum csv_state  state;
	struct buf      row;       /* the row's fields, each NUL-terminated */
	size_t         *starts;    /* offset of each field in row */
	char          **fields;    /* pointers handed to fn */
	size_t          nfields;
	size_t          max_fields;
	long            rowno;
	size_t          bom_seen;  /* bytes of a leading BOM matched so far */
	int             bom_done;
};

struct csv *
csv_new(csv_row_fn fn, void *ctx, size_t max_row, size_t max_fields)
{
	struct csv *p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->starts = calloc(max_fields, sizeof *p->starts);
	p->fields = calloc(max_fields, sizeof *p->fields);
	if (p->starts == NULL || p->fields == NULL) {
		csv_free(p);
		return NULL;
	}
	p->fn = fn;
	p->ctx = ctx;
	p->max_fields = max_fields;
	p->state = CSV_ROW_START;
	buf_init(&p->row, max_row);
	return p;
}

void
csv_free(struct csv *p)
{
	if (p == NULL)
		return;
	buf_free(&p->row);
	free(p->starts);
	free(p->fields);
	free(p);
}

static enum status
csv_putc(struct csv *p, char c, char *err)
{
	if (buf_putc(&p->row, c) != ST_OK) {
		err_set(err, "CSV row %ld is longer than %zu bytes", p->rowno + 1, p->row.max);
		return ST_TOO_BIG;
	}
	return ST_OK;
}

static enum status
csv_begin_field(struct csv *p, char *err)
{
	if (p->nfields >= p->max_fields) {
		err_set(err, "CSV row %ld has more than %zu fields", p->rowno + 1,
		    p->max_fields);
		return ST_TOO_BIG;
	}
	p->starts[p->nfields++] = p->row.len;
	p->state = CSV_FIELD_START;
	return ST_OK;
}

/* Ends the current field and begins the next one (after a comma). */
static enum status
csv_next_field(struct csv *p, char *err)
{
	enum status st;

	if ((st = csv_putc(p, '\0', err)) != ST_OK)
		return st;
	return csv_begin_field(p, err);
}

static enum status
csv_end_row(struct csv *p, char c, char *err)
{
	enum status st;

	if ((st = csv_putc(p, '\0', err)) != ST_OK)
		return st;
	p->rowno++;
	for (size_t i = 0; i < p->nfields; i++)
		p->fields[i] = p->row.data + p->starts[i];
	st = p->fn(p->ctx, p->rowno, p->fields, p->nfields);
	buf_reset(&p->row);
	p->nfields = 0;
	p->state = c == '\r' ? CSV_AFTER_CR : CSV_ROW_START;
	return st;
}

static enum status csv_bytes(struct csv *p, const char *data, size_t n, char *err);

/*
 * Consumes a leading UTF-8 BOM, which may arrive split across chunks. Bytes
 * that began like a BOM but were not one (0xEF starts every character from
 * U+F000 to U+FFFF) are handed back to the parser.
 */
static enum status
csv_skip_bom(struct csv *p, const char **data, size_t *n, char *err)
{
	static const char bom[] = "\xEF\xBB\xBF";

	while (!p->bom_done && *n > 0) {
		if (**data != bom[p->bom_seen]) {
			p->bom_done = 1;
			return csv_bytes(p, bom, p->bom_seen, err);
		}
		(*data)++;
		(*n)--;
		if (++p->bom_seen == 3)
			p->bom_done = 1;
	}
	return ST_OK;
}

enum status
csv_feed(struct csv *p, const char *data, size_t n, char *err)
{
	enum status st;

	if ((st = csv_skip_bom(p, &data, &n, err)) != ST_OK)
		return st;
	return csv_bytes(p, data, n, err);
}

static enum status
csv_bytes(struct csv *p, const char *data, size_t n, char *err)
{
	enum status st = ST_OK;

	for (size_t i = 0; i < n; i++) {
		char c = data[i];

		switch (p->state) {
		case CSV_AFTER_CR:
			p->state = CSV_ROW_START;
			if (c == '\n')
				break;
			/* FALLTHROUGH */
		case CSV_ROW_START:
			if (c == '\r' || c == '\n') {   /* a blank line */
				if (c == '\r')
					p->state = CSV_AFTER_CR;
				break;
			}
			if ((st = csv_begin_field(p, err)) != ST_OK)
				return st;
			/* FALLTHROUGH */
		case CSV_FIELD_START:
			if (c == '"')
				p->state = CSV_QUOTED;
			else if (c == ',')
				st = csv_next_field(p, err);
			else if (c == '\r' || c == '\n')
				st = csv_end_row(p, c, err);
			else {
				st = csv_putc(p, c, err);
				p->state = CSV_UNQUOTED;
			}
			break;
		case CSV_UNQUOTED:
			if (c == ',')
				st = csv_next_field(p, err);
			else if (c == '\r' || c == '\n')
				st = csv_end_row(p, c, err);
			else
				st = csv_putc(p, c, err);
			break;
		case CSV_QUOTED:
			if (c == '"')
				p->state = CSV_QUOTE_IN_QUOTED;
			else
				st = csv_putc(p, c, err);
			break;
		case CSV_QUOTE_IN_QUOTED:
			if (c == '"') {
				st = csv_putc(p, '"', err);
				p->state = CSV_QUOTED;
			} else if (c == ',')
				st = csv_next_field(p, err);
			else if (c == '\r' || c == '\n')
				st = csv_end_row(p, c, err);
			else {
				/* "ab"c: keep c as text, as Python's csv does */
				st = csv_putc(p, c, err);
				p->state = CSV_UNQUOTED;
			}
			break;
		}
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum status
csv_finish(struct csv *p, char *err)
{
	enum status st;

	/* The input was only the start of a BOM, or of a character like one. */
	if (!p->bom_done && p->bom_seen > 0) {
		p->bom_done = 1;
		if ((st = csv_bytes(p, "\xEF\xBB\xBF", p->bom_seen, err)) != ST_OK)
			return st;
	}
	switch (p->state) {
	case CSV_ROW_START:
	case CSV_AFTER_CR:
		return ST_OK;
	case CSV_QUOTED:
		err_set(err, "CSV input ends inside a quoted field in row %ld (truncated?)",
		    p->rowno + 1);
		return ST_INVALID;
	case CSV_FIELD_START:
	case CSV_UNQUOTED:
	case CSV_QUOTE_IN_QUOTED:
		return csv_end_row(p, '\n', err);
	}
	return ST_OK;
}
