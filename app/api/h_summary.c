/*
 * h_summary.c: GET /v1/summary. For each metric x location x population group
 * that the filters select: every source's latest claim side by side, the range
 * (min, max), how many sources, whether they agree (core/agree.h), and the
 * newest as-of date. Never an average. Paged by group.
 */
#include "api.h"
#include "cursor.h"
#include "filters.h"
#include "summary.h"
#include "../core/strutil.h"
#include "../render/attribution.h"
#include "../render/json.h"
#include "../render/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SP_LIMIT = FP__FILTERS, SP_CURSOR, SP_FORMAT, SP_AS_OF_DATE, SP_KNOWN_BY, SP_LANG };

static const char *const formats[] = { "json", "csv", "hxl", NULL };

#define SUMMARY_PAGE_DEFAULT 50
#define SUMMARY_PAGE_MAX     200

static const struct pspec summary_params[] = {
	FILTER_PSPECS,
	[SP_LIMIT] = { "limit", P_INT, 1, SUMMARY_PAGE_MAX, limit_words },
	[SP_CURSOR] = { "cursor", P_TOKEN, 0, CURSOR_MAX, NULL },
	[SP_FORMAT] = { "format", P_ENUM, 0, 0, formats },
	[SP_AS_OF_DATE] = { "as_of_date", P_DATE, 0, 0, NULL },
	[SP_KNOWN_BY] = { "known_by", P_ENUM, 0, 0, known_bys },
	[SP_LANG] = { "lang", P_ENUM, 0, 0, words_langs },   /* the attributions' language */
};

/*
 * The summary's cursor: the last group of the page, whole,
 * "g1|metric|location|facet|group", the facet's own '|' written as ':' (a
 * facet is "unit|cause|origin id": no ':' of its own). Ids are at most 2^40
 * (13 digits); CURSOR_TEXT_MAX fits the longest facet and group ingest
 * accepts (core/figure.h), so every group can be paged past.
 */
struct group_key {
	char group[GROUP_MAX + 1], facet[FACET_MAX];
};

static int
decode_group(const char *token, struct group_row *g, struct group_key *k)
{
	char text[CURSOR_TEXT_MAX];
	char *a, *b, *c;

	if (!cursor_decode_text(token, 'g', text, sizeof text))
		return 0;
	if ((a = strchr(text, '|')) == NULL || (b = strchr(a + 1, '|')) == NULL ||
	    (c = strchr(b + 1, '|')) == NULL)
		return 0;
	*a = *b = *c = '\0';
	if (!parse_int64(text, 1, 1LL << 40, &g->metric_id) ||
	    !parse_int64(a + 1, 1, 1LL << 40, &g->location_id) ||
	    strlen(c + 1) >= sizeof k->group || strlen(b + 1) >= sizeof k->facet)
		return 0;
	memcpy(k->group, c + 1, strlen(c + 1) + 1);
	memcpy(k->facet, b + 1, strlen(b + 1) + 1);
	for (char *p = k->facet; *p != '\0'; p++)
		if (*p == ':')
			*p = '|';
	g->group = k->group;
	g->facet = k->facet;
	return 1;
}

/* The cursor after group g into next (CURSOR_MAX + 1 bytes); 0 if g cannot be carried. */
static int
encode_group(const struct group_row *g, char next[CURSOR_MAX + 1])
{
	char text[CURSOR_TEXT_MAX], facet[FACET_MAX];
	size_t fl = strlen(g->facet);
	int len;

	if (fl >= sizeof facet || g->metric_id > 1LL << 40 || g->location_id > 1LL << 40)
		return 0;
	for (size_t i = 0; i <= fl; i++)
		facet[i] = g->facet[i] == '|' ? ':' : g->facet[i];
	len = snprintf(text, sizeof text, "%lld|%lld|%s|%s", g->metric_id, g->location_id, facet,
	    g->group);
	return len > 0 && (size_t)len < sizeof text &&
	    cursor_encode_text('g', text, next, CURSOR_MAX + 1);
}

static void
free_keys(struct group_row *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)keys[i].group);
		free((char *)keys[i].facet);
	}
	free(keys);
}

/* The page's items in the format asked for, with its total and next cursor. */
static int
answer(struct hctx *cx, struct response *r, const struct summary_page *page, long long total,
    int limit, const char *next, const struct figure_filter *f)
{
	struct table_out t;
	struct buf body, scratch;
	cJSON *root, *meta;
	enum status ts;

	if (cx->format != OUT_JSON) {
		if ((ts = respond_table_begin(cx, &t)) == ST_OK)
			ts = table_summary_head(&t.b, t.kind, t.metrics, t.nmetrics);
		for (size_t i = 0; ts == ST_OK && i < page->n; i++)
			ts = table_summary_item_lang(&t.b, &page->items[i], t.kind, t.metrics,
			    t.nmetrics, cx->p[SP_LANG].s);
		return respond_table_end(cx, r, &t, ts, next, total);
	}
	/* each item written as cJSON would print it, no tree in between */
	buf_init(&body, JSON_BODY_MAX);
	buf_init(&scratch, ATTRIBUTION_MAX);
	ts = buf_puts(&body, JSON_LIST_BEGIN);
	for (size_t i = 0, k = 0; ts == ST_OK && i < page->n; i++) {
		if (page->items[i].n == 0)
			continue;   /* (cannot happen) no object, as json_summary_item_lang */
		if (k++ > 0)
			ts = buf_putc(&body, ',');
		if (ts == ST_OK)
			ts = json_write_summary_item(&body, &page->items[i], cx->p[SP_LANG].s,
			    &scratch);
	}
	buf_free(&scratch);
	root = cJSON_CreateObject();
	meta = respond_meta(root, cx);
	json_add_int(meta, "total", total);
	json_add_int(meta, "limit", limit);
	if (f->known != NULL) {
		cJSON_AddStringToObject(meta, "as_of_date", cx->p[SP_AS_OF_DATE].s);
		cJSON_AddStringToObject(meta, "known_by", f->known_reported ? "reported" :
		    "retrieved");
	}
	json_add_text(meta, "next_cursor", next);
	return respond_json_list(r, &body, ts, root);
}

static int
h_summary(struct hctx *cx, struct response *r)
{
	struct figure_filter f;
	struct filter_text ftext;
	struct group_row after, row, *keys = NULL;
	struct group_key after_key;
	struct summary_page page;
	char next[CURSOR_MAX + 1], known[21];
	const char *next_cursor = NULL;
	struct cursor *c;
	long long total;
	int limit, rc;
	size_t n = 0;
	enum status rs;

	if ((rc = filters_parse(cx, r, &f, &ftext)) != 0 ||
	    (rc = history_parse(cx, r, &f, SP_AS_OF_DATE, SP_KNOWN_BY, known)) != 0)
		return rc;
	if (cx->p[SP_CURSOR].set && !decode_group(cx->p[SP_CURSOR].s, &after, &after_key))
		return respond_error(r, 400, "invalid_parameter", "cursor", "cursor is not one this "
		    "API issued for /v1/summary: pass meta.next_cursor back unchanged");
	if (store_groups_count(cx->store, &f, &total, NULL) != ST_OK)
		return respond_db_failed(cx, r, "counting summary groups");
	if ((limit = limit_of(cx, r, SP_LIMIT, SUMMARY_PAGE_DEFAULT, total, SUMMARY_EXPORT_MAX,
	    "groups")) == 0)
		return r->status;
	f.limit = limit + 1;
	if ((keys = calloc((size_t)limit + 1, sizeof *keys)) == NULL)
		return respond_overloaded(r, "out of memory");
	/* The page's groups first (copied: their cursor is closed before the claims). */
	c = store_groups(cx->store, &f, cx->p[SP_CURSOR].set ? &after : NULL);
	rs = ST_OK;
	while (rs == ST_OK && n < (size_t)limit + 1 && store_groups_next(c, &row)) {
		keys[n] = row;
		keys[n].group = strdup(row.group != NULL ? row.group : "");
		keys[n].facet = strdup(row.facet != NULL ? row.facet : "");
		if (keys[n].group == NULL || keys[n].facet == NULL) {
			free((char *)keys[n].group);
			free((char *)keys[n].facet);
			rs = ST_NOMEM;
		} else
			n++;
	}
	if (store_cursor_close(c) != ST_OK && rs == ST_OK)
		rs = ST_DB;
	if (rs == ST_OK)
		rs = summary_read(cx->store, &f, keys, n < (size_t)limit ? n : (size_t)limit, &page);
	if (rs != ST_OK) {
		free_keys(keys, n);
		if (rs == ST_NOMEM)
			return respond_overloaded(r, "out of memory");
		return respond_db_failed(cx, r, "reading the summary's claims");
	}
	if (n > (size_t)limit) {
		/*
		 * Ingest accepts no group a cursor cannot carry; one in the database
		 * all the same (written before it refused them) is an error, never
		 * a last page that is not the last.
		 */
		if (!encode_group(&keys[limit - 1], next)) {
			size_t glen = strlen(keys[limit - 1].group);

			free_keys(keys, n);
			summary_page_free(&page);
			return respond_error(r, 500, "internal_error", NULL, "the page's last "
			    "group (%zu bytes) cannot be carried in a cursor: it is longer than %d "
			    "bytes or holds a control character, which ingest now refuses; refresh "
			    "its feed to withdraw it", glen, GROUP_MAX);
		}
		next_cursor = next;
	}
	free_keys(keys, n);
	rc = answer(cx, r, &page, total, limit, next_cursor, &f);
	summary_page_free(&page);
	return rc;
}

const struct route route_summary = { "/v1/summary", 0, ROUTE_PARAMS(summary_params),
    h_summary, NEEDS_STORE | NEGOTIATES, "/v1/embed/summary" };
