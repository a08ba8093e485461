/*
 * fuzz_cursor.c: the paging cursors (api/cursor.h) on any token.
 *
 * Input: the token, cut at its first NUL and at 2 * CURSOR_MAX bytes (the
 * route tables let 1..CURSOR_MAX through; longer ones test the decoder's own
 * bound). Every decoder runs on it, into heap buffers of exactly the size
 * passed, and a cursor that decodes must come back from its encoder: the
 * encoding is base64url without padding, with the leftover bits checked, so
 * there is one token per text.
 */
#include "fuzz.h"
#include "api/cursor.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

static void
figure(const char *token)
{
	char date[11], again_date[11], *out = fuzz_malloc(CURSOR_MAX + 1);
	long long id = 0, again_id = 0;

	if (cursor_decode_figure(token, date, &id)) {
		FUZZ_CHECK(date_valid(date));
		FUZZ_CHECK(id >= 1 && id <= (1LL << 62));
		/* "f1|…|007" decodes too: the text is not unique, the values are */
		cursor_encode_figure(date, id, out, CURSOR_MAX + 1);
		FUZZ_CHECK(cursor_decode_figure(out, again_date, &again_id));
		FUZZ_CHECK(strcmp(date, again_date) == 0 && id == again_id);
	}
	free(out);
}

/* size: the caller's buffer, small ones included (the too-long path). */
static void
code(const char *token, char kind, size_t size)
{
	char *c = fuzz_malloc(size), *out = fuzz_malloc(CURSOR_MAX + 1);

	if (cursor_decode_code(token, kind, c, size)) {
		FUZZ_CHECK(strlen(c) < size);
		FUZZ_CHECK(code_valid(c));
		cursor_encode_code(kind, c, out, CURSOR_MAX + 1);
		FUZZ_CHECK(strcmp(out, token) == 0);
	}
	free(c);
	free(out);
}

static void
text(const char *token, char kind, size_t size)
{
	char *t = fuzz_malloc(size), *out = fuzz_malloc(CURSOR_MAX + 1);
	size_t n;

	if (cursor_decode_text(token, kind, t, size)) {
		n = strlen(t);
		FUZZ_CHECK(n < size);
		FUZZ_CHECK(utf8_valid(t, n));
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK((unsigned char)t[i] >= 0x20 && t[i] != 0x7f);
		FUZZ_CHECK(cursor_encode_text(kind, t, out, CURSOR_MAX + 1));
		FUZZ_CHECK(strcmp(out, token) == 0);
	}
	free(t);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *token = fuzz_cstr(data, size, 2 * CURSOR_MAX);

	figure(token);
	/* the sizes the handlers pass (code_list.c, h_summary.c), then small ones */
	code(token, 'l', 72);
	code(token, 's', 72);
	code(token, 'l', 8);
	text(token, 'g', CURSOR_MAX);
	text(token, 'g', 9);
	text(token, 'l', 2);
	free(token);
	return 0;
}
