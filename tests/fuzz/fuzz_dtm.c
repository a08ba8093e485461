/*
 * fuzz_dtm.c: the 'dtm' adapter on any body.
 * IOM DTM pages (refresh/adapters/dtm.c).
 * Input: byte 0 chooses where the body (the rest) is split between two writes.
 */
#include "fuzz.h"

static const char url[] =
    "https://dtmapi.iom.int/api/IdpAdmin2Data/GetAdmin2Datav2?Admin0Pcode=AFG";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_adapter("dtm", url, data, size);
	return 0;
}
