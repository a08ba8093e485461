/*
 * fuzz_atom.c: the Atom writer (render/atom.h) on any value a source could
 * give.
 *
 * Input: the value, cut at its first NUL and at 4 KB. atom_text must write
 * XML 1.0 character data: valid UTF-8, no raw markup character (< > " '),
 * no character XML cannot hold (C0 controls but tab and line feed; CR is a
 * reference), every '&' the start of a reference it writes. And an entry
 * with the value in every text field (source, place, group, quote, via,
 * URL) has exactly the markup of an entry with plain values: a value never
 * adds or closes an element.
 */
#include "fuzz.h"
#include "core/strutil.h"
#include "render/atom.h"

#include <stdlib.h>
#include <string.h>

static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#13;" };

static void
check_text(const char *s)
{
	size_t n = strlen(s);

	FUZZ_CHECK(utf8_valid(s, n));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int known = 0;

		FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n');
		FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'');
		FUZZ_CHECK(!(c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
		    ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)));
		if (c != '&')
			continue;
		for (size_t r = 0; r < sizeof refs / sizeof refs[0]; r++)
			known |= strncmp(s + i, refs[r], strlen(refs[r])) == 0;
		FUZZ_CHECK(known);
	}
}

/* How many '<' an entry for a change whose text fields all hold value has. */
static size_t
entry_markup(const char *value)
{
	static const struct atom_feed feed = { .base = "http://h", .self = "/v1/changes.atom",
	    .title = "t", .updated = "2019-10-14T08:00:00Z" };
	struct change_row c = {
		.kind = CHANGE_REVISED, .at = "2019-10-14T08:00:00Z", .seq = 1,
		.figure = { .id = 1, .value = 2, .metric = "escaped", .qualifier = "almost",
		    .group = value, .location = { .name = value }, .source = { .name = value,
		    .type = value }, .via = value, .url = value, .quote = value, .feed = value,
		    .unit = "people" },
		.old = { .set = 1, .value = 1, .qualifier = "exact", .as_of = "2019-10-13" },
		.new_ = { .set = 1, .value = 2, .qualifier = "almost", .as_of = "2019-10-14" },
	};
	struct buf b;
	size_t lt = 0;

	buf_init(&b, 1 << 20);
	FUZZ_CHECK(atom_entry(&b, &feed, &c) == ST_OK);
	FUZZ_CHECK(utf8_valid(b.data, b.len));
	for (size_t i = 0; i < b.len; i++)
		lt += b.data[i] == '<';
	buf_free(&b);
	return lt;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size, 4096);
	struct buf b;

	buf_init(&b, 1 << 20);
	FUZZ_CHECK(atom_text(&b, s) == ST_OK);
	FUZZ_CHECK(buf_putc(&b, '\0') == ST_OK);
	check_text(b.data);
	buf_free(&b);
	FUZZ_CHECK(entry_markup(s) == entry_markup("x"));
	free(s);
	return 0;
}
