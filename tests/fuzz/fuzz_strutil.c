/*
 * fuzz_strutil.c: the pure validators ingest and the API apply to outside
 * text (core/strutil.h, and qualifier_parse / source_type_valid in
 * core/figure.h).
 *
 * Input: all of it goes to utf8_valid (NUL bytes included); the C string (cut
 * at the first NUL, at most 4096 bytes) goes to every other function. Byte 0
 * also sizes the output buffers of slugify, slug_shorten and strlcpy_n, which
 * are heap blocks of exactly that size. Each result is checked against what
 * the header promises; utf8_valid also against Unicode's table of
 * well-formed byte sequences, written out independently here.
 */
#include "fuzz.h"
#include "core/figure.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

/* The Unicode Standard, table 3-7: well-formed UTF-8 byte sequences. */
static int
utf8_reference(const unsigned char *s, size_t n)
{
	static const struct { unsigned char lo, hi, lo2, hi2; int len; } forms[] = {
		{ 0x00, 0x7F, 0, 0, 1 },
		{ 0xC2, 0xDF, 0x80, 0xBF, 2 },
		{ 0xE0, 0xE0, 0xA0, 0xBF, 3 },
		{ 0xE1, 0xEC, 0x80, 0xBF, 3 },
		{ 0xED, 0xED, 0x80, 0x9F, 3 },
		{ 0xEE, 0xEF, 0x80, 0xBF, 3 },
		{ 0xF0, 0xF0, 0x90, 0xBF, 4 },
		{ 0xF1, 0xF3, 0x80, 0xBF, 4 },
		{ 0xF4, 0xF4, 0x80, 0x8F, 4 },
	};
	size_t i = 0;

	while (i < n) {
		size_t f, k;

		for (f = 0; f < sizeof forms / sizeof forms[0]; f++)
			if (s[i] >= forms[f].lo && s[i] <= forms[f].hi)
				break;
		if (f == sizeof forms / sizeof forms[0] || n - i < (size_t)forms[f].len)
			return 0;
		if (forms[f].len > 1 && (s[i + 1] < forms[f].lo2 || s[i + 1] > forms[f].hi2))
			return 0;
		for (k = 2; k < (size_t)forms[f].len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return 0;
		i += (size_t)forms[f].len;
	}
	return 1;
}

static int
only(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static void
slugs(const char *s, size_t outsz)
{
	char *out = fuzz_malloc(outsz), *big = fuzz_malloc(strlen(s) + 1);
	size_t n = slugify(s, out, outsz), max = outsz / 2, cut;

	if (n > 0) {
		FUZZ_CHECK(n < outsz && strlen(out) == n);
		FUZZ_CHECK(only(out, "abcdefghijklmnopqrstuvwxyz0123456789-"));
		FUZZ_CHECK(out[0] != '-' && out[n - 1] != '-' && strstr(out, "--") == NULL);
		/* a slug that fits in a smaller buffer fits in a bigger one, the same */
		FUZZ_CHECK(slugify(s, big, strlen(s) + 1) == n && strcmp(big, out) == 0);
		cut = slug_shorten(out, max);
		FUZZ_CHECK(cut <= max && cut == strlen(out));
		FUZZ_CHECK(strncmp(out, big, cut) == 0);
		FUZZ_CHECK(cut == 0 || out[cut - 1] != '-');
	}
	free(out);
	free(big);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size, 4096), date[11];
	size_t len = strlen(s), outsz = 1 + (size > 0 ? data[0] % 80 : 0);
	long long v;
	const char *q;
	char *copy;

	FUZZ_CHECK(utf8_valid((const char *)data, size) == utf8_reference(data, size));
	FUZZ_CHECK(utf8_valid(s, len) == utf8_reference((const unsigned char *)s, len));

	if (parse_count(s, &v)) {
		FUZZ_CHECK(v >= 0 && v <= COUNT_MAX);
		FUZZ_CHECK(len > 0 && only(s, "0123456789,") && s[0] != ',' && s[len - 1] != ',');
	}
	if (parse_int64(s, -1000, 1000, &v))
		FUZZ_CHECK(v >= -1000 && v <= 1000);
	if (date_valid(s)) {
		FUZZ_CHECK(len == 10);
		/* a bare date is a timestamp too */
		FUZZ_CHECK(date_from_timestamp(s, date) && strcmp(date, s) == 0);
	}
	memset(date, 'X', sizeof date);
	if (date_from_timestamp(s, date)) {
		FUZZ_CHECK(date_valid(date));
		/* a timestamp's date is its first ten bytes; a written date ("1 March 2015")
		 * is words separated by single spaces, and its year is one of them */
		if (len >= 10 && s[4] == '-')
			FUZZ_CHECK(memcmp(date, s, 10) == 0);
		else
			FUZZ_CHECK(strstr(s, "  ") == NULL && strpbrk(s, "\t\n\v\f\r") == NULL &&
			    s[0] != ' ' && strstr(s, (char[5]){ date[0], date[1], date[2], date[3], 0 }));
	}
	if (code_valid(s)) {
		FUZZ_CHECK(len >= 1 && len <= 64);
		FUZZ_CHECK(only(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-"));
	}
	if ((q = qualifier_parse(s)) != NULL)
		FUZZ_CHECK(strcmp(q, "exact") == 0 || strcmp(q, "about") == 0 ||
		    strcmp(q, "almost") == 0 || strcmp(q, "at_least") == 0 ||
		    strcmp(q, "more_than") == 0 || strcmp(q, "up_to") == 0);
	(void)source_type_valid(s);

	slugs(s, outsz);
	slugs(s, 81);

	copy = fuzz_malloc(outsz);
	strlcpy_n(copy, outsz, s, len);
	FUZZ_CHECK(strlen(copy) == (len < outsz ? len : outsz - 1));
	FUZZ_CHECK(strncmp(copy, s, strlen(copy)) == 0);
	free(copy);
	free(s);
	return 0;
}
