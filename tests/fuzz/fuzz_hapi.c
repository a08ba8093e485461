/*
 * fuzz_hapi.c: the 'hapi' adapter on any body.
 * OCHA HDX HAPI pages (refresh/adapters/hapi.c). limit=3 in the URL, so a
 * page of three rows also computes the next page's URL.
 * Input: byte 0 chooses where the body (the rest) is split between two writes.
 */
#include "fuzz.h"

static const char url[] =
    "https://example.org/api/v2/affected-people/refugees?limit=3&offset=0";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_adapter("hapi", url, data, size);
	return 0;
}
