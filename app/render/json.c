#include "json.h"
#include "attribution.h"
#include "../core/strutil.h"
#include "../core/url_public.h"

#include <stdint.h>
#include <string.h>

cJSON *
json_add_int(cJSON *obj, const char *name, long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_AddRawToObject(obj, name, num);
}

cJSON *
json_int(long long v)
{
	char num[INT_TEXT_MAX];

	int_text(v, num);
	return cJSON_CreateRaw(num);
}

cJSON *
json_add_text(cJSON *obj, const char *name, const char *s)
{
	if (s == NULL)
		return cJSON_AddNullToObject(obj, name);
	return cJSON_AddStringToObject(obj, name, s);
}

/* "period": {"start", "end"} when there is one; nothing when there is not. */
static void
json_add_period(cJSON *obj, const char *start, const char *end)
{
	cJSON *period;

	if (start == NULL && end == NULL)
		return;
	period = cJSON_AddObjectToObject(obj, "period");
	json_add_text(period, "start", start);
	json_add_text(period, "end", end);
}

static void
add_location_fields(cJSON *obj, const struct location_row *l)
{
	json_add_text(obj, "code", l->code);
	json_add_text(obj, "name", l->name);
	json_add_text(obj, "country", l->country);
	if (l->has_level)
		json_add_int(obj, "admin_level", l->admin_level);
	else
		cJSON_AddNullToObject(obj, "admin_level");
	json_add_text(obj, "type", l->type);
}

/* "by_sex": {"males", "females"} (either null), or null when neither was given. */
static void
json_add_by_sex(cJSON *obj, long long males, int has_males, long long females, int has_females)
{
	cJSON *sex;

	if (!has_males && !has_females) {
		cJSON_AddNullToObject(obj, "by_sex");
		return;
	}
	sex = cJSON_AddObjectToObject(obj, "by_sex");
	if (has_males)
		json_add_int(sex, "males", males);
	else
		cJSON_AddNullToObject(sex, "males");
	if (has_females)
		json_add_int(sex, "females", females);
	else
		cJSON_AddNullToObject(sex, "females");
}

/* What a figure counts beyond metric and group: unit, cause, origin (docs/DESIGN.md). */
static void
json_add_counts(cJSON *obj, const struct figure_row *row)
{
	json_add_text(obj, "unit", row->unit != NULL ? row->unit : "people");
	json_add_text(obj, "cause", row->cause);
	if (row->origin.code == NULL)
		cJSON_AddNullToObject(obj, "origin");
	else
		add_location_fields(cJSON_AddObjectToObject(obj, "origin"), &row->origin);
}

cJSON *
json_location_of_figure(const struct figure_row *f)
{
	cJSON *loc = cJSON_CreateObject();

	if (loc != NULL)
		add_location_fields(loc, &f->location);
	return loc;
}

cJSON *
json_source(const struct source_row *s)
{
	cJSON *obj = cJSON_CreateObject();

	if (obj == NULL)
		return NULL;
	json_add_text(obj, "id", s->code);
	json_add_text(obj, "name", s->name);
	json_add_text(obj, "organisation", s->organisation);
	json_add_text(obj, "type", s->type);
	json_add_text(obj, "url", s->url);
	json_add_text(obj, "licence", s->licence);
	return obj;
}

/* "attribution": the sentence (attribution.h) in lang; null only when out of memory. */
static void
json_add_attribution(cJSON *obj, const struct figure_row *fig, const struct summary_item *item,
    const char *lang)
{
	struct buf b;
	enum status st;

	buf_init(&b, ATTRIBUTION_MAX);
	st = item != NULL ? attribution_summary(&b, item, lang) : attribution_figure(&b, fig, lang);
	json_add_text(obj, "attribution", st == ST_OK ? b.data : NULL);
	buf_free(&b);
}

cJSON *
json_figure(const struct figure_row *row)
{
	return json_figure_lang(row, NULL);
}

cJSON *
json_figure_lang(const struct figure_row *row, const char *lang)
{
	cJSON *f = cJSON_CreateObject();

	if (f == NULL)
		return NULL;
	json_add_int(f, "id", row->id);
	json_add_text(f, "metric", row->metric);
	json_add_text(f, "category", row->category);
	json_add_int(f, "value", row->value);
	json_add_text(f, "qualifier", row->qualifier);
	json_add_text(f, "group", row->group);
	json_add_counts(f, row);
	json_add_by_sex(f, row->males, row->has_males, row->females, row->has_females);
	cJSON_AddItemToObject(f, "location", json_location_of_figure(row));
	/* as_of is null when the source gave no date; a period says so itself. */
	json_add_text(f, "as_of", row->as_of);
	json_add_period(f, row->period_start, row->period_end);
	cJSON_AddItemToObject(f, "source", json_source(&row->source));
	json_add_text(f, "via", row->via);
	json_add_text(f, "url", row->url);
	json_add_text(f, "quote", row->quote);
	json_add_text(f, "reported_on", row->reported_on);
	json_add_text(f, "retrieved_at", row->retrieved_at);
	json_add_text(f, "licence", row->licence);
	json_add_text(f, "feed", row->feed);
	cJSON_AddBoolToObject(f, "withdrawn", row->withdrawn);
	json_add_attribution(f, row, NULL, lang);
	return f;
}

cJSON *
json_revision(const struct revision_row *row)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL)
		return NULL;
	json_add_int(r, "value", row->value);
	json_add_text(r, "qualifier", row->qualifier);
	json_add_by_sex(r, row->males, row->has_males, row->females, row->has_females);
	json_add_text(r, "as_of", row->as_of);
	json_add_period(r, row->period_start, row->period_end);
	json_add_text(r, "reported_on", row->reported_on);
	json_add_text(r, "url", row->url);
	json_add_text(r, "quote", row->quote);
	json_add_text(r, "retrieved_at", row->retrieved_at);
	json_add_text(r, "superseded_at", row->superseded_at);
	return r;
}

cJSON *
json_location(const struct location_row *row)
{
	cJSON *l = cJSON_CreateObject();

	if (l == NULL)
		return NULL;
	add_location_fields(l, row);
	json_add_text(l, "parent", row->parent);
	return l;
}

cJSON *
json_feed(const struct feed_status_row *row)
{
	cJSON *f = cJSON_CreateObject(), *rows;
	char url[4096];

	if (f == NULL)
		return NULL;
	json_add_text(f, "id", row->code);
	json_add_text(f, "name", row->name);
	/* never a server path or a credential: see url_public.h */
	json_add_text(f, "url", row->url != NULL && url_public(row->url, url, sizeof url) ?
	    url : NULL);
	json_add_text(f, "adapter", row->adapter);
	json_add_int(f, "interval", row->interval);
	cJSON_AddBoolToObject(f, "enabled", row->enabled);
	json_add_text(f, "last_attempt", row->last_attempt);
	json_add_text(f, "last_success", row->last_success);
	json_add_text(f, "last_error", row->last_error);
	json_add_int(f, "consecutive_failures", row->consecutive_failures);
	cJSON_AddBoolToObject(f, "stale", row->stale);
	rows = cJSON_AddObjectToObject(f, "last_rows");
	json_add_int(rows, "added", row->added);
	json_add_int(rows, "changed", row->changed);
	json_add_int(rows, "unchanged", row->unchanged);
	json_add_int(rows, "rejected", row->rejected);
	json_add_text(f, "removed_at", row->removed_at);
	return f;
}

cJSON *
json_metric(const struct metric_row *row)
{
	cJSON *m = cJSON_CreateObject();

	if (m == NULL)
		return NULL;
	json_add_text(m, "id", row->code);
	json_add_text(m, "category", row->category);
	json_add_text(m, "hxl", row->hxl);
	json_add_text(m, "label", row->label);
	json_add_text(m, "description", row->description);
	json_add_text(m, "kind", row->kind);
	return m;
}

cJSON *
json_summary_item(const struct summary_item *item)
{
	return json_summary_item_lang(item, NULL);
}

cJSON *
json_summary_item_lang(const struct summary_item *item, const char *lang)
{
	const struct figure_row *first = &item->claims[0];
	cJSON *obj, *claims, *range;

	if (item->n == 0 || (obj = cJSON_CreateObject()) == NULL)
		return NULL;
	json_add_text(obj, "metric", first->metric);
	json_add_text(obj, "category", first->category);
	cJSON_AddItemToObject(obj, "location", json_location_of_figure(first));
	json_add_text(obj, "group", first->group);
	json_add_counts(obj, first);
	claims = cJSON_AddArrayToObject(obj, "claims");
	for (size_t i = 0; i < item->n; i++)
		cJSON_AddItemToArray(claims, json_figure_lang(&item->claims[i], lang));
	range = cJSON_AddObjectToObject(obj, "range");
	json_add_int(range, "min", item->min);
	json_add_int(range, "max", item->max);
	json_add_int(obj, "sources", (long long)item->n);
	cJSON_AddBoolToObject(obj, "agree", item->agree);
	json_add_text(obj, "latest_as_of", item->latest_as_of[0] ? item->latest_as_of : NULL);
	json_add_attribution(obj, NULL, item, lang);
	return obj;
}

/*
 * The same objects written straight into a buffer, byte for byte as
 * cJSON_PrintUnformatted prints the trees above (tests/unit/test_json.c
 * compares the two on every kind of row). A page of figures or summary items
 * spent more than half its rendering building the tree and printing it again:
 * a node, a key and a copy of each value per field, every string scanned
 * twice to escape it.
 */
#define CHECK(x) do { if ((st = (x)) != ST_OK) return st; } while (0)
#define LIT(b, text) buf_append(b, text, sizeof text - 1)

/* Bytes cJSON escapes: the control characters, the quote, the backslash. */
static const unsigned char needs_escape[256] = {
	[0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1,
};

static enum status
escape(struct buf *b, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"': return LIT(b, "\\\"");
	case '\\': return LIT(b, "\\\\");
	case '\b': return LIT(b, "\\b");
	case '\f': return LIT(b, "\\f");
	case '\n': return LIT(b, "\\n");
	case '\r': return LIT(b, "\\r");
	case '\t': return LIT(b, "\\t");
	}
	return buf_append(b, u, sizeof u);   /* as cJSON: \u00XX, lower-case hex */
}

/*
 * Whether any of eight bytes is one needs_escape marks: below 0x20, '"' or
 * '\\'. (x - 0x01..) & ~x & 0x80.. is nonzero exactly when a byte of x is
 * zero, and (x - 0x20..) & ~x & 0x80.. when one is below 0x20 (the classic
 * bit tricks: a false mark can follow a true one, never come alone).
 */
static int
word_needs_escape(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');

	return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
	    ((backslash - ones) & ~backslash)) & highs ? 1 : 0;
}

/* The first byte from p on that needs_escape marks, or end: eight at a time. */
static const unsigned char *
first_escape(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, sizeof w);
		if (word_needs_escape(w))
			break;
	}
	while (p < end && !needs_escape[*p])
		p++;
	return p;
}

/*
 * A text's bytes go out in runs between the bytes to escape; most texts have
 * none and go out in one append. (A page's text is ~100 KB in ~30 short texts
 * a row: byte by byte and in three appends each, they were a tenth of a
 * summary's instructions.)
 */
enum status
json_put_text(struct buf *b, const char *s)
{
	const unsigned char *p, *run, *end;
	size_t n;
	enum status st;

	if (s == NULL)
		return LIT(b, "null");
	n = strlen(s);
	run = (const unsigned char *)s;
	end = run + n;
	if ((p = first_escape(run, end)) == end)
		return buf_append_between(b, '"', s, n, '"');
	CHECK(buf_putc(b, '"'));
	for (; p < end; p = first_escape(run, end)) {
		CHECK(buf_append(b, run, (size_t)(p - run)));
		CHECK(escape(b, *p));
		run = p + 1;
	}
	CHECK(buf_append(b, run, (size_t)(end - run)));
	return buf_putc(b, '"');
}

enum status
json_put_int(struct buf *b, long long v)
{
	char num[INT_TEXT_MAX];

	return buf_append(b, num, int_text(v, num));
}

static enum status
put_bool(struct buf *b, int v)
{
	return v ? LIT(b, "true") : LIT(b, "false");
}

static enum status
put_location(struct buf *b, const struct location_row *l)
{
	enum status st;

	CHECK(LIT(b, "{\"code\":"));
	CHECK(json_put_text(b, l->code));
	CHECK(LIT(b, ",\"name\":"));
	CHECK(json_put_text(b, l->name));
	CHECK(LIT(b, ",\"country\":"));
	CHECK(json_put_text(b, l->country));
	CHECK(LIT(b, ",\"admin_level\":"));
	CHECK(l->has_level ? json_put_int(b, l->admin_level) : LIT(b, "null"));
	CHECK(LIT(b, ",\"type\":"));
	CHECK(json_put_text(b, l->type));
	return buf_putc(b, '}');
}

/* ,"unit":…,"cause":…,"origin":… (json_add_counts) */
static enum status
put_counts(struct buf *b, const struct figure_row *row)
{
	enum status st;

	CHECK(LIT(b, ",\"unit\":"));
	CHECK(json_put_text(b, row->unit != NULL ? row->unit : "people"));
	CHECK(LIT(b, ",\"cause\":"));
	CHECK(json_put_text(b, row->cause));
	CHECK(LIT(b, ",\"origin\":"));
	return row->origin.code == NULL ? LIT(b, "null") : put_location(b, &row->origin);
}

/* ,"attribution":… in lang; null when the sentence cannot be made (as json_add_attribution) */
static enum status
put_attribution(struct buf *b, const struct figure_row *fig, const struct summary_item *item,
    const char *lang, struct buf *scratch)
{
	enum status st, as;

	buf_reset(scratch);
	as = item != NULL ? attribution_summary(scratch, item, lang) :
	    attribution_figure(scratch, fig, lang);
	CHECK(LIT(b, ",\"attribution\":"));
	return json_put_text(b, as == ST_OK && scratch->len > 0 ? scratch->data : NULL);
}

/* ,"by_sex":… (json_add_by_sex): null, or both counts, each null when not given */
static enum status
put_by_sex(struct buf *b, long long males, int has_males, long long females, int has_females)
{
	enum status st;

	CHECK(LIT(b, ",\"by_sex\":"));
	if (!has_males && !has_females)
		return LIT(b, "null");
	CHECK(LIT(b, "{\"males\":"));
	CHECK(has_males ? json_put_int(b, males) : LIT(b, "null"));
	CHECK(LIT(b, ",\"females\":"));
	CHECK(has_females ? json_put_int(b, females) : LIT(b, "null"));
	return buf_putc(b, '}');
}

/* ,"period":{"start":…,"end":…} when there is one (json_add_period) */
static enum status
put_period(struct buf *b, const char *start, const char *end)
{
	enum status st;

	if (start == NULL && end == NULL)
		return ST_OK;
	CHECK(LIT(b, ",\"period\":{\"start\":"));
	CHECK(json_put_text(b, start));
	CHECK(LIT(b, ",\"end\":"));
	CHECK(json_put_text(b, end));
	return buf_putc(b, '}');
}

enum status
json_write_revision(struct buf *b, const struct revision_row *row)
{
	enum status st;

	CHECK(LIT(b, "{\"value\":"));
	CHECK(json_put_int(b, row->value));
	CHECK(LIT(b, ",\"qualifier\":"));
	CHECK(json_put_text(b, row->qualifier));
	CHECK(put_by_sex(b, row->males, row->has_males, row->females, row->has_females));
	CHECK(LIT(b, ",\"as_of\":"));
	CHECK(json_put_text(b, row->as_of));
	CHECK(put_period(b, row->period_start, row->period_end));
	CHECK(LIT(b, ",\"reported_on\":"));
	CHECK(json_put_text(b, row->reported_on));
	CHECK(LIT(b, ",\"url\":"));
	CHECK(json_put_text(b, row->url));
	CHECK(LIT(b, ",\"quote\":"));
	CHECK(json_put_text(b, row->quote));
	CHECK(LIT(b, ",\"retrieved_at\":"));
	CHECK(json_put_text(b, row->retrieved_at));
	CHECK(LIT(b, ",\"superseded_at\":"));
	CHECK(json_put_text(b, row->superseded_at));
	return buf_putc(b, '}');
}

static enum status
put_figure(struct buf *b, const struct figure_row *row, const char *lang, struct buf *scratch)
{
	enum status st;

	CHECK(LIT(b, "{\"id\":"));
	CHECK(json_put_int(b, row->id));
	CHECK(LIT(b, ",\"metric\":"));
	CHECK(json_put_text(b, row->metric));
	CHECK(LIT(b, ",\"category\":"));
	CHECK(json_put_text(b, row->category));
	CHECK(LIT(b, ",\"value\":"));
	CHECK(json_put_int(b, row->value));
	CHECK(LIT(b, ",\"qualifier\":"));
	CHECK(json_put_text(b, row->qualifier));
	CHECK(LIT(b, ",\"group\":"));
	CHECK(json_put_text(b, row->group));
	CHECK(put_counts(b, row));
	CHECK(put_by_sex(b, row->males, row->has_males, row->females, row->has_females));
	CHECK(LIT(b, ",\"location\":"));
	CHECK(put_location(b, &row->location));
	CHECK(LIT(b, ",\"as_of\":"));
	CHECK(json_put_text(b, row->as_of));
	CHECK(put_period(b, row->period_start, row->period_end));
	CHECK(LIT(b, ",\"source\":{\"id\":"));
	CHECK(json_put_text(b, row->source.code));
	CHECK(LIT(b, ",\"name\":"));
	CHECK(json_put_text(b, row->source.name));
	CHECK(LIT(b, ",\"organisation\":"));
	CHECK(json_put_text(b, row->source.organisation));
	CHECK(LIT(b, ",\"type\":"));
	CHECK(json_put_text(b, row->source.type));
	CHECK(LIT(b, ",\"url\":"));
	CHECK(json_put_text(b, row->source.url));
	CHECK(LIT(b, ",\"licence\":"));
	CHECK(json_put_text(b, row->source.licence));
	CHECK(LIT(b, "},\"via\":"));
	CHECK(json_put_text(b, row->via));
	CHECK(LIT(b, ",\"url\":"));
	CHECK(json_put_text(b, row->url));
	CHECK(LIT(b, ",\"quote\":"));
	CHECK(json_put_text(b, row->quote));
	CHECK(LIT(b, ",\"reported_on\":"));
	CHECK(json_put_text(b, row->reported_on));
	CHECK(LIT(b, ",\"retrieved_at\":"));
	CHECK(json_put_text(b, row->retrieved_at));
	CHECK(LIT(b, ",\"licence\":"));
	CHECK(json_put_text(b, row->licence));
	CHECK(LIT(b, ",\"feed\":"));
	CHECK(json_put_text(b, row->feed));
	CHECK(LIT(b, ",\"withdrawn\":"));
	CHECK(put_bool(b, row->withdrawn));
	CHECK(put_attribution(b, row, NULL, lang, scratch));
	return buf_putc(b, '}');
}

enum status
json_write_figure(struct buf *b, const struct figure_row *row, const char *lang,
    struct buf *scratch)
{
	return put_figure(b, row, lang, scratch);
}

enum status
json_write_summary_item(struct buf *b, const struct summary_item *item, const char *lang,
    struct buf *scratch)
{
	const struct figure_row *first = &item->claims[0];
	enum status st;

	if (item->n == 0)
		return ST_INVALID;   /* json_summary_item_lang makes no object of it either */
	CHECK(LIT(b, "{\"metric\":"));
	CHECK(json_put_text(b, first->metric));
	CHECK(LIT(b, ",\"category\":"));
	CHECK(json_put_text(b, first->category));
	CHECK(LIT(b, ",\"location\":"));
	CHECK(put_location(b, &first->location));
	CHECK(LIT(b, ",\"group\":"));
	CHECK(json_put_text(b, first->group));
	CHECK(put_counts(b, first));
	CHECK(LIT(b, ",\"claims\":["));
	for (size_t i = 0; i < item->n; i++) {
		if (i > 0)
			CHECK(buf_putc(b, ','));
		CHECK(put_figure(b, &item->claims[i], lang, scratch));
	}
	CHECK(LIT(b, "],\"range\":{\"min\":"));
	CHECK(json_put_int(b, item->min));
	CHECK(LIT(b, ",\"max\":"));
	CHECK(json_put_int(b, item->max));
	CHECK(LIT(b, "},\"sources\":"));
	CHECK(json_put_int(b, (long long)item->n));
	CHECK(LIT(b, ",\"agree\":"));
	CHECK(put_bool(b, item->agree));
	CHECK(LIT(b, ",\"latest_as_of\":"));
	CHECK(json_put_text(b, item->latest_as_of[0] ? item->latest_as_of : NULL));
	CHECK(put_attribution(b, NULL, item, lang, scratch));
	return buf_putc(b, '}');
}
