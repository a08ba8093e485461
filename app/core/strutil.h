/*
 * strutil.h: small pure string functions shared by the worker and the refresher.
 * Validators parse the whole string (no empty input, no trailing junk, no
 * overflow) and return 1 if it is valid, 0 if not.
 */
#ifndef FIGURES_STRUTIL_H
#define FIGURES_STRUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int utf8_valid(const char *s, size_t n);

/* 1 if s is a base-10 integer within [min, max], with nothing else around it. */
int parse_int64(const char *s, long long min, long long max, long long *out);

/*
 * 1 if s is a count of people: digits, optionally grouped in threes by commas
 * ("130,000"), within 0 … 10^12. Signs, decimals, spaces and junk are refused.
 */
int parse_count(const char *s, long long *out);

#define COUNT_MAX 1000000000000LL

/*
 * 1 if s is exactly YYYY-MM-DD and names a real day (leap years included)
 * from 1900 to 2200: no figure we serve is older, and a later year is a typo.
 */
int date_valid(const char *s);
/* 1 if s starts with a real YYYY-MM-DD (1900-2200), whatever follows it. */
int date_starts(const char *s);

/*
 * 1 if s is a date, optionally followed by a time ("T" or " ", hh:mm[:ss[.fff]])
 * and a zone ("Z" or ±hh:mm), every part in range; or a date written in
 * English words that cannot be read two ways ("1 March 2015", "March 1,
 * 2015", "13 Oct 2019"). Writes the date (YYYY-MM-DD and a NUL) to out.
 * Used for upstream timestamps.
 */
int date_from_timestamp(const char *s, char out[11]);

/*
 * Lower-case ASCII slug of s: letters and digits kept, every other run of
 * bytes becomes one '-', no leading or trailing '-'. Returns the length
 * written (0 if nothing was left or it did not fit in outsz with its NUL).
 */
size_t slugify(const char *s, char *out, size_t outsz);

/*
 * Shortens a slug in place to at most max bytes, cutting at the last '-'
 * that fits (or hard when there is none). Returns the new length.
 */
size_t slug_shorten(char *slug, size_t max);

/* 1 if s is a code clients may send: 1–64 of [A-Za-z0-9._-], starting alnum. */
int code_valid(const char *s);

/* Writes the current UTC time as YYYY-MM-DDThh:mm:ssZ. */
void time_now_iso(char out[21]);

/* The time YYYY-MM-DDThh:mm:ssZ (as time_now_iso writes it) names; -1 if s is not one. */
time_t iso_time(const char *s);

/*
 * 1 if s[0..n) is an ISO 3166-1 alpha-3 code in form (three ASCII letters,
 * any case); writes it upper-cased to out. Whether it names a country is the
 * caller's question.
 */
int country_code(const char *s, size_t n, char out[4]);

/*
 * FNV-1a, 64 bits: h continued over data[0..n) (start from FNV1A_OFFSET). For
 * validators and fingerprints, never for security.
 */
#define FNV1A_OFFSET 0xcbf29ce484222325ULL
#define FNV1A_OFFSET_LANE2 0x84222325cbf29ce4ULL   /* fnv1a_128's second lane starts here */
uint64_t fnv1a(uint64_t h, const void *data, size_t n);
/*
 * Two lanes (the second over each byte xored with 0x5a): 128 bits, for payload
 * fingerprints; start from { FNV1A_OFFSET, FNV1A_OFFSET_LANE2 }. Databases store
 * these: changing a lane makes every feed's next payload look changed.
 */
void fnv1a_128(uint64_t h[2], const void *data, size_t n);

/*
 * Writes v in decimal (no leading zeros, '-' when negative) and returns its
 * length. Rendering writes every id and value; snprintf's "%lld" was a few
 * percent of a summary.
 */
#define INT_TEXT_MAX 21   /* "-9223372036854775808" and its NUL */
size_t int_text(long long v, char out[INT_TEXT_MAX]);

/*
 * Copies s into out[0..size) NUL-terminated, cut if it must be at the end of a
 * UTF-8 character, never inside one (a cut character would make the text, and
 * any JSON it goes into, invalid). Returns the bytes copied.
 */
size_t utf8_copy(char *out, size_t size, const char *s);

/* Replaces each byte of s that is not part of well-formed UTF-8 with '?', in place. */
void utf8_scrub(char *s);

/* Copies at most outsz-1 bytes of s[0..n) into out, NUL-terminated. */
void strlcpy_n(char *out, size_t outsz, const char *s, size_t n);

#endif
