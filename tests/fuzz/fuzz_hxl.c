/*
 * fuzz_hxl.c: the 'hxl' adapter on any body.
 * HXL-tagged CSV (refresh/adapters/hxl.c), the streaming adapter: the split
 * point lands anywhere in a row, a quoted field or the BOM.
 * Input: byte 0 chooses where the body (the rest) is split between two writes.
 */
#include "fuzz.h"

static const char url[] =
    "https://example.org/data/figures.csv";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_adapter("hxl", url, data, size);
	return 0;
}
