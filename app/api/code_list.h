/*
 * code_list.h: the shape shared by the reference lists ordered by code
 * (locations, sources): filters, a code cursor, total and next_cursor.
 */
#ifndef FIGURES_CODE_LIST_H
#define FIGURES_CODE_LIST_H

#include "api.h"

struct code_list {
	char            kind;      /* cursor kind: 'l', 's' */
	const char     *what;      /* "locations", for messages */
	struct cursor *(*rows)(struct store *, const struct list_filter *);
	enum status    (*count)(struct store *, const struct list_filter *, long long *, char *);
	/* 1 and the next row as JSON in *item (NULL: out of memory) and its code; 0 at the end */
	int            (*next)(struct cursor *, cJSON **item, const char **code);
};

/* Answers a code-ordered list; limit and cursor are pval indexes. */
int list_by_code(struct hctx *cx, struct response *r, const struct code_list *l,
    struct list_filter *f, int limit_param, int cursor_param);

#endif
