/*
 * adapters.c: the registry, made from adapters/list.h. A new upstream is one
 * file in adapters/ and one line in adapters/list.h (which says how).
 */
#include "adapter.h"

#include <string.h>

#define ADAPTER(name) extern const struct adapter adapter_##name;
#include "adapters/list.h"
#undef ADAPTER

const struct adapter *const adapters[] = {
#define ADAPTER(name) &adapter_##name,
#include "adapters/list.h"
#undef ADAPTER
	NULL,
};

const struct adapter *
adapter_find(const char *name)
{
	for (size_t i = 0; adapters[i] != NULL; i++)
		if (strcmp(adapters[i]->name, name) == 0)
			return adapters[i];
	return NULL;
}

enum status
adapter_parse_all(const struct adapter *a, const struct adapter_ctx *ctx,
    const char *data, size_t n, char *err)
{
	void *state;
	enum status st;

	if ((state = a->begin(ctx, err)) == NULL)
		return ST_NOMEM;
	st = a->write(state, data, n, err);
	if (st == ST_OK)
		st = a->end(state, err);
	a->free(state);
	return st;
}
