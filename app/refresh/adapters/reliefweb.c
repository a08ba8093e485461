/*
 * reliefweb.c: ReliefWeb crisis key figures, as the ReliefWeb Crises app
 * publishes them per country:
 *   https://raw.githubusercontent.com/reliefweb/crisis-app-data/v2/edition/world/countries/<ISO3>/figures.json
 *
 * Relies on: a JSON array of figures, each with name, value, date, url,
 * source (a name such as "OCHA"), and values: the figure's history, each
 * {value, date, url}. The country is the <ISO3> in the URL. The history
 * carries real defects consumers guard against (the same entry twice, a
 * zero with an impossible date such as 2015-12-32): identical entries are
 * read once; an impossible date is rejected by ingest like any other.
 *
 * Mapped: each history entry (or the headline, when there is no history) is
 * a claim dated by its date; the metric comes from the figure's name
 * ("displaced", "refugees", "killed" …), and a name with none is rejected
 * with the name; the group is the name; who said it is the figure's source.
 */
#include "json_page.h"
#include "../../core/strutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/*
 * The metric a key figure's name speaks of, or NULL. Words, not substrings
 * ("midpoint" holds no IDPs, "deadline" no deaths); a stem matches a word's
 * start ("displace" reads "displaced" and "displacement"). Most specific first.
 */
static const char *
metric_of(const char *name)
{
	static const struct { const char *metric, *stem; int whole; } words[] = {
		{ "idps", "idp", 1 }, { "idps", "idps", 1 },
		{ "refugees", "refugee", 0 },
		{ "returnees", "returnee", 0 }, { "returnees", "returned", 1 },
		{ "displaced", "displace", 0 }, { "displaced", "fled", 1 },
		{ "killed", "killed", 1 }, { "killed", "death", 0 }, { "killed", "dead", 1 },
		{ "killed", "fatalities", 1 },
		{ "injured", "injur", 0 }, { "injured", "wounded", 1 },
		{ "missing", "missing", 1 },
		{ "detained", "detain", 0 }, { "detained", "arrest", 0 },
		{ "released", "released", 1 },
	};
	const char *best = NULL;
	size_t rank = sizeof words / sizeof words[0];

	if (name == NULL)
		return NULL;
	/* "internally displaced" says idps, before any single word does */
	if (strcasestr(name, "internally displaced") != NULL)
		return "idps";
	for (const char *w = name; *w != '\0';) {
		size_t len;

		while (*w != '\0' && !isalnum((unsigned char)*w))
			w++;
		for (len = 0; isalnum((unsigned char)w[len]); len++)
			;
		for (size_t i = 0; i < rank; i++) {
			size_t sl = strlen(words[i].stem);

			if (len >= sl && strncasecmp(w, words[i].stem, sl) == 0 &&
			    (!words[i].whole || len == sl)) {
				best = words[i].metric;
				rank = i;
				break;
			}
		}
		w += len;
	}
	return best;
}

/* The ISO3 in ".../countries/SYR/...", upper-cased into out; 1 if found. */
static int
country_of(const char *url, char out[4])
{
	const char *p = strstr(url, "/countries/");

	if (p == NULL)
		return 0;
	p += strlen("/countries/");
	return strnlen(p, 3) == 3 && country_code(p, 3, out) && (p[3] == '/' || p[3] == '\0');
}

static int
same_entry(const cJSON *a, const cJSON *b)
{
	char x[32], y[32];
	const char *va = jcount(a, "value", x, sizeof x), *vb = jcount(b, "value", y, sizeof y);
	const char *da = jtext(a, "date"), *db = jtext(b, "date");

	return va != NULL && vb != NULL && da != NULL && db != NULL && strcmp(va, vb) == 0 &&
	    strcmp(da, db) == 0;
}

static enum status
figure(const struct json_page *p, const cJSON *fig, const char *iso3, long *row)
{
	const struct sink *sink = p->ctx.sink;
	const char *name = jtext(fig, "name"), *metric = metric_of(name);
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(fig, "values"), *v, *w;
	char value[32], key[512], why[200];
	int history = cJSON_IsArray(values) && cJSON_GetArraySize(values) > 0;
	enum status st;

	if (metric == NULL) {
		snprintf(why, sizeof why, "no metric in the key figure '%.120s'",
		    name != NULL ? name : "(no name)");
		sink->reject(sink->ctx, ++*row, why);
		return ST_OK;
	}
	/* the history when there is one (it holds the headline too), else the headline */
	for (v = history ? values->child : fig; v != NULL; v = history ? v->next : NULL) {
		struct claim c = { .row = ++*row, .metric = metric, .group = name,
		    .country = iso3, .source_name = jtext(fig, "source"),
		    .via = "ReliefWeb key figures" };
		int dup = 0;

		for (w = history ? values->child : NULL; w != NULL && w != v; w = w->next)
			dup |= same_entry(w, v);
		if (dup)
			continue;
		c.value = jcount(v, "value", value, sizeof value);
		c.as_of = jtext(v, "date");
		/* an entry's own document only: the headline's report is not its source */
		c.url = jtext(v, "url");
		snprintf(key, sizeof key, "rw|%s|%.300s|%.40s", iso3, name,
		    c.as_of != NULL ? c.as_of : "");
		c.key = key;
		if ((st = sink->claim(sink->ctx, &c)) != ST_OK)
			return st;
		if (!history)
			break;
	}
	return ST_OK;
}

static enum status
reliefweb_parse(struct json_page *p, const cJSON *root, char *err)
{
	const cJSON *fig;
	char iso3[4];
	long row = 0;
	enum status st;

	if (!cJSON_IsArray(root)) {
		err_set(err, "expected ReliefWeb key figures: a JSON array of figures");
		return ST_INVALID;
	}
	if (!country_of(p->ctx.url, iso3)) {
		err_set(err, "the URL names no country: key figures live at "
		    ".../countries/<ISO3>/figures.json");
		return ST_INVALID;
	}
	cJSON_ArrayForEach(fig, root) {
		if (!cJSON_IsObject(fig)) {
			p->ctx.sink->reject(p->ctx.sink->ctx, ++row, "a figure is not a JSON object");
			continue;
		}
		if ((st = figure(p, fig, iso3, &row)) != ST_OK)
			return st;
	}
	return ST_OK;
}

static void *
reliefweb_begin(const struct adapter_ctx *ctx, char *err)
{
	return json_page_begin(ctx, reliefweb_parse, err);
}

const struct adapter adapter_reliefweb = {
	.name = "reliefweb",
	.description = "ReliefWeb crisis key figures (crisis-app-data figures.json)",
	.content_types = JSON_TYPES,
	.example_url = "https://raw.githubusercontent.com/reliefweb/crisis-app-data/v2/edition/world/"
	    "countries/SYR/figures.json",
	.begin = reliefweb_begin,
	.write = json_page_write,
	.end = json_page_end,
	.next_page = json_page_next,
	.free = json_page_free,
};
