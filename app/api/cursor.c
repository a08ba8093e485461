#include "cursor.h"
#include "../core/strutil.h"

#include <stdio.h>
#include <string.h>

_Static_assert(CURSOR_MAX == 880, "openapi.json's cursor pattern says {1,880}: change both");

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
encode(const char *text, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), o = 0;

	for (size_t i = 0; i < n && o + 4 < size; i += 3) {   /* 4 characters and the NUL */
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = b64[v & 63];
	}
	out[o] = '\0';
}

/* 1 if s[0..n) is text a cursor may carry: UTF-8 without control characters. */
static int
text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return utf8_valid(s, n);
}

/* Decodes into out (UTF-8 text without control characters). Returns 1 on success. */
static int
decode(const char *token, char *out, size_t size)
{
	size_t n = strlen(token), o = 0;
	unsigned v = 0;
	int bits = 0;

	if (n == 0 || n > CURSOR_MAX || n % 4 == 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr(b64, token[i]);

		if (token[i] == '\0' || p == NULL)
			return 0;
		v = (v << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= size)
				return 0;
			out[o++] = (char)((v >> bits) & 0xFF);
		}
	}
	/* leftover bits must be zero, or the token was not one we wrote */
	if ((v & ((1u << bits) - 1)) != 0)
		return 0;
	out[o] = '\0';
	return text_ok(out, o);
}

int
cursor_encode_text(char kind, const char *text, char *out, size_t size)
{
	char raw[CURSOR_TEXT_MAX];
	int n = snprintf(raw, sizeof raw, "%c1|%s", kind, text);

	/* base64 grows by 4/3: refuse what would not decode back within CURSOR_MAX */
	if (n < 0 || (size_t)n >= sizeof raw || ((size_t)n + 2) / 3 * 4 >= size ||
	    ((size_t)n + 2) / 3 * 4 > CURSOR_MAX || !text_ok(raw, (size_t)n))
		return 0;
	encode(raw, out, size);
	return 1;
}

int
cursor_decode_text(const char *token, char kind, char *text, size_t size)
{
	char raw[CURSOR_TEXT_MAX];

	if (!decode(token, raw, sizeof raw) || raw[0] != kind || raw[1] != '1' || raw[2] != '|' ||
	    strlen(raw + 3) >= size)
		return 0;
	snprintf(text, size, "%s", raw + 3);
	return 1;
}

void
cursor_encode_figure(const char *date, long long id, char *out, size_t size)
{
	char text[64];

	snprintf(text, sizeof text, "f1|%s|%lld", date, id);
	encode(text, out, size);
}

int
cursor_decode_figure(const char *token, char date[11], long long *id)
{
	char text[CURSOR_MAX];

	if (!decode(token, text, sizeof text) || strncmp(text, "f1|", 3) != 0 ||
	    strlen(text) < 15 || text[13] != '|')
		return 0;
	memcpy(date, text + 3, 10);
	date[10] = '\0';
	return date_valid(date) && parse_int64(text + 14, 1, (1LL << 62), id);
}

void
cursor_encode_code(char kind, const char *code, char *out, size_t size)
{
	char text[96];

	snprintf(text, sizeof text, "%c1|%s", kind, code);
	encode(text, out, size);
}

int
cursor_decode_code(const char *token, char kind, char *code, size_t size)
{
	char text[CURSOR_MAX];

	if (!decode(token, text, sizeof text) || text[0] != kind || text[1] != '1' ||
	    text[2] != '|' || !code_valid(text + 3) || strlen(text + 3) >= size)
		return 0;
	snprintf(code, size, "%s", text + 3);
	return 1;
}
