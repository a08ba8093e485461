#include "summary.h"
#include "../core/agree.h"
#include "../render/json.h"

#include <stdlib.h>
#include <string.h>

void
summary_page_free(struct summary_page *page)
{
	for (size_t i = 0; i < page->nblocks; i++)
		free(page->blocks[i]);
	for (size_t i = 0; i < page->n; i++)
		free(page->items[i].claims);
	free(page->blocks);
	free(page->items);
	memset(page, 0, sizeof *page);
}

/*
 * Range, agreement and newest date of an item whose claims are all in: one
 * pass, every claim counted, nothing allocated (core/agree.h).
 */
static void
item_end(struct summary_item *it)
{
	struct agree a;

	agree_init(&a);
	it->latest_as_of[0] = '\0';
	for (size_t i = 0; i < it->n; i++) {
		const struct figure_row *c = &it->claims[i];
		const char *date = c->as_of != NULL ? c->as_of : c->period_end;

		agree_add(&a, c->value, c->qualifier);
		it->min = i == 0 || c->value < it->min ? c->value : it->min;
		it->max = i == 0 || c->value > it->max ? c->value : it->max;
		if (date != NULL && strncmp(date, it->latest_as_of, 10) > 0) {
			memcpy(it->latest_as_of, date, strnlen(date, 10));
			it->latest_as_of[strnlen(date, 10)] = '\0';
		}
	}
	it->agree = agree_verdict(&a);
}

/*
 * The claims' strings are copied into chunks of this size, many claims to a
 * chunk (a malloc and a free per claim were 3% of a country's summary).
 */
enum { CLAIMS_CHUNK = 64 * 1024 };

/* Keeps block, freed with the page from now on; when out of memory, frees it. */
static enum status
page_keep(struct summary_page *page, char *block)
{
	if (page->nblocks == page->bcap) {
		size_t ncap = page->bcap ? page->bcap * 2 : 16;
		char **b = realloc(page->blocks, ncap * sizeof *b);

		if (b == NULL) {
			free(block);
			return ST_NOMEM;
		}
		page->blocks = b;
		page->bcap = ncap;
	}
	page->blocks[page->nblocks++] = block;
	return ST_OK;
}

/*
 * Copies row into dst, its strings into the page's last chunk, or a new one
 * when that one has been used; a claim that does not fit in a whole chunk
 * gets a block of its own (and the chunk stays for the claims after it).
 */
static enum status
claim_copy(struct summary_page *page, struct figure_row *dst, const struct figure_row *row)
{
	size_t used = page->left > 0 ? figure_row_copy_to(dst, row, page->room, page->left) : 0;
	char *block;

	if (used == 0 && page->left < CLAIMS_CHUNK) {
		if ((block = malloc(CLAIMS_CHUNK)) == NULL || page_keep(page, block) != ST_OK)
			return ST_NOMEM;
		page->room = block;
		page->left = CLAIMS_CHUNK;
		used = figure_row_copy_to(dst, row, page->room, page->left);
	}
	if (used == 0) {
		if ((block = figure_row_copy(dst, row)) == NULL)
			return ST_NOMEM;
		return page_keep(page, block);
	}
	page->room += used;
	page->left -= used;
	return ST_OK;
}

/* Appends a copy of row to item it (growing its claims as needed). */
static enum status
item_add(struct summary_page *page, struct summary_item *it, size_t *cap,
    const struct figure_row *row)
{
	enum status st;

	if (it->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct figure_row *c = realloc(it->claims, ncap * sizeof *c);

		if (c == NULL)
			return ST_NOMEM;
		it->claims = c;
		*cap = ncap;
	}
	if ((st = claim_copy(page, &it->claims[it->n], row)) != ST_OK)
		return st;
	it->n++;
	return ST_OK;
}

static int
same_group(const struct figure_row *row, const struct group_row *g)
{
	return row->metric_id == g->metric_id && row->location_id == g->location_id &&
	    row->group != NULL && strcmp(row->group, g->group) == 0 &&
	    row->facet != NULL && strcmp(row->facet, g->facet != NULL ? g->facet : "") == 0;
}

enum status
summary_read(struct store *s, const struct figure_filter *f, const struct group_row *g,
    size_t n, struct summary_page *page)
{
	struct figure_row row;
	struct cursor *c;
	size_t i = 0, cap = 0;
	char *json;
	enum status rs = ST_OK;

	memset(page, 0, sizeof *page);
	if (n == 0)
		return ST_OK;
	if ((rs = store_claim_keys(s, g, n, &json)) != ST_OK)
		return rs;   /* ST_TOO_BIG: store_errmsg says which id */
	if ((page->items = calloc(n, sizeof *page->items)) == NULL) {
		free(json);
		return ST_NOMEM;
	}
	/* the rows come in the keys' order: each starts, or continues, group g[i] */
	c = store_page_claims(s, f, json, &g[0], &g[n - 1]);
	while (rs == ST_OK && store_figures_next(c, &row)) {
		struct summary_item *it;

		if (page->n > 0 && !same_group(&row, &g[i])) {
			i++;        /* g[i]'s item is complete */
			cap = 0;
		}
		while (i < n && !same_group(&row, &g[i]))
			i++;        /* a group of the page with no claim under f */
		if (i == n)
			break;      /* a row of no group asked for: cannot happen */
		if (page->n == 0 || cap == 0)
			page->n++;  /* the first claim of a new item */
		it = &page->items[page->n - 1];
		rs = item_add(page, it, &cap, &row);
	}
	if (store_cursor_close(c) != ST_OK && rs == ST_OK)
		rs = ST_DB;
	free(json);
	for (size_t k = 0; rs == ST_OK && k < page->n; k++)
		item_end(&page->items[k]);
	if (rs != ST_OK)
		summary_page_free(page);
	return rs;
}
