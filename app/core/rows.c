#include "rows.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define F(field) offsetof(struct figure_row, field)

/* Every string of a figure row, nested ones included. */
static const size_t figure_strings[] = {
	F(metric), F(category), F(qualifier), F(group),
	F(location.code), F(location.name), F(location.country), F(location.type),
	F(location.parent),
	F(as_of), F(period_start), F(period_end), F(sort_date),
	F(source.code), F(source.name), F(source.organisation), F(source.type), F(source.url),
	F(source.licence),
	F(via), F(url), F(quote), F(reported_on), F(retrieved_at), F(licence), F(feed),
	F(unit), F(cause),
	F(origin.code), F(origin.name), F(origin.country), F(origin.type), F(origin.parent),
	F(facet),
};
#undef F
#define NSTRINGS (sizeof figure_strings / sizeof figure_strings[0])

static const char **
string_at(const struct figure_row *row, size_t i)
{
	return (const char **)(void *)((char *)(uintptr_t)row + figure_strings[i]);
}

size_t
figure_row_copy_to(struct figure_row *dst, const struct figure_row *src, char *mem,
    size_t room)
{
	char *p = mem;

	*dst = *src;
	for (size_t i = 0; i < NSTRINGS; i++) {
		const char *s = *string_at(src, i);
		size_t len;

		if (s == NULL)
			continue;
		if ((len = strlen(s) + 1) > room - (size_t)(p - mem))
			return 0;
		*string_at(dst, i) = memcpy(p, s, len);
		p += len;
	}
	if (p == mem)   /* no strings: one byte, so that 0 still says "does not fit" */
		return room > 0 ? 1 : 0;
	return (size_t)(p - mem);
}

char *
figure_row_copy(struct figure_row *dst, const struct figure_row *src)
{
	size_t total = 1;
	char *block;

	for (size_t i = 0; i < NSTRINGS; i++) {
		const char *s = *string_at(src, i);

		total += s != NULL ? strlen(s) + 1 : 0;
	}
	if ((block = malloc(total)) == NULL)
		return NULL;
	figure_row_copy_to(dst, src, block, total);
	return block;
}
