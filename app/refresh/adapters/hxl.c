/*
 * hxl.c: the adapter for HXL-tagged CSV, the way an NGO without an API
 * publishes (https://hxlstandard.org/standard/1-1final/), read as HXL tools
 * (libhxl-python) read it.
 *
 * Relies on: a hashtag row among the first HXL_SCAN_ROWS rows (libhxl's rule:
 * the first row at least half of whose non-empty cells are hashtags; rows
 * above it are titles and headers, its other cells untagged columns);
 * columns without a tag are ignored; attribute order and case do not matter
 * (#affected+f+idps = #Affected +IDPs+f); when two columns carry the same tag
 * spec, the first wins. Values are strings; counts may carry thousands
 * separators ("130,000"), which ingest accepts, or a zero decimal part
 * ("6563.0", as pandas writes them), which is dropped here.
 *
 * Columns read (see docs/FORMATS.md, "HXL-tagged CSV", the README's HXL
 * section, and sql/seed/):
 *   #affected+<metric>   one claim per non-empty cell; the metric is the set of
 *       attributes other than unit and sex, looked up in hxl_metrics (the metric
 *       table's own hxl column: +idps+returnees is idp_returnees); +ind or
 *       +individuals say people, +hh or +households households; +total is
 *       ignored. A column with one sex attribute (+m, +males, +f, +females)
 *       gives the males or females of the column of the same metric and unit;
 *       any other attribute (+children) makes a breakdown: not read.
 *   #date+occurred or #date (as of), #date+start, #date+end, #date+reported
 *   #country+code (also +iso3, +v_iso3, +iso2, +v_iso2), #country+name,
 *   bare #country (a name, or a code, which ingest resolves through ISO 3166),
 *   #adm1 … #adm5 +code (also +pcode) and +name (bare: a name), #loc+code,
 *   #loc+name, #loc+type
 *   …+origin on #country, #adm1, #adm2 (+code, +name, bare): where the people
 *   come from
 *   #cause, #cause+type, #cause+name: through cause_words.c onto conflict,
 *   violence, disaster, other
 *   #meta+source, #meta+source+code, #meta+source+type, #meta+source+org,
 *   #meta+source+url, #meta+via, #meta+url, #meta+qualifier, #meta+licence
 *   #description+group, #description+quote; #operation+name is the group
 *   when there is no #description+group (as the dtm and hapi adapters do)
 *   #operation+name, #assessment+type, #round+code, #event+name, #crisis+name:
 *   what tells two rows of one place and date apart (IOM DTM's baseline and
 *   site assessments of one round): part of the row's identity
 * Any other …+origin or #cause… column splits a count by what this adapter
 * cannot read: a row with a value there is refused, never stored as a total.
 *
 * Dates: ISO (with or without a time), English words ("1 March 2015", "March
 * 31, 2015"), and all-number dates whose order cannot be read two ways
 * ("19/3/15", "03-18-14", "2008-1-1"); "03/04/2015" is refused with its
 * value. A two-digit year is 19yy from 70, else 20yy (POSIX's %y). A file
 * with no as-of or period column (IOM DTM's export) is dated by
 * #date+reported.
 *
 * Identity: a sheet whose rows only differ by source, metric, place, group
 * and date is left to ingest's derived key. A sheet with a column that key
 * does not see (cause, origin, a household count, a context column above)
 * gets the adapter's own key: every field read, canonically.
 */
#include "../adapter.h"
#include "../csv.h"
#include "cause_words.h"
#include "../../core/strutil.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HXL_SCAN_ROWS   25
#define HXL_MAX_COLS    256
#define HXL_MAX_ROW     (256 * 1024)
#define HXL_SPEC_MAX    128
#define HXL_MAX_ATTRS   16
#define HXL_KEY_MAX     480     /* a longer key is hashed (resolve takes 500) */

enum hxl_col {
	COL_IGNORE = 0, COL_METRIC, COL_SEX, COL_SPLIT, COL_CONTEXT, COL_AFFECTED,
	COL_REPORTED, COL_AS_OF, COL_START, COL_END,
	COL_COUNTRY, COL_COUNTRY_NAME,
	COL_ADM1_CODE, COL_ADM1_NAME, COL_ADM2_CODE, COL_ADM2_NAME,
	COL_ADM3_CODE, COL_ADM3_NAME, COL_ADM4_CODE, COL_ADM4_NAME,
	COL_ADM5_CODE, COL_ADM5_NAME,
	COL_LOC_CODE, COL_LOC_NAME, COL_LOC_TYPE,
	COL_ORIGIN_COUNTRY, COL_ORIGIN_COUNTRY_NAME, COL_ORIGIN_ADM1_CODE,
	COL_ORIGIN_ADM1_NAME, COL_ORIGIN_ADM2_CODE, COL_ORIGIN_ADM2_NAME,
	COL_CAUSE, COL_OPERATION,
	COL_SOURCE, COL_SOURCE_CODE, COL_SOURCE_TYPE, COL_SOURCE_ORG, COL_SOURCE_URL,
	COL_VIA, COL_URL, COL_QUALIFIER, COL_LICENCE, COL_GROUP, COL_QUOTE, COL_UNIT,
	COL_MALES, COL_FEMALES,
	COL__COUNT
};

/* Canonical tag specs (attributes sorted, synonyms folded) and what each fills. */
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
	{ "#adm3+code",          COL_ADM3_CODE },
	{ "#adm3+name",          COL_ADM3_NAME },
	{ "#adm3",               COL_ADM3_NAME },
	{ "#adm4+code",          COL_ADM4_CODE },
	{ "#adm4+name",          COL_ADM4_NAME },
	{ "#adm4",               COL_ADM4_NAME },
	{ "#adm5+code",          COL_ADM5_CODE },
	{ "#adm5+name",          COL_ADM5_NAME },
	{ "#adm5",               COL_ADM5_NAME },
	{ "#loc+code",           COL_LOC_CODE },
	{ "#loc+name",           COL_LOC_NAME },
	{ "#loc",                COL_LOC_NAME },
	{ "#loc+type",           COL_LOC_TYPE },
	{ "#country+code+origin", COL_ORIGIN_COUNTRY },
	{ "#country+name+origin", COL_ORIGIN_COUNTRY_NAME },
	{ "#country+origin",     COL_ORIGIN_COUNTRY_NAME },
	{ "#adm1+code+origin",   COL_ORIGIN_ADM1_CODE },
	{ "#adm1+name+origin",   COL_ORIGIN_ADM1_NAME },
	{ "#adm1+origin",        COL_ORIGIN_ADM1_NAME },
	{ "#adm2+code+origin",   COL_ORIGIN_ADM2_CODE },
	{ "#adm2+name+origin",   COL_ORIGIN_ADM2_NAME },
	{ "#adm2+origin",        COL_ORIGIN_ADM2_NAME },
	{ "#cause",              COL_CAUSE },
	{ "#cause+type",         COL_CAUSE },
	{ "#cause+name",         COL_CAUSE },
	{ "#operation+name",     COL_OPERATION },
	{ "#meta+source",        COL_SOURCE },
	{ "#meta+code+source",   COL_SOURCE_CODE },
	{ "#meta+source+type",   COL_SOURCE_TYPE },
	{ "#meta+org+source",    COL_SOURCE_ORG },
	{ "#meta+source+url",    COL_SOURCE_URL },
	{ "#meta+via",           COL_VIA },
	{ "#meta+url",           COL_URL },
	{ "#meta+qualifier",     COL_QUALIFIER },
	{ "#meta+unit",          COL_UNIT },    /* figures' own export: people or households */
	{ "#meta+males",         COL_MALES },   /* figures' own export: the row's one count's */
	{ "#meta+females",       COL_FEMALES },
	{ "#meta+licence",       COL_LICENCE },
	{ "#description+group",  COL_GROUP },
	{ "#description+quote",  COL_QUOTE },
};

/* Columns that tell two rows of one place and date apart: part of the identity. */
static const char *const hxl_context[] = {
	"#operation+name", "#operation+code", "#operation", "#assessment+type",
	"#assessment", "#round+code", "#round", "#event+name", "#event+code", "#event+id",
	"#crisis+name", "#crisis+code",
};

/*
 * #affected's attributes (sorted, unit and sex removed) and the metric they
 * count: the metric table's hxl column (sql/migrations/0001 and 0013), which a
 * unit test checks this against.
 */
static const struct { const char *attrs; const char *metric; } hxl_metrics[] = {
	{ "displaced",          "displaced" },
	{ "idps",               "idps" },
	{ "refugees",           "refugees" },
	{ "asylum",             "asylum_seekers" },
	{ "returnees",          "returnees" },
	{ "idps+returnees",     "idp_returnees" },
	{ "refugees+returnees", "refugee_returnees" },
	{ "detained",           "detained" },
	{ "escaped",            "escaped" },
	{ "released",           "released" },
	{ "killed",             "killed" },
	{ "injured",            "injured" },
	{ "injured+killed",     "killed_injured" },
	{ "missing",            "missing" },
};

enum hxl_unit { UNIT_NONE = 0, UNIT_PEOPLE, UNIT_HOUSEHOLDS };

/* One column of the sheet, as its hashtag says. */
struct hxl_column {
	enum hxl_col  col;
	char         *spec;       /* the canonical spec, for messages (NULL if untagged) */
	const char   *metric;     /* COL_METRIC, COL_SEX: a code of hxl_metrics */
	enum hxl_unit unit;       /* COL_METRIC, COL_SEX */
	char          sex;        /* COL_SEX: 'm' or 'f' */
	int           males, females;   /* COL_METRIC: the sex column's index + 1; 0 none */
};

struct hxl {
	struct adapter_ctx ctx;
	struct csv        *csv;
	int                found;          /* the hashtag row has been seen */
	int                own_key;        /* the sheet needs the adapter's key */
	size_t             ncols;
	struct hxl_column  col[HXL_MAX_COLS];
	int                have[COL__COUNT];     /* the first column filling a field, + 1 */
	char               dates[4][11];         /* the row's dates, normalised */
	char               value[3][32];         /* a claim's value, males, females */
	char               key[HXL_KEY_MAX + 1];
	char               err[ERR_MAX];
};

/* A tag spec taken apart: the tag and its attributes, lower case, sorted. */
struct hxl_spec {
	char   buf[HXL_SPEC_MAX];
	char  *tag;
	char  *attr[HXL_MAX_ATTRS];
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if s is an HXL token: a letter, then letters, digits or '_' (libhxl's). */
static int
hxl_token(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/*
 * Parses a cell as a tag spec ("#Affected +IDPs+f") into sp. Returns 1, or 0
 * if the cell is not a well-formed hashtag.
 */
static int
hxl_parse(const char *cell, struct hxl_spec *sp)
{
	size_t n = 0;

	for (const char *p = cell; *p != '\0'; p++) {
		if (isspace((unsigned char)*p))
			continue;
		if (n + 1 >= sizeof sp->buf)
			return 0;
		sp->buf[n++] = (char)tolower((unsigned char)*p);
	}
	sp->buf[n] = '\0';
	if (n < 2 || sp->buf[0] != '#')
		return 0;
	sp->tag = sp->buf + 1;
	sp->n = 0;
	for (char *p = sp->buf + 1; *p != '\0'; p++) {
		if (*p != '+')
			continue;
		*p = '\0';
		if (sp->n >= HXL_MAX_ATTRS)
			return 0;
		sp->attr[sp->n++] = p + 1;
	}
	if (!hxl_token(sp->tag))
		return 0;
	for (size_t i = 0; i < sp->n; i++)
		if (!hxl_token(sp->attr[i]))
			return 0;
	qsort(sp->attr, sp->n, sizeof sp->attr[0], cmp_str);
	return 1;
}

/* Removes attribute i of sp. */
static void
spec_drop(struct hxl_spec *sp, size_t i)
{
	memmove(sp->attr + i, sp->attr + i + 1, (sp->n - i - 1) * sizeof sp->attr[0]);
	sp->n--;
}

/* 1 if sp has the attribute a (and removes it when drop is set). */
static int
spec_has(struct hxl_spec *sp, const char *a, int drop)
{
	for (size_t i = 0; i < sp->n; i++)
		if (strcmp(sp->attr[i], a) == 0) {
			if (drop)
				spec_drop(sp, i);
			return 1;
		}
	return 0;
}

/*
 * Folds synonyms a place's code is written with into +code: +pcode for the
 * admin levels, ISO 3166's +iso3, +v_iso3, +iso2 and +v_iso2 for #country
 * (hdx-python-country's and the HXL Proxy's). Other vocabularies (+v_fts, a
 * number of another list) are left as they are, so their columns are not read.
 */
static void
spec_fold_codes(struct hxl_spec *sp)
{
	static const char *const country[] = { "iso3", "v_iso3", "iso2", "v_iso2" };
	int code = 0;

	if (strncmp(sp->tag, "adm", 3) == 0)
		code |= spec_has(sp, "pcode", 1);
	else if (strcmp(sp->tag, "country") == 0)
		for (size_t i = 0; i < sizeof country / sizeof country[0]; i++)
			code |= spec_has(sp, country[i], 1);
	if (code && !spec_has(sp, "code", 0)) {
		if (sp->n >= HXL_MAX_ATTRS)
			return;
		sp->attr[sp->n++] = "code";
		qsort(sp->attr, sp->n, sizeof sp->attr[0], cmp_str);
	}
}

/* Writes sp as "#tag+a+b" into out. Returns 0 if it does not fit. */
static int
spec_text(const struct hxl_spec *sp, char *out, size_t size)
{
	int n = snprintf(out, size, "#%s", sp->tag);

	for (size_t i = 0; i < sp->n && n >= 0 && (size_t)n < size; i++)
		n += snprintf(out + n, size - (size_t)n, "+%s", sp->attr[i]);
	return n >= 0 && (size_t)n < size;
}

/* The attributes of sp joined by '+' ("idps+returnees"), into out. */
static void
attrs_text(const struct hxl_spec *sp, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sp->n; i++) {
		int w = snprintf(out + n, size - n, "%s%s", i > 0 ? "+" : "", sp->attr[i]);

		if (w < 0 || (size_t)w >= size - n)
			return;
		n += (size_t)w;
	}
}

/*
 * Reads an #affected column: its metric, unit and sex. Returns COL_METRIC,
 * COL_SEX, or COL_AFFECTED for one this adapter does not read (no metric, an
 * age group, two units).
 */
static enum hxl_col
hxl_affected(struct hxl_spec *sp, struct hxl_column *c)
{
	char attrs[HXL_SPEC_MAX];
	int ind, hh, m, f;

	spec_has(sp, "total", 1);
	ind = spec_has(sp, "ind", 1) + spec_has(sp, "individuals", 1);
	hh = spec_has(sp, "hh", 1) + spec_has(sp, "households", 1);
	m = spec_has(sp, "m", 1) + spec_has(sp, "males", 1);
	f = spec_has(sp, "f", 1) + spec_has(sp, "females", 1);
	if ((ind && hh) || m + f > 1)
		return COL_AFFECTED;
	c->unit = hh ? UNIT_HOUSEHOLDS : ind ? UNIT_PEOPLE : UNIT_NONE;
	attrs_text(sp, attrs, sizeof attrs);
	for (size_t i = 0; i < sizeof hxl_metrics / sizeof hxl_metrics[0]; i++)
		if (strcmp(attrs, hxl_metrics[i].attrs) == 0) {
			c->metric = hxl_metrics[i].metric;
			c->sex = m ? 'm' : f ? 'f' : 0;
			return c->sex ? COL_SEX : COL_METRIC;
		}
	return COL_AFFECTED;
}

/* 1 if a column of spec splits counts by what this adapter does not read. */
static int
hxl_splits(const struct hxl_spec *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		if (strcmp(sp->attr[i], "origin") == 0)
			return 1;
	return strcmp(sp->tag, "cause") == 0;
}

/* What a column of this (canonical) spec text fills. */
static enum hxl_col
hxl_field(const char *spec)
{
	for (size_t k = 0; k < sizeof hxl_columns / sizeof hxl_columns[0]; k++)
		if (strcmp(spec, hxl_columns[k].spec) == 0)
			return hxl_columns[k].col;
	for (size_t k = 0; k < sizeof hxl_context / sizeof hxl_context[0]; k++)
		if (strcmp(spec, hxl_context[k]) == 0)
			return COL_CONTEXT;
	return COL_IGNORE;
}

/*
 * 1 if ingest's derived key (source, metric, place, group, dates) cannot tell
 * apart rows that differ in this column.
 */
static int
hxl_needs_key(const struct hxl_column *c)
{
	return c->col == COL_CONTEXT || c->col == COL_OPERATION || c->col == COL_CAUSE ||
	    (c->col >= COL_ORIGIN_COUNTRY && c->col <= COL_ORIGIN_ADM2_NAME) ||
	    (c->col == COL_METRIC && c->unit == UNIT_HOUSEHOLDS);
}

/* Maps column i from its cell; returns 0 if out of memory. */
static int
hxl_map_column(struct hxl *h, size_t i, const char *cell)
{
	struct hxl_column *c = &h->col[i];
	struct hxl_spec sp;
	char spec[HXL_SPEC_MAX];

	if (!hxl_parse(cell, &sp))
		return 1;                  /* untagged: ignored */
	spec_fold_codes(&sp);
	if (!spec_text(&sp, spec, sizeof spec))
		return 1;                  /* too long to be one this adapter reads */
	if ((c->spec = strdup(spec)) == NULL)
		return 0;
	if (strcmp(sp.tag, "affected") == 0)
		c->col = hxl_affected(&sp, c);
	else if ((c->col = hxl_field(spec)) == COL_IGNORE && hxl_splits(&sp))
		c->col = COL_SPLIT;
	if (c->col >= COL_REPORTED) {
		if (h->have[c->col] && c->col != COL_CAUSE)
			c->col = COL_IGNORE;       /* the same spec twice: the first wins */
		else if (h->have[c->col])
			c->col = COL_SPLIT;        /* a second cause column: which says it? */
		else
			h->have[c->col] = (int)i + 1;
	}
	return 1;
}

/* 1 if two units count the same: people, whether said (+ind) or not. */
static int
same_unit(enum hxl_unit a, enum hxl_unit b)
{
	return (a == UNIT_HOUSEHOLDS) == (b == UNIT_HOUSEHOLDS);
}

/* The index of the column counting metric in unit, other than self; -1 if none. */
static long
hxl_total_of(const struct hxl *h, size_t self, const char *metric, enum hxl_unit unit)
{
	for (size_t k = 0; k < h->ncols; k++)
		if (k != self && h->col[k].col == COL_METRIC &&
		    strcmp(h->col[k].metric, metric) == 0 && same_unit(h->col[k].unit, unit))
			return (long)k;
	return -1;
}

/*
 * Two columns of one metric and unit: the second is not read (the first wins).
 * Each sex column goes with its total; two of one sex for one total (+m and
 * +males) are both left out, as neither can be told the right one.
 */
static void
hxl_pair_columns(struct hxl *h)
{
	for (size_t i = 0; i < h->ncols; i++) {
		struct hxl_column *c = &h->col[i];
		long t = c->col == COL_METRIC || c->col == COL_SEX ?
		    hxl_total_of(h, i, c->metric, c->unit) : -1;

		if (c->col == COL_METRIC && t >= 0 && (size_t)t < i)
			c->col = COL_IGNORE;
	}
	for (size_t i = 0; i < h->ncols; i++) {
		struct hxl_column *c = &h->col[i];
		long t = c->col == COL_SEX ? hxl_total_of(h, i, c->metric, c->unit) : -1;
		int *slot;

		if (t < 0)
			continue;
		slot = c->sex == 'm' ? &h->col[t].males : &h->col[t].females;
		*slot = *slot == 0 ? (int)i + 1 : -1;
	}
}

static int
hxl_map_columns(struct hxl *h, char **fields, size_t n)
{
	h->ncols = n < HXL_MAX_COLS ? n : HXL_MAX_COLS;
	for (size_t i = 0; i < h->ncols; i++)
		if (!hxl_map_column(h, i, fields[i]))
			return 0;
	hxl_pair_columns(h);
	for (size_t i = 0; i < h->ncols; i++)
		h->own_key |= hxl_needs_key(&h->col[i]);
	return 1;
}

/* 1 if at least half of the non-empty cells are hashtags (libhxl's rule). */
static int
hxl_is_tag_row(char **fields, size_t n)
{
	struct hxl_spec sp;
	size_t tags = 0, cells = 0;

	for (size_t i = 0; i < n; i++) {
		const char *f = fields[i];

		while (isspace((unsigned char)*f))
			f++;
		if (*f == '\0')
			continue;
		cells++;
		tags += (size_t)hxl_parse(f, &sp);
	}
	return tags > 0 && tags * 2 >= cells;
}

/* 1 if a cell says nothing: "", "nan" (pandas), "Not available" (IOM DTM), "n/a". */
static int
no_value(const char *s)
{
	return *s == '\0' || strcasecmp(s, "nan") == 0 || strcasecmp(s, "not available") == 0 ||
	    strcasecmp(s, "n/a") == 0;
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

/* Reads 1 to max digits at *p into *v; 1 if there were. */
static int
digits(const char **p, int max, int *v, int *len)
{
	*v = 0;
	for (*len = 0; *len < max && isdigit((unsigned char)**p); (*len)++, (*p)++)
		*v = *v * 10 + (**p - '0');
	return *len > 0 && !isdigit((unsigned char)**p);
}

/*
 * An all-number date: Y-M-D with one-digit parts ("2008-1-1"), or D/M/Y and
 * M/D/Y (separators '/', '-' or '.'; a year of 2 or 4 digits) where only one
 * order makes a date or both give the same day. Returns 1 and the date in out,
 * 0 if s is not of this form, -1 if it can be read two ways.
 */
static int
date_numbers(const char *s, char out[11])
{
	const char *p = s;
	int a, b, c, la, lb, lc, y, m, d;
	unsigned yy, mm, dd;
	char sep;

	if (!digits(&p, 4, &a, &la) || (*p != '/' && *p != '-' && *p != '.'))
		return 0;
	sep = *p++;
	if (!digits(&p, 2, &b, &lb) || *p++ != sep || !digits(&p, 4, &c, &lc) || *p != '\0')
		return 0;
	if (la == 4 && lc <= 2) {                 /* 2008-1-1 */
		y = a, m = b, d = c;
	} else if (la <= 2 && (lc == 4 || lc == 2)) {
		y = lc == 4 ? c : c < 70 ? 2000 + c : 1900 + c;
		if (a > 12 && b <= 12)
			d = a, m = b;
		else if (b > 12 && a <= 12)
			m = a, d = b;
		else if (a == b)
			d = m = a;
		else if (a <= 12 && b <= 12)
			return -1;
		else
			return 0;
	} else
		return 0;
	yy = (unsigned)y % 10000u, mm = (unsigned)m % 100u, dd = (unsigned)d % 100u;
	snprintf(out, 11, "%04u-%02u-%02u", yy, mm, dd);
	return date_valid(out) ? 1 : 0;
}

/*
 * Normalises a date cell into out. Returns 1, 0 if it is no date this adapter
 * knows (the cell then goes to ingest as it is, which refuses it with its
 * value), or -1 if it can be read two ways.
 */
static int
hxl_date(const char *s, char out[11])
{
	if (date_from_timestamp(s, out))
		return 1;
	return date_numbers(s, out);
}

/*
 * A count as ingest reads it: "6563.0" (pandas' float) is 6563; anything else
 * is kept as it is, for ingest to accept or refuse.
 */
static const char *
hxl_count(const char *s, char *out, size_t size)
{
	const char *dot = strchr(s, '.');
	size_t n;

	if (dot == NULL || dot == s || (n = (size_t)(dot - s)) >= size)
		return s;
	for (const char *p = s; p < dot; p++)
		if (!isdigit((unsigned char)*p) && *p != ',')
			return s;
	for (const char *p = dot + 1; *p != '\0'; p++)
		if (*p != '0')
			return s;
	if (dot[1] == '\0')
		return s;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}


/* Appends one field to the key being built (escaping '|' and '\'), hashing as it goes. */
struct keybuf {
	char    *out;
	size_t   len, size;
	int      full;
	uint64_t h[2];
};

static void
key_add(struct keybuf *k, const char *s)
{
	if (s == NULL)
		s = "";
	fnv1a_128(k->h, "|", 1);
	fnv1a_128(k->h, s, strlen(s) + 1);
	if (k->len > 0 && k->len + 1 < k->size)
		k->out[k->len++] = '|';
	for (; *s != '\0' && !k->full; s++) {
		if (k->len + 3 >= k->size) {
			k->full = 1;
			break;
		}
		if (*s == '|' || *s == '\\')
			k->out[k->len++] = '\\';
		k->out[k->len++] = *s;
	}
	k->out[k->len] = '\0';
}

/*
 * The adapter's key for claim c of row fields: "hxl", then every field that
 * can tell two claims apart, and the sheet's context columns; hashed (128
 * bits) when longer than HXL_KEY_MAX.
 */
static const char *
hxl_key(struct hxl *h, const struct claim *c, char **fields, size_t n)
{
	const char *const parts[] = {
		c->metric, c->unit != NULL ? c->unit : "people", c->cause,
		c->origin_country, c->origin_country_name, c->origin_adm1_code,
		c->origin_adm1_name, c->origin_adm2_code, c->origin_adm2_name,
		c->country, c->country_name, c->adm1_code, c->adm1_name, c->adm2_code,
		c->adm2_name, c->adm3_code, c->adm3_name, c->adm4_code, c->adm4_name,
		c->adm5_code, c->adm5_name, c->loc_code, c->loc_name, c->loc_type, c->group,
		c->as_of, c->period_start, c->period_end, c->source_code, c->source_name,
	};
	struct keybuf k = { .out = h->key, .size = sizeof h->key,
	    .h = { FNV1A_OFFSET, FNV1A_OFFSET_LANE2 } };

	key_add(&k, "hxl");
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		key_add(&k, parts[i]);
	for (size_t i = 0; i < n && i < h->ncols; i++)
		if (h->col[i].col == COL_CONTEXT || h->col[i].col == COL_OPERATION)
			key_add(&k, no_value(fields[i]) ? "" : fields[i]);
	if (k.full || k.len > HXL_KEY_MAX)
		snprintf(h->key, sizeof h->key, "hxl#%016llx%016llx",
		    (unsigned long long)k.h[0], (unsigned long long)k.h[1]);
	return h->key;
}

/* The cell of field col in this row, or NULL when it says nothing. */
static const char *
cell_of(const struct hxl *h, enum hxl_col col, char **fields, size_t n)
{
	int i = h->have[col] - 1;

	return i >= 0 && (size_t)i < n && !no_value(fields[i]) ? fields[i] : NULL;
}

/* Rejects row with a formatted reason. */
static void hxl_reject(struct hxl *h, long row, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
hxl_reject(struct hxl *h, long row, const char *fmt, ...)
{
	char why[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	h->ctx.sink->reject(h->ctx.sink->ctx, row, why);
}

/*
 * The row's dates, normalised into h->dates. Returns 0 (the row rejected) if
 * one can be read two ways.
 */
static int
hxl_dates(struct hxl *h, long row, const char *d[4])
{
	static const char *const names[] = { "#date+reported", "as-of date", "#date+start",
	    "#date+end" };
	char shown[48];

	for (int i = 0; i < 4; i++) {
		int r;

		if (d[i] == NULL || (r = hxl_date(d[i], h->dates[i])) == 0)
			continue;
		if (r < 0) {
			utf8_copy(shown, sizeof shown, d[i]);
			hxl_reject(h, row, "%s '%s' can be read as day/month or month/day: "
			    "refused rather than guessed (write it YYYY-MM-DD)", names[i], shown);
			return 0;
		}
		d[i] = h->dates[i];
	}
	return 1;
}

/* Fills c with the row's fields other than the count. Returns 0 if the row was rejected. */
static int
hxl_claim_base(struct hxl *h, long row, char **fields, size_t n, struct claim *c,
    char cause[CAUSE_MAX])
{
	const char *d[4] = { cell_of(h, COL_REPORTED, fields, n), cell_of(h, COL_AS_OF, fields, n),
	    cell_of(h, COL_START, fields, n), cell_of(h, COL_END, fields, n) };
	const char *v;
	char why[ERR_MAX];

	if (!hxl_dates(h, row, d))
		return 0;
	c->row = row;
	c->reported_on = d[0];
	c->as_of = d[1];
	/* IOM DTM's export dates each round only by #date+reported: that is its date */
	if (!h->have[COL_AS_OF] && !h->have[COL_START] && !h->have[COL_END])
		c->as_of = d[0];
	c->period_start = d[2];
	c->period_end = d[3];
	if ((v = cell_of(h, COL_CAUSE, fields, n)) != NULL) {
		if (!cause_from_words(v, cause, why, ERR_MAX)) {
			hxl_reject(h, row, "%s", why);
			return 0;
		}
		c->cause = *cause != '\0' ? cause : NULL;
	}
#define F(field, col) c->field = cell_of(h, col, fields, n)
	F(country, COL_COUNTRY); F(country_name, COL_COUNTRY_NAME);
	F(adm1_code, COL_ADM1_CODE); F(adm1_name, COL_ADM1_NAME);
	F(adm2_code, COL_ADM2_CODE); F(adm2_name, COL_ADM2_NAME);
	F(adm3_code, COL_ADM3_CODE); F(adm3_name, COL_ADM3_NAME);
	F(adm4_code, COL_ADM4_CODE); F(adm4_name, COL_ADM4_NAME);
	F(adm5_code, COL_ADM5_CODE); F(adm5_name, COL_ADM5_NAME);
	F(loc_code, COL_LOC_CODE); F(loc_name, COL_LOC_NAME); F(loc_type, COL_LOC_TYPE);
	F(origin_country, COL_ORIGIN_COUNTRY); F(origin_country_name, COL_ORIGIN_COUNTRY_NAME);
	F(origin_adm1_code, COL_ORIGIN_ADM1_CODE); F(origin_adm1_name, COL_ORIGIN_ADM1_NAME);
	F(origin_adm2_code, COL_ORIGIN_ADM2_CODE); F(origin_adm2_name, COL_ORIGIN_ADM2_NAME);
	F(source_name, COL_SOURCE); F(source_code, COL_SOURCE_CODE);
	F(source_type, COL_SOURCE_TYPE); F(source_org, COL_SOURCE_ORG);
	F(source_url, COL_SOURCE_URL); F(via, COL_VIA); F(url, COL_URL);
	F(qualifier, COL_QUALIFIER); F(licence, COL_LICENCE); F(group, COL_GROUP);
	F(quote, COL_QUOTE);
#undef F
	if (!h->have[COL_GROUP])
		c->group = cell_of(h, COL_OPERATION, fields, n);
	return 1;
}

/* The value of a sex column (index + 1 in ref) for this row, or NULL. */
static const char *
hxl_sex_value(int ref, char **fields, size_t n, char *buf, size_t size)
{
	if (ref <= 0 || (size_t)ref > n || no_value(fields[ref - 1]))
		return NULL;
	return hxl_count(fields[ref - 1], buf, size);
}

/* Emits one claim per #affected+<metric> cell of the row; *emitted counts them. */
static enum status
hxl_emit(struct hxl *h, char **fields, size_t n, struct claim *c, size_t *emitted)
{
	static const char *const units[] = { NULL, "people", "households" };
	enum status st;
	size_t counts = 0;

	for (size_t i = 0; i < n && i < h->ncols; i++)
		counts += h->col[i].col == COL_METRIC && !no_value(fields[i]);

	for (size_t i = 0; i < n && i < h->ncols; i++) {
		const struct hxl_column *col = &h->col[i];

		if (col->col != COL_METRIC || no_value(fields[i]))
			continue;
		c->metric = col->metric;
		/* a column's +hh or +ind says; else the row's #meta+unit (as figures exports) */
		c->unit = col->unit != UNIT_NONE ? units[col->unit] : cell_of(h, COL_UNIT, fields, n);
		c->value = hxl_count(fields[i], h->value[0], sizeof h->value[0]);
		c->males = hxl_sex_value(col->males, fields, n, h->value[1], sizeof h->value[1]);
		c->females = hxl_sex_value(col->females, fields, n, h->value[2],
		    sizeof h->value[2]);
		/* the row's #meta+males/+females (figures' export) only for a row of one count */
		if (counts == 1 && col->males == 0 && col->females == 0) {
			c->males = hxl_sex_value(h->have[COL_MALES], fields, n, h->value[1],
			    sizeof h->value[1]);
			c->females = hxl_sex_value(h->have[COL_FEMALES], fields, n, h->value[2],
			    sizeof h->value[2]);
		}
		c->key = h->own_key ? hxl_key(h, c, fields, n) : NULL;
		(*emitted)++;
		if ((st = h->ctx.sink->claim(h->ctx.sink->ctx, c)) != ST_OK)
			return st;
	}
	return ST_OK;
}

/* Rejects a row that gave no count, naming an #affected column it had a value in, if any. */
static void
hxl_no_count(struct hxl *h, long row, char **fields, size_t n)
{
	for (size_t i = 0; i < n && i < h->ncols; i++)
		if ((h->col[i].col == COL_AFFECTED || h->col[i].col == COL_SEX) &&
		    !no_value(fields[i])) {
			hxl_reject(h, row, "the row has no value in any #affected column this adapter "
			    "reads (#affected+<metric>, e.g. +idps, +killed); %s is a breakdown or "
			    "names no metric it knows", h->col[i].spec);
			return;
		}
	hxl_reject(h, row, "the row has no value in any #affected+<metric> column");
}

/* A data row: its claims, or the reason it is refused. */
static enum status
hxl_data_row(struct hxl *h, long row, char **fields, size_t n)
{
	struct claim c;
	char cause[CAUSE_MAX];
	size_t emitted = 0, nonempty = 0;
	enum status st;

	for (size_t i = 0; i < n; i++)
		if (*(fields[i] = trim(fields[i])) != '\0')
			nonempty++;
	if (nonempty == 0)
		return ST_OK;

	/* A count split by what is not read is a part, not the place's total: refused. */
	for (size_t i = 0; i < n && i < h->ncols; i++)
		if (h->col[i].col == COL_SPLIT && !no_value(fields[i])) {
			char value[64];

			utf8_copy(value, sizeof value, fields[i]);
			hxl_reject(h, row, "the row's counts are split by %s ('%s'), which this "
			    "adapter does not read: refused rather than stored as the place's total",
			    h->col[i].spec, value);
			return ST_OK;
		}
	memset(&c, 0, sizeof c);
	if (!hxl_claim_base(h, row, fields, n, &c, cause))
		return ST_OK;
	if ((st = hxl_emit(h, fields, n, &c, &emitted)) != ST_OK)
		return st;
	if (emitted == 0)
		hxl_no_count(h, row, fields, n);
	return ST_OK;
}

static enum status
hxl_row(void *arg, long row, char **fields, size_t n)
{
	struct hxl *h = arg;

	if (h->found)
		return hxl_data_row(h, row, fields, n);
	if (hxl_is_tag_row(fields, n)) {
		if (!hxl_map_columns(h, fields, n)) {
			err_set(h->err, "hxl: out of memory");
			return ST_NOMEM;
		}
		h->found = 1;
	} else if (row >= HXL_SCAN_ROWS) {
		err_set(h->err, "no HXL hashtag row in the first %d rows: "
		    "is this an HXL-tagged CSV?", HXL_SCAN_ROWS);
		return ST_INVALID;
	}
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
	for (size_t i = 0; i < HXL_MAX_COLS; i++)
		free(h->col[i].spec);
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
