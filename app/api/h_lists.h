/*
 * h_lists.h: the shape shared by the reference lists ordered by code
 * (locations, sources): filters, a code cursor, total and next_cursor.
 */
#ifndef FIGURES_H_LISTS_H
#define FIGURES_H_LISTS_H

#include "api.h"

struct code_list {
	char           kind;       /* cursor kind: 'l', 's' */
	const char    *what;       /* "locations", for messages */
	sqlite3_stmt *(*rows)(struct store *, const struct list_filter *);
	enum status   (*count)(struct store *, const struct list_filter *, long long *, char *);
	cJSON        *(*render)(sqlite3_stmt *);
	int            code_col;   /* the column holding the row's code */
};

/* Answers a code-ordered list; limit and cursor are pval indexes. */
int list_by_code(struct hctx *cx, struct response *r, const struct code_list *l,
    struct list_filter *f, int limit_param, int cursor_param);

#endif
