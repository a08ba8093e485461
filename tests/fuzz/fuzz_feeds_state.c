/*
 * fuzz_feeds_state.c: the feeds' fetch state (core/feeds_state.h), which a
 * read node fetches from another machine as feeds.json, on any bytes.
 *
 * Input: the file's bytes, all of them (no NUL needed: feeds_state_parse
 * takes a length). A file read must keep the header's promises (codes as
 * code_valid says, unique; times that parse or none; numbers from 0) and come
 * back the same from feeds_state_format; one refused must say why and leave
 * nothing behind.
 */
#include "fuzz.h"
#include "core/feeds_state.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feeds_state fs, again;
	char err[ERR_MAX] = "", *text;

	if (feeds_state_parse((const char *)data, size, &fs, err) != ST_OK) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(fs.feeds == NULL && fs.n == 0);
		return 0;
	}
	FUZZ_CHECK(iso_time(fs.published_at) != (time_t)-1);
	FUZZ_CHECK(fs.feeds_version >= 0 && fs.data_version >= 0);
	for (size_t i = 0; i < fs.n; i++) {
		const struct feed_fetch *f = &fs.feeds[i];

		FUZZ_CHECK(code_valid(f->code));
		FUZZ_CHECK(feeds_state_find(&fs, f->code) == f);
		FUZZ_CHECK(f->last_attempt[0] == '\0' || iso_time(f->last_attempt) != (time_t)-1);
		FUZZ_CHECK(f->last_success[0] == '\0' || iso_time(f->last_success) != (time_t)-1);
		FUZZ_CHECK(f->consecutive_failures >= 0 && f->rows_added >= 0 &&
		    f->rows_changed >= 0 && f->rows_unchanged >= 0 && f->rows_rejected >= 0);
	}
	text = feeds_state_format(&fs);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(feeds_state_parse(text, strlen(text), &again, err) == ST_OK);
	FUZZ_CHECK(again.n == fs.n && again.feeds_version == fs.feeds_version &&
	    again.data_version == fs.data_version &&
	    strcmp(again.published_at, fs.published_at) == 0);
	FUZZ_CHECK(fs.n == 0 || memcmp(again.feeds, fs.feeds, fs.n * sizeof *fs.feeds) == 0);
	free(text);
	feeds_state_free(&again);
	feeds_state_free(&fs);
	return 0;
}
