#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

static char  *block;
static size_t block_size, used;

int
arena_init(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	block = p;
	block_size = size;
	used = 0;
	return 0;
}

void *
arena_malloc(size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;

	if (block == NULL || need < n || need > block_size - used)
		return malloc(n);
	used += need;
	return block + used - need;
}

void
arena_free(void *p)
{
	if (p != NULL && ((char *)p < block || (char *)p >= block + block_size))
		free(p);
}

void
arena_reset(void)
{
	used = 0;
}
