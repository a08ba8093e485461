#include "json_page.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

/* What the value being read is for. */
enum target {
	T_NONE,   /* no value is being read: the parser is between rows or members */
	T_ROW,    /* a row, built for the shape's row function */
	T_KEEP,   /* a kept top-level member, built for its end function */
	T_SKIP,   /* anything else: only its depth is followed */
};

/*
 * The tokens seen so far, apart from yajl: how long the current string or
 * number is (yajl would buffer a long one whole), and whether a \u escape
 * is half of a UTF-16 surrogate pair (which yajl would turn into '?').
 */
struct scan {
	int      in_string;
	int      esc;        /* 1 after a backslash; 2 to 5 reading \u's digits */
	unsigned code;       /* those digits so far */
	int      high;       /* a high surrogate was read: its low half must follow */
	size_t   token;      /* bytes of the current string or number */
};

struct json_stream {
	yajl_handle   yh;
	struct json_page *p;
	enum status   st;              /* the first failure: every later call returns it */
	char          err[ERR_MAX];
	size_t        fed;             /* bytes given to yajl */
	struct scan   scan;
	int           depth;           /* arrays and objects open */
	int           rows_depth;      /* depth inside the rows array; 0 outside it */
	int           rows_members;    /* how many top-level members were named shape->rows */
	enum target   target;
	int           vdepth;          /* arrays and objects open in the target value */
	const char   *member;          /* a kept member's name (the shape's own string) */
	cJSON        *tree;            /* the row or kept member being built */
	cJSON        *open[JSON_DEPTH_MAX];
	size_t        size, kept_size; /* estimated bytes of the tree, of the kept members */
	struct buf    key, text;       /* the last key read; a string or number, NUL-ended */
	size_t        key_len;
	cJSON        *env;             /* the kept members */
};

static int stop(struct json_stream *s, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the failure (the first only) and tells yajl to stop: returns 0. */
static int
stop(struct json_stream *s, enum status st, const char *fmt, ...)
{
	va_list ap;

	if (s->st == ST_OK) {
		s->st = st;
		va_start(ap, fmt);
		vsnprintf(s->err, sizeof s->err, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* 1 if the last key read is name, byte for byte. */
static int
key_is(const struct json_stream *s, const char *name)
{
	return s->key_len == strlen(name) && s->key.data != NULL &&
	    memcmp(s->key.data, name, s->key_len) == 0;
}

static const char *
key_text(const struct json_stream *s)
{
	return s->key.data != NULL ? s->key.data : "";
}

/* The rows array opens. */
static int
rows_open(struct json_stream *s)
{
	struct json_page *p = s->p;
	enum status st;

	s->depth++;
	s->rows_depth = s->depth;
	p->rows_array = 1;
	if (p->shape->rows_start != NULL && (st = p->shape->rows_start(p, s->err)) != ST_OK) {
		s->st = st;
		return 0;
	}
	return 1;
}

/*
 * A value starts where none is being read: decides what it is. kind is '{',
 * '[' or 0 for a scalar. Returns 0 to stop; *opened is 1 when the value is
 * structure this function opened itself (the body's object, the rows array).
 */
static int
value_start(struct json_stream *s, int kind, int *opened)
{
	const struct json_shape *sh = s->p->shape;

	*opened = 0;
	s->target = T_SKIP;
	if (s->depth == 0) {   /* the body's value */
		if (kind == (sh->rows == NULL ? '[' : '{')) {
			s->target = T_NONE;
			*opened = 1;
			if (sh->rows == NULL)
				return rows_open(s);
			s->depth++;
		}
		return 1;
	}
	if (s->rows_depth != 0 && s->depth == s->rows_depth) {
		s->target = T_ROW;
		s->p->nrows++;
		return 1;
	}
	if (s->depth != 1 || sh->rows == NULL)
		return 1;   /* not reached: the body's object holds the rows array only at depth 1 */
	if (key_is(s, sh->rows)) {
		if (++s->rows_members > 1)
			return stop(s, ST_INVALID, "the JSON page has two \"%s\" members: which "
			    "holds the rows is not known", sh->rows);
		if (kind == '[') {
			s->target = T_NONE;
			*opened = 1;
			return rows_open(s);
		}
		return 1;
	}
	for (const char *const *k = sh->keep; k != NULL && *k != NULL; k++)
		if (key_is(s, *k)) {
			if (cJSON_GetObjectItemCaseSensitive(s->env, *k) != NULL)
				return stop(s, ST_INVALID, "the JSON page has two \"%s\" members: which "
				    "one says it is not known", *k);
			s->target = T_KEEP;
			s->member = *k;
			return 1;
		}
	return 1;
}

/* The target value is complete: a row goes to the adapter, a kept member to env. */
static int
value_done(struct json_stream *s)
{
	struct json_page *p = s->p;
	enum target t = s->target;
	cJSON *tree = s->tree;
	enum status st = ST_OK;

	s->target = T_NONE;
	s->tree = NULL;
	s->size = 0;
	if (t == T_ROW) {
		st = p->shape->row(p, tree, p->nrows, s->err);
		cJSON_Delete(tree);
	} else if (t == T_KEEP && !cJSON_AddItemToObject(s->env, s->member, tree)) {
		cJSON_Delete(tree);
		return stop(s, ST_NOMEM, "out of memory reading a JSON page");
	}
	if (st != ST_OK) {
		s->st = st;
		return 0;
	}
	return 1;
}

/*
 * Adds node to the tree being built, at its place (the root, or in the open
 * array or object), counting cost more bytes than its node for its text.
 */
static int
attach(struct json_stream *s, cJSON *node, size_t cost)
{
	cJSON *parent = s->vdepth > 0 ? s->open[s->vdepth - 1] : NULL;
	size_t *size = s->target == T_ROW ? &s->size : &s->kept_size;

	if (node == NULL)
		return stop(s, ST_NOMEM, "out of memory reading a JSON page");
	*size += JSON_NODE_COST + cost + (cJSON_IsObject(parent) ? s->key_len + 17 : 0);
	if (parent == NULL)
		s->tree = node;
	else if (cJSON_IsArray(parent))
		cJSON_AddItemToArray(parent, node);
	else if (!cJSON_AddItemToObject(parent, key_text(s), node)) {
		cJSON_Delete(node);
		return stop(s, ST_NOMEM, "out of memory reading a JSON page");
	}
	if (*size <= JSON_VALUE_MAX)
		return 1;
	if (s->target == T_ROW)
		return stop(s, ST_TOO_BIG, "row %ld of the JSON page is larger than %d bytes as "
		    "parsed (JSON_VALUE_MAX: rows are read one at a time, each within it): not a "
		    "row this adapter reads", s->p->nrows, JSON_VALUE_MAX);
	return stop(s, ST_TOO_BIG, "the JSON page's \"%s\" member is larger than %d bytes as "
	    "parsed (JSON_VALUE_MAX): not an answer this adapter reads", s->member,
	    JSON_VALUE_MAX);
}

/*
 * A scalar value: make builds its node from text (NUL-ended), only when it is
 * kept; cost is what its text costs beyond the node.
 */
static int
scalar(struct json_stream *s, cJSON *(*make)(const char *), const char *text, size_t len,
    size_t cost)
{
	const char *t = "";
	int opened;

	if (s->target == T_NONE && !value_start(s, 0, &opened))
		return 0;
	if (s->target == T_SKIP) {
		if (s->vdepth == 0)
			s->target = T_NONE;
		return 1;
	}
	if (len > 0) {
		buf_reset(&s->text);
		if (buf_append(&s->text, text, len) != ST_OK)
			return stop(s, ST_NOMEM, "out of memory reading a JSON page");
		t = s->text.data;
	}
	if (!attach(s, make(t), cost))
		return 0;
	return s->vdepth == 0 ? value_done(s) : 1;
}

static cJSON *
make_null(const char *t)
{
	(void)t;
	return cJSON_CreateNull();
}

static cJSON *
make_true(const char *t)
{
	(void)t;
	return cJSON_CreateTrue();
}

static cJSON *
make_false(const char *t)
{
	(void)t;
	return cJSON_CreateFalse();
}

static cJSON *
make_string(const char *t)
{
	return cJSON_CreateString(t);
}

/* A number as cJSON reads one: strtod of its text (which yajl checked is a JSON number). */
static cJSON *
make_number(const char *t)
{
	return cJSON_CreateNumber(strtod(t, NULL));
}

static int
on_null(void *ctx)
{
	return scalar(ctx, make_null, NULL, 0, 0);
}

static int
on_boolean(void *ctx, int b)
{
	return scalar(ctx, b ? make_true : make_false, NULL, 0, 0);
}

static int
on_number(void *ctx, const char *t, size_t len)
{
	return scalar(ctx, make_number, t, len, 0);
}

static int
on_string(void *ctx, const unsigned char *t, size_t len)
{
	return scalar(ctx, make_string, (const char *)t, len, len + 17);
}

static int
on_key(void *ctx, const unsigned char *t, size_t len)
{
	struct json_stream *s = ctx;

	if (s->target == T_SKIP)
		return 1;
	buf_reset(&s->key);
	if (buf_append(&s->key, t, len) != ST_OK)
		return stop(s, ST_NOMEM, "out of memory reading a JSON page");
	s->key_len = len;
	return 1;
}

static int
on_open(struct json_stream *s, int kind)
{
	int opened;

	if (s->depth >= JSON_DEPTH_MAX)
		return stop(s, ST_TOO_BIG, "the JSON page nests arrays and objects deeper than %d "
		    "levels (JSON_DEPTH_MAX): not an answer this adapter reads", JSON_DEPTH_MAX);
	if (s->target == T_NONE) {
		if (!value_start(s, kind, &opened))
			return 0;
		if (opened)
			return 1;
	}
	s->depth++;
	if (s->target != T_SKIP) {
		cJSON *node = kind == '{' ? cJSON_CreateObject() : cJSON_CreateArray();

		if (!attach(s, node, 0))
			return 0;
		s->open[s->vdepth] = node;
	}
	s->vdepth++;
	return 1;
}

static int
on_close(void *ctx)
{
	struct json_stream *s = ctx;

	s->depth--;
	if (s->target == T_NONE) {   /* the rows array, or the body's object */
		if (s->rows_depth == s->depth + 1)
			s->rows_depth = 0;
		return 1;
	}
	if (--s->vdepth > 0)
		return 1;
	if (s->target == T_SKIP) {
		s->target = T_NONE;
		return 1;
	}
	return value_done(s);
}

static int
on_start_map(void *ctx)
{
	return on_open(ctx, '{');
}

static int
on_start_array(void *ctx)
{
	return on_open(ctx, '[');
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,   /* the text: integers and doubles alike */
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_close,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_close,
};

/* What the token scan says of a byte. */
enum scanned { SCAN_OK, SCAN_LONG, SCAN_HALF };

/* Reads byte c, next in the token scan. */
static enum scanned
scan_byte(struct scan *sc, unsigned char c)
{
	int d;

	if (!sc->in_string) {
		if (c == '"')
			sc->in_string = 1, sc->token = 0;
		else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' ||
		    c == ' ' || c == '\t' || c == '\r' || c == '\n')
			sc->token = 0;
		else if (++sc->token > JSON_TOKEN_MAX)
			return SCAN_LONG;
		return SCAN_OK;
	}
	if (++sc->token > JSON_TOKEN_MAX)
		return SCAN_LONG;
	if (sc->esc == 1) {
		sc->esc = c == 'u' ? 2 : 0;
		sc->code = 0;
		return c != 'u' && sc->high ? SCAN_HALF : SCAN_OK;
	}
	if (sc->esc >= 2) {
		d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0) {   /* not an escape: yajl refuses it */
			sc->esc = sc->high = 0;
			return SCAN_OK;
		}
		sc->code = sc->code << 4 | (unsigned)d;
		if (++sc->esc < 6)
			return SCAN_OK;
		sc->esc = 0;
		if (sc->high) {   /* the low half must follow the high */
			sc->high = 0;
			return (sc->code & 0xFC00) == 0xDC00 ? SCAN_OK : SCAN_HALF;
		}
		if ((sc->code & 0xFC00) == 0xDC00)
			return SCAN_HALF;
		sc->high = (sc->code & 0xFC00) == 0xD800;
		return SCAN_OK;
	}
	if (c == '\\') {
		sc->esc = 1;
		return SCAN_OK;
	}
	if (sc->high)
		return SCAN_HALF;
	if (c == '"')
		sc->in_string = 0;
	return SCAN_OK;
}

void *
json_page_begin(const struct adapter_ctx *ctx, const struct json_shape *shape, char *err)
{
	size_t size = shape->size > sizeof(struct json_page) ? shape->size :
	    sizeof(struct json_page);
	struct json_page *p = calloc(1, size);
	struct json_stream *s = calloc(1, sizeof *s);

	if (p == NULL || s == NULL || (s->env = cJSON_CreateObject()) == NULL ||
	    (s->yh = yajl_alloc(&callbacks, NULL, s)) == NULL) {
		if (s != NULL)
			cJSON_Delete(s->env);
		free(s);
		free(p);
		err_set(err, "out of memory");
		return NULL;
	}
	/* text is checked field by field, as ingest validates every claim's UTF-8 */
	yajl_config(s->yh, yajl_dont_validate_strings, 1);
	p->ctx = *ctx;
	p->shape = shape;
	p->stream = s;
	s->p = p;
	buf_init(&s->key, JSON_TOKEN_MAX + 1);
	buf_init(&s->text, JSON_TOKEN_MAX + 1);
	return p;
}

/* yajl's answer st for bytes data[0..n): ST_OK, or the failure with err set. */
static enum status
parsed(struct json_stream *s, yajl_status st, size_t n, char *err)
{
	unsigned char *msg;
	size_t at;

	if (st == yajl_status_ok) {
		s->fed += n;
		return ST_OK;
	}
	if (st == yajl_status_error) {
		/* yajl_complete_parse reads one byte past the end: no further than it */
		at = s->fed + yajl_get_bytes_consumed(s->yh);
		at = at < s->fed + n ? at : s->fed + n;
		msg = yajl_get_error(s->yh, 0, NULL, 0);
		s->st = ST_INVALID;
		snprintf(s->err, sizeof s->err, "malformed JSON near byte %zu (truncated, or not "
		    "JSON?): %.*s", at, msg != NULL ? (int)strcspn((char *)msg, "\n") : 0,
		    msg != NULL ? (char *)msg : "");
		if (msg != NULL)
			yajl_free_error(s->yh, msg);
	} else if (s->st == ST_OK)   /* cancelled by a callback, which always says why */
		stop(s, ST_INVALID, "the JSON page could not be read");
	err_set(err, "%s", s->err);
	return s->st;
}

enum status
json_page_write(void *state, const char *data, size_t n, char *err)
{
	struct json_page *p = state;
	struct json_stream *s = p->stream;

	if (s->st != ST_OK) {
		err_set(err, "%s", s->err);
		return s->st;
	}
	for (size_t i = 0; i < n; i++) {
		enum scanned sc = scan_byte(&s->scan, (unsigned char)data[i]);

		if (sc == SCAN_OK)
			continue;
		if (sc == SCAN_LONG)
			stop(s, ST_TOO_BIG, "a string or number of the JSON page, near byte %zu, is "
			    "longer than %d bytes (JSON_TOKEN_MAX): not an answer this adapter reads",
			    s->fed + i + 1, JSON_TOKEN_MAX);
		else
			stop(s, ST_INVALID, "malformed JSON near byte %zu: a \\u escape is half of a "
			    "UTF-16 surrogate pair, not a character", s->fed + i + 1);
		err_set(err, "%s", s->err);
		return s->st;
	}
	return parsed(s, yajl_parse(s->yh, (const unsigned char *)data, n), n, err);
}

enum status
json_page_end(void *state, char *err)
{
	struct json_page *p = state;
	struct json_stream *s = p->stream;
	enum status st;

	if (s->st != ST_OK) {
		err_set(err, "%s", s->err);
		return s->st;
	}
	if (s->fed == 0) {
		err_set(err, "the response is empty, not JSON");
		return ST_INVALID;
	}
	if ((st = parsed(s, yajl_complete_parse(s->yh), 0, err)) != ST_OK)
		return st;
	return p->shape->end(p, s->env, err);
}

enum status
json_page_next(void *state, char *url, size_t size)
{
	struct json_page *p = state;

	if (p->next[0] == '\0')
		return ST_NOT_FOUND;
	snprintf(url, size, "%s", p->next);
	return ST_OK;
}

void
json_page_free(void *state)
{
	struct json_page *p = state;
	struct json_stream *s;

	if (p == NULL)
		return;
	if (p->shape->release != NULL)
		p->shape->release(p);
	if ((s = p->stream) != NULL) {
		yajl_free(s->yh);
		cJSON_Delete(s->tree);
		cJSON_Delete(s->env);
		buf_free(&s->key);
		buf_free(&s->text);
		free(s);
	}
	free(p);
}

const char *
jtext(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
jhas(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

const char *
jcount(const cJSON *obj, const char *key, char *buf, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsNumber(v))
		return NULL;
	if (isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 1e15)
		snprintf(buf, size, "%.0f", v->valuedouble);
	else
		snprintf(buf, size, "%.17g", v->valuedouble);   /* "3.5", "inf": ingest refuses */
	return buf;
}
