/*
 * code_list.h: the shapes shared by the reference lists: ordered by code and
 * paged (locations, sources: filters, a code cursor, total and next_cursor),
 * or short and whole (feeds, metrics).
 */
#ifndef FIGURES_CODE_LIST_H
#define FIGURES_CODE_LIST_H

#include "api.h"

/* 1 and the next row of c as JSON in *item (NULL: out of memory) and its code; 0 at the end. */
typedef int row_to_json(struct cursor *c, cJSON **item, const char **code);

/* 1 and the next row of c written as a CSV/HXL line into b (*st: how), and its code; 0 at the end. */
typedef int row_to_table(struct cursor *c, struct buf *b, enum status *st, const char **code);

struct code_list {
	char            kind;      /* cursor kind: 'l', 's' */
	const char     *what;      /* "locations", for messages */
	struct cursor *(*rows)(struct store *, const struct list_filter *);
	enum status    (*count)(struct store *, const struct list_filter *, long long *, char *);
	row_to_json    *next;
	/* format=csv|hxl: */
	row_to_table   *next_line;
	enum table_list table;
	const char     *csv_name, *hxl_name;   /* Content-Disposition's */
};

/*
 * Answers every row of c, unpaged (short lists: feeds, metrics): total, and a
 * null next_cursor. what names the list in a database error.
 */
int list_all(struct hctx *cx, struct response *r, struct cursor *c, row_to_json *next,
    const char *what);

/*
 * Answers a code-ordered list, as JSON or (cx->format) CSV or HXL; limit and
 * cursor are pval indexes (limit=all: every row, for CSV and HXL).
 */
int list_by_code(struct hctx *cx, struct response *r, const struct code_list *l,
    struct list_filter *f, int limit_param, int cursor_param);

#endif
