/*
 * fuzz_unhcr.c: the 'unhcr' adapter on any body.
 * UNHCR population pages (refresh/adapters/unhcr.c). page=1 in the URL, so
 * a maxPages above 1 also computes the next page's URL.
 * Input: byte 0 chooses where the body (the rest) is split between two writes.
 */
#include "fuzz.h"

static const char url[] =
    "https://api.unhcr.org/population/v1/population/?page=1";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_adapter("unhcr", url, data, size);
	return 0;
}
