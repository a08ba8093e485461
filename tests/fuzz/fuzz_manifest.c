/*
 * fuzz_manifest.c: a snapshot's manifest (core/manifest.h), which a read node
 * fetches from another machine, on any bytes.
 *
 * Input: the manifest's bytes, all of them (no NUL needed: manifest_parse
 * takes a length). A manifest read must keep the header's promises (a plain
 * file name, 64 lower-case hex digits, times that parse, numbers in range)
 * and come back the same from manifest_format; one refused must say why and
 * leave nothing half-filled.
 */
#include "fuzz.h"
#include "core/manifest.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m, again;
	char err[ERR_MAX] = "", *text;
	static const struct manifest zero;

	if (manifest_parse((const char *)data, size, &m, err) != ST_OK) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(memcmp(&m, &zero, sizeof m) == 0);
		return 0;
	}
	FUZZ_CHECK(manifest_file_name_valid(m.file));
	FUZZ_CHECK(strlen(m.sha256) == 64 && strspn(m.sha256, "0123456789abcdef") == 64);
	FUZZ_CHECK(iso_time(m.data_as_of) != (time_t)-1);
	FUZZ_CHECK(iso_time(m.published_at) != (time_t)-1);
	FUZZ_CHECK(m.version >= 0 && m.size >= 1 && m.schema_version >= 1);
	text = manifest_format(&m);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(manifest_parse(text, strlen(text), &again, err) == ST_OK);
	FUZZ_CHECK(memcmp(&m, &again, sizeof m) == 0);
	free(text);
	return 0;
}
