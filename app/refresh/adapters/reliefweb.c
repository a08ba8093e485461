/*
 * reliefweb.c: ReliefWeb crisis key figures, the per-country files of the
 * ReliefWeb Crises app (reliefweb/crisis-app-data, edition/<edition>/
 * countries/<ISO3>/figures.json).
 *
 * Where they are: ReliefWeb stopped publishing them in 2024 (the world
 * edition was deleted from crisis-app-data after commit 15d09e4e on
 * 2024-02-29; reliefweb.int dropped its key figures in March 2024; the OCHA
 * Key Figures API dropped its rw-crisis import in June 2024). The last files
 * stay readable at that commit; see README, "ReliefWeb key figures".
 *
 * Relies on: a JSON array of figures, each with name, value, date, url,
 * source (a name such as "OCHA"), language, and values: the figure's history,
 * each {value, date, url}, newest first, the headline among them. Values are
 * strings of digits in every real file ("29514"); numbers and "1,234" are
 * read too, anything else is rejected with the value. The files do not name
 * their country: it is the feed's (--country), and a payload read without
 * one fails.
 *
 * Mapped: what a figure counts is read from its name through the explicit
 * table of reliefweb_names.c (metric, place, origin, unit, cause, period,
 * group), never from its words; a name the table rejects or does not know is
 * rejected with the name, once for each value of its history. Each value of
 * the history (the headline too, if the history lacks it) is a claim dated
 * by its date, with its own document URL; an entry repeating an earlier one
 * (same value and date) or a figure repeating an earlier figure is rejected
 * as such; two values on one date are two claims. Who said it: the figure's
 * source.
 */
#include "json_page.h"
#include "reliefweb_names.h"
#include "../../core/strutil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIA "ReliefWeb key figures"

/* One value of a figure's history (or its headline), read. */
struct entry {
	const cJSON *v;          /* the history entry, or the figure for its headline */
	const char  *value, *date;
	char         buf[32];
	size_t       repeats;    /* the earlier entry it repeats (from 1), or 0 */
};

/* The reason a whole figure is rejected, with its name. */
static void
figure_why(const char *name, const struct rw_name *n, char *why, size_t size)
{
	if (n == NULL)
		snprintf(why, size, "key figure '%.200s' is not in the table of ReliefWeb key "
		    "figures (app/refresh/adapters/reliefweb_names.c): what it counts is not "
		    "known", name);
	else
		snprintf(why, size, "key figure '%.200s' %s", name, n->why);
}

/* 1 if s is a count as the files write one: digits, or digits grouped by commas. */
static int
count_ok(const char *s)
{
	long long v;

	return s != NULL && parse_count(s, &v);
}

/*
 * The period of a figure dated date (YYYY-MM-DD…) that the table says starts
 * at since: start written to start (11 bytes); 0 if date cannot place it.
 */
static int
period_start(const char *since, const char *date, char start[11])
{
	int y;

	if (date == NULL || strlen(date) < 10 || sscanf(date, "%4d", &y) != 1)
		return 0;
	if (strcmp(since, "year") == 0)
		snprintf(start, 11, "%.4s-01-01", date);
	else if (strcmp(since, "month") == 0)
		snprintf(start, 11, "%.7s-01", date);
	else if (strncmp(since, "--", 2) == 0)   /* the latest such day on or before date */
		snprintf(start, 11, "%04d-%.5s", strncmp(date + 5, since + 2, 5) >= 0 ? y : y - 1,
		    since + 2);
	else
		snprintf(start, 11, "%.10s", since);
	return 1;
}

/* Reads entry i of a figure: its value and date as text. */
static void
entry_read(struct entry *e, const cJSON *v)
{
	e->v = v;
	e->value = jcount(v, "value", e->buf, sizeof e->buf);
	e->date = jtext(v, "date");
}

static int
same_text(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* One claim for entry e of the figure named name, or its rejection. */
static enum status
entry_claim(const struct json_page *p, const cJSON *fig, const struct rw_name *n,
    const struct entry *e, const char *key, long row)
{
	const struct sink *sink = p->ctx.sink;
	const char *name = n->name;
	char why[ERR_MAX], start[11];
	struct claim c = { .row = row, .key = key, .metric = n->metric, .value = e->value,
	    .qualifier = n->qualifier, .group = n->group, .unit = n->unit, .cause = n->cause,
	    .country = n->country != NULL ? n->country : p->ctx.country, .adm1_name = n->adm1,
	    .loc_name = n->site, .loc_type = n->site_type, .origin_country = n->origin,
	    .source_name = jtext(fig, "source"), .via = VIA,
	    /* an entry's own document only: the headline's report is not its source */
	    .url = jtext(e->v, "url") };

	if (!count_ok(e->value)) {
		snprintf(why, sizeof why, "key figure '%.200s' on %.40s: value '%.40s' is not a "
		    "count (digits, or digits grouped by commas)", name,
		    e->date != NULL ? e->date : "(no date)", e->value != NULL ? e->value :
		    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e->v, "value")) ? "null" :
		    "(not text or a number)");
		sink->reject(sink->ctx, row, why);
		return ST_OK;
	}
	if (e->date == NULL || *e->date == '\0') {
		snprintf(why, sizeof why, "key figure '%.200s': value %s has no date", name,
		    e->value);
		sink->reject(sink->ctx, row, why);
		return ST_OK;
	}
	if (n->since == NULL)
		c.as_of = e->date;
	else if (period_start(n->since, e->date, start)) {
		c.period_start = start;
		c.period_end = n->until != NULL ? n->until : e->date;
	} else {
		snprintf(why, sizeof why, "key figure '%.200s': date '%.40s' is not a date, so "
		    "its period cannot be placed", name, e->date);
		sink->reject(sink->ctx, row, why);
		return ST_OK;
	}
	return sink->claim(sink->ctx, &c);
}

/*
 * The figure's values: its history, and its headline when the history does
 * not hold it (or there is none), in a new array (*n of them); NULL if out
 * of memory.
 */
static struct entry *
entries_of(const cJSON *fig, size_t *n)
{
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(fig, "values"), *v;
	size_t max = (cJSON_IsArray(values) ? (size_t)cJSON_GetArraySize(values) : 0) + 1;
	struct entry *head, *e = calloc(max, sizeof *e);
	int in_history = 0;

	if (e == NULL)
		return NULL;
	/*
	 * The headline is read into its own last place, never copied there: a
	 * number's text is in the entry's buf, which a copy would leave behind.
	 */
	head = &e[max - 1];
	entry_read(head, fig);
	*n = 0;
	if (cJSON_IsArray(values))
		cJSON_ArrayForEach(v, values) {
			if (*n == max - 1)
				break;
			entry_read(&e[*n], v);
			in_history |= same_text(e[*n].value, head->value) &&
			    same_text(e[*n].date, head->date);
			++*n;
		}
	if (!in_history)
		++*n;   /* the headline, in place: the history filled the places before it */
	return e;
}

/*
 * Entry i repeats an earlier one: its number (from 1), else 0, and then
 * *same_date is its place among the distinct values of its date (from 1).
 */
static size_t
earlier(const struct entry *e, size_t i, size_t *same_date)
{
	*same_date = 1;
	for (size_t j = 0; j < i; j++) {
		if (!same_text(e[j].date, e[i].date) &&
		    !(e[j].date == NULL && e[i].date == NULL))
			continue;
		if (same_text(e[j].value, e[i].value) || (e[j].value == NULL && e[i].value == NULL))
			return e[j].repeats ? e[j].repeats : j + 1;
		if (!e[j].repeats)
			++*same_date;
	}
	return 0;
}

/*
 * Every value of one figure: claims, or rejections with the reason. nth: how
 * many earlier figures have its name (0 for the first); repeat: one of them
 * is the same figure, value for value.
 */
static enum status
figure(const struct json_page *p, const cJSON *fig, int nth, int repeat, long *row, char *err)
{
	const struct sink *sink = p->ctx.sink;
	const char *name = jtext(fig, "name");
	const struct rw_name *n = rw_name_find(name);
	char why[ERR_MAX], key[400], nthkey[16] = "";
	enum status st = ST_OK;
	size_t count, dup, same_date;
	struct entry *e = entries_of(fig, &count);

	if (e == NULL) {
		err_set(err, "out of memory reading ReliefWeb key figure %ld", *row + 1);
		return ST_NOMEM;
	}
	if (nth > 0)   /* a distinct figure under a name used before: its own keys */
		snprintf(nthkey, sizeof nthkey, "|#%d", nth + 1);
	for (size_t i = 0; i < count && st == ST_OK; i++) {
		++*row;
		if (name == NULL || *name == '\0')
			sink->reject(sink->ctx, *row, "a key figure has no name: what it counts "
			    "is not known");
		else if (n == NULL || n->metric == NULL) {
			figure_why(name, n, why, sizeof why);
			sink->reject(sink->ctx, *row, why);
		} else if (repeat) {
			snprintf(why, sizeof why, "key figure '%.200s' repeats, value for value, an "
			    "earlier figure of the same name", name);
			sink->reject(sink->ctx, *row, why);
		} else if ((dup = e[i].repeats = earlier(e, i, &same_date)) != 0) {
			snprintf(why, sizeof why, "key figure '%.200s': value %.40s on %.40s repeats "
			    "entry %zu of its history", name, e[i].value != NULL ? e[i].value :
			    "(none)", e[i].date != NULL ? e[i].date : "(no date)", dup);
			sink->reject(sink->ctx, *row, why);
		} else {
			/* a second value on one date is a second count: its own key */
			snprintf(key, sizeof key, "rw|%.300s|%.40s%s", name,
			    e[i].date != NULL ? e[i].date : "", nthkey);
			if (same_date > 1)
				snprintf(key + strlen(key), sizeof key - strlen(key), "|%zu", same_date);
			st = entry_claim(p, fig, n, &e[i], key, *row);
		}
	}
	free(e);
	return st;
}

/*
 * A figure's fingerprint: FNV-1a over its value, objects order-blind (the sum
 * of their members' mixed hashes), so two figures equal member for member
 * (cJSON_Compare's sense) have the same one. A collision of two different
 * figures, at 64 bits among at most RW_FIGURES_MAX, would reject a figure as
 * a repeat: a refusal with its reason, never a wrong count.
 */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static uint64_t
value_hash(const cJSON *v)
{
	unsigned char type = (unsigned char)(v->type & 0xFF);
	uint64_t h = fnv1a(FNV1A_OFFSET, &type, 1), sum = 0, m;
	const cJSON *c;
	double d;

	if (cJSON_IsNumber(v)) {
		d = v->valuedouble == 0 ? 0 : v->valuedouble;   /* -0 is 0 */
		h = fnv1a(h, &d, sizeof d);
	} else if (cJSON_IsString(v))
		h = fnv1a(h, v->valuestring, strlen(v->valuestring) + 1);
	else if (cJSON_IsArray(v))
		cJSON_ArrayForEach(c, v) {
			m = value_hash(c);
			h = fnv1a(h, &m, sizeof m);
		}
	else if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v) {
			m = value_hash(c);
			m = fnv1a(fnv1a(FNV1A_OFFSET, c->string, strlen(c->string) + 1), &m, sizeof m);
			sum += mix(m);
		}
		h = fnv1a(h, &sum, sizeof sum);
	}
	return h;
}

/*
 * The figures read so far whose names the table reads (only theirs can be
 * claims): how many of each name, and each one's fingerprint (an open
 * addressing set, 0 for an empty slot), bounded by RW_FIGURES_MAX.
 */
#define RW_FIGURES_MAX 100000

struct rw_page {
	struct json_page page;
	unsigned        *names;   /* figures of rw_names[i] so far */
	uint64_t        *seen;
	size_t           nseen, cap;
	long             row;     /* the last row given (each value of a figure is one) */
};

/* Adds fingerprint h to the set; 1 if it was there, -1 if the set cannot grow. */
static int
seen_add(struct rw_page *w, uint64_t h)
{
	size_t i;

	h = h != 0 ? h : 1;
	if (w->nseen * 2 >= w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		uint64_t *t = calloc(cap, sizeof *t);

		if (t == NULL)
			return -1;
		for (size_t k = 0; k < w->cap; k++)
			if (w->seen[k] != 0) {
				for (i = w->seen[k] & (cap - 1); t[i] != 0; i = (i + 1) & (cap - 1))
					;
				t[i] = w->seen[k];
			}
		free(w->seen);
		w->seen = t;
		w->cap = cap;
	}
	for (i = h & (w->cap - 1); w->seen[i] != 0; i = (i + 1) & (w->cap - 1))
		if (w->seen[i] == h)
			return 1;
	w->seen[i] = h;
	w->nseen++;
	return 0;
}

/*
 * How many earlier figures have this one's name (*nth), and whether one of
 * them is equal to it, value for value (*repeat): remembered for the names
 * the table reads, whose figures alone can be claims.
 */
static enum status
earlier_figures(struct rw_page *w, const cJSON *fig, int *nth, int *repeat, char *err)
{
	const struct rw_name *n = rw_name_find(jtext(fig, "name"));
	size_t i;
	int r;

	*nth = *repeat = 0;
	if (n == NULL || n->metric == NULL)
		return ST_OK;
	i = (size_t)(n - rw_names);
	if (w->names == NULL && (w->names = calloc(rw_names_count, sizeof *w->names)) == NULL) {
		err_set(err, "out of memory reading ReliefWeb key figures");
		return ST_NOMEM;
	}
	if ((r = seen_add(w, fnv1a(value_hash(fig), &i, sizeof i))) < 0) {
		err_set(err, "out of memory reading ReliefWeb key figures");
		return ST_NOMEM;
	}
	if (w->nseen > RW_FIGURES_MAX) {
		err_set(err, "the file holds more than %d distinct key figures of the table's "
		    "names (RW_FIGURES_MAX; a real one holds tens): not ReliefWeb key figures",
		    RW_FIGURES_MAX);
		return ST_TOO_BIG;
	}
	*nth = (int)w->names[i]++;
	*repeat = r;
	return ST_OK;
}

/* The array opens: a file that does not say its country needs the feed's. */
static enum status
reliefweb_rows_start(struct json_page *p, char *err)
{
	if (p->ctx.country == NULL || *p->ctx.country == '\0') {
		err_set(err, "ReliefWeb key figures do not say their country, and this feed has "
		    "none: register it with --country ISO3 (figures-refresh --add-feed ID "
		    "--country SYR)");
		return ST_INVALID;
	}
	return ST_OK;
}

static enum status
reliefweb_row(struct json_page *p, const cJSON *fig, long n, char *err)
{
	struct rw_page *w = (struct rw_page *)p;
	const struct sink *sink = p->ctx.sink;
	int nth, repeat;
	enum status st;

	(void)n;
	if (!cJSON_IsObject(fig)) {
		sink->reject(sink->ctx, ++w->row, "a key figure is not a JSON object");
		return ST_OK;
	}
	if ((st = earlier_figures(w, fig, &nth, &repeat, err)) != ST_OK)
		return st;
	return figure(p, fig, nth, repeat, &w->row, err);
}

static enum status
reliefweb_end(struct json_page *p, const cJSON *env, char *err)
{
	(void)env;
	if (!p->rows_array) {
		err_set(err, "expected ReliefWeb key figures: a JSON array of figures");
		return ST_INVALID;
	}
	return ST_OK;
}

static void
reliefweb_release(struct json_page *p)
{
	struct rw_page *w = (struct rw_page *)p;

	free(w->names);
	free(w->seen);
}

/* [figures]: the body is the array. */
static const struct json_shape reliefweb_shape = {
	.size = sizeof(struct rw_page),
	.rows_start = reliefweb_rows_start,
	.row = reliefweb_row,
	.end = reliefweb_end,
	.release = reliefweb_release,
};

static void *
reliefweb_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, &reliefweb_shape, err);
}

const struct adapter adapter_reliefweb = {
	.name = "reliefweb",
	.description = "ReliefWeb crisis key figures (crisis-app-data figures.json; "
	    "needs the feed's --country)",
	.content_types = JSON_TYPES,
	.example_url = "https://raw.githubusercontent.com/reliefweb/crisis-app-data/"
	    "15d09e4e155887167d3df7f5de9c46c5ba2be672/edition/world/countries/SYR/figures.json",
	.begin = reliefweb_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
