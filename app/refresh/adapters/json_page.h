/*
 * json_page.h: what the JSON adapters share: a JSON page read as a stream
 * (yajl 2), in memory bounded by one row, never by the page.
 *
 * A page holds an array of rows: the whole body (ReliefWeb's [figures]), or
 * one member of the body's object (HAPI's {"data": [rows]}). As bytes arrive,
 * each row is built into a small cJSON tree, handed to the adapter's row
 * function the moment it is complete, and freed. Of the rest of the body only
 * the top-level members the adapter names are kept (the envelope: DTM's
 * isSuccess and errorMessages, UNHCR's page), for its end function, which
 * runs once the body is complete; anything else is skipped as it streams.
 *
 * Bounds, each failing the page with a message that names it:
 *   JSON_DEPTH_MAX  arrays and objects open at once
 *   JSON_TOKEN_MAX  bytes of one string or number (yajl buffers a token that
 *                   spans two writes; nothing else of the page)
 *   JSON_VALUE_MAX  bytes of one row as parsed (its text, and JSON_NODE_COST
 *                   for each of its values), and of the kept members together
 * So the parse of any page, of any size, holds a few megabytes at most; the
 * page's size is bounded only by the fetch's cap (--max-bytes).
 *
 * Rows reach the sink as they complete: a page that fails later (malformed
 * near its end, DTM's isSuccess false after its rows) has already given
 * claims. Its caller discards them: fetch.c fails the feed, whose spool is
 * then never written to the database (test_spool.c, test_fetch.py).
 */
#ifndef FIGURES_JSON_PAGE_H
#define FIGURES_JSON_PAGE_H

#include <cjson/cJSON.h>

#include "../adapter.h"
#include "../fetch.h"
#include "../../core/buf.h"

#define JSON_DEPTH_MAX 64
#define JSON_TOKEN_MAX (1024 * 1024)
#define JSON_VALUE_MAX (4 * 1024 * 1024)
#define JSON_NODE_COST (sizeof(cJSON) + 16)   /* a value's node and malloc's overhead */
#define JSON_TYPES "application/json text/json text/plain"

struct json_page;

/* What an adapter's pages look like, and its functions over them. */
struct json_shape {
	/* the top-level member holding the array of rows; NULL: the body is that array */
	const char        *rows;
	/* other top-level members kept for end, NULL-terminated; NULL: none */
	const char *const *keep;
	/*
	 * The adapter's page state: a struct whose first member is a struct
	 * json_page (at least sizeof(struct json_page)), zeroed at begin.
	 */
	size_t             size;
	/* When the rows array opens, before its first row; NULL: nothing to do. */
	enum status      (*rows_start)(struct json_page *p, char *err);
	/* One complete row (any JSON value: not only objects), n its place from 1. */
	enum status      (*row)(struct json_page *p, const cJSON *r, long n, char *err);
	/*
	 * The body is complete and well-formed: env holds the kept members (an
	 * object, each member at most once), p->rows_array and p->nrows say
	 * whether the rows were an array and how many there were.
	 */
	enum status      (*end)(struct json_page *p, const cJSON *env, char *err);
	/* Frees what the adapter's state holds (not the state itself); NULL: nothing. */
	void             (*release)(struct json_page *p);
};

struct json_page {
	struct adapter_ctx       ctx;
	const struct json_shape *shape;
	char                     next[URL_MAX];   /* the next page's URL, or "" */
	int                      rows_array;      /* the rows were found, as an array */
	long                     nrows;           /* rows read so far */
	struct json_stream      *stream;          /* json_page.c's own */
};

/* Starts one page of the given shape (see the adapters for examples). */
void *json_page_begin(const struct adapter_ctx *ctx, const struct json_shape *shape,
    char *err);
/* Parses n more bytes: rows that complete go to the shape's row function. */
enum status json_page_write(void *state, const char *data, size_t n, char *err);
/* The body is complete: checks it ended well, then runs the shape's end. */
enum status json_page_end(void *state, char *err);
enum status json_page_next(void *state, char *url, size_t size);
void json_page_free(void *state);

/* obj[key] if it is a string, else NULL. */
const char *jtext(const cJSON *obj, const char *key);

/*
 * obj[key] as text for a count: an integral number as digits, any other
 * number as written ("3.5", rejected later), a string as it is ("0", "-"),
 * null or missing as NULL. buf holds the digits.
 */
const char *jcount(const cJSON *obj, const char *key, char *buf, size_t size);

/* 1 if obj has key, whatever its value (null included). */
int jhas(const cJSON *obj, const char *key);

#endif
