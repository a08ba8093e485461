#include "dims.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS (2 * DIMS_MAX)   /* a power of two, at most half full */

static size_t
slot_of(enum dim_kind kind, long long id)
{
	uint64_t h = ((uint64_t)id * 4u + (uint64_t)kind) * 0x9E3779B97F4A7C15u;

	return (size_t)(h >> 32) & (SLOTS - 1);
}

enum status
dims_init(struct dims *d)
{
	d->count = 0;
	d->slot = calloc(SLOTS, sizeof *d->slot);
	return d->slot != NULL ? ST_OK : ST_NOMEM;
}

void
dims_clear(struct dims *d)
{
	if (d->slot == NULL || d->count == 0)
		return;
	for (size_t i = 0; i < SLOTS; i++) {
		free(d->slot[i]);
		d->slot[i] = NULL;
	}
	d->count = 0;
}

void
dims_free(struct dims *d)
{
	dims_clear(d);
	free(d->slot);
	d->slot = NULL;
}

size_t
dims_count(const struct dims *d)
{
	return d->count;
}

const struct dim *
dims_find(const struct dims *d, enum dim_kind kind, long long id)
{
	for (size_t i = slot_of(kind, id);; i = (i + 1) & (SLOTS - 1)) {
		const struct dim *e = d->slot[i];

		if (e == NULL)
			return NULL;
		if (e->id == id && e->kind == kind)
			return e;
	}
}

const struct dim *
dims_add(struct dims *d, const struct dim *row)
{
	size_t len[DIM_TEXTS], size = sizeof *row, i;
	struct dim *e;
	char *p;

	if (d->count >= DIMS_MAX)
		return NULL;
	for (int k = 0; k < DIM_TEXTS; k++) {
		len[k] = row->text[k] != NULL ? strlen(row->text[k]) + 1 : 0;
		size += len[k];
	}
	if ((e = malloc(size)) == NULL)
		return NULL;
	*e = *row;
	p = (char *)(e + 1);
	for (int k = 0; k < DIM_TEXTS; k++)
		if (row->text[k] != NULL) {
			memcpy(p, row->text[k], len[k]);
			e->text[k] = p;
			p += len[k];
		}
	for (i = slot_of(row->kind, row->id); d->slot[i] != NULL; i = (i + 1) & (SLOTS - 1))
		;
	d->slot[i] = e;
	d->count++;
	return e;
}
