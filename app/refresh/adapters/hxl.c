/*
 * hxl.c: the adapter for HXL-tagged CSV, the way an NGO without an API
 * publishes (https://hxlstandard.org/standard/1-1final/).
 *
 * Relies on: a hashtag row among the first HXL_SCAN_ROWS rows (the first row
 * whose non-empty cells are all hashtags; rows above it are titles and
 * headers); columns without a tag are ignored; attribute order does not
 * matter (#affected+f+idps = #affected+idps+f); when two columns carry the
 * same tag spec, the first wins. Values are strings; counts may carry
 * thousands separators ("130,000"), which ingest accepts.
 *
 * Columns read (see docs/FORMATS.md, "HXL-tagged CSV", and sql/seed/):
 *   #affected+<metric>[+ind|+total]  one figure per non-empty cell, metric =
 *                                    the attribute (escaped, idps, killed…);
 *                                    any other attribute (+f, +children, +hh)
 *                                    makes it a breakdown, not a total: ignored
 *   #date+occurred (as of), #date+start, #date+end, #date+reported
 *   #country+code, #country+name (bare #country: a name, or a code, which
 *   ingest resolves through ISO 3166), #adm1+code, #adm1+name, #adm2+code,
 *   #adm2+name, #loc+code, #loc+name, #loc+type
 *   #meta+source, #meta+source+code, #meta+source+type, #meta+source+org,
 *   #meta+source+url, #meta+via, #meta+url, #meta+qualifier, #meta+licence
 *   #description+group, #description+quote
 *   #cause…, …+origin: a count split by cause or origin is refused (figures
 *   does not store those yet), so a part is never stored as a total
 * A file with no as-of or period column (IOM DTM's export) is dated by
 * #date+reported. A row's identity is left to ingest: source, metric,
 * location, group, date.
 */
#include "../adapter.h"
#include "../csv.h"
#include "../../core/strutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HXL_SCAN_ROWS   25
#define HXL_MAX_COLS    256
#define HXL_MAX_ROW     (256 * 1024)
#define HXL_SPEC_MAX    128

enum hxl_col {
	COL_IGNORE = 0, COL_METRIC,
	COL_REPORTED, COL_AS_OF, COL_START, COL_END,
	COL_COUNTRY, COL_COUNTRY_NAME, COL_ADM1_CODE, COL_ADM1_NAME,
	COL_ADM2_CODE, COL_ADM2_NAME, COL_LOC_CODE, COL_LOC_NAME, COL_LOC_TYPE,
	COL_SOURCE, COL_SOURCE_CODE, COL_SOURCE_TYPE, COL_SOURCE_ORG, COL_SOURCE_URL,
	COL_VIA, COL_URL, COL_QUALIFIER, COL_LICENCE, COL_GROUP, COL_QUOTE,
	COL__COUNT
};

/* Normalised tag specs (attributes sorted) and the claim field each fills. */
static const struct { const char *spec; enum hxl_col col; } hxl_columns[] = {
	{ "#date+reported",      COL_REPORTED },
	{ "#date+occurred",      COL_AS_OF },
	{ "#date",               COL_AS_OF },
	{ "#date+start",         COL_START },
	{ "#date+end",           COL_END },
	{ "#country+code",       COL_COUNTRY },
	{ "#country+name",       COL_COUNTRY_NAME },
	{ "#country",            COL_COUNTRY_NAME },   /* libhxl's samples: a name (or a code) */
	{ "#adm1+code",          COL_ADM1_CODE },
	{ "#adm1+name",          COL_ADM1_NAME },
	{ "#adm1",               COL_ADM1_NAME },      /* bare: a name, as libhxl's samples */
	{ "#adm2+code",          COL_ADM2_CODE },
	{ "#adm2+name",          COL_ADM2_NAME },
	{ "#adm2",               COL_ADM2_NAME },
	{ "#loc+code",           COL_LOC_CODE },
	{ "#loc+name",           COL_LOC_NAME },
	{ "#loc",                COL_LOC_NAME },
	{ "#loc+type",           COL_LOC_TYPE },
	{ "#meta+source",        COL_SOURCE },
	{ "#meta+code+source",   COL_SOURCE_CODE },
	{ "#meta+source+type",   COL_SOURCE_TYPE },
	{ "#meta+org+source",    COL_SOURCE_ORG },
	{ "#meta+source+url",    COL_SOURCE_URL },
	{ "#meta+via",           COL_VIA },
	{ "#meta+url",           COL_URL },
	{ "#meta+qualifier",     COL_QUALIFIER },
	{ "#meta+licence",       COL_LICENCE },
	{ "#description+group",  COL_GROUP },
	{ "#description+quote",  COL_QUOTE },
};

struct hxl {
	struct adapter_ctx ctx;
	struct csv        *csv;
	int                found;          /* the hashtag row has been seen */
	size_t             ncols;
	enum hxl_col       cols[HXL_MAX_COLS];
	char              *metric[HXL_MAX_COLS]; /* for COL_METRIC columns */
	int                have[COL__COUNT];     /* a column already fills this field */
	char              *split[HXL_MAX_COLS];  /* the spec of a cause or origin column */
	char               err[ERR_MAX];
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Normalises a tag spec ("#Affected +IDPs+f" → "#affected+f+idps") into out.
 * Returns 1, or 0 if cell is not a hashtag.
 */
static int
hxl_normalise(const char *cell, char *out, size_t outsz)
{
	char tmp[HXL_SPEC_MAX], *parts[32];
	size_t n = 0, np = 0, len = 0;

	for (const char *p = cell; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (n + 1 >= sizeof tmp)
			return 0;
		tmp[n++] = (char)tolower((unsigned char)*p);
	}
	tmp[n] = '\0';
	if (n < 2 || tmp[0] != '#')
		return 0;
	for (char *p = tmp + 1; *p != '\0'; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '+'))
			return 0;
	/* split "#tag+a+b" into the tag and its attributes */
	parts[np++] = tmp;
	for (char *p = tmp; *p != '\0'; p++) {
		if (*p != '+')
			continue;
		*p = '\0';
		if (p[1] == '\0' || p[1] == '+' || np >= sizeof parts / sizeof parts[0])
			return 0;
		parts[np++] = p + 1;
	}
	if (parts[0][1] == '\0')
		return 0;
	qsort(parts + 1, np - 1, sizeof parts[0], cmp_str);
	for (size_t i = 0; i < np; i++) {
		size_t l = strlen(parts[i]);

		if (len + l + 2 > outsz)
			return 0;
		if (i > 0)
			out[len++] = '+';
		memcpy(out + len, parts[i], l);
		len += l;
	}
	out[len] = '\0';
	return 1;
}

/*
 * If spec is "#affected+<metric>" (optionally with +ind or +total, which say
 * "individuals" and "in all"), returns a copy of the metric name.
 */
static char *
hxl_metric_of(const char *spec)
{
	char tmp[HXL_SPEC_MAX], *attr, *save = NULL, *metric = NULL;

	if (strncmp(spec, "#affected+", 10) != 0)
		return NULL;
	strlcpy_n(tmp, sizeof tmp, spec + 10, strlen(spec + 10));
	for (attr = strtok_r(tmp, "+", &save); attr != NULL;
	    attr = strtok_r(NULL, "+", &save)) {
		if (strcmp(attr, "ind") == 0 || strcmp(attr, "total") == 0)
			continue;
		if (metric != NULL)
			return NULL;      /* a breakdown such as +f or +children */
		metric = attr;
	}
	return metric != NULL ? strdup(metric) : NULL;
}

/* 1 if every non-empty cell is a hashtag and at least one is. */
static int
hxl_is_tag_row(char **fields, size_t n)
{
	char spec[HXL_SPEC_MAX];
	int tags = 0;

	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i];

		while (isspace((unsigned char)*f))
			f++;
		if (*f == '\0')
			continue;
		if (!hxl_normalise(f, spec, sizeof spec))
			return 0;
		tags++;
	}
	return tags > 0;
}

/*
 * 1 if a column of this spec splits a count by what figures does not store
 * yet: its cause (#cause) or where its people came from (+origin).
 */
static int
hxl_splits(const char *spec)
{
	const char *origin = strstr(spec, "+origin");

	return strncmp(spec, "#cause", 6) == 0 && (spec[6] == '\0' || spec[6] == '+') ? 1 :
	    origin != NULL && (origin[7] == '\0' || origin[7] == '+');
}

/* 1 if a split column's cell says nothing ("", "nan", "Not available"). */
static int
no_value(const char *s)
{
	return *s == '\0' || strcasecmp(s, "nan") == 0 || strcasecmp(s, "not available") == 0 ||
	    strcasecmp(s, "n/a") == 0;
}

static void
hxl_map_columns(struct hxl *h, char **fields, size_t n)
{
	char spec[HXL_SPEC_MAX];

	h->ncols = n < HXL_MAX_COLS ? n : HXL_MAX_COLS;
	for (size_t i = 0; i < h->ncols; i++) {
		h->cols[i] = COL_IGNORE;
		if (!hxl_normalise(fields[i], spec, sizeof spec))
			continue;
		if ((h->metric[i] = hxl_metric_of(spec)) != NULL) {
			/* duplicate metric columns: the first wins */
			for (size_t k = 0; k < i; k++)
				if (h->metric[k] != NULL && strcmp(h->metric[k], h->metric[i]) == 0) {
					free(h->metric[i]);
					h->metric[i] = NULL;
					break;
				}
			if (h->metric[i] != NULL)
				h->cols[i] = COL_METRIC;
			continue;
		}
		if (hxl_splits(spec)) {
			h->split[i] = strdup(spec);   /* NULL if out of memory: then not checked */
			continue;
		}
		for (size_t k = 0; k < sizeof hxl_columns / sizeof hxl_columns[0]; k++) {
			enum hxl_col col = hxl_columns[k].col;

			if (strcmp(spec, hxl_columns[k].spec) != 0 || h->have[col])
				continue;
			h->cols[i] = col;
			h->have[col] = 1;
			break;
		}
	}
}

/* Trims ASCII blanks around a cell, in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static enum status
hxl_row(void *arg, long row, char **fields, size_t n)
{
	struct hxl *h = arg;
	const char *cell[COL__COUNT] = { 0 };
	struct claim c;
	size_t emitted = 0, nonempty = 0;
	enum status st;

	if (!h->found) {
		if (hxl_is_tag_row(fields, n)) {
			hxl_map_columns(h, fields, n);
			h->found = 1;
		} else if (row >= HXL_SCAN_ROWS) {
			err_set(h->err, "no HXL hashtag row in the first %d rows: "
			    "is this an HXL-tagged CSV?", HXL_SCAN_ROWS);
			return ST_INVALID;
		}
		return ST_OK;
	}
	for (size_t i = 0; i < n && i < h->ncols; i++) {
		fields[i] = trim(fields[i]);
		if (fields[i][0] != '\0')
			nonempty++;
		if (h->cols[i] != COL_IGNORE && h->cols[i] != COL_METRIC)
			cell[h->cols[i]] = fields[i];
	}
	if (nonempty == 0)
		return ST_OK;

	/*
	 * A count split by cause or origin is a part, not the place's total, and
	 * figures cannot say which part yet: refused, never stored as the total.
	 */
	for (size_t i = 0; i < n && i < h->ncols; i++)
		if (h->split[i] != NULL && !no_value(fields[i])) {
			char why[ERR_MAX], value[64];

			utf8_copy(value, sizeof value, fields[i]);
			snprintf(why, sizeof why, "the row's counts are split by %s ('%s'), which "
			    "figures does not store yet: refused rather than stored as the place's "
			    "total", h->split[i], value);
			h->ctx.sink->reject(h->ctx.sink->ctx, row, why);
			return ST_OK;
		}

	memset(&c, 0, sizeof c);
	c.row = row;
	c.reported_on = cell[COL_REPORTED];
	c.as_of = cell[COL_AS_OF];
	/* IOM DTM's export dates each round only by #date+reported: that is its date */
	if (!h->have[COL_AS_OF] && !h->have[COL_START] && !h->have[COL_END])
		c.as_of = cell[COL_REPORTED];
	c.period_start = cell[COL_START];
	c.period_end = cell[COL_END];
	c.country = cell[COL_COUNTRY];
	c.country_name = cell[COL_COUNTRY_NAME];
	c.adm1_code = cell[COL_ADM1_CODE];
	c.adm1_name = cell[COL_ADM1_NAME];
	c.adm2_code = cell[COL_ADM2_CODE];
	c.adm2_name = cell[COL_ADM2_NAME];
	c.loc_code = cell[COL_LOC_CODE];
	c.loc_name = cell[COL_LOC_NAME];
	c.loc_type = cell[COL_LOC_TYPE];
	c.source_name = cell[COL_SOURCE];
	c.source_code = cell[COL_SOURCE_CODE];
	c.source_type = cell[COL_SOURCE_TYPE];
	c.source_org = cell[COL_SOURCE_ORG];
	c.source_url = cell[COL_SOURCE_URL];
	c.via = cell[COL_VIA];
	c.url = cell[COL_URL];
	c.qualifier = cell[COL_QUALIFIER];
	c.licence = cell[COL_LICENCE];
	c.group = cell[COL_GROUP];
	c.quote = cell[COL_QUOTE];

	for (size_t i = 0; i < n && i < h->ncols; i++) {
		if (h->cols[i] != COL_METRIC || fields[i][0] == '\0')
			continue;
		c.metric = h->metric[i];
		c.value = fields[i];
		emitted++;
		if ((st = h->ctx.sink->claim(h->ctx.sink->ctx, &c)) != ST_OK)
			return st;
	}
	if (emitted == 0)
		h->ctx.sink->reject(h->ctx.sink->ctx, row,
		    "the row has no value in any #affected+<metric> column");
	return ST_OK;
}

static void hxl_free(void *state);

static void *
hxl_begin(const struct adapter_ctx *ctx, char *err)
{
	struct hxl *h;

	if ((h = calloc(1, sizeof *h)) == NULL) {
		err_set(err, "hxl: out of memory");
		return NULL;
	}
	h->ctx = *ctx;
	if ((h->csv = csv_new(hxl_row, h, HXL_MAX_ROW, HXL_MAX_COLS)) == NULL) {
		err_set(err, "hxl: out of memory");
		hxl_free(h);
		return NULL;
	}
	return h;
}

static enum status
hxl_write(void *state, const char *data, size_t n, char *err)
{
	struct hxl *h = state;
	enum status st;

	h->err[0] = '\0';
	st = csv_feed(h->csv, data, n, err);
	if (st != ST_OK && h->err[0] != '\0')
		err_set(err, "%s", h->err);
	return st;
}

static enum status
hxl_end(void *state, char *err)
{
	struct hxl *h = state;
	enum status st;

	h->err[0] = '\0';
	if ((st = csv_finish(h->csv, err)) != ST_OK) {
		if (h->err[0] != '\0')
			err_set(err, "%s", h->err);
		return st;
	}
	if (!h->found) {
		err_set(err, "no HXL hashtag row found: is this an HXL-tagged CSV?");
		return ST_INVALID;
	}
	return ST_OK;
}

static enum status
hxl_next_page(void *state, char *url, size_t size)
{
	(void)state;
	(void)url;
	(void)size;
	return ST_NOT_FOUND;  /* a CSV file is one page */
}

static void
hxl_free(void *state)
{
	struct hxl *h = state;

	if (h == NULL)
		return;
	csv_free(h->csv);
	for (size_t i = 0; i < HXL_MAX_COLS; i++) {
		free(h->metric[i]);
		free(h->split[i]);
	}
	free(h);
}

const struct adapter adapter_hxl = {
	.name = "hxl",
	.description = "HXL-tagged CSV (one claim per #affected+<metric> cell)",
	.content_types = "text/csv text/plain application/csv application/octet-stream "
	    "application/vnd.ms-excel",
	.example_url = "https://example.org/data/figures.csv",
	.begin = hxl_begin,
	.write = hxl_write,
	.end = hxl_end,
	.next_page = hxl_next_page,
	.free = hxl_free,
};
