#include "strutil.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			cp = c & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += len;
	}
	return 1;
}

int
parse_int64(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	/* digits with an optional '-': no blanks, no '+', as clients write them */
	if (s == NULL || !(isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

int
parse_count(const char *s, long long *out)
{
	long long v = 0;
	size_t digits = 0, group = 0;
	int grouped = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ',') {
			/* A comma needs 1–3 digits before the first and exactly 3 between. */
			if (group == 0 || group > 3 || (grouped && group != 3))
				return 0;
			grouped = 1;
			group = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
		if (v > COUNT_MAX)
			return 0;
		digits++;
		group++;
	}
	if (digits == 0 || (grouped && group != 3))
		return 0;
	*out = v;
	return 1;
}

static int
digits_at(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Checks YYYY-MM-DD at s (exactly 10 bytes, not necessarily terminated). */
static int
date_part_valid(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, max;

	if (s[4] != '-' || s[7] != '-')
		return 0;
	if (!digits_at(s, 4, &y) || !digits_at(s + 5, 2, &m) || !digits_at(s + 8, 2, &d))
		return 0;
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

int
date_valid(const char *s)
{
	return s != NULL && strlen(s) == 10 && date_part_valid(s);
}

int
date_starts(const char *s)
{
	return s != NULL && strnlen(s, 10) == 10 && date_part_valid(s);
}

/* 1..12 for an English month name or its three-letter abbreviation (any case) of s[0..n). */
static int
month_of(const char *s, size_t n)
{
	static const char *const months[] = { "january", "february", "march", "april", "may",
	    "june", "july", "august", "september", "october", "november", "december" };

	for (int m = 0; m < 12; m++)
		if ((n == 3 || n == strlen(months[m])) && strncasecmp(s, months[m], n) == 0)
			return m + 1;
	return 0;
}

/*
 * "1 March 2015", "13 Oct 2019", "March 1, 2015", "Oct 13 2019": the written
 * dates HXL tools read (libhxl's samples hold them). Only forms that cannot be
 * read two ways: no all-number D/M/Y.
 */
static int
date_from_words(const char *s, char out[11])
{
	char a[16], b[16], c[16], date[11];
	int day, month, year, n = 0;
	char *end;
	long v;

	/* words separated by single spaces only: no tab, vertical tab or newline */
	if (strlen(s) > 40 || s[0] == ' ' || strpbrk(s, "\t\n\v\f\r") != NULL ||
	    strstr(s, "  ") != NULL)
		return 0;
	if (sscanf(s, "%15s %15s %15s%n", a, b, c, &n) != 3 || s[n] != '\0')
		return 0;
	if (b[strlen(b) - 1] == ',')
		b[strlen(b) - 1] = '\0';
	if ((month = month_of(b, strlen(b))) != 0) {          /* 1 March 2015 */
		v = a[0] >= '0' && a[0] <= '9' ? strtol(a, &end, 10) : 0;
	} else if ((month = month_of(a, strlen(a))) != 0) {   /* March 1, 2015 */
		v = b[0] >= '0' && b[0] <= '9' ? strtol(b, &end, 10) : 0;
	} else
		return 0;
	if (v < 1 || *end != '\0' || v > 31)
		return 0;
	day = (int)v;
	v = c[0] >= '0' && c[0] <= '9' ? strtol(c, &end, 10) : 0;
	if (v < 1000 || *end != '\0' || strlen(c) != 4)
		return 0;
	year = (int)v;
	snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
	if (!date_valid(date))
		return 0;
	memcpy(out, date, 11);
	return 1;
}

int
date_from_timestamp(const char *s, char out[11])
{
	const char *p;
	int h, mi, sec;

	if (s != NULL && (strlen(s) < 10 || !date_part_valid(s)))
		return date_from_words(s, out);
	if (s == NULL)
		return 0;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!digits_at(p, 2, &h) || p[2] != ':' || !digits_at(p + 3, 2, &mi) ||
		    h > 23 || mi > 59)
			return 0;
		p += 5;
		if (*p == ':') {
			if (!digits_at(p + 1, 2, &sec) || sec > 60)
				return 0;
			p += 3;
			if (*p == '.') {
				p++;
				if (*p < '0' || *p > '9')
					return 0;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (*p == 'Z')
			p++;
		else if (*p == '+' || *p == '-') {
			if (!digits_at(p + 1, 2, &h) || p[3] != ':' ||
			    !digits_at(p + 4, 2, &mi) || h > 23 || mi > 59)
				return 0;
			p += 6;
		}
	}
	if (*p != '\0')
		return 0;
	memcpy(out, s, 10);
	out[10] = '\0';
	return 1;
}

size_t
slugify(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	int dash = 0;

	if (outsz == 0)
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isascii(c) && isalnum(c)) {
			if (dash && n > 0) {
				if (n + 1 >= outsz)
					goto toolong;
				out[n++] = '-';
			}
			dash = 0;
			if (n + 1 >= outsz)
				goto toolong;
			out[n++] = (char)tolower(c);
		} else
			dash = 1;
	}
	out[n] = '\0';
	return n;
toolong:
	out[0] = '\0';
	return 0;
}

size_t
slug_shorten(char *slug, size_t max)
{
	size_t n = strlen(slug);

	if (n <= max)
		return n;
	n = max;
	while (n > max / 2 && slug[n] != '-')
		n--;
	if (slug[n] != '-')
		n = max;
	while (n > 0 && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	return n;
}

int
code_valid(const char *s)
{
	size_t n;

	if (s == NULL || !isascii((unsigned char)s[0]) || !isalnum((unsigned char)s[0]))
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		unsigned char c = (unsigned char)s[n];

		if (n >= 64)
			return 0;
		if (!(isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-')))
			return 0;
	}
	return 1;
}

/* How many decimal digits m has (1 for 0). */
static size_t
digit_count(unsigned long long m)
{
	size_t n = 1;

	for (; m >= 100; m /= 100)
		n += 2;
	return n + (m >= 10);
}

size_t
int_text(long long v, char out[INT_TEXT_MAX])
{
	/* "00" to "99": two digits per division (one per division was most of a CSV cell's number) */
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	/* the magnitude as unsigned, so LLONG_MIN has one too */
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t len = (v < 0) + digit_count(m);
	char *p = out + len;

	*p = '\0';
	for (; m >= 100; m /= 100) {
		p -= 2;
		memcpy(p, pairs + 2 * (m % 100), 2);
	}
	if (m >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * m, 2);
	} else {
		*--p = (char)('0' + m);
	}
	if (v < 0)
		out[0] = '-';
	return len;
}

/* v (0-99) as two digits at out */
static void
two_digits(char *out, int v)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

void
time_now_iso(char out[21])
{
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	if (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999) {
		strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
		return;
	}
	/* "%Y-%m-%dT%H:%M:%SZ" by hand: strftime was ~1,100 instructions a request */
	two_digits(out, (tm.tm_year + 1900) / 100);
	two_digits(out + 2, (tm.tm_year + 1900) % 100);
	out[4] = '-';
	two_digits(out + 5, tm.tm_mon + 1);
	out[7] = '-';
	two_digits(out + 8, tm.tm_mday);
	out[10] = 'T';
	two_digits(out + 11, tm.tm_hour);
	out[13] = ':';
	two_digits(out + 14, tm.tm_min);
	out[16] = ':';
	two_digits(out + 17, tm.tm_sec);
	out[19] = 'Z';
	out[20] = '\0';
}

time_t
iso_time(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end != NULL && *end == '\0' ? timegm(&tm) : (time_t)-1;
}

int
country_code(const char *s, size_t n, char out[4])
{
	if (s == NULL || n != 3)
		return 0;
	for (size_t i = 0; i < 3; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return 0;
		out[i] = (char)c;
	}
	out[3] = '\0';
	return 1;
}

#define FNV1A_PRIME 0x100000001b3ULL

uint64_t
fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV1A_PRIME;
	return h;
}

void
fnv1a_128(uint64_t h[2], const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h[0] = (h[0] ^ p[i]) * FNV1A_PRIME;
		h[1] = (h[1] ^ (p[i] ^ 0x5a)) * FNV1A_PRIME;
	}
}

size_t
utf8_copy(char *out, size_t size, const char *s)
{
	size_t n;

	if (size == 0)
		return 0;
	n = strnlen(s, size - 1);
	if (s[n] != '\0')   /* cut: step back over continuation bytes to a lead byte */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

void
utf8_scrub(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
		    (c & 0xf8) == 0xf0 ? 4 : 0;

		if (len == 0 || i + len > n || !utf8_valid(s + i, len)) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}

void
strlcpy_n(char *out, size_t outsz, const char *s, size_t n)
{
	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}
