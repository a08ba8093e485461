/*
 * cursor.h: opaque paging cursors. A cursor is base64url (no padding) of a
 * short text naming its kind and the last row's sort key, so a client
 * cannot confuse one list's cursor with another's, and decoding checks
 * every byte. Predicates return 1 if the token is a valid cursor.
 */
#ifndef FIGURES_CURSOR_H
#define FIGURES_CURSOR_H

#include <stddef.h>

#include "../core/figure.h"

/*
 * Bytes in a cursor's text, its NUL included. The longest is the summary's,
 * a whole group key (h_summary.c): "g1|", a metric and a location id (at
 * most 13 digits each), a facet and any group ingest accepts, with their
 * separators. Every group ingest accepts fits: the summary can page past
 * it, never stop at it.
 */
#define CURSOR_TEXT_MAX (3 + 13 + 1 + 13 + 1 + (FACET_MAX - 1) + 1 + GROUP_MAX + 1)
/* Bytes in an encoded cursor: base64url of the longest text (4 per 3, no padding). */
#define CURSOR_MAX ((CURSOR_TEXT_MAX - 1 + 2) / 3 * 4)

/* Figures: ordered by (date, id) descending; "f1|YYYY-MM-DD|id". */
void cursor_encode_figure(const char *date, long long id, char *out, size_t size);
int cursor_decode_figure(const char *token, char date[11], long long *id);

/*
 * Any cursor: "<kind>1|text", text being UTF-8 without control characters,
 * of less than CURSOR_TEXT_MAX - 3 bytes. encode returns 0 if it does not
 * fit in size, or is not such text.
 */
int cursor_encode_text(char kind, const char *text, char *out, size_t size);
int cursor_decode_text(const char *token, char kind, char *text, size_t size);

/* Lists ordered by code: kind 'l' (locations) or 's' (sources); "<kind>1|code". */
void cursor_encode_code(char kind, const char *code, char *out, size_t size);
int cursor_decode_code(const char *token, char kind, char *code, size_t size);

#endif
