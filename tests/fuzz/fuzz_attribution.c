/*
 * fuzz_attribution.c: the sentence that attributes a figure (render/attribution.h)
 * over any values a source may give.
 *
 * Input: up to 15 fields separated by '\n' (the field a feed could not have
 * given is an empty one, read as NULL): metric, qualifier, group, place name,
 * place type, as-of date, period start, period end, source name, via, unit,
 * cause, origin code, origin name, and a value (digits). Two claims are made
 * of it, the second with the fields in reverse, for a summary item too.
 * Each form, in each language, must succeed; the text form of valid UTF-8
 * input is valid UTF-8; every '<' of an HTML form opens one of our own tags
 * (a value's '<' is escaped), and the HTML form holds no '"' but our
 * attributes' own.
 */
#include "fuzz.h"
#include "render/attribution.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

#define NFIELDS 15

static const char *const langs[] = { "en", "ar", "fr", "es", "xx", NULL };

/* 1 if every '<' in s opens one of the tags attribution's HTML forms write. */
static int
only_our_tags(const char *s)
{
	static const char *const tags[] = { "<bdi>", "</bdi>", "<time datetime=\"", "</time>" };

	for (const char *p = s; (p = strchr(p, '<')) != NULL; p++) {
		size_t i;

		for (i = 0; i < 4 && strncmp(p, tags[i], strlen(tags[i])) != 0; i++)
			;
		if (i == 4)
			return 0;
		if (i == 2 && (strlen(p) < 28 || strncmp(p + 26, "\">", 2) != 0))
			return 0;   /* <time datetime="YYYY-MM-DD"> */
	}
	return 1;
}

/* '"' only in <time datetime="…">. */
static int
quotes_ours(const char *s)
{
	for (const char *p = s; (p = strchr(p, '"')) != NULL; p++)
		if (!(p >= s + 15 && strncmp(p - 15, "<time datetime=\"", 16) == 0) &&
		    !(p >= s + 26 && strncmp(p - 26, "<time datetime=\"", 16) == 0))
			return 0;
	return 1;
}

static void
fill(struct figure_row *f, char *const *v)
{
	memset(f, 0, sizeof *f);
	f->metric = v[0];
	f->qualifier = v[1];
	f->group = v[2];
	f->location.name = v[3];
	f->location.type = v[4];
	f->as_of = v[5];
	f->period_start = v[6];
	f->period_end = v[7];
	f->source.name = v[8];
	f->via = v[9];
	f->unit = v[10];
	f->cause = v[11];
	f->origin.code = v[12];
	f->origin.name = v[13];
	if (v[14] == NULL || !parse_count(v[14], &f->value))
		f->value = 785;
}

static void
check(const struct figure_row *f, const struct summary_item *item, const char *lang, int utf8)
{
	struct buf b;

	buf_init(&b, ATTRIBUTION_MAX);
	FUZZ_CHECK(attribution_figure(&b, f, lang) == ST_OK);
	FUZZ_CHECK(!utf8 || utf8_valid(b.data, b.len));
	buf_reset(&b);
	FUZZ_CHECK(attribution_summary(&b, item, lang) == ST_OK);
	FUZZ_CHECK(!utf8 || utf8_valid(b.data, b.len));
	buf_reset(&b);
	FUZZ_CHECK(attribution_figure_html(&b, f, lang) == ST_OK);
	FUZZ_CHECK(only_our_tags(b.data) && quotes_ours(b.data));
	buf_reset(&b);
	FUZZ_CHECK(attribution_summary_html(&b, item, lang) == ST_OK);
	FUZZ_CHECK(only_our_tags(b.data) && quotes_ours(b.data));
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size, 4000), *v[NFIELDS] = { 0 }, *rv[NFIELDS];
	struct figure_row claims[2];
	struct summary_item item = { .claims = claims, .n = 2 };
	size_t n = 0;
	int utf8 = utf8_valid(text, strlen(text));

	for (char *p = text; n < NFIELDS && p != NULL; n++) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		v[n] = *p != '\0' ? p : NULL;
		p = nl != NULL ? nl + 1 : NULL;
	}
	for (size_t i = 0; i < NFIELDS; i++)
		rv[i] = v[NFIELDS - 1 - i];
	fill(&claims[0], v);
	fill(&claims[1], rv);
	item.agree = claims[0].value == claims[1].value;
	for (size_t l = 0; langs[l] != NULL; l++) {
		check(&claims[0], &item, langs[l], utf8);
		item.n = 1;
		check(&claims[1], &item, langs[l], utf8);
		item.n = 2;
	}
	free(text);
	return 0;
}
