/*
 * fuzz_reliefweb.c: the 'reliefweb' adapter on any body.
 * ReliefWeb key figures (refresh/adapters/reliefweb.c). The URL names the
 * country, as the real one does.
 * Input: byte 0 chooses where the body (the rest) is split between two writes.
 */
#include "fuzz.h"

static const char url[] =
    "https://raw.githubusercontent.com/reliefweb/crisis-app-data/v2/edition/world/"
    "countries/SYR/figures.json";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_adapter("reliefweb", url, data, size);
	return 0;
}
